"""The Celery app. Without REDIS_URL tasks run eagerly in the calling process; with it they go
through Redis to workers consuming the ``default``, ``files``, ``pdf`` and ``mail`` queues.

Without DJANGO_SETTINGS_MODULE a worker or beat loads the production settings (which refuse to
start when a required variable is missing), never the development ones with DEBUG on and a public
key; ``make worker`` and ``make beat`` name the development settings explicitly."""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kuzbib_site.settings.production")

app = Celery("kuzbib")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = [Queue(name) for name in ("default", "files", "pdf", "mail")]
app.autodiscover_tasks()
