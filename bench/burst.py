"""The morning of the conference: ``python -m bench.burst BASE_URL PATH... --users N --duration S``.

N anonymous visitors arrive at once (all started in the first dispatch step) and, for S seconds,
each opens one of the paths (the conference page, its programme) at random, reads for ``THINK``
seconds and opens another. The think time is what makes them visitors: with
none, 200 clients would measure only how long a request waits behind 199 others (by Little's law
p50 ≈ 200 / throughput, whatever the server), not what a visitor sees. One request a second per
visitor is still far more than people reading a programme make.

One load-generator process: locust's ``FastHttpUser`` on gevent (its own subprocess, like
``bench.load``, because locust patches the standard library); a few hundred requests a second
take a fraction of one core, and the process's own CPU time is reported, so that a client-bound
run shows. Prints one JSON object: requests, failures, p50/p95/p99/max in milliseconds, requests
per second, the ``X-Kuzbib-Cache`` header counts and the generator's CPU use.
"""

import argparse
import json
import random
import resource
import statistics
import sys
import time
from collections import Counter

import gevent
from locust import FastHttpUser, between, task
from locust.env import Environment

from bench.load import CACHE_HEADER, HEADERS

THINK = (0.5, 1.5)  # seconds a visitor reads before the next page


class Recorder:
    """What the visitors measured: every response time, the failures and the cache headers."""

    def __init__(self):
        self.times_ms = []
        self.failures = []
        self.cache = Counter()

    def record(self, response_time, exception=None, response=None, **_):
        self.times_ms.append(response_time)
        headers = getattr(response, "headers", None) or {}
        self.cache[headers.get(CACHE_HEADER) or "none"] += 1
        if exception is not None:
            self.failures.append(str(exception)[:200])


def make_user(paths):
    class Visitor(FastHttpUser):
        wait_time = between(*THINK)

        @task
        def open_page(self):
            path = random.choice(paths)  # noqa: S311 - picking a page, not a secret
            with self.client.get(
                path, headers=HEADERS, allow_redirects=False, catch_response=True
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code} on {path}")

    return Visitor


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(base_url, paths, users, duration):
    recorder = Recorder()
    env = Environment(user_classes=[make_user(paths)], host=base_url)
    env.events.request.add_listener(recorder.record)
    runner = env.create_local_runner()
    cpu_before, started = cpu_seconds(), time.perf_counter()
    runner.start(users, spawn_rate=users)  # every visitor in one dispatch step: the burst
    gevent.sleep(duration)
    runner.stop()  # in-flight requests are cut off, not counted as failures
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_before
    cpu_warning = runner.cpu_warning_emitted
    runner.quit()
    return recorder, elapsed, cpu, cpu_warning


def summarize(recorder, elapsed, cpu, cpu_warning, users):
    times = sorted(recorder.times_ms)
    cuts = statistics.quantiles(times, n=100, method="inclusive") if len(times) >= 2 else None
    return {
        "users": users,
        "think_s": list(THINK),
        "load_generator_processes": 1,
        "load_generator_cpu_percent": 100 * cpu / elapsed if elapsed > 0 else None,
        "client_cpu_warning": cpu_warning,
        "duration_s": elapsed,
        "requests": len(times),
        "failures": len(recorder.failures),
        "failure_samples": sorted(set(recorder.failures))[:5],
        "p50_ms": cuts[49] if cuts else None,
        "p95_ms": cuts[94] if cuts else None,
        "p99_ms": cuts[98] if cuts else None,
        "max_ms": times[-1] if times else None,
        "rps": len(times) / elapsed if elapsed > 0 else None,
        "cache": dict(recorder.cache),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8765")
    parser.add_argument("paths", nargs="+", help="e.g. /events/x/ /events/x/programme/")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args(argv)
    recorder, elapsed, cpu, cpu_warning = run(args.base_url, args.paths, args.users, args.duration)
    json.dump(summarize(recorder, elapsed, cpu, cpu_warning, args.users), sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
