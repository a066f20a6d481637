"""Celery tasks of the base app; thin, the work is in plain functions."""

from celery import shared_task
from django.utils import timezone

from . import builds
from . import retention as engine
from .models import WorkerHeartbeat


def record_heartbeat(name):
    WorkerHeartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})


@shared_task(name="kuzbib.base.heartbeat", ignore_result=True)
def heartbeat(name="celery"):
    """Run by beat every minute; ``/healthz`` shows when a worker last did it."""
    record_heartbeat(name)


@shared_task(name="kuzbib.base.retention", acks_late=True, ignore_result=True)
def retention(*, keys=None):
    """Run by beat once a day (and from the admin's report, for the kinds ``keys`` a user may
    run): anonymise personal data past its retention period."""
    engine.run(keys=keys)


@shared_task(name="kuzbib.base.sweep_builds", ignore_result=True)
def sweep_builds():
    """Run by beat: background builds of every app whose message was lost or whose worker died
    are sent again, those asked for too long ago fail, old ones are deleted with their files
    (``builds.sweep``)."""
    builds.sweep(timezone.now())
