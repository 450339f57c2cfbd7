from django.apps import AppConfig


class EnrollmentConfig(AppConfig):
    name = "rentan.enrollment"
    label = "enrollment"
    verbose_name = "Kepesertaan BPJS"
