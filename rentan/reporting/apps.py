from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "rentan.reporting"
    label = "reporting"
    verbose_name = "Laporan"
