"""Our site's project package. Importing it (or the shared core ``kuzbib_site.base``) has no side
effects: our Celery app lives in ``kuzbib_site.celery`` and is loaded by our site's ``home`` app
and by ``celery -A kuzbib_site.celery``, so that a host site keeps its own Celery app and
settings."""
