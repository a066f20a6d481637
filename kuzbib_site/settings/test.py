"""The test suite: real PostgreSQL when DATABASE_URL is set, the cache in Redis when REDIS_URL
is set (else local memory), eager Celery unless a test starts a worker (see tests/conftest.py),
mail kept in memory, fast password hashing."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import DATABASES, IS_POSTGRESQL, REDIS_URL

# The cache's Redis database (the worker processes that tests start use 15 as their broker,
# see tests/conftest.py).
TEST_CACHE_DB = 14

DEBUG = False
SECRET_KEY = "test-only-not-secret-kuzbib"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if os.environ.get("KUZBIB_TEST_MAIL_DIR"):
    # A worker process started by a test writes its mail where the test can count it.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["KUZBIB_TEST_MAIL_DIR"]


def _redis_db(url, db):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


# With REDIS_URL the cache is Redis, as in production, so that locks shared between processes
# (a test and the worker it starts) are tested for real. The test run decides and its worker
# processes inherit the choice: they are started with REDIS_URL set to their broker, which
# would otherwise give them a cache of their own while the test has local memory.
CACHE_URL = os.environ.setdefault(
    "KUZBIB_TEST_CACHE_URL", _redis_db(REDIS_URL, TEST_CACHE_DB) if REDIS_URL else ""
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "kuzbib-test",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The cache outlives a test and every test client comes from 127.0.0.1, so throttling is off
# here; the tests of throttling turn it on with their own low limits (tests/base/test_throttle.py).
KUZBIB_BASE = {**KUZBIB_BASE, "THROTTLE": {**KUZBIB_BASE["THROTTLE"], "ENABLED": False}}  # noqa: F405
# So is the page cache: a test reads the page it has just changed, inside a transaction that never
# commits (when the cache purges); the page cache's tests turn it on, in their own process or in
# the servers they start (KUZBIB_PAGE_CACHE=on).
KUZBIB_BASE["PAGE_CACHE"] = {"ENABLED": os.environ.get("KUZBIB_PAGE_CACHE") == "on"}
# Tests that need a real worker switch the Celery app to the Redis broker themselves.
CELERY_TASK_ALWAYS_EAGER = True
if os.environ.get("KUZBIB_TEST_HOLD_DIR"):
    # A worker started by a test that holds slow files (the held_files fixture).
    CELERY_IMPORTS = ["tests.hooks.slow_files"]
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
