"""What a benchmark run starts and stops: its own database, Redis, gunicorn and Celery workers.

Each is a context manager that cleans up after itself, so ``bench.run`` can stack them and a
failure half-way still stops gunicorn, the workers and Redis and drops the benchmark database.
Redis and the workers are started by the tests' launcher (``tests.processes``).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

from tests import processes
from tests.processes import ProcessError, child_pids, free_port, tail

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin, where gunicorn lives too
SQLITE_PATH = ROOT / "var" / "bench.sqlite3"
POSTGRES_NAME = "kuzbib_bench"
# The prefix bench.settings gives cache keys and Celery's queues; cleared in a shared Redis
# before and after a run.
CACHE_KEY_PATTERN = "kuzbib-bench:*"
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


class BenchError(Exception):
    """A run cannot go on; the message says why and what to do."""


def step_main(name, parse, commands, argv=None):
    """The ``main`` of a bench steps module run as ``python -m bench.<name>``: parse ``argv``,
    set Django up with the bench's settings, run the command and print its result as JSON on
    stdout (exit 0), or the ``BenchError`` on stderr (exit 2)."""
    import django  # noqa: PLC0415 — after DJANGO_SETTINGS_MODULE is set

    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    try:
        result = commands[args.command](args)
    except BenchError as error:
        print(f"bench.{name} {args.command}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_python(args, env, what, timeout=600):
    """Run ``python <args>`` from the project root; returns stdout, raises with the output's
    tail on failure (stdout is not echoed: load_demo prints the admin password)."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        output = "\n".join((result.stdout + result.stderr).splitlines()[-40:])
        raise BenchError(f"{what} failed (exit code {result.returncode}):\n{output}")
    log(f"{what}: {time.monotonic() - started:.1f} s")
    return result.stdout


# --- Database ---------------------------------------------------------------------------------


@contextmanager
def sqlite_database():
    """A fresh SQLite file under var/; left in place after the run for inspection."""
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    yield f"sqlite:///{SQLITE_PATH}", "sqlite"


def _admin_connection(parts, main_name):
    """An autocommit connection to the server of DATABASE_URL for CREATE/DROP DATABASE,
    through the ``postgres`` maintenance database when it exists."""
    errors = []
    for dbname in dict.fromkeys(("postgres", main_name, "template1")):
        if not dbname:
            continue
        url = urlunsplit(parts._replace(scheme="postgresql", path="/" + dbname))
        try:
            return psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.OperationalError as error:
            errors.append(f"{dbname}: {error}".strip())
    raise BenchError(
        "Cannot connect to the PostgreSQL server of DATABASE_URL:\n" + "\n".join(errors)
    )


def _drop(connection, name):
    force = sql.SQL(" WITH (FORCE)") if connection.info.server_version >= 130000 else sql.SQL("")
    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)


@contextmanager
def postgres_database(main_url, name=POSTGRES_NAME):
    """A separate database on the server of ``main_url``, created empty and dropped at the end.
    The database ``main_url`` names is never opened for writing, let alone dropped."""
    parts = urlsplit(main_url)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise BenchError(
            f"DATABASE_URL must be a postgres:// URL (or unset for SQLite), not {parts.scheme}://"
        )
    main_name = unquote(parts.path.lstrip("/"))
    if main_name == name:
        raise BenchError(
            f"DATABASE_URL already names {name!r}; the benchmark needs its own database"
        )
    with _admin_connection(parts, main_name) as connection:
        _drop(connection, name)  # a leftover of an interrupted run
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunsplit(parts._replace(path="/" + name)), "postgresql"
    finally:
        with _admin_connection(parts, main_name) as connection:
            _drop(connection, name)


def bench_database(main_url):
    return postgres_database(main_url) if main_url else sqlite_database()


# --- Redis ------------------------------------------------------------------------------------


def _ping(url, timeout=2):
    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    client.ping()
    return client


def _clear_bench_keys(client):
    keys = list(client.scan_iter(match=CACHE_KEY_PATTERN, count=1000))
    if keys:
        client.delete(*keys)


@contextmanager
def redis_service(env_url, workdir):
    """The Redis of REDIS_URL when set (the benchmark's cache keys are cleared before and after
    so that a previous run's cached pages never leak in), else a private in-memory redis-server
    on a free port, stopped at the end."""
    if env_url:
        try:
            client = _ping(env_url)
        except redis.RedisError as error:
            raise BenchError(f"REDIS_URL is set but Redis does not answer: {error}") from error
        _clear_bench_keys(client)
        try:
            yield env_url, "environment"
        finally:
            try:
                _clear_bench_keys(_ping(env_url))
            except redis.RedisError as error:
                print(
                    f"bench: could not clear the benchmark's cache keys: {error}", file=sys.stderr
                )
        return

    try:
        server = processes.RedisServer(workdir).start()
    except ProcessError as error:
        raise BenchError(
            f"The benchmark needs Redis (production settings require it). {error}"
        ) from None
    try:
        yield server.url(), "private"
    finally:
        server.stop()


