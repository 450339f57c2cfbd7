from django.urls import path

from rentan.imports import field_form_views, views

app_name = "imports"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("desil/", views.desil_lists, name="desil_lists"),
    path("desil/kemajuan/", views.desil_progress, name="desil_progress"),
    path("templat.xlsx", views.template_download, name="template"),
    path("kobo/", field_form_views.field_forms, name="field_forms"),
    path(
        "kobo/<int:pk>/nonaktifkan/",
        field_form_views.field_form_deactivate,
        name="field_form_deactivate",
    ),
    # KoboToolbox's REST service posts each submission here, with the form's secret.
    path("kobo/kiriman/", field_form_views.kobo_submission, name="kobo_submission"),
    path("<int:pk>/", views.batch_detail, name="batch_detail"),
    path("<int:pk>/kemajuan/", views.batch_progress, name="batch_progress"),
    path("<int:pk>/kolom/", views.batch_map_columns, name="batch_map_columns"),
    path("<int:pk>/baris/<int:row>/", views.batch_decide_row, name="batch_decide_row"),
    path("<int:pk>/simpan/", views.batch_commit, name="batch_commit"),
    path("<int:pk>/ulang/", views.batch_retry, name="batch_retry"),
    path("<int:pk>/batal/", views.batch_discard, name="batch_discard"),
    path("<int:pk>/kesalahan.xlsx", views.batch_error_file, name="batch_error_file"),
]
