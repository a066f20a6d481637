"""A file that takes exactly as long as the test wants, on any CPU.

Loaded into a test's Celery worker only: ``kuzbib_site/settings/test.py`` adds this module to
``CELERY_IMPORTS`` when the worker's environment has ``KUZBIB_TEST_HOLD_DIR`` (the ``held_files``
fixture in tests/conftest.py gives it). The worker imports it before its pool starts, so every
pool process has it.

When the worker opens a stored file whose name starts with ``slow-``, it writes a
``held-<pid>-<n>`` marker into that folder and waits for as long as the file ``hold`` is there
(at most ``MAX_HOLD`` seconds, so a forgotten hold cannot wedge a worker for ever). The wait is
inside the pipeline's reading of the file: the entry is already claimed («being checked»), and
Celery's soft time limit interrupts the wait as it would interrupt a slow parser.

Why here and not in a ``task_prerun`` handler: that signal fires before the task claims its
entry, and an exception raised there (the soft time limit) never reaches the task's own
handling.
"""

import itertools
import os
import time
from pathlib import Path

from django.core.files.storage import FileSystemStorage

HOLD_DIR = Path(os.environ["KUZBIB_TEST_HOLD_DIR"])
PREFIX = "slow-"
MAX_HOLD = 120
_count = itertools.count()
_open = FileSystemStorage._open


def hold(name):
    (HOLD_DIR / f"held-{os.getpid()}-{next(_count)}").write_text(name)
    deadline = time.monotonic() + MAX_HOLD
    while (HOLD_DIR / "hold").exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def held_open(storage, name, mode="rb"):
    if Path(name).name.startswith(PREFIX):
        hold(name)
    return _open(storage, name, mode)


FileSystemStorage._open = held_open
