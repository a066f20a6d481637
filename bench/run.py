"""``make bench``: build a benchmark site, serve it with gunicorn, load every URL, report.

Steps: a fresh database (PostgreSQL ``kuzbib_bench`` beside the one DATABASE_URL names, or
``var/bench.sqlite3``), Redis (REDIS_URL or a private redis-server), ``migrate``, ``load_demo``,
the generated dataset (``bench.dataset``), ``update_index``, ``collectstatic`` into a temporary
STATIC_ROOT; then SQL queries per URL (``bench.queries``), gunicorn with production settings
plus the bare view (``bench.settings``), a fixed number of requests per URL (``bench.load``)
and the workers' peak memory; then contest entries (``bench.contests``): the entry form's POST
on the same gunicorn, the processing pipeline's throughput with one Celery worker and a worker's
peak memory on a large PDF; the jury (``bench.jury``); the festival of library dynasties
(``bench.dynasties``): a dynasty of 40 members and the festival's listing; last, the heroes archive
(``bench.heroes``): 20,000 heroes imported on one worker, the index and a hero's page with them,
a full OAI-PMH harvest. Prints a table and the contest figures, writes
``bench/results/latest.json`` and exits 1 if any request or check failed. See the package
docstring for why results are ratios to the bare view.

To benchmark another page, append it to ``PAGES``.
"""

import datetime
import json
import os
import platform
import secrets
import signal
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote

from bench import contests, dynasties, heroes, jury
from bench.services import (
    ROOT,
    BenchError,
    bench_database,
    gunicorn,
    log,
    redis_service,
    run_python,
    tail,
    worker_memory,
)

# (name, URL). The first entry is the baseline every other URL is compared with.
PAGES = [
    ("bare", "/bench/bare/"),
    ("home", "/"),
    ("standard page", "/about/"),
    ("directory", "/libraries/"),
    ("search", "/search/?q=библиотеки"),
    ("healthz", "/healthz"),
    ("events index", "/events/?when=past"),
    ("conference", "/events/viii-session-2008/"),
    ("programme", "/events/viii-session-2008/programme/"),
    ("resolution", "/events/viii-session-2008/resolution/"),
    ("events .ics", "/events/ics/"),
]
REQUESTS = 400  # measured requests per URL
USERS = 4  # concurrent users
WARMUP = 20  # requests per URL before measuring, not counted
WORKERS = 2  # gunicorn sync workers
RESULTS = ROOT / "bench" / "results" / "latest.json"
# Settings the benchmark must not inherit: it would index into, or mail through, real services.
NOT_INHERITED = {"WAGTAILSEARCH_BACKEND", "WAGTAILSEARCH_URLS", "EMAIL_BACKEND", "EMAIL_HOST"}


def quoted(url):
    return quote(url, safe="/?&=:%")


def build_site(env):
    run_python(["manage.py", "migrate", "--no-input", "-v0"], env, "migrate")
    password = secrets.token_urlsafe(16)
    run_python(["manage.py", "load_demo", "--admin-password", password], env, "load_demo")
    dataset = json.loads(run_python(["-m", "bench.dataset"], env, "dataset"))
    run_python(["manage.py", "update_index"], env, "update_index")
    run_python(["manage.py", "collectstatic", "--no-input", "-v0"], env, "collectstatic")
    return dataset


def load_url(base_url, url, env):
    options = [f"--requests={REQUESTS}", f"--users={USERS}", f"--warmup={WARMUP}"]
    output = run_python(["-m", "bench.load", base_url, quoted(url), *options], env, f"load {url}")
    return json.loads(output)


def ratio(value, base):
    return value / base if value is not None and base else None


