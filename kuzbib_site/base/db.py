"""The one retry policy for SQLite's "database is locked".

Kuzbib runs on PostgreSQL in production and on SQLite as the embedded default (``make demo``, a
small library's single machine, the test suite without ``DATABASE_URL``). SQLite has one writer
at a time; the settings make every transaction take the write lock when it begins
(``transaction_mode = IMMEDIATE``) and wait up to ``timeout`` seconds for it. A writer that
still finds the database locked after that gets ``OperationalError: database is locked``, and
the whole transaction can simply run again.

Use ``retry_when_locked`` for a short write transaction that many people may start at the same
moment and whose failure would reach a person — a registration for the last places, a
cancellation, starring a session — never for a long job (a build, an import: let the task's own
retry handle it) and never inside another ``transaction.atomic`` (a retry of the inner part
alone would run in a transaction SQLite has already given up; it re-raises there, for the
outermost block to retry as a whole). ``work`` must be safe to run again: it reads what it needs
inside the transaction and sends e-mails only with ``transaction.on_commit``.

On PostgreSQL nothing is retried: its row locks wait instead of failing, and the call is just
``transaction.atomic`` around ``work``."""

import random
import sqlite3
import time

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections, transaction

#: How often a transaction that found SQLite locked runs in all, by default.
LOCK_ATTEMPTS = 30
#: The wait before the n-th retry is a random share of n times this many seconds.
BACKOFF_STEP = (0.01, 0.05)


def is_lock_error(error):
    """True for SQLite's "database is locked" / "database table is locked" / busy errors (Django
    raises its own ``OperationalError`` from the ``sqlite3`` one); never for another database's
    errors, whatever their text."""
    from_sqlite = isinstance(error, sqlite3.OperationalError) or isinstance(
        error.__cause__, sqlite3.OperationalError
    )
    text = str(error).lower()
    return from_sqlite and ("locked" in text or "busy" in text)


def backoff(attempt):
    """Seconds to wait after the ``attempt``-th failure (0-based): growing, jittered so that
    writers that failed together do not retry together."""
    low, high = BACKOFF_STEP
    return random.uniform(low, high) * (attempt + 1)  # noqa: S311 — jitter, not a secret


def retry_when_locked(work, *, attempts=LOCK_ATTEMPTS, using=DEFAULT_DB_ALIAS):
    """Run ``work()`` in ``transaction.atomic()`` and return its result; on SQLite, run it again
    (up to ``attempts`` times in all, with a jittered, growing pause) while it fails because the
    database is locked. Any other error, the last lock error and a lock error inside an outer
    atomic block are raised."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    for attempt in range(attempts):
        try:
            with transaction.atomic(using=using):
                return work()
        except (OperationalError, sqlite3.OperationalError) as error:
            if not is_lock_error(error) or attempt == attempts - 1:
                raise
            if connections[using].in_atomic_block:
                raise  # an outer transaction must retry as a whole
            time.sleep(backoff(attempt))
    raise AssertionError("unreachable")
