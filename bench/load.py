"""Load one URL with a fixed number of requests: ``python -m bench.load URL --requests N``.

A separate process because importing locust monkey-patches the standard library with gevent,
which the orchestrator (subprocesses, psycopg) should not inherit. Prints one JSON object:
p50/p95/mean latency in milliseconds, requests per second, request and failure counts.

Latencies are taken from every request event (float milliseconds) rather than from locust's
aggregated stats, which round to whole milliseconds and would flatten a ~1 ms baseline. The
measured responses' ``X-Kuzbib-Cache`` headers (the page cache's hit, miss or bypass) are
counted, so that a cached figure is known to be made of hits.
"""

import argparse
import json
import statistics
import sys
import time
from collections import Counter

import gevent
from gevent.event import Event
from locust import FastHttpUser, constant, task
from locust.env import Environment
from locust.exception import StopUser

HEADERS = {"X-Forwarded-Proto": "https"}
CACHE_HEADER = "X-Kuzbib-Cache"


class Budget:
    """How many requests the users of one run may still send, and what they measured."""

    def __init__(self, total):
        self.remaining = total
        self.total = total
        self.times_ms = []
        self.failures = []
        self.cache = Counter()  # X-Kuzbib-Cache value -> responses ("none" without the header)
        self.done = Event()
        self.client_cpu_warning = False

    def take(self):
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True

    def record(self, response_time, exception, response):
        self.times_ms.append(response_time)
        headers = getattr(response, "headers", None) or {}
        self.cache[headers.get(CACHE_HEADER) or "none"] += 1
        if exception is not None:
            self.failures.append(str(exception)[:200])
        if len(self.times_ms) >= self.total:
            self.done.set()


def make_user(path, budget):
    class PageUser(FastHttpUser):
        wait_time = constant(0)

        @task
        def get_page(self):
            if not budget.take():
                raise StopUser()
            with self.client.get(
                path, headers=HEADERS, allow_redirects=False, catch_response=True
            ) as response:
                if not 200 <= response.status_code < 300:
                    response.failure(f"HTTP {response.status_code}")

    return PageUser


def run(base_url, path, requests, users, timeout):
    """Send ``requests`` GETs of ``path`` from ``users`` concurrent users; returns the budget
    and the wall time from the first request to the last response."""
    budget = Budget(requests)
    user_class = make_user(path, budget)
    env = Environment(user_classes=[user_class], host=base_url)
    env.events.request.add_listener(
        lambda response_time, exception=None, response=None, **_: budget.record(
            response_time, exception, response
        )
    )
    runner = env.create_local_runner()
    started = time.perf_counter()
    runner.start(users, spawn_rate=users)  # all users in one dispatch step
    finished = budget.done.wait(timeout=timeout)
    elapsed = time.perf_counter() - started
    cpu_warning = runner.cpu_warning_emitted
    runner.quit()
    budget.client_cpu_warning = cpu_warning
    if not finished:
        budget.failures.append(f"timed out after {timeout} s")
    return budget, elapsed


def summarize(budget, elapsed):
    times = sorted(budget.times_ms)
    if len(times) >= 2:
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        p50, p95 = cuts[49], cuts[94]
    else:
        p50 = p95 = times[0] if times else None
    return {
        "requests": len(times),
        "failures": len(budget.failures),
        "failure_samples": sorted(set(budget.failures))[:5],
        "p50_ms": p50,
        "p95_ms": p95,
        "mean_ms": statistics.fmean(times) if times else None,
        "rps": len(times) / elapsed if elapsed > 0 else None,
        "cache": dict(budget.cache),
        "elapsed_s": elapsed,
        # locust saw its own process above 90% CPU: the client, not the server, may be the limit
        "client_cpu_warning": budget.client_cpu_warning,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8765")
    parser.add_argument("path", help="e.g. /about/")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)

    if args.warmup:
        warmup, _ = run(args.base_url, args.path, args.warmup, args.users, args.timeout)
        warmup_failures = len(warmup.failures)
    else:
        warmup_failures = 0
    gevent.sleep(0.2)  # let the warm-up's connections close before measuring
    budget, elapsed = run(args.base_url, args.path, args.requests, args.users, args.timeout)
    result = summarize(budget, elapsed)
    result["warmup_failures"] = warmup_failures
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