# --- gunicorn ---------------------------------------------------------------------------------


def fetch(url, timeout=5):
    """One GET as the proxy would send it; returns (status, headers), errors included."""
    request = urllib.request.Request(url, headers=PROXY_HEADERS)  # noqa: S310 - our own http URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read()
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def _get(url, timeout=5):
    return fetch(url, timeout)[0]


@contextmanager
def gunicorn(env, workdir, name):
    """gunicorn with the project's ``gunicorn.conf.py`` (production's workers, preload and
    ``gc.freeze``) on a free loopback port; yields (base URL, process, log path) once
    ``/healthz`` answers 200. ``name`` tells the run's instances apart: each has its own log and
    its own control socket in ``workdir``, so two instances (or a gunicorn of the real site on
    the same account, whose default socket is ``~/.gunicorn/gunicorn.ctl``) never share one."""
    executable = BIN / "gunicorn"
    if not executable.exists():
        executable = shutil.which("gunicorn")
        if executable is None:
            raise BenchError("gunicorn is not installed in this virtualenv (pip install gunicorn)")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(workdir) / f"gunicorn-{name}.log"
    command = [
        str(executable),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--timeout",
        "60",
        "--log-level",
        "warning",
        "--error-logfile",
        "-",
        "--control-socket",
        str(Path(workdir) / f"gunicorn-{name}.ctl"),
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        status = None
        while status != 200:
            if process.poll() is not None:
                raise BenchError(
                    f"gunicorn exited with code {process.returncode}:\n{tail(log_path)}"
                )
            if time.monotonic() > deadline:
                raise BenchError(f"/healthz did not answer 200 (last: {status}):\n{tail(log_path)}")
            try:
                status = _get(f"{base_url}/healthz", timeout=2)
            except OSError:
                status = None
            if status != 200:
                time.sleep(0.2)
        yield base_url, process, log_path
    finally:
        processes.stop(process)


# --- Celery ---------------------------------------------------------------------------------


@contextmanager
def celery_worker(env, workdir, name, queues="files", concurrency=1):
    """A real ``celery worker`` (prefork pool) consuming ``queues`` with the run's settings,
    database and Redis; yields a ``tests.processes.CeleryWorker`` at once (whoever sends it
    tasks waits for its ping)."""
    worker = processes.CeleryWorker(
        env,
        Path(workdir) / f"worker-{name}.log",
        queues,
        concurrency=concurrency,
        node=processes.node_name(f"bench-{name}"),
        options=["--without-heartbeat"],
    )
    try:
        yield worker.start()
    finally:
        worker.stop()


# --- Memory -----------------------------------------------------------------------------------


def worker_memory(master_pid):
    """Peak (VmHWM) and current (VmRSS) resident memory of gunicorn's workers, in MiB."""
    pids = child_pids(master_pid)
    if not pids:
        raise BenchError("gunicorn has no worker processes to measure")
    status = [processes.status_kib(pid) for pid in pids]
    peaks = [kib["VmHWM"] / 1024 for kib in status]
    current = [kib["VmRSS"] / 1024 for kib in status]
    return {
        "pids": pids,
        "peak_sum_mib": sum(peaks),
        "peak_max_mib": max(peaks),
        "rss_sum_mib": sum(current),
    }


def ratio(value, base):
    """``value`` as a multiple of ``base`` (the bare view's p50), None when either is missing."""
    return value / base if value is not None and base else None


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def measured_page(env, path, bare_p50, load_url, query_budget):
    """One page's SQL queries (``bench.queries``, warm and cold) and load (``bench.load``), with
    its p50 as a multiple of the bare view's; more queries than ``query_budget`` is a failure."""
    queries = json.loads(run_python(["-m", "bench.queries", path], env, f"queries {path}"))[path]
    load = load_url(path)
    failures = load["failures"] + load["warmup_failures"]
    failures += 0 if 200 <= queries["status"] < 300 else 1
    problems = []
    if queries["queries"] > query_budget:
        problems.append(f"{queries['queries']} SQL queries, more than {query_budget}")
    return {
        "path": path,
        "p50_ms": load["p50_ms"],
        "p95_ms": load["p95_ms"],
        "rps": load["rps"],
        "p50_ratio": ratio(load["p50_ms"], bare_p50),
        "sql_queries": queries["queries"],
        "sql_queries_cold": queries["cold_queries"],
        "problems": problems,
        "failures": failures + (1 if problems else 0),
    }
