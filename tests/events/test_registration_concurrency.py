"""Registration under load and through the real queue: concurrent registrations for the last
places never overbook, and the e-mail task goes through Redis to a Celery worker."""

import threading
import time

import pytest
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


def test_email_task_goes_through_redis_to_the_worker(conference_tree, celery_worker):
    conference = open_registration(conference_tree["conference"], capacity=None)
    registration = rules.register(conference, data(1))  # on_commit: no outer transaction
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        registration.refresh_from_db()
        if registration.last_emailed_at:
            break
        time.sleep(0.2)
    assert registration.last_emailed_at, celery_worker.output()
    assert not celery_worker.app.conf.task_always_eager  # the worker ran it, not this process
