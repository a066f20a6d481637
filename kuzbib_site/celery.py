"""The Celery app. Without REDIS_URL tasks run eagerly in the calling process; with it they go
through Redis to workers consuming the ``default``, ``files``, ``pdf`` and ``mail`` queues."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzbib_site.settings.dev")

app = Celery("kuzbib")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "files", "pdf", "mail")]
app.autodiscover_tasks()
