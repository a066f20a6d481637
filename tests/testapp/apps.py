from django.apps import AppConfig

# The host site's own Celery app, as Celery's Django guide sets one up; the plugins' shared
# tasks run on it.
from .celery import app as celery_app  # noqa: F401


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "kuzbib_testapp"
