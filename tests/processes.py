"""The processes that the tests and the benchmark start and stop: a private ``redis-server`` and
``celery worker`` processes, and what they read of a process in /proc. One launcher for
``tests/conftest.py`` and ``bench/`` (which imports it as ``tests.processes``).

Nothing here imports Django or pytest: a failure raises ``ProcessError`` with a message saying
what to do, which the caller turns into a failed test or a failed benchmark run.
"""

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import suppress
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parent.parent
_nodes = itertools.count(1)


class ProcessError(Exception):
    """A process could not be started or did not answer; the message says why."""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tail(path, lines=30):
    """The last ``lines`` lines of a log file, or "" when it cannot be read."""
    try:
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(process, sig=signal.SIGTERM, timeout=20):
    """Send ``sig`` (SIGTERM: a graceful stop for Redis, gunicorn and Celery), SIGKILL if the
    process has not ended in ``timeout`` seconds."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- What /proc says -----------------------------------------------------------------------------


def alive(pid):
    """Whether ``pid`` runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


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


def status_kib(pid):
    """Resident memory of ``pid`` now (VmRSS) and at its peak (VmHWM), in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def reset_peak(pid):
    """Reset the process's VmHWM to its current RSS (Linux 4.0+); False where not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# --- Redis -------------------------------------------------------------------------------------


def wait_for_redis(url, timeout=15, process=None):
    """A client of the Redis at ``url`` once it answers a ping; ``process`` is the server, whose
    exit ends the wait at once."""
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    deadline = time.monotonic() + timeout
    while True:
        try:
            client.ping()
            return client
        except redis.RedisError as error:
            if process is not None and process.poll() is not None:
                raise ProcessError(f"redis-server exited (code {process.returncode})") from None
            if time.monotonic() > deadline:
                raise ProcessError(f"Redis at {url} does not answer: {error}") from None
            time.sleep(0.1)


class RedisServer:
    """A private in-memory ``redis-server`` on a free port, which may be stopped and started
    again (on the same port, empty: it keeps nothing on disk, like a Redis restarted after a
    crash). Its log is ``redis.log`` in ``workdir``."""

    def __init__(self, workdir):
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            raise ProcessError(
                "Redis is needed: set REDIS_URL, or install redis-server "
                "(apt-get install redis-server) for a private one."
            )
        self.workdir = Path(workdir)
        self.log_path = self.workdir / "redis.log"
        self.port = free_port()
        self.process = None

    def url(self, db=0):
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout=15):
        # In memory only: nothing saved, nothing appended, in the foreground.
        options = {
            "port": self.port,
            "bind": "127.0.0.1",
            "save": "",
            "appendonly": "no",
            "daemonize": "no",
            "dir": self.workdir,
        }
        command = [self.binary]
        for name, value in options.items():
            command += [f"--{name}", str(value)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for_redis(self.url(), timeout, self.process)
        except ProcessError as error:
            self.stop()
            raise ProcessError(f"{error}; redis-server said:\n{tail(self.log_path)}") from None
        return self

    def stop(self):
        if self.process is not None:
            stop(self.process)


# --- Celery ------------------------------------------------------------------------------------


def node_name(label):
    """A Celery node name no other worker of this machine has."""
    return f"{label}-{os.getpid()}-{next(_nodes)}@{socket.gethostname()}"


def wait_for_ping(app, node, running, timeout=90):
    """Seconds until the worker ``node`` answers ``app``'s ping; ``running()`` says whether it
    still runs, so that a worker that exited ends the wait at once."""
    started = time.monotonic()
    while not app.control.ping(destination=[node], timeout=0.5):
        if not running():
            raise ProcessError("the Celery worker exited while starting")
        if time.monotonic() - started > timeout:
            raise ProcessError(f"the Celery worker did not answer a ping in {timeout} s")
    return time.monotonic() - started


def _is_celery(pid):
    try:
        return b"celery" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


class CeleryWorker:
    """A ``celery -A kuzbib_site.celery worker`` subprocess run from the project root with
    ``env`` (its settings, database and broker), consuming ``queues`` with ``concurrency``
    processes of ``pool``, logging to ``log_path``. ``start`` returns at once;
    ``wait_until_ready`` waits for its ping. Stopped with a warm shutdown, killed with its pool
    processes if that takes too long."""

    def __init__(self, env, log_path, queues, pool="prefork", concurrency=1, node=None, options=()):
        self.env = {**env, "PYTHONUNBUFFERED": "1"}
        self.log_path = Path(log_path)
        self.queues = queues
        self.pool = pool
        self.concurrency = concurrency
        self.node = node or node_name("kuzbib")
        self.options = list(options)
        self.process = None
        self.stopped = False

    @property
    def pid(self):
        return self.process.pid

    def start(self):
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "kuzbib_site.celery",
            "worker",
            "--queues",
            self.queues,
            "--pool",
            self.pool,
            "--concurrency",
            str(self.concurrency),
            "--hostname",
            self.node,
            "--without-mingle",
            "--without-gossip",
            *self.options,
            "--loglevel",
            "INFO",
        ]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        return self

    def running(self):
        return self.process is not None and self.process.poll() is None

    def wait_until_ready(self, app, timeout=60):
        """Wait until the worker answers ``app``'s ping; stop it and raise, with its log, if it
        exits or does not answer in ``timeout`` seconds."""
        try:
            wait_for_ping(app, self.node, self.running, timeout)
        except ProcessError as error:
            self.stop()
            raise ProcessError(f"{error}; it said:\n{self.output()}") from None
        return self

    def children(self):
        """Pids of the pool's worker processes (prefork)."""
        return child_pids(self.process.pid) if self.running() else []

    def kill(self):
        """Kill the worker and its children at once, as a crash or the OOM killer would."""
        for pid in [*self.children(), self.process.pid]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.stopped = True

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.stopped or self.process is None:
            return
        pool = self.children()
        stop(self.process, sig, timeout)
        for pid in pool:  # a pool process left behind by a killed main process
            if _is_celery(pid):
                with suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        self.stopped = True

    def output(self, chars=5000):
        """The end of the worker's log."""
        return self.log_path.read_text(errors="replace")[-chars:]
