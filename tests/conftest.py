"""Shared fixtures: the page tree, a real Redis, a real Celery worker process, and Playwright
driving Debian's chromium with an axe-core check.

Nothing here is mocked: a test that needs Redis gets a Redis server (REDIS_URL's, on database 15,
or a private ``redis-server`` on a free port) and fails with a clear message when there is none.
"""

import contextlib
import os
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings

from tests import processes

# Playwright's sync API runs an event loop in the test thread; the ORM calls that tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
TEST_REDIS_DB = 15

# --- Markers ----------------------------------------------------------------------------------

# A test that asks for one of these needs a redis-server or a Celery worker process.
SERVICE_FIXTURES = {"celery_worker", "redis_url", "own_redis", "start_worker"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(config, items):
    """Mark what ``make test-fast`` leaves out: everything in tests/browser is ``browser``, and a
    test that uses a real Redis or worker (through the fixtures above) is ``services``."""
    browser_dir = Path(__file__).parent / "browser"
    for item in items:
        if browser_dir in item.path.parents:
            item.add_marker(pytest.mark.browser)
        if SERVICE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.services)


@pytest.fixture(scope="session", autouse=True)
def empty_cache():
    """With REDIS_URL the cache is a Redis database (kuzbib_site/settings/test.py) that outlives
    a run: each run starts with it empty, as it would with local memory."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path, request):
    """Private files (contest entries, previews, archives) of each test in its own folder, never
    in the checkout's var/private; a test on the shared demo site (``demo_site``) finds the
    demo's files where its one load wrote them."""
    if "demo_site" in request.fixturenames:
        settings.PRIVATE_MEDIA_ROOT = request.getfixturevalue("demo_private_root")
    else:
        settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings.PRIVATE_MEDIA_ROOT


# --- Page tree ------------------------------------------------------------------------------


def ensure_wagtail_root():
    """Wagtail's root page, default locale and root collection, which its migrations create.
    A transactional test (live server, Celery worker) ends by emptying every table, so the next
    one may find them gone."""
    from wagtail.models import Collection, Locale, Page

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    return Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale, live=True)
    )


@pytest.fixture
def home_page(db):
    """A HomePage as the root of the default site, as ``load_demo`` would make it."""
    from wagtail.models import Site

    from tests.factories import HomePageFactory

    root = ensure_wagtail_root()
    home = HomePageFactory(parent=root, title="Кузбасские библиотеки", slug="kuzbib")
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home},
    )
    Site.clear_site_root_paths_cache()
    return home


@pytest.fixture
def site_tree(home_page):
    """Home, an «О партнёрстве» standard page and the library directory, both in the menu."""
    from tests.factories import LibraryIndexPageFactory, StandardPageFactory

    about = StandardPageFactory(
        parent=home_page,
        title="О партнёрстве",
        slug="about",
        show_in_menus=True,
        intro="Партнёрство объединяет библиотеки шахтёрского края.",
    )
    directory = LibraryIndexPageFactory(
        parent=home_page, title="Библиотеки", slug="libraries", show_in_menus=True
    )
    return {"home": home_page, "about": about, "directory": directory}


# --- The demo site ------------------------------------------------------------------------------


class DemoTestsLast:
    """Tests on the shared demo site (``demo_site``) run together, after every other test
    (once pytest-django has ordered those): the demo stays loaded, in a transaction left open,
    until the session ends, and no other test may find it there."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        def on_demo(item):
            return "demo_site" in getattr(item, "fixturenames", ())

        items[:] = [item for item in items if not on_demo(item)] + list(filter(on_demo, items))


def pytest_configure(config):
    # A plugin of its own: this module's pytest_collection_modifyitems runs first, not last.
    config.pluginmanager.register(DemoTestsLast(), "kuzbib-demo-tests-last")


@pytest.fixture(scope="session")
def demo_private_root(tmp_path_factory):
    """Where the shared demo's private files (the entries, their previews) are written."""
    return tmp_path_factory.mktemp("demo") / "private"


class LoadedDemo:
    """What ``manage.py load_demo`` printed and the mail it sent, for the tests that share one
    load of it."""

    def __init__(self, output, mail):
        self.output = output
        self.mail = mail


