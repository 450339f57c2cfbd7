from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rentan.core"
    label = "core"
    verbose_name = "Inti"
