"""Registration under load and through the real queue: concurrent registrations for the last
places never overbook, and the e-mail task goes through Redis to a Celery worker."""

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from events.domain import registration as rules
from events.models import Registration
from tests.factories.events import RegistrationFactory, open_registration

pytestmark = pytest.mark.django_db(transaction=True)


def data(n):
    return {
        "name": f"Участник {n}",
        "email": f"race{n}@library.example.ru",
        "new_library_name": "Библиотека",
        "role": "listener",
    }


def test_concurrent_registrations_for_the_last_places(conference_tree):
    """50 people at once for the last 10 places: exactly 10 confirmed, 40 waitlisted."""
    threads_count = 50
    conference = open_registration(conference_tree["conference"], capacity=15)
    for _ in range(5):
        RegistrationFactory(conference=conference)
    barrier = threading.Barrier(threads_count)
    errors = []

    def worker(n):
        try:
            barrier.wait(timeout=30)
            rules.register(conference, data(n))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    race = Registration.objects.filter(email__startswith="race")
    assert race.filter(status="confirmed").count() == 10
    assert race.filter(status="waitlisted").count() == 40
    assert Registration.objects.filter(conference=conference, status="confirmed").count() == 15


def test_email_task_goes_through_redis_to_the_worker(conference_tree, celery_worker, wait_until):
    conference = open_registration(conference_tree["conference"], capacity=None)
    registration = rules.register(conference, data(1))  # on_commit: no outer transaction
    emailed = Registration.objects.filter(pk=registration.pk).exclude(last_emailed_at=None)
    wait_until(emailed.exists, timeout=30, worker=celery_worker, what="the e-mail")
    # The worker sent it, not this process: nothing in this process's outbox, and the worker
    # says it ran the task.
    assert mail.outbox == []
    assert re.search(
        r"Task kuzbib\.events\.send_registration_email\[[-0-9a-f]+\] succeeded",
        celery_worker.output(),
    ), celery_worker.output()