@pytest.fixture(scope="session")
def loaded_demo(django_db_setup, django_db_blocker, demo_private_root):
    """``manage.py load_demo`` run once for the session (it takes minutes), in a transaction
    rolled back when the session ends; each test on it runs in a savepoint, as usual. The tasks
    sent on commit run at its end, as they would after the command (Celery is eager here)."""
    import io

    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django.test import TestCase, override_settings

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # It runs after the transactional tests, which end by emptying every table.
            ensure_wagtail_root()
            with override_settings(PRIVATE_MEDIA_ROOT=demo_private_root):
                sent = len(mail.outbox)
                out = io.StringIO()
                with TestCase.captureOnCommitCallbacks(execute=True):
                    call_command("load_demo", stdout=out)
                loaded = LoadedDemo(out.getvalue(), list(mail.outbox[sent:]))
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield loaded
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def demo_site(loaded_demo, db):
    """The demo site as ``manage.py load_demo`` builds it, loaded once for every test that asks
    (see ``loaded_demo``); what a test changes is rolled back after it."""
    from wagtail.models import Site

    # A test before may have moved the site and rolled back: Wagtail's cached root paths
    # would still say where it was.
    Site.clear_site_root_paths_cache()
    return loaded_demo


# --- Redis ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _failing():
    """A launcher's error (``tests.processes``) fails the test with its message alone."""
    try:
        yield
    except processes.ProcessError as error:
        pytest.fail(str(error), pytrace=False)


def _with_db(url, db):
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, parts.fragment))


class RedisServer(processes.RedisServer):
    """A private ``redis-server`` on a free port that a test may stop and start again (on the
    same port, empty: it keeps nothing on disk, like a Redis restarted after a crash)."""

    def __init__(self, workdir):
        with _failing():
            super().__init__(workdir)

    def url(self, db=TEST_REDIS_DB):
        return super().url(db)

    def start(self):
        with _failing():
            return super().start()


def _wait_for_redis(url):
    with _failing():
        return processes.wait_for_redis(url)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis for tests: REDIS_URL's server on database 15 (flushed), or a private
    ``redis-server`` started on a free port when REDIS_URL is unset."""
    server = None
    if os.environ.get("REDIS_URL"):
        url = _with_db(os.environ["REDIS_URL"], TEST_REDIS_DB)
    else:
        server = RedisServer(tmp_path_factory.mktemp("redis")).start()
        url = server.url()
    client = _wait_for_redis(url)
    client.flushdb()
    yield url
    client.flushdb()
    if server:
        server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis of this test's own, which it may stop and start."""
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


# --- Celery -----------------------------------------------------------------------------------


def _reset_celery_pools(app):
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def _database_url():
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or ""
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}"


class WorkerProcess(processes.CeleryWorker):
    """A ``celery worker`` subprocess on the test database and the test Redis, consuming every
    queue; ``start`` returns once it answers a ping."""

    def __init__(self, app, broker_url, log_path, pool="solo", env=None):
        # "solo" starts fastest; "prefork" (one child) is what production runs, and the only
        # pool where time limits and reject_on_worker_lost act.
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "kuzbib_site.settings.test",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": broker_url,
            **(env or {}),
        }
        queues = "default,files,pdf,mail"
        super().__init__(env, log_path, queues, pool, node=processes.node_name("kuzbib-test"))
        self.app = app
        self.broker_url = broker_url

    def start(self, timeout=60):
        with _failing():
            return super().start().wait_until_ready(self.app, timeout)


@pytest.fixture
def use_broker():
    """Switch this process's Celery app from eager mode to a broker URL (restored after the
    test); returns the app."""
    from kuzbib_site.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url)

    def switch(url):
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        _reset_celery_pools(app)
        return app

    yield switch
    app.conf.task_always_eager, app.conf.broker_url = saved
    _reset_celery_pools(app)


@pytest.fixture
def start_worker(transactional_db, tmp_path):
    """Start real worker processes: ``start_worker(app, broker_url, pool=…, env=…)``; all are
    stopped after the test."""
    workers = []

    def start(app, broker_url, **options):
        log = tmp_path / f"worker-{len(workers)}.log"
        worker = WorkerProcess(app, broker_url, log, **options)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def celery_worker(redis_url, use_broker, start_worker):
    """A real worker process consuming the test Redis; while it runs, this process sends tasks
    through Redis instead of running them eagerly."""
    app = use_broker(redis_url)
    redis.Redis.from_url(redis_url).flushdb()
    return start_worker(app, redis_url)


# --- Waiting for a worker -----------------------------------------------------------------------

