from django.apps import AppConfig
from django.contrib.staticfiles import apps as staticfiles


class CoreConfig(AppConfig):
    name = "rentan.core"
    label = "core"
    verbose_name = "Inti"


class StaticFilesConfig(staticfiles.StaticFilesConfig):
    """collectstatic leaves out what no page serves: ninja's ReDoc (the API documents itself
    with Swagger UI). Compressing it and its source map took half of a deployment's
    collectstatic."""

    ignore_patterns = [*staticfiles.StaticFilesConfig.ignore_patterns, "redoc.*"]
