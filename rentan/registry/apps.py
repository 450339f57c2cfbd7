from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "rentan.registry"
    label = "registry"
    verbose_name = "Registri pekerja"