WORKER_QUEUES = ("default", "files", "pdf", "mail")


def _wait_until(condition, timeout=90, worker=None, what="the condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            said = f"; the worker said:\n{worker.output()}" if worker else ""
            pytest.fail(f"Timed out after {timeout} s waiting for {what}{said}", pytrace=False)
        time.sleep(0.2)


@pytest.fixture
def wait_until():
    """``wait_until(condition, timeout=90, worker=None, what=…)``: poll ``condition()`` until it
    is true; on time-out fail with the worker's log."""
    return _wait_until


def _worker_is_idle(worker):
    """Nothing waits in the worker's queues in Redis, and the worker runs, holds and schedules
    nothing. (Kombu's «unacked» set is no sign: a killed worker's message stays in it until the
    visibility timeout.)"""
    client = redis.Redis.from_url(worker.broker_url)
    # Kombu keeps a queue's messages in a list named after it (with a suffix per priority).
    for queue in WORKER_QUEUES:
        if any(client.llen(key) for key in client.scan_iter(match=f"{queue}*", _type="list")):
            return False
    inspect = worker.app.control.inspect(destination=[worker.node], timeout=2, limit=1)
    for ask in (inspect.active, inspect.reserved, inspect.scheduled):
        replies = ask() or {}
        if replies.get(worker.node, [None]):  # no reply counts as busy
            return False
    return True


@pytest.fixture
def wait_until_idle():
    """``wait_until_idle(worker, timeout=90)``: wait until the worker has nothing left to do,
    seen twice in a row (a task that finishes may have just queued the next one). Use it
    before asserting that something did *not* happen, instead of sleeping a while."""

    def wait(worker, timeout=90):
        streak = [0]

        def idle_twice():
            streak[0] = streak[0] + 1 if _worker_is_idle(worker) else 0
            return streak[0] >= 2

        _wait_until(idle_twice, timeout, worker, "the worker to be idle")

    return wait


class HeldFiles:
    """The test's side of tests/hooks/slow_files.py: a worker started with ``env`` holds every
    private file named ``slow-…`` when it opens it, as long as this test keeps it held."""

    def __init__(self, folder):
        self.folder = folder
        self.folder.mkdir()
        self.env = {"KUZBIB_TEST_HOLD_DIR": str(folder)}

    def hold(self):
        (self.folder / "hold").touch()

    def release(self):
        (self.folder / "hold").unlink(missing_ok=True)

    def holders(self):
        """Pids of the processes that have been held, one per time a file was opened."""
        found = sorted(self.folder.glob("held-*"), key=lambda path: path.stat().st_mtime_ns)
        return [int(path.name.split("-")[1]) for path in found]

    def wait_held(self, count=1, worker=None, timeout=90):
        """Wait until a worker has opened a held file ``count`` times in all; return the pid of
        the last process that did."""
        _wait_until(lambda: len(self.holders()) >= count, timeout, worker, "a held file")
        return self.holders()[-1]


@pytest.fixture
def held_files(start_worker, tmp_path):  # set up after the workers: released before they stop
    """Entry files that a worker cannot get past until the test says so: pass ``held_files.env``
    to ``start_worker``, call ``hold()`` before and ``release()`` when processing may go on."""
    held = HeldFiles(tmp_path / "held")
    yield held
    held.release()  # a worker still holding one finishes, so that it can stop


# --- Browser ----------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args():
    return {"locale": "ru-RU", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def page(browser, browser_context_args, live_server):
    context = browser.new_context(base_url=live_server.url, **browser_context_args)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe-core on the page and fail on serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    axe = Axe()

    def check(page):
        # A message still fading in (Wagtail's admin animates them) has a contrast it will not
        # keep; on a loaded machine axe would catch it mid-way. Wagtail's messages wait at
        # opacity 0 until its script marks the page ready and only then start their transition,
        # so "no animation running" alone can be seen before the fade begins: wait for the
        # page's load, for finite animations to end and for every message to be fully shown.
        with contextlib.suppress(PlaywrightTimeoutError):
            page.wait_for_load_state("load", timeout=5000)
            page.wait_for_function(
                "() => document.getAnimations().every("
                "a => a.playState !== 'running' || a.effect.getTiming().iterations === Infinity)"
                " && [...document.querySelectorAll('.messages > ul')]"
                ".every(list => getComputedStyle(list).opacity === '1')",
                timeout=5000,
            )
        results = axe.run(page)
        bad = [
            violation
            for violation in results.response["violations"]
            if violation.get("impact") in {"serious", "critical"}
        ]
        details = "\n".join(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] for node in violation["nodes"][:5])
            for violation in bad
        )
        assert not bad, f"axe-core found serious violations on {page.url}:\n{details}"
        return results

    return check


