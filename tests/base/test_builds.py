"""Background builds (``base.builds`` and the abstract ``BackgroundBuild``) on a real database,
through a small concrete build model made for these tests only: it lives in an isolated app
registry (never installed, no migration) and its table exists for the length of a test.

The real builds (the entries' ZIP, the proceedings) are tested in their apps."""

import datetime
import io
import logging
import sys

import pytest
from celery import current_app, shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.test.utils import isolate_apps
from django.utils import timezone, translation

from kuzbib_site.base import builds
from kuzbib_site.base.models import BackgroundBuild
from kuzbib_site.base.models.builds import build_storage
from kuzbib_site.base.storage import PrivateStorage

with isolate_apps("kuzbib_site.base"):

    class Job(BackgroundBuild):
        """A build of some «owner», counting what it put in its file."""

        build_task = "tests.base.build_job"
        build_owner = ("owner",)
        result_fields = ("count",)
        upload_folder = "jobs"

        requested_by = None  # no user table in the isolated registry
        owner = models.CharField(max_length=20)
        count = models.PositiveIntegerField(default=0)

        class Meta:
            app_label = "base"

    class KeptJob(BackgroundBuild):
        build_task = "tests.base.build_job"
        requested_by = None

        @classmethod
        def keep_for(cls):
            return datetime.timedelta(days=3)

        class Meta:
            app_label = "base"


def default_work(build):
    build.count = 3
    return "job.txt", f"файл для {build.owner}".encode()


WORK = {"job": default_work}


@shared_task(name="tests.base.build_job", ignore_result=True)
def build_job(*, build_id):
    builds.run(build_id, Job, WORK["job"])


