"""The WSGI entry point for servers (gunicorn). Without DJANGO_SETTINGS_MODULE it loads the
production settings, which refuse to start when a required variable is missing: a server started
without configuration must never run with DEBUG on and the development key. Only ``manage.py``
defaults to the development settings."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzbib_site.settings.production")

application = get_wsgi_application()
