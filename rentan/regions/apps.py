from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "rentan.regions"
    label = "regions"
    verbose_name = "Wilayah"
