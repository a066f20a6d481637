"""The suite's own machinery: the query budget fails when queries grow or pass the cap; the
test settings put the cache in Redis when REDIS_URL is set (shared with the workers a test
starts, through KUZBIB_TEST_CACHE_URL), in local memory otherwise; a worker holding a slow file
is not idle until the test lets the file go."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from contests import submission
from contests.models import Entry
from tests.conftest import _worker_is_idle
from tests.factories import files as sample
from tests.factories.contests import entry_data, uploads
from tests.queries import QueryBudget

ROOT = Path(__file__).resolve().parent.parent


class Response:
    status_code = 200
    streaming = False


class QueryingClient:
    """A client whose every GET runs one query per record."""

    def __init__(self, records):
        self.records = records

    def get(self, url):
        with connection.cursor() as cursor:
            for _ in range(self.records):
                cursor.execute("SELECT 1")
        return Response()


@pytest.mark.django_db
def test_the_query_budget_fails_when_queries_grow_or_pass_the_cap():
    client = QueryingClient(2)

    def add():
        client.records = 6

    with pytest.raises(AssertionError, match="2 queries, then 6"):
        QueryBudget(client)("/listing/", add, cap=50)
    client.records = 2
    with pytest.raises(AssertionError, match="6 queries, more than 5"):
        QueryBudget(client)("/listing/", add, cap=5, slack=4)
    client.records = 2
    assert QueryBudget(client)("/listing/", add, cap=6, slack=4) == [6]
    assert QueryBudget(client).count("/listing/") == 6


PROBE = """
import json, os, django
from django.conf import settings
django.setup()
print(json.dumps({
    "cache": settings.CACHES["default"],
    "inherited": os.environ.get("KUZBIB_TEST_CACHE_URL"),
}))
"""


def probe_settings(**env):
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "KUZBIB_TEST_CACHE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.services  # fresh interpreters
def test_the_test_cache_is_redis_with_redis_url_and_shared_with_workers():
    with_redis = probe_settings(REDIS_URL="redis://cache.example:6379/0")
    assert with_redis["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert with_redis["cache"]["LOCATION"] == "redis://cache.example:6379/14"
    assert with_redis["inherited"] == "redis://cache.example:6379/14"
    # A worker is started with REDIS_URL set to its broker (database 15) and the test run's
    # choice in KUZBIB_TEST_CACHE_URL: it uses the test run's cache, whatever that is.
    worker = probe_settings(
        REDIS_URL="redis://cache.example:6379/15",
        KUZBIB_TEST_CACHE_URL="redis://cache.example:6379/14",
    )
    assert worker["cache"]["LOCATION"] == "redis://cache.example:6379/14"
    without = probe_settings()
    assert without["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert without["inherited"] == ""
    worker = probe_settings(REDIS_URL="redis://127.0.0.1:6379/15", KUZBIB_TEST_CACHE_URL="")
    assert worker["cache"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


@pytest.mark.django_db(transaction=True)
def test_a_worker_holding_a_file_is_busy_until_the_test_lets_it_go(
    contest, redis_url, use_broker, start_worker, held_files, settings, wait_until_idle
):
    app = use_broker(redis_url)
    env = {"PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), **held_files.env}
    worker = start_worker(app, redis_url, env=env)
    held_files.hold()
    submission.submit(contest, entry_data(contest), uploads(("slow-a.pdf", sample.pdf(), "pdf")))
    held_files.wait_held(worker=worker)
    assert Entry.objects.get().status == Entry.Status.PROCESSING
    assert not _worker_is_idle(worker)
    held_files.release()
    wait_until_idle(worker)
    assert Entry.objects.get().status == Entry.Status.READY