def assemble(loads, queries):
    """One row per URL. ``failures`` counts every non-2xx answer or error: measured requests,
    warm-up requests and the SQL-count request."""
    base = loads[PAGES[0][1]]
    rows = []
    for name, url in PAGES:
        load = loads[url]
        query = queries[quoted(url)]
        failures = load["failures"] + load["warmup_failures"]
        if not 200 <= query["status"] < 300:
            failures += 1
        rows.append(
            {
                "name": name,
                "url": url,
                "p50_ms": load["p50_ms"],
                "p95_ms": load["p95_ms"],
                "mean_ms": load["mean_ms"],
                "rps": load["rps"],
                "p50_ratio": ratio(load["p50_ms"], base["p50_ms"]),
                "rps_ratio": ratio(load["rps"], base["rps"]),
                "sql_queries": query["queries"],
                "sql_queries_cold": query["cold_queries"],
                "query_check_status": query["status"],
                "requests": load["requests"],
                "failures": failures,
                "failure_samples": load["failure_samples"],
                "client_cpu_warning": load["client_cpu_warning"],
            }
        )
    return rows


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def table(rows, memory):
    width = max(len("URL"), *(len(row["url"]) for row in rows))
    header = (
        f"{'URL':<{width}} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} "
        f"{'p50/bare':>9} {'rps/bare':>9} {'SQL':>5} {'fail':>5}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['url']:<{width}} {fmt(row['p50_ms'], '8.2f')} {fmt(row['p95_ms'], '8.2f')} "
            f"{fmt(row['rps'], '8.1f')} {fmt(row['p50_ratio'], '8.2f')}x "
            f"{fmt(row['rps_ratio'], '8.2f')}x {row['sql_queries']:>5} {row['failures']:>5}"
        )
    lines.append("-" * len(header))
    lines.append(
        f"gunicorn workers ({memory['workers']}) peak RSS: {memory['peak_sum_mib']:.1f} MiB "
        f"total, {memory['peak_max_mib']:.1f} MiB largest worker"
    )
    lines.append(
        f"after the bare view only: {memory['after_bare_peak_sum_mib']:.1f} MiB total; "
        f"peak / bare-only: {memory['peak_ratio_to_bare']:.2f}x"
    )
    if memory["workers_replaced"]:
        lines.append("note: a gunicorn worker was replaced during the run; its peak restarted")
    return "\n".join(lines)


