"""What a benchmark run starts and stops: its own database, Redis, gunicorn and Celery workers.

Each is a context manager that cleans up after itself, so ``bench.run`` can stack them and a
failure half-way still stops gunicorn, the workers and Redis and drops the benchmark database.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

import psycopg
import redis
from psycopg import sql

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


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path, lines=30):
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop_process(process, timeout=20):
    """SIGTERM (a graceful stop for gunicorn and Redis), SIGKILL if it does not end in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


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

    server = shutil.which("redis-server")
    if server is None:
        raise BenchError(
            "The benchmark needs Redis (production settings require it): set REDIS_URL, or "
            "install redis-server (apt-get install redis-server) for a private one."
        )
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    log_path = Path(workdir) / "redis.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(workdir),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                _ping(url, timeout=0.5)
                break
            except redis.RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(
                        f"redis-server did not start on port {port}:\n{tail(log_path)}"
                    ) from None
                time.sleep(0.1)
        yield url, "private"
    finally:
        stop_process(process)


# --- gunicorn ---------------------------------------------------------------------------------


def _get(url, timeout=5):
    request = urllib.request.Request(url, headers=PROXY_HEADERS)  # noqa: S310 - our own http URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@contextmanager
def gunicorn(env, workdir, workers=2):
    """gunicorn with sync workers on a free loopback port; yields (base URL, process, log path)
    once ``/healthz`` answers 200."""
    executable = BIN / "gunicorn"
    if not executable.exists():
        executable = shutil.which("gunicorn")
        if executable is None:
            raise BenchError("gunicorn is not installed in this virtualenv (pip install gunicorn)")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(workdir) / "gunicorn.log"
    command = [
        str(executable),
        "kuzbib_site.wsgi:application",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
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
        "--no-control-socket",
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
        stop_process(process)


# --- Celery ---------------------------------------------------------------------------------


@dataclass
class Worker:
    process: subprocess.Popen
    node: str
    log_path: Path

    @property
    def pid(self):
        return self.process.pid


def _is_celery(pid):
    try:
        return b"celery" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@contextmanager
def celery_worker(env, workdir, name, queues="files", concurrency=1):
    """A real ``celery worker`` (prefork pool) consuming ``queues`` with the run's settings,
    database and Redis; yields a ``Worker`` at once (whoever sends it tasks waits for its ping).
    Stopped with a warm shutdown, killed with its pool processes if that takes too long."""
    node = f"bench-{name}-{os.getpid()}@{socket.gethostname()}"
    log_path = Path(workdir) / f"worker-{name}.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "kuzbib_site.celery",
        "worker",
        "--queues",
        queues,
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--hostname",
        node,
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "--loglevel",
        "INFO",
    ]
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        yield Worker(process, node, log_path)
    finally:
        pool = child_pids(process.pid) if process.poll() is None else []
        stop_process(process, timeout=30)
        for pid in pool:  # a pool process left behind by a killed main process
            if _is_celery(pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


# --- Memory -----------------------------------------------------------------------------------


def child_pids(pid):
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return sorted(int(child) for child in children)
    except OSError:  # kernels without CONFIG_PROC_CHILDREN: scan every process's parent
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
        return sorted(found)


def _status_kib(pid, field):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise BenchError(f"/proc/{pid}/status has no {field}")


def worker_memory(master_pid):
    """Peak (VmHWM) and current (VmRSS) resident memory of gunicorn's workers, in MiB."""
    pids = child_pids(master_pid)
    if not pids:
        raise BenchError("gunicorn has no worker processes to measure")
    peaks = [_status_kib(pid, "VmHWM") / 1024 for pid in pids]
    current = [_status_kib(pid, "VmRSS") / 1024 for pid in pids]
    return {
        "pids": pids,
        "peak_sum_mib": sum(peaks),
        "peak_max_mib": max(peaks),
        "rss_sum_mib": sum(current),
    }
