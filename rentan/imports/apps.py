from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "rentan.imports"
    label = "imports"
    verbose_name = "Impor data"
