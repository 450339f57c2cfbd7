from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "rentan.programmes"
    label = "programmes"
    verbose_name = "Program dan seleksi"
