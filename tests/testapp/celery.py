"""The host site's Celery app. Without a broker its tasks run in the calling process
(``CELERY_TASK_ALWAYS_EAGER`` in the settings)."""

from celery import Celery

app = Celery("testapp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