@pytest.fixture
def tables(transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(Job)
        editor.create_model(KeptJob)
    yield
    with connection.schema_editor() as editor:
        editor.delete_model(Job)
        editor.delete_model(KeptJob)


@pytest.fixture
def work():
    WORK["job"] = default_work
    yield WORK
    WORK["job"] = default_work


@pytest.fixture
def sent(monkeypatch):
    """What would go to the broker: (task name, kwargs), recorded instead of run."""
    recorded = []

    def on_commit(task, **kwargs):
        transaction.on_commit(lambda: recorded.append((task.name, kwargs)))

    monkeypatch.setattr(builds, "enqueue_on_commit", on_commit)
    monkeypatch.setattr(
        builds, "enqueue", lambda task, **kwargs: recorded.append((task.name, kwargs))
    )
    return recorded


def stored_files():
    root = build_storage().base_location
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def ago(**delta):
    return timezone.now() - datetime.timedelta(**delta)


def site_language(message):
    with translation.override(settings.LANGUAGE_CODE):
        return str(message)


# --- The model ---------------------------------------------------------------------------------


def test_status_groups_and_labels():
    Status = BackgroundBuild.Status
    assert Status.unfinished() == {Status.REQUESTED, Status.RUNNING}
    assert Status.finished() == {Status.READY, Status.FAILED}
    assert Status.unfinished().isdisjoint(Status.finished())
    assert set(Status.values) == {"requested", "running", "ready", "failed"}
    with translation.override("ru"):
        assert str(Status.READY.label) == "готов"
        assert str(Status.RUNNING.label) == "собирается"


def test_fields_of_every_build():
    names = {field.name for field in Job._meta.get_fields()}
    assert {"status", "requested_at", "started_at", "finished_at", "error", "file"} <= names
    requested_by = BackgroundBuild._meta.get_field("requested_by")
    assert requested_by.remote_field.on_delete is models.SET_NULL and requested_by.null
    assert requested_by.remote_field.related_name == "+"
    assert BackgroundBuild._meta.abstract


def test_the_file_is_private_by_default(private_media):
    field = Job._meta.get_field("file")
    assert field.storage.base_location == private_media / "builds"
    assert isinstance(field.storage, PrivateStorage)
    assert field.generate_filename(Job(owner="x"), "a.zip") == "jobs/a.zip"


def test_a_model_without_a_task_is_refused():
    class Nameless:
        build_task = ""
        __name__ = "Nameless"

    with pytest.raises(ImproperlyConfigured, match="build_task"):
        builds.task_of(Nameless)


def test_the_sweeper_is_scheduled_and_registered():
    entry = settings.CELERY_BEAT_SCHEDULE["kuzbib.base.sweep_builds"]
    assert entry["task"] == "kuzbib.base.sweep_builds"
    assert entry["schedule"] <= 300
    assert "kuzbib.base.sweep_builds" in current_app.tasks


def test_build_models_finds_only_installed_concrete_builds():
    found = builds.build_models()
    assert Job not in found  # never installed
    assert all(issubclass(m, BackgroundBuild) and not m._meta.abstract for m in found)


# --- Asking ------------------------------------------------------------------------------------


def test_a_request_is_built_once_committed(tables, work, private_media):
    build = builds.request(Job, owner="contest-1")
    build.refresh_from_db()
    assert build.status == Job.Status.READY
    assert build.started_at and build.finished_at and build.started_at <= build.finished_at
    assert build.count == 3 and build.error == ""
    assert build.file.name == "jobs/job.txt"
    assert build.file.read().decode() == "файл для contest-1"
    assert stored_files() == ["jobs/job.txt"]


def test_requests_share_a_fresh_queued_build_of_the_same_owner(tables, sent):
    first = builds.request(Job, owner="contest-1")
    assert builds.request(Job, owner="contest-1") == first
    other = builds.request(Job, owner="contest-2")
    assert other != first
    assert sent == [
        ("tests.base.build_job", {"build_id": first.pk}),
        ("tests.base.build_job", {"build_id": other.pk}),
    ]
    Job.objects.filter(pk=first.pk).update(requested_at=ago(minutes=16))
    again = builds.request(Job, owner="contest-1")  # the old one is taken for lost
    assert again not in (first, other)
    assert Job.objects.filter(owner="contest-1").count() == 2


def test_a_request_inside_a_transaction_is_sent_only_on_commit(tables, sent):
    with pytest.raises(RuntimeError), transaction.atomic():
        builds.request(Job, owner="contest-1")
        raise RuntimeError("the view failed")
    assert sent == [] and not Job.objects.exists()


def test_the_owners_row_is_locked_while_asking(tables):
    """A model instance among the owner's values is locked (SELECT … FOR UPDATE on PostgreSQL)
    for the rest of the request's transaction."""
    from kuzbib_site.base.models import Municipality

    place = Municipality.objects.create(name="Мыски")
    with transaction.atomic():
        builds._lock_owner({"place": place, "owner": "text is not locked"})
        assert connection.in_atomic_block


def test_stuck_after_comes_from_the_settings(tables, sent, settings):
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "BUILDS": {"STUCK_AFTER": 60}}
    first = builds.request(Job, owner="contest-1")
    Job.objects.filter(pk=first.pk).update(requested_at=ago(seconds=61))
    assert builds.request(Job, owner="contest-1") != first
    assert builds.stuck(Job, timezone.now()) == [first.pk]


# --- Running -----------------------------------------------------------------------------------


def queued(owner="contest-1", **fields):
    return Job.objects.create(owner=owner, **fields)


def test_a_gone_or_finished_build_is_left_alone(tables):
    called = []
    assert builds.run(987654, Job, called.append) is None
    done = queued(status=Job.Status.READY, finished_at=ago(minutes=1))
    failed = queued(status=Job.Status.FAILED, error="диск")
    for build in (done, failed):
        assert builds.run(build.pk, Job, called.append) is None
    assert called == []
    assert Job.objects.get(pk=failed.pk).error == "диск"


def test_a_second_delivery_while_it_runs_returns_at_once(tables):
    build = queued()
    inner = []

    def work(running):
        assert Job.objects.get(pk=running.pk).status == Job.Status.RUNNING
        # The broker delivers the same message to another worker meanwhile.
        inner.append(builds.run(running.pk, Job, lambda b: pytest.fail("ran twice")))
        return "job.txt", b"once"

    finished = builds.run(build.pk, Job, work)
    assert inner == [None]
    assert finished.status == Job.Status.READY
    assert stored_files() == ["jobs/job.txt"]