def child_environment(database_url, redis_url, workdir):
    env = {key: value for key, value in os.environ.items() if key not in NOT_INHERITED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            # Plain HTTP on loopback; requests still carry X-Forwarded-Proto: https.
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(workdir / "static"),
            "MEDIA_ROOT": str(workdir / "media"),
            "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            # Every simulated participant posts from 127.0.0.1: the per-address limit of the
            # entry form is lifted, the per-e-mail counters (each POST has its own address) still
            # run, so the throttle's cost is in the figures.
            "KUZBIB_THROTTLE_ENTRY_IP": "0",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


def benchmark():
    started = time.monotonic()
    with ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kuzbib-bench-")))
        redis_url, redis_kind = stack.enter_context(
            redis_service(os.environ.get("REDIS_URL", ""), workdir)
        )
        database_url, database_kind = stack.enter_context(
            bench_database(os.environ.get("DATABASE_URL", ""))
        )
        log(f"database: {database_kind}, redis: {redis_kind}")
        env = child_environment(database_url, redis_url, workdir)
        dataset = build_site(env)
        queries = json.loads(
            run_python(["-m", "bench.queries", *(quoted(url) for _, url in PAGES)], env, "queries")
        )

        base_url, process, gunicorn_log = stack.enter_context(gunicorn(env, workdir, WORKERS))
        loads, memory = {}, {}
        for index, (_, url) in enumerate(PAGES):
            loads[url] = load_url(base_url, url, env)
            if index == 0:
                memory["after_bare"] = worker_memory(process.pid)
        memory["final"] = worker_memory(process.pid)
        rows = assemble(loads, queries)
        if any(row["failures"] for row in rows) and tail(gunicorn_log):
            print(f"gunicorn log (tail):\n{tail(gunicorn_log)}", file=sys.stderr)
        # After the pages, so that the contest and its entries do not change their figures.
        contest_report = contests.measure(env, workdir, base_url, bare_p50=rows[0]["p50_ms"])
        if contest_report["submissions"].get("failures") and tail(gunicorn_log):
            print(f"gunicorn log (tail):\n{tail(gunicorn_log)}", file=sys.stderr)
        jury_report = jury.measure(
            env,
            base_url,
            bare_p50=rows[0]["p50_ms"],
            load_url=lambda url: load_url(base_url, url, env),
        )
        if jury_report["failures"] and tail(gunicorn_log):
            print(f"gunicorn log (tail):\n{tail(gunicorn_log)}", file=sys.stderr)
        dynasties_report = dynasties.measure(
            env, bare_p50=rows[0]["p50_ms"], load_url=lambda url: load_url(base_url, url, env)
        )
        if dynasties_report["failures"] and tail(gunicorn_log):
            print(f"gunicorn log (tail):\n{tail(gunicorn_log)}", file=sys.stderr)
        # Last: its 20,000 heroes would change every figure measured after them.
        heroes_report = heroes.measure(
            env,
            workdir,
            base_url,
            bare_p50=rows[0]["p50_ms"],
            load_url=lambda url: load_url(base_url, url, env),
        )
        if heroes_report["failures"] and tail(gunicorn_log):
            print(f"gunicorn log (tail):\n{tail(gunicorn_log)}", file=sys.stderr)

    summary = {
        "peak_sum_mib": memory["final"]["peak_sum_mib"],
        "peak_max_mib": memory["final"]["peak_max_mib"],
        "after_bare_peak_sum_mib": memory["after_bare"]["peak_sum_mib"],
        "peak_ratio_to_bare": memory["final"]["peak_sum_mib"]
        / memory["after_bare"]["peak_sum_mib"],
        "workers": WORKERS,
        # A worker that died and was replaced restarts its peak: the figures above undercount.
        "workers_replaced": memory["final"]["pids"] != memory["after_bare"]["pids"],
    }
    report = {
        "generated_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - started, 1),
        "config": {
            "requests_per_url": REQUESTS,
            "concurrent_users": USERS,
            "warmup_requests": WARMUP,
            "gunicorn_workers": WORKERS,
            "database": database_kind,
            "redis": redis_kind,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "machine": platform.machine(),
        },
        "dataset": dataset,
        "pages": rows,
        "memory": summary,
        "contests": contest_report,
        "jury": jury_report,
        "dynasties": dynasties_report,
        "heroes": heroes_report,
        "failures": sum(row["failures"] for row in rows)
        + contest_report["failures"]
        + jury_report["failures"]
        + dynasties_report["failures"]
        + heroes_report["failures"],
    }
    return report


def _terminated(signum, frame):
    raise KeyboardInterrupt


def main():
    # `kill` (SIGTERM) unwinds like Ctrl+C, so gunicorn, Redis and the database are cleaned up.
    signal.signal(signal.SIGTERM, _terminated)
    try:
        report = benchmark()
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            "bench: interrupted; gunicorn, workers and Redis stopped, benchmark database "
            "cleaned up",
            file=sys.stderr,
        )
        return 130
    print(table(report["pages"], report["memory"]))
    if any(row["client_cpu_warning"] for row in report["pages"]):
        print("note: locust's process went above 90% CPU; throughput may be client-bound")
    print(contests.section(report["contests"]))
    print(jury.section(report["jury"]))
    print(dynasties.section(report["dynasties"]))
    print(heroes.section(report["heroes"]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)} in {report['duration_s']} s")
    if report["failures"]:
        failing = [row["url"] for row in report["pages"] if row["failures"]]
        if failing:
            print(f"bench: failed requests on {', '.join(failing)}", file=sys.stderr)
        failed = contests.failing(report["contests"])
        if report["jury"]["failures"]:
            failed.append("jury")
        if report["dynasties"]["failures"]:
            failed.append("dynasties")
        if report["heroes"]["failures"]:
            failed.append("heroes")
        if failed:
            print(f"bench: failed: {', '.join(failed)} (see above)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
