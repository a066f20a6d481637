"""The anonymous page cache as production runs it: gunicorn with two workers (the project's
gunicorn.conf.py, the application preloaded) sharing a real Redis, on the suite's database. An
editor's publish, unpublish and snippet edit in another process (this one, as the admin would)
show up on the very next anonymous request, whichever worker answers it: no visitor ever sees a
stale page."""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.core.cache import cache

from kuzbib_site.base import page_cache
from tests import processes
from tests.conftest import _database_url
from tests.factories import LibraryFactory, StandardPageFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
REQUESTS = 8  # per check: with two workers, both answer some of them


@pytest.fixture
def shared_cache(redis_url, settings):
    """This process and the servers on one Redis cache, the page cache on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "kuzbib-test",
        }
    }
    settings.KUZBIB_BASE = {**settings.KUZBIB_BASE, "PAGE_CACHE": {"ENABLED": True}}
    cache.clear()
    yield redis_url
    cache.clear()


@pytest.fixture
def servers(shared_cache, site_tree, tmp_path):
    port = processes.free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test",
        "DATABASE_URL": _database_url(),
        "KUZBIB_TEST_CACHE_URL": shared_cache,
        "KUZBIB_PAGE_CACHE": "on",
    }
    log = tmp_path / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers=2",
        f"--bind=127.0.0.1:{port}",
        f"--control-socket={tmp_path / 'gunicorn.ctl'}",
        f"--error-logfile={log}",
        "kuzbib_site.wsgi:application",
    ]
    with open(log, "ab") as out:
        server = subprocess.Popen(command, cwd=processes.ROOT, env=env, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _headers, _text = fetch(base + "/about/")
            if status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            processes.stop(server)
            pytest.fail(f"gunicorn did not answer:\n{processes.tail(log)}", pytrace=False)
        time.sleep(0.3)
    yield base
    processes.stop(server)


def fetch(url):
    request = urllib.request.Request(url, headers={"Host": "localhost"})  # noqa: S310 — loopback
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def fetch_all(url):
    return [fetch(url) for _ in range(REQUESTS)]


def test_two_workers_never_serve_a_stale_page(servers, site_tree):
    about = site_tree["about"]
    child = StandardPageFactory(parent=about, title="Устав", slug="charter")
    StandardPageFactory(parent=child, title="Приложение", slug="annex")
    # The child itself, a page below it (its breadcrumbs show the child's title), the parent and
    # the home page (which may list it).
    urls = [f"{servers}/about/charter/", f"{servers}/about/charter/annex/"]
    listing = [f"{servers}/about/", f"{servers}/"]
    for url in urls + listing:
        answers = fetch_all(url)
        assert all(status == 200 for status, _h, _t in answers)
        states = [headers[page_cache.HEADER] for _s, headers, _t in answers]
        assert states.count("hit") == REQUESTS - 1, (url, states)

    child.title = "Устав в новой редакции"
    child.save_revision().publish()
    for url in urls:
        answers = fetch_all(url)
        assert all("Устав в новой редакции" in text for _s, _h, text in answers), url
    for url in listing:
        states = [headers[page_cache.HEADER] for _s, headers, _t in fetch_all(url)]
        assert states[0] == "miss" and states[1:] == ["hit"] * (REQUESTS - 1), (url, states)

    child.unpublish()
    assert all(status == 404 for status, _h, _t in fetch_all(urls[0]))


def test_two_workers_show_a_snippet_edit_at_once(servers):
    library = LibraryFactory(full_name="Библиотека имени Прежнего")
    url = f"{servers}/libraries/"
    assert all("Прежнего" in text for _s, _h, text in fetch_all(url))
    library.full_name = "Библиотека имени Нового"
    library.save()
    answers = fetch_all(url)
    assert all("Нового" in text and "Прежнего" not in text for _s, _h, text in answers)