def test_a_failure_is_recorded_short_logged_and_not_raised(tables, caplog):
    build = queued()

    def broken(build):
        build.file.save("partial.txt", io.BytesIO(b"half"), save=False)
        raise RuntimeError("шрифт не найден " + "x" * 5000)

    with caplog.at_level(logging.ERROR, logger="kuzbib_site.base.builds"):
        failed = builds.run(build.pk, Job, broken)
    assert failed.status == Job.Status.FAILED
    assert failed.error.startswith("шрифт не найден")
    assert len(failed.error) == builds.ERROR_MAX_CHARS
    assert failed.finished_at is not None and not failed.file
    assert "failed" in caplog.text and "шрифт не найден" in caplog.text
    assert stored_files() == []


def test_an_error_without_words_records_its_class(tables):
    build = queued()

    def broken(build):
        raise MemoryError

    assert builds.run(build.pk, Job, broken).error == "MemoryError"


def test_a_transient_error_goes_back_to_the_queue_for_the_tasks_retry(tables):
    build = queued()

    def storage_away(build):
        raise OSError("network disk away")

    with pytest.raises(OSError, match="network disk away"):
        builds.run(build.pk, Job, storage_away, retry_on=(OSError,))
    build.refresh_from_db()
    assert build.status == Job.Status.REQUESTED and build.started_at is None
    assert builds.run(build.pk, Job, default_work).status == Job.Status.READY


def test_a_build_asked_for_too_long_ago_fails_without_running(tables):
    build = queued(requested_at=ago(hours=6, minutes=1))
    result = builds.run(build.pk, Job, lambda b: pytest.fail("ran"))
    assert result.status == Job.Status.FAILED
    assert result.error == site_language(builds.GAVE_UP)
    assert result.error and result.started_at is None


def test_work_may_store_its_result_elsewhere(tables):
    build = queued()
    finished = builds.run(build.pk, Job, lambda b: None)
    assert finished.status == Job.Status.READY and not finished.file
    assert Job.objects.get(pk=build.pk).file.name == ""


def test_work_may_return_an_open_spool(tables):
    build = queued()
    spool = io.BytesIO(b"PK zip bytes")
    finished = builds.run(build.pk, Job, lambda b: ("entries.zip", spool))
    assert Job.objects.get(pk=finished.pk).file.read() == b"PK zip bytes"
    assert spool.closed


def test_a_run_swept_back_into_the_queue_keeps_no_file(tables):
    """The sweeper took the run for dead and queued the build again: the old run's result is
    dropped, the newer run's counts."""
    build = queued()

    def slow(running):
        Job.objects.filter(pk=running.pk).update(status=Job.Status.REQUESTED, started_at=None)
        return "old.txt", b"old"

    assert builds.run(build.pk, Job, slow) is None
    assert Job.objects.get(pk=build.pk).status == Job.Status.REQUESTED
    assert stored_files() == []
    assert builds.run(build.pk, Job, default_work).file.name == "jobs/job.txt"


# --- Sweeping ----------------------------------------------------------------------------------


def test_the_sweeper_resends_requeues_gives_up_and_leaves_the_rest(tables, sent):
    now = timezone.now()
    lost = queued(requested_at=ago(minutes=20))
    fresh = queued(requested_at=ago(minutes=5))
    dead = queued(status=Job.Status.RUNNING, requested_at=ago(hours=3), started_at=ago(hours=3))
    busy = queued(
        status=Job.Status.RUNNING, requested_at=ago(minutes=30), started_at=ago(minutes=30)
    )
    ancient = queued(requested_at=ago(hours=7))
    done = queued(status=Job.Status.READY, requested_at=ago(days=30))

    report = builds.sweep(now, models=[Job])

    assert sorted(kwargs["build_id"] for _, kwargs in sent) == sorted([lost.pk, dead.pk])
    assert report == {"base.Job": {"failed": 1, "requeued": 1, "resent": 2, "deleted": 0}}
    state = dict(Job.objects.values_list("pk", "status"))
    assert state[dead.pk] == Job.Status.REQUESTED
    assert state[busy.pk] == Job.Status.RUNNING and state[fresh.pk] == Job.Status.REQUESTED
    assert state[ancient.pk] == Job.Status.FAILED
    assert Job.objects.get(pk=ancient.pk).error == site_language(builds.GAVE_UP)
    assert state[done.pk] == Job.Status.READY  # kept: Job keeps its builds


