from django.urls import path

from rentan.reporting import mayor_views

app_name = "reporting"
urlpatterns = [
    path("wali-kota/", mayor_views.mayor_report, name="mayor_report"),
    path(
        "wali-kota/<slug:code>/<int:year>/<str:month>.pdf",
        mayor_views.mayor_pdf_view,
        name="mayor_pdf",
    ),
]
