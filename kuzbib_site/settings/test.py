"""The test suite: real PostgreSQL when DATABASE_URL is set, eager Celery unless a test starts a
worker (see tests/conftest.py), mail kept in memory, fast password hashing."""

import os

from .base import *  # noqa: F403
from .base import DATABASES, IS_POSTGRESQL

DEBUG = False
SECRET_KEY = "test-only-not-secret-kuzbib"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("KUZBIB_TEST_MAIL_DIR"):
    # A worker process started by a test writes its mail where the test can count it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["KUZBIB_TEST_MAIL_DIR"]
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cache outlives a test and every test client comes from 127.0.0.1, so throttling is off
# here; the tests of throttling turn it on with their own low limits (tests/base/test_throttle.py).
KUZBIB_BASE = {**KUZBIB_BASE, "THROTTLE": {**KUZBIB_BASE["THROTTLE"], "ENABLED": False}}  # noqa: F405
# Tests that need a real worker switch the Celery app to the Redis broker themselves.
CELERY_TASK_ALWAYS_EAGER = True
ALLOWED_HOSTS = ["*"]
STATIC_ROOT = BASE_DIR / "var" / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
if not IS_POSTGRESQL:
    # A file, not memory, so that a worker process started by a test sees the same database;
    # one per test run, so that two runs on one machine do not share it.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }
