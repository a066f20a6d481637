"""The diplomas' batch with real processes and real failures, as the pipeline's drills
(test_pipeline_faults.py, whose fixtures and mail counting these reuse): Redis stopped when the
chair asks, a worker killed in the middle of the batch, the batch's message delivered twice; and
the batch run by a worker, then a participant downloading their diploma. Each test starts its
own ``celery worker``; the worker writes its e-mail to files for the test to count.

«In the middle of the batch» is held, not timed: the contest's entry prefix starts with
``slow-``, so every diploma's file is named ``slow-…`` and the worker holds it when it reads it
back to bind the batch (the ``held_files`` fixture, tests/hooks/slow_files.py) — by then every
diploma is issued and rendered, no e-mail has gone and the batch is «being built»."""

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from contests import diplomas, tasks
from contests.models import ContestPage, Diploma, DiplomaBatch, JuryMember
from kuzbib_site.base.queue import enqueue
from kuzbib_site.base.tasks import sweep_builds
from tests.contests import test_pipeline_faults as pipeline
from tests.factories.documents import publish_results
from tests.factories.jury import EntryFactory, JuryMemberFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

ENTRIES = 4  # three diplomas and a certificate

# The pipeline drills' fixture (the private files and a mail folder shared with the worker) and
# their count of what the worker sent.
worker_env = pipeline.worker_env
sent_subjects = pipeline.sent_subjects


def judged(contest):
    """``ENTRIES`` judged entries of ``contest`` with published results; returns its chair."""
    for _ in range(ENTRIES):
        EntryFactory(contest=contest)
    chair = JuryMemberFactory(contest=contest, role=JuryMember.Role.CHAIR).user
    publish_results(contest)
    return chair


def issued(contest):
    return dict(Diploma.objects.filter(contest=contest).values_list("number", "code"))


def batch_ready():
    return DiplomaBatch.objects.filter(status=DiplomaBatch.Status.READY).exists()


def as_chair(chair):
    client = Client()
    client.force_login(chair)
    return client


def told_once(env, contest):
    """Every participant was sent exactly one e-mail about their diploma."""
    subjects = sent_subjects(env)
    kinds = list(Diploma.objects.filter(contest=contest).values_list("kind", flat=True))
    with translation.override("ru"):
        expected = sorted(
            str(diplomas.SUBJECTS[kind]) % {"contest": contest.title} for kind in kinds
        )
    return sorted(subjects) == expected and len(subjects) == ENTRIES


def test_diplomas_asked_for_while_redis_is_down_are_built_when_it_returns(
    contest, own_redis, use_broker, start_worker, worker_env, settings, wait_until
):
    chair = judged(contest)
    app = use_broker(own_redis.url())
    worker = start_worker(app, own_redis.url(), env=worker_env)
    own_redis.stop()

    response = as_chair(chair).post(reverse("contests_jury:diplomas", args=[contest.pk]))

    assert response.status_code == 302  # the chair gets the page back all the same
    batch = DiplomaBatch.objects.get()
    assert batch.status == DiplomaBatch.Status.REQUESTED and not Diploma.objects.exists()

    own_redis.start()  # back, empty: the message that could not be sent is not there either
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "BUILDS": {"STUCK_AFTER": 0}}
    sweep_builds()  # what beat runs
    wait_until(batch_ready, worker=worker)
    wait_until(lambda: told_once(worker_env, contest), worker=worker)
    batch.refresh_from_db()
    assert batch.diploma_count == ENTRIES and Diploma.objects.count() == ENTRIES


def test_a_worker_killed_mid_batch_finishes_it_once_after_the_sweep(
    contest,
    redis_url,
    use_broker,
    start_worker,
    held_files,
    worker_env,
    settings,
    wait_until,
    wait_until_idle,
):
    ContestPage.objects.filter(pk=contest.pk).update(entry_prefix="slow-2026")
    contest.refresh_from_db()
    chair = judged(contest)
    app = use_broker(redis_url)
    env = {**worker_env, **held_files.env}
    worker = start_worker(app, redis_url, pool="prefork", env=env)
    held_files.hold()

    batch = diplomas.request(contest, chair)  # autocommit: sent to the worker at once
    held_files.wait_held(worker=worker)  # every diploma issued and rendered, binding them
    worker.kill()

    batch.refresh_from_db()
    assert batch.status == DiplomaBatch.Status.RUNNING
    before = issued(contest)
    assert len(before) == ENTRIES and sent_subjects(worker_env) == []

    held_files.release()
    worker = start_worker(app, redis_url, pool="prefork", env=env)
    # The sweeper queues again what is «being built» beyond RUNNING_TIMEOUT; here it sees that
    # time as passed rather than wait two hours.
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "BUILDS": {"RUNNING_TIMEOUT": -60}}
    sweep_builds()
    wait_until(batch_ready, worker=worker, timeout=120)
    wait_until(lambda: told_once(worker_env, contest), worker=worker)
    wait_until_idle(worker)

    assert issued(contest) == before  # the same numbers and codes, each diploma once
    assert Diploma.objects.count() == ENTRIES
    assert told_once(worker_env, contest)
    batch.refresh_from_db()
    assert len(PdfReader(batch.file.open("rb")).pages) == ENTRIES


def test_the_batch_delivered_twice_runs_once(
    contest, redis_url, use_broker, start_worker, worker_env, wait_until, wait_until_idle
):
    chair = judged(contest)
    app = use_broker(redis_url)
    worker = start_worker(app, redis_url, env=worker_env)

    batch = diplomas.request(contest, chair)
    assert enqueue(tasks.build_diplomas, build_id=batch.pk)  # the second delivery
    wait_until(lambda: worker.output().count("kuzbib.contests.build_diplomas[") >= 4, worker=worker)
    wait_until(batch_ready, worker=worker)
    wait_until(lambda: told_once(worker_env, contest), worker=worker)
    # And one participant's e-mail task delivered twice more.
    first = Diploma.objects.order_by("pk").first()
    assert enqueue(tasks.send_diploma, diploma_id=first.pk)
    assert enqueue(tasks.send_diploma, diploma_id=first.pk)
    wait_until_idle(worker)

    assert DiplomaBatch.objects.get().diploma_count == ENTRIES
    assert Diploma.objects.count() == ENTRIES
    assert told_once(worker_env, contest)


def test_a_worker_builds_the_batch_and_the_participant_downloads_theirs(
    client, contest, redis_url, use_broker, start_worker, worker_env, wait_until
):
    chair = judged(contest)
    app = use_broker(redis_url)
    worker = start_worker(app, redis_url, env=worker_env)

    as_chair(chair).post(reverse("contests_jury:diplomas", args=[contest.pk]))
    wait_until(batch_ready, worker=worker)

    assert "kuzbib.contests.build_diplomas" in worker.output()  # the worker did it
    diploma = Diploma.objects.select_related("entry").order_by("pk").first()
    entry = diploma.entry
    status_page = client.get(contest.url + f"entry/{entry.token}/").content.decode()
    link = contest.url + f"entry/{entry.token}/diploma/"
    assert link in status_page
    response = client.get(link)
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert diploma.number in text and entry.last_name in text
