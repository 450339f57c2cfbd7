import os

from django.core.wsgi import get_wsgi_application

# Production unless told otherwise: a server started without its settings refuses to start
# (no secret key, no hosts) instead of serving with DEBUG on. Development and tests name
# their settings (Makefile, the `rentan` command, pytest).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_wsgi_application()