def test_a_resent_build_runs_through_its_task(tables, work):
    lost = queued(requested_at=ago(minutes=20))
    builds.sweep(timezone.now(), models=[Job])  # eager: the task runs at once
    lost.refresh_from_db()
    assert lost.status == Job.Status.READY and lost.file.name == "jobs/job.txt"


def test_the_sweeper_deletes_builds_past_keep_for_with_their_files(tables, sent):
    old = KeptJob.objects.create(status=KeptJob.Status.READY)
    old.file.save("old.zip", io.BytesIO(b"old"))
    recent = KeptJob.objects.create(status=KeptJob.Status.READY)
    recent.file.save("recent.zip", io.BytesIO(b"recent"))
    KeptJob.objects.filter(pk=old.pk).update(requested_at=ago(days=3, minutes=1))
    KeptJob.objects.filter(pk=recent.pk).update(requested_at=ago(days=2, hours=23))

    report = builds.sweep(timezone.now(), models=[KeptJob])

    assert report["base.KeptJob"]["deleted"] == 1
    assert list(KeptJob.objects.values_list("pk", flat=True)) == [recent.pk]
    assert stored_files() == ["builds/recent.zip"]


def test_a_file_that_cannot_be_deleted_keeps_its_build_for_the_next_sweep(tables, monkeypatch):
    old = KeptJob.objects.create(status=KeptJob.Status.READY, requested_at=ago(days=4))
    old.file.save("old.zip", io.BytesIO(b"old"))

    def away(self, name):
        raise OSError("storage away")

    monkeypatch.setattr(type(old.file.storage), "delete", away)
    assert builds.delete_expired(KeptJob, timezone.now()) == 0
    assert KeptJob.objects.filter(pk=old.pk).exists()
    monkeypatch.undo()
    assert builds.delete_expired(KeptJob, timezone.now()) == 1
    assert stored_files() == []


def test_the_beat_task_sweeps_every_installed_build_model(tables, monkeypatch):
    swept = []
    monkeypatch.setattr(builds, "sweep", lambda now: swept.append(now))
    from kuzbib_site.base.tasks import sweep_builds

    sweep_builds()
    assert len(swept) == 1 and swept[0] <= timezone.now()


def test_sweep_of_the_installed_models_runs(tables):
    report = builds.sweep(timezone.now())
    assert set(report) == {model._meta.label for model in builds.build_models()}


# --- Deleting ----------------------------------------------------------------------------------


def test_deleting_a_build_deletes_its_file_once_committed(tables):
    build = builds.run(queued().pk, Job, default_work)
    assert stored_files() == ["jobs/job.txt"]
    with pytest.raises(RuntimeError), transaction.atomic():
        Job.objects.filter(pk=build.pk).delete()
        raise RuntimeError("rolled back")
    assert stored_files() == ["jobs/job.txt"]
    Job.objects.filter(pk=build.pk).delete()
    assert stored_files() == []


def test_the_build_task_is_found_before_anything_imported_the_apps_tasks(monkeypatch):
    """A request for a build may be the first thing a web process does with Celery, before any
    module imported the app's tasks: the task is still found by its name (once a 500 in the admin's
    «Подготовить новый ZIP» on a fresh runserver)."""
    from contests.models import EntriesArchive

    name = EntriesArchive.build_task
    # As in a web process that has not imported contests.tasks: none of its tasks registered.
    registered = {
        key: current_app.tasks.pop(key)
        for key in list(current_app.tasks)
        if key.startswith("kuzbib.contests.")
    }
    monkeypatch.delitem(sys.modules, "contests.tasks", raising=False)
    try:
        assert name not in current_app.tasks
        assert builds.task_of(EntriesArchive).name == name
    finally:
        current_app.tasks.update(registered)
