"""``base.db.retry_when_locked``: SQLite's "database is locked" retried with a growing, jittered
pause, each attempt in its own transaction; other errors, other databases' errors and errors
inside an outer transaction never retried. The lock errors come from a real SQLite file locked
by a second connection."""

import sqlite3

import pytest
from django.db import OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.utils import timezone

from kuzbib_site.base import db
from kuzbib_site.base.db import is_lock_error, retry_when_locked
from kuzbib_site.base.models import WorkerHeartbeat


@pytest.fixture
def real_lock_error(tmp_path, django_db_blocker):
    """The error Django raises when a writer finds a SQLite database locked by another
    connection: a second connection holds the write lock, ours gives up at once."""
    path = tmp_path / "locked.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    settings = {
        **connection.settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"timeout": 0},
    }
    ours = SQLiteWrapper(settings, alias="lock-probe")
    try:
        with (
            django_db_blocker.unblock(),
            pytest.raises(OperationalError) as caught,
            ours.cursor() as cursor,
        ):
            cursor.execute("INSERT INTO t VALUES (2)")
        yield caught.value
    finally:
        ours.close()
        holder.execute("ROLLBACK")
        holder.close()


def test_sqlites_real_lock_error_is_recognised(real_lock_error):
    assert "locked" in str(real_lock_error)
    assert is_lock_error(real_lock_error)


def test_other_errors_are_not_lock_errors():
    assert not is_lock_error(OperationalError("no such table: t"))
    # PostgreSQL's errors are never retried, whatever their words.
    assert not is_lock_error(OperationalError("database is locked"))
    wrapped = OperationalError("no such column: y")
    wrapped.__cause__ = sqlite3.OperationalError("no such column: y")
    assert not is_lock_error(wrapped)
    assert is_lock_error(sqlite3.OperationalError("database table is locked"))


def sqlite_locked():
    error = OperationalError("database is locked")
    error.__cause__ = sqlite3.OperationalError("database is locked")
    return error


class Flaky:
    """Work that writes a row, then fails with SQLite's lock error ``failures`` times."""

    def __init__(self, failures, error=sqlite_locked):
        self.failures, self.error, self.calls, self.in_transaction = failures, error, 0, []

    def __call__(self):
        self.calls += 1
        self.in_transaction.append(connection.in_atomic_block)
        WorkerHeartbeat.objects.create(name=f"attempt-{self.calls}", seen_at=timezone.now())
        if self.calls <= self.failures:
            raise self.error()
        return "done"


@pytest.fixture
def sleeps(monkeypatch):
    waited = []
    monkeypatch.setattr(db.time, "sleep", waited.append)
    return waited


@pytest.mark.django_db(transaction=True)
def test_a_locked_attempt_is_rolled_back_and_run_again(sleeps):
    work = Flaky(failures=2)
    assert retry_when_locked(work) == "done"
    assert work.calls == 3 and work.in_transaction == [True, True, True]
    # The failed attempts' writes were rolled back with their transactions.
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["attempt-3"]
    assert len(sleeps) == 2


@pytest.mark.django_db(transaction=True)
def test_the_pause_grows_with_jitter(sleeps, monkeypatch):
    monkeypatch.setattr(db, "BACKOFF_STEP", (0.01, 0.05))
    retry_when_locked(Flaky(failures=5), attempts=6)
    low, high = db.BACKOFF_STEP
    for attempt, pause in enumerate(sleeps):
        assert low * (attempt + 1) <= pause <= high * (attempt + 1)
    assert len(set(sleeps)) > 1


@pytest.mark.django_db(transaction=True)
def test_the_last_lock_error_is_raised_after_all_attempts(sleeps):
    work = Flaky(failures=10)
    with pytest.raises(OperationalError, match="database is locked"):
        retry_when_locked(work, attempts=4)
    assert work.calls == 4 and len(sleeps) == 3
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_real_lock_error_is_retried(sleeps, real_lock_error):
    def raise_real():
        raise real_lock_error

    work = Flaky(failures=1, error=raise_real)
    assert retry_when_locked(work) == "done" and work.calls == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "error",
    [
        lambda: OperationalError("database is locked"),  # not from SQLite: PostgreSQL's own
        lambda: OperationalError("server closed the connection unexpectedly"),
        lambda: ValueError("a rule refused it"),
    ],
)
def test_other_errors_are_raised_at_once(sleeps, error):
    work = Flaky(failures=1, error=error)
    with pytest.raises(type(error())):
        retry_when_locked(work)
    assert work.calls == 1 and sleeps == []
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_inside_an_outer_transaction_the_error_goes_to_the_outer_block(sleeps):
    work = Flaky(failures=1)
    with pytest.raises(OperationalError, match="database is locked"), transaction.atomic():
        retry_when_locked(work)
    assert work.calls == 1 and sleeps == []
    assert not WorkerHeartbeat.objects.exists()


def test_at_least_one_attempt():
    with pytest.raises(ValueError, match="at least 1"):
        retry_when_locked(lambda: None, attempts=0)
