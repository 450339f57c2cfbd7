from django.urls import path

from rentan.registry import change_request_views, duplicate_views, occupation_views, views

app_name = "registry"
urlpatterns = [
    path("", views.person_list, name="person_list"),
    path("tambah/", views.person_create, name="person_create"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/ubah/", views.person_edit, name="person_edit"),
    path("<int:pk>/nonaktifkan/", views.person_deactivate, name="person_deactivate"),
    path("<int:pk>/aktifkan/", views.person_reactivate, name="person_reactivate"),
    path("<int:pk>/verifikasi/", views.person_verify, name="person_verify"),
    path("<int:pk>/nik/", views.person_reveal_nik, name="person_reveal_nik"),
    path("<int:pk>/audit/", views.person_audit, name="person_audit"),
    path(
        "<int:pk>/usulan-nonaktif/",
        change_request_views.person_request_deactivation,
        name="person_request_deactivation",
    ),
    path("usulan/", change_request_views.change_request_list, name="change_request_list"),
    path(
        "usulan/<int:pk>/", change_request_views.change_request_detail, name="change_request_detail"
    ),
    path(
        "usulan/<int:pk>/setujui/",
        change_request_views.change_request_approve,
        name="change_request_approve",
    ),
    path(
        "usulan/<int:pk>/tolak/",
        change_request_views.change_request_reject,
        name="change_request_reject",
    ),
    path(
        "usulan/<int:pk>/tarik/",
        change_request_views.change_request_withdraw,
        name="change_request_withdraw",
    ),
    path("jenis-pekerjaan/", occupation_views.occupation_list, name="occupation_list"),
    path(
        "jenis-pekerjaan/<slug:code>/",
        occupation_views.occupation_aliases,
        name="occupation_aliases",
    ),
    path("duplikat/", duplicate_views.duplicate_list, name="duplicate_list"),
    path("duplikat/cari/", duplicate_views.duplicate_search, name="duplicate_search"),
    path("duplikat/latar/", duplicate_views.duplicate_background, name="duplicate_background"),
    path("duplikat/bobot/", duplicate_views.duplicate_weights, name="duplicate_weights"),
    path("duplikat/<int:pk>/gabung/", duplicate_views.duplicate_merge, name="duplicate_merge"),
    path(
        "duplikat/<int:pk>/berbeda/", duplicate_views.duplicate_distinct, name="duplicate_distinct"
    ),
]
