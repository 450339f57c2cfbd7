import os

from django.core.asgi import get_asgi_application

# Production unless told otherwise, as in config/wsgi.py.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
application = get_asgi_application()
