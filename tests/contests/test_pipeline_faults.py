"""The processing pipeline with real processes and real failures: Redis stopped while an entry is
submitted, a worker killed in the middle of a file, the same task delivered twice, a file that
takes longer than the time limit. Each test starts its own ``celery worker`` processes; the
worker writes its e-mail to files so that the test can count what participants received.

A file «in the middle of being read» is one named ``slow-…`` that the worker holds for as long
as the test says (the ``held_files`` fixture, tests/hooks/slow_files.py): what happens while it
is read does not depend on how fast the machine reads an 800-page PDF."""

import email
import os
import signal
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contests import submission, tasks
from contests.models import Entry
from kuzbib_site.base.queue import enqueue
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample
from tests.factories.contests import entry_data, uploads

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(300)]

FINISHED = "Обработка завершена"


@pytest.fixture
def worker_env(settings, tmp_path, contest):
    """What a worker process must share with this one: the private files and a mail folder."""
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    contest.max_file_mb = contest.max_entry_mb = 20
    contest.save()
    return {
        "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
        "KUZBIB_TEST_MAIL_DIR": str(mail_dir),
    }


def sent_subjects(env):
    """Subjects of the messages the worker wrote (the file backend separates them by dashes)."""
    subjects = []
    for path in sorted(Path(env["KUZBIB_TEST_MAIL_DIR"]).iterdir()):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                message = email.message_from_bytes(chunk)
                subjects.append(str(make_header(decode_header(message["Subject"]))))
    return subjects


def settled(entry):
    return lambda: not Entry.objects.get(pk=entry.pk).is_pending


def finished_runs(entry):
    log = Entry.objects.get(pk=entry.pk).processing_log
    return [line for line in log if line["message"].startswith(FINISHED)]


def submit_slow(contest, pages=3):
    """An entry whose one file a worker started with ``held_files.env`` holds while reading it."""
    return submission.submit(
        contest, entry_data(contest), uploads(("slow-work.pdf", sample.pdf(pages=pages), "pdf"))
    )  # autocommit: sent to the worker at once


def test_an_entry_submitted_while_redis_is_down_is_processed_when_it_returns(
    client, contest, own_redis, use_broker, start_worker, worker_env, settings, wait_until
):
    app = use_broker(own_redis.url())
    worker = start_worker(app, own_redis.url(), env=worker_env)
    own_redis.stop()
    municipality = MunicipalityFactory()
    data = {
        **{k: v for k, v in entry_data(contest).items() if v is not None},
        "nomination": contest.nominations.first().pk,
        "municipality": municipality.pk,
        "library": LibraryFactory(municipality=municipality).pk,
        "birth_date": "2000-01-01",
        "consent": "on",
        "files": [SimpleUploadedFile("работа.pdf", sample.pdf())],
    }
    data.pop("new_library_name")
    response = client.post(contest.url + "submit/", data)
    assert response.status_code == 302  # the participant gets the receipt page all the same
    entry = Entry.objects.get()
    assert entry.status == Entry.Status.RECEIVED and entry.receipt_sent_at is None
    assert entry.files.get().file.size > 0

    own_redis.start()  # back, empty: the message that could not be sent is not there either
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "SWEEP_AFTER_SECONDS": 0}
    tasks.sweep()  # what beat runs every two minutes
    wait_until(settled(entry), worker=worker)
    wait_until(lambda: len(sent_subjects(worker_env)) == 2, worker=worker)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY and len(finished_runs(entry)) == 1
    assert sorted(sent_subjects(worker_env)) == sorted(
        [
            f"Конкурсная работа {entry.code}: готова к оценке",
            f"Конкурсная работа {entry.code} получена: {contest.title}",
        ]
    )


