from django.urls import path

from rentan.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("seleksi/", views.selection_index, name="selection_index"),
    path("<slug:code>/", views.programme_detail, name="programme_detail"),
    path("<slug:code>/keputusan/", views.decisions, name="decisions"),
    path("<slug:code>/aturan/", views.programme_rules, name="programme_rules"),
    path("<slug:code>/pengecualian/", views.exclusion_import, name="exclusion_import"),
    path("<slug:code>/<int:year>/", views.cycle_selection, name="cycle_selection"),
    path("<slug:code>/<int:year>/alokasi/", views.cycle_allocate, name="cycle_allocate"),
    path("<slug:code>/<int:year>/tetapkan/", views.cycle_approve, name="cycle_approve"),
    path("<slug:code>/<int:year>/pekerja/<int:person_pk>/", views.explain, name="explain"),
    path(
        "<slug:code>/<int:year>/pekerja/<int:person_pk>/kecualikan/",
        views.exclude_person,
        name="exclude_person",
    ),
    path(
        "<slug:code>/<int:year>/pekerja/<int:person_pk>/batal-kecualikan/",
        views.lift_exclusion,
        name="lift_exclusion",
    ),
    path(
        "<slug:code>/<int:year>/pekerja/<int:person_pk>/surat/",
        views.explain_letter,
        name="explain_letter",
    ),
    path("<slug:code>/<int:year>/lampiran.xlsx", views.lampiran_xlsx, name="lampiran_xlsx"),
    path("<slug:code>/<int:year>/lampiran.pdf", views.lampiran_pdf, name="lampiran_pdf"),
]