# --- Queries ----------------------------------------------------------------------------------


@pytest.fixture
def assert_queries_bounded(client):
    """Query counts that do not grow with the data; see tests/queries.py. Pass ``client=`` to
    count another client's requests (a signed-in admin_client)."""
    from tests.queries import QueryBudget

    return QueryBudget(client)


# --- Wagtail page-test assertions ---------------------------------------------------------------


@pytest.fixture
def wagtail_asserts(db, client):
    """Wagtail's page-test assertions (assertCanCreateAt, assertPageIsRenderable …) for plain
    pytest functions."""
    from wagtail.coreutils import get_dummy_request
    from wagtail.test.utils import WagtailPageTestCase

    case = WagtailPageTestCase()
    case.client = client
    case.dummy_request = get_dummy_request()
    return case


# --- Events -----------------------------------------------------------------------------------


@pytest.fixture
def conference_tree(home_page):
    """Events index → conference (16 Dec 2008) with two sessions, talks and a resolution;
    sections index with two sections; two speakers."""
    from tests.factories import (
        ConferencePageFactory,
        EventIndexPageFactory,
        PersonFactory,
        ResolutionItemFactory,
        ResolutionPageFactory,
        SectionIndexPageFactory,
        SectionPageFactory,
        SectionSessionPageFactory,
        TalkFactory,
    )
    from tests.factories.events import at

    events = EventIndexPageFactory(parent=home_page, show_in_menus=True)
    sections_index = SectionIndexPageFactory(parent=home_page, show_in_menus=True)
    methodology = SectionPageFactory(
        parent=sections_index, title="Секция научно-методической работы", slug="methodology"
    )
    local_history = SectionPageFactory(
        parent=sections_index, title="Секция краеведческой работы", slug="local-history"
    )
    conference = ConferencePageFactory(
        parent=events, title="VIII Ежегодная сессия", slug="viii", number=8
    )
    speakers = [PersonFactory(last_name="Андреева"), PersonFactory(last_name="Белова")]
    sessions = []
    for section, hour in ((methodology, 13), (local_history, 15)):
        session = SectionSessionPageFactory(
            parent=conference,
            title=f"Заседание: {section.title}",
            section=section,
            start=at(hour),
            end=at(hour + 2),
        )
        TalkFactory(session=session, speakers=speakers[:1])
        TalkFactory(session=session, speakers=speakers)
        session.save_revision().publish()
        sessions.append(session)
    conference.save_revision().publish()  # fills the calendar
    resolution = ResolutionPageFactory(parent=conference, slug="resolution")
    ResolutionItemFactory(resolution=resolution, number="4", assignee_body="Совет НБП")
    ResolutionItemFactory(
        resolution=resolution, number="4.1", assignee_section=methodology, status="done"
    )
    ResolutionItemFactory(
        resolution=resolution, number="4.10", assignee_section=local_history, status="in_progress"
    )
    ResolutionItemFactory(
        resolution=resolution,
        number="2",
        kind="recommended",
        assignee_body="«Молодые профессионалы»",
    )
    return {
        "home": home_page,
        "events": events,
        "sections": sections_index,
        "methodology": methodology,
        "local_history": local_history,
        "conference": conference,
        "sessions": sessions,
        "resolution": resolution,
        "speakers": speakers,
    }


@pytest.fixture
def contest(home_page):
    """A contest taking entries now."""
    import datetime

    from django.utils import timezone

    from tests.factories.contests import (
        ContestIndexPageFactory,
        ContestPageFactory,
        NominationFactory,
        StageFactory,
    )

    index = ContestIndexPageFactory(parent=home_page)
    now = timezone.now()
    contest = ContestPageFactory(
        parent=index,
        slug="knyaginya",
        title="КНИГИНЯ-2026",
        entry_prefix="КНИГИНЯ-2026",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=60),
        age_reference_date=timezone.localdate(),
        files_per_entry=2,
        max_file_mb=1,
        max_entry_mb=1,
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    StageFactory(
        contest=contest,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=10),
    )
    contest.save_revision().publish()
    return contest