def test_a_worker_killed_mid_file_processes_the_entry_once_after_restart(
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
    app = use_broker(redis_url)
    env = {**worker_env, **held_files.env}
    worker = start_worker(app, redis_url, pool="prefork", env=env)
    held_files.hold()
    entry = submit_slow(contest)
    held_files.wait_held(worker=worker)  # claimed, and in the middle of its file
    worker.kill()
    entry.refresh_from_db()
    assert entry.status == Entry.Status.PROCESSING and finished_runs(entry) == []

    held_files.release()
    worker = start_worker(app, redis_url, pool="prefork", env=env)
    # The sweeper sends again what is «being checked» beyond the hard time limit; here we
    # make it see that limit as passed rather than wait two and a half minutes.
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "PROCESSING_TIME_LIMIT": -60}
    tasks.sweep()
    wait_until(settled(entry), worker=worker, timeout=120)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY, worker.output()
    assert entry.processing_attempts == 2 and len(finished_runs(entry)) == 1
    assert entry.files.get().pages == 3
    wait_until(lambda: len(sent_subjects(worker_env)) == 2, worker=worker)
    wait_until_idle(worker)
    assert len(sent_subjects(worker_env)) == 2  # one receipt, one «ready»: nothing twice


def test_a_pool_process_killed_mid_file_is_replaced_and_the_task_requeued(
    contest, redis_url, use_broker, start_worker, held_files, worker_env, wait_until
):
    app = use_broker(redis_url)
    worker = start_worker(app, redis_url, pool="prefork", env={**worker_env, **held_files.env})
    held_files.hold()
    entry = submit_slow(contest)
    holder = held_files.wait_held(worker=worker)
    (child,) = worker.children()
    assert holder == child
    os.kill(child, signal.SIGKILL)  # the OOM killer picks the pool process, not the worker
    # reject_on_worker_lost puts the message back; a new pool process takes it again.
    assert held_files.wait_held(count=2, worker=worker) not in (child, worker.process.pid)
    held_files.release()
    wait_until(settled(entry), worker=worker, timeout=120)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY, worker.output()
    assert entry.processing_attempts == 2 and len(finished_runs(entry)) == 1


def test_the_same_task_delivered_twice_gives_one_result(
    contest, redis_url, use_broker, start_worker, worker_env, wait_until, wait_until_idle
):
    app = use_broker(redis_url)
    worker = start_worker(app, redis_url, env=worker_env)
    entry = submission.submit(
        contest, entry_data(contest), uploads(("a.docx", sample.docx([sample.LOREM]), "docx"))
    )
    assert enqueue(tasks.process_entry, entry_id=entry.pk)  # the second delivery
    wait_until(lambda: worker.output().count("kuzbib.contests.process_entry[") >= 4, worker=worker)
    wait_until(lambda: len(sent_subjects(worker_env)) == 2, worker=worker)
    entry.refresh_from_db()
    assert entry.status == Entry.Status.READY
    assert entry.processing_attempts == 1 and len(finished_runs(entry)) == 1
    wait_until_idle(worker)
    assert len(sent_subjects(worker_env)) == 2


def test_a_file_slower_than_the_time_limit_cannot_hold_the_worker(
    contest, redis_url, use_broker, start_worker, held_files, worker_env, wait_until, monkeypatch
):
    app = use_broker(redis_url)
    env = {
        **worker_env,
        **held_files.env,
        "KUZBIB_PROCESSING_SOFT_TIME_LIMIT": "1",
        "KUZBIB_PROCESSING_TIME_LIMIT": "10",
    }
    # A task's message carries the sender's time limits, and the worker obeys those: this
    # process sends with the same limits as the worker's settings, as a site's web processes do.
    monkeypatch.setattr(tasks.process_entry, "soft_time_limit", 1)
    monkeypatch.setattr(tasks.process_entry, "time_limit", 10)
    monkeypatch.setattr(tasks.process_entry, "_exec_options", None)  # Celery caches them
    worker = start_worker(app, redis_url, pool="prefork", env=env)
    held_files.hold()  # never released: the file takes longer than any limit
    slow = submit_slow(contest)
    wait_until(settled(slow), worker=worker)
    slow.refresh_from_db()
    assert held_files.holders(), worker.output()
    assert slow.status == Entry.Status.NEEDS_ATTENTION, worker.output()
    assert "вручную" in slow.status_reason
    assert slow.processing_log[-1]["message"] == "Обработка заняла больше отведённого времени."
    # The same worker goes on with the next entry.
    quick = submission.submit(
        contest, entry_data(contest), uploads(("a.docx", sample.docx(), "docx"))
    )
    wait_until(settled(quick), worker=worker)
    assert Entry.objects.get(pk=quick.pk).status == Entry.Status.READY
