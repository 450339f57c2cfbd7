from django.urls import path

from rentan.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.report, name="report"),
    path("unduh/<slug:table>/", views.report_xlsx, name="report_xlsx"),
    path("publik/", views.public, name="public"),
]
