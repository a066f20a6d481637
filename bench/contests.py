"""Contest entries in ``make bench``: the entry form under load, the processing pipeline's
throughput with one Celery worker, and a worker's memory on a large PDF.

``bench.run`` calls ``measure`` after the page loads, on the run's database, Redis and gunicorn.
The Django side of each step is a subprocess, ``python -m bench.contest_steps COMMAND``
(``bench.contest_steps``), with the run's environment (production settings: tasks go to Redis
and never run in a request), which prints one JSON object; this side, which imports no Django,
starts and stops the workers and prints the figures.

1. ``setup``: a contest open for entries now (its submissions stage running, one nomination,
   three eligible municipalities, an age limit, 60 MB per file) under the demo's contests index.
   It is made after the pages were measured, so their figures do not move.
2. ``submit``: ``SUBMISSIONS`` multipart POSTs of a valid entry with a ~200 KB PDF from
   ``SUBMIT_USERS`` concurrent participants, each with the CSRF cookie and token of one GET of
   the form; p50/p95 and p50 over the bare view's. Checked: every POST answered 302, the entries
   exist with distinct sequential numbers, all still «received», two tasks each queued.
3. ``pipeline-prepare`` then ``pipeline-run``: ``PIPELINE_ENTRIES`` entries saved as the form
   saves them (a two-page PDF, a DOCX and a PPTX, every text different, one PDF in
   ``DUPLICATE_EVERY`` a copy of the entry before's, so some are flagged as in life) and the
   queues emptied; then one real ``celery worker`` (prefork, concurrency 1, queue ``files``),
   ``process_entry`` sent for each, entries per minute until none is waiting. Checked: each was
   processed once (one attempt, one «finished» line in its log), every file inspected.
4. ``memory-prepare`` then ``memory-run``: a fresh worker; its pool process's resident memory
   idle, after a small entry, and at its peak while a ``LARGE_PDF_MB`` MB scanned PDF is
   processed. The peak is the kernel's high-water mark (VmHWM, reset after the small entry), so
   no sampling interval can miss it; RSS sampled every 50 ms is reported beside it.

The files come from ``bench.files``. A step that fails is reported as failed and the run exits 1;
the other steps still run.
"""

import json
import time

from bench.services import (
    BenchError,
    celery_worker,
    log,
    run_python,
    tail,
)

SUBMISSIONS = 100  # measured POSTs
SUBMIT_USERS = 2  # concurrent participants
SUBMIT_WARMUP = 4  # POSTs before measuring, not counted (their entries are checked too)
SUBMIT_PDF_KB = 200
PIPELINE_ENTRIES = 60
PIPELINE_PDF_PAGES = 2
DUPLICATE_EVERY = 10  # every tenth entry's PDF is the previous entry's: an identical file
LARGE_PDF_MB = 50
PROCESS_TIMEOUT = 300  # seconds for a worker to process what it was sent
WORKER_START_TIMEOUT = 90
SAMPLE_INTERVAL = 0.05
CONTEST_SLUG = "bench-contest"
SEED = 2009
MIB = 1024 * 1024


def _json(args, env, what, timeout=600):
    return json.loads(run_python(["-m", "bench.contest_steps", *args], env, what, timeout=timeout))


def _with_worker_log(error, worker):
    output = tail(worker.log_path, 25)
    return BenchError(f"{error}\nworker log (tail):\n{output}" if output else str(error))


def submissions(env, base_url, bare_p50):
    args = [
        "submit",
        base_url,
        f"--requests={SUBMISSIONS}",
        f"--users={SUBMIT_USERS}",
        f"--warmup={SUBMIT_WARMUP}",
        f"--pdf-kb={SUBMIT_PDF_KB}",
    ]
    result = _json(args, env, f"contest: {SUBMISSIONS} submissions")
    p50 = result.get("p50_ms")
    result["p50_ratio"] = p50 / bare_p50 if p50 is not None and bare_p50 else None
    return result


def pipeline(env, workdir):
    prepared = _json(
        ["pipeline-prepare", f"--entries={PIPELINE_ENTRIES}"],
        env,
        f"contest: {PIPELINE_ENTRIES} entries for the pipeline",
    )
    with celery_worker(env, workdir, "pipeline") as worker:
        args = [
            "pipeline-run",
            f"--node={worker.node}",
            f"--worker-pid={worker.pid}",
            "--ids=" + ",".join(str(pk) for pk in prepared["ids"]),
        ]
        try:
            result = _json(
                args, env, "contest: pipeline with one worker", timeout=PROCESS_TIMEOUT + 120
            )
        except BenchError as error:
            raise _with_worker_log(error, worker) from None
    prepared.pop("ids")
    return {**prepared, **result}


def memory(env, workdir):
    prepared = _json(
        ["memory-prepare", f"--mb={LARGE_PDF_MB}", f"--dir={workdir}"],
        env,
        f"contest: a {LARGE_PDF_MB} MB PDF entry",
    )
    with celery_worker(env, workdir, "memory") as worker:
        args = [
            "memory-run",
            f"--node={worker.node}",
            f"--worker-pid={worker.pid}",
            f"--warmup-id={prepared['warmup_id']}",
            f"--entry-id={prepared['entry_id']}",
        ]
        try:
            result = _json(args, env, "contest: worker memory", timeout=PROCESS_TIMEOUT + 120)
        except BenchError as error:
            raise _with_worker_log(error, worker) from None
    return {**prepared, **result}


def measure(env, workdir, base_url, bare_p50):
    """The three measurements, each on its own: one that fails is reported as failed (with one
    failure counted) and the next still runs. Returns the report's ``contests`` section."""
    started = time.monotonic()
    report = {
        "config": {
            "submissions": SUBMISSIONS,
            "submit_users": SUBMIT_USERS,
            "submit_warmup": SUBMIT_WARMUP,
            "submit_pdf_kb": SUBMIT_PDF_KB,
            "pipeline_entries": PIPELINE_ENTRIES,
            "large_pdf_mb": LARGE_PDF_MB,
        }
    }
    steps = {
        "submissions": lambda: submissions(env, base_url, bare_p50),
        "pipeline": lambda: pipeline(env, workdir),
        "memory": lambda: memory(env, workdir),
    }
    try:
        report["contest"] = _json(["setup"], env, "contest: setup")
    except BenchError as error:
        report["contest"] = {"error": str(error)}
        steps = {}
    for name, step in steps.items():
        try:
            report[name] = step()
        except BenchError as error:
            log(f"contest {name} failed: {error}")
            report[name] = {"error": str(error), "failures": 1}
    names = ("submissions", "pipeline", "memory")
    for name in names:
        report.setdefault(name, {"error": "the contest could not be set up", "failures": 1})
    report["failures"] = sum(report[name].get("failures", 0) for name in names)
    report["duration_s"] = round(time.monotonic() - started, 1)
    return report


def failing(report):
    """Names of the contest measurements that failed, for the run's closing message."""
    names = ("submissions", "pipeline", "memory")
    return [f"contest {name}" for name in names if report.get(name, {}).get("failures")]


def _fmt(value, spec):
    return "—" if value is None else format(value, spec)


def _problems(result):
    if result.get("error"):
        lines = result["error"].strip().splitlines() or ["?"]
        return ["failed: " + " … ".join(dict.fromkeys([lines[0], lines[-1]]))]
    return [f"FAILED: {problem}" for problem in result.get("problems", [])]


def section(report):
    """The contest measurements as lines under the pages' table."""
    lines = ["", "Contest entries"]
    sub = report["submissions"]
    if sub.get("error"):
        lines.append(f"submission POST: {_problems(sub)[0]}")
    else:
        url = f"POST {sub['path']}"
        header = (
            f"{'URL':<{len(url)}} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'p50/bare':>9} "
            f"{'fail':>5}"
        )
        lines += [
            header,
            "-" * len(header),
            f"{url} {_fmt(sub['p50_ms'], '8.2f')} {_fmt(sub['p95_ms'], '8.2f')} "
            f"{_fmt(sub['rps'], '8.1f')} {_fmt(sub['p50_ratio'], '8.2f')}x {sub['failures']:>5}",
            "-" * len(header),
            f"{sub['requests']} POSTs (+{sub['warmup']} warm-up) from {sub['users']} users, one "
            f"{sub['pdf_kb']:.0f} KB PDF each: {sub['answered_302']}/{sub['sent']} answered 302",
            f"  {sub['entries']} entries, numbered {sub['numbers']}, all «received»: "
            f"{'yes' if sub['all_received'] else 'no'}; queued by the POSTs: "
            f"{sub['queued']['files']} processing and {sub['queued']['mail']} receipt tasks",
        ]
        lines += _problems(sub)

    pipe = report["pipeline"]
    if pipe.get("error"):
        lines.append(f"pipeline: {_problems(pipe)[0]}")
    else:
        statuses = ", ".join(f"{count} {status}" for status, count in pipe["statuses"].items())
        lines += [
            f"pipeline, one worker (prefork, concurrency 1): {pipe['processed']}/"
            f"{pipe['entries']} entries (PDF {pipe['pdf_pages']} pp. + DOCX + PPTX) in "
            f"{pipe['elapsed_s']:.1f} s: {_fmt(pipe['entries_per_minute'], '.1f')} entries/min",
            f"  per entry (claim to finish): p50 {_fmt(pipe['entry_p50_s'], '.2f')} s, max "
            f"{_fmt(pipe['entry_max_s'], '.2f')} s, first {_fmt(pipe['entry_first_s'], '.2f')} s "
            f"(imports); {statuses} ({pipe['copied_pdfs']} with a copied PDF); processed "
            f"exactly once: {pipe['processed_once']}/{pipe['entries']}",
        ]
        lines += _problems(pipe)

    mem = report["memory"]
    if mem.get("error"):
        lines.append(f"worker memory: {_problems(mem)[0]}")
    else:
        lines += [
            f"worker memory, one {mem['size_mb']:.1f} MB PDF ({mem['pages']} scanned pages): "
            f"pool process peak RSS {mem['peak_mib']:.1f} MiB; idle {mem['idle_rss_mib']:.1f} "
            f"MiB, {mem['warm_rss_mib']:.1f} MiB after a small entry",
            f"  peak / idle: {_fmt(mem['peak_ratio_to_idle'], '.2f')}x, peak / after a small "
            f"entry: {_fmt(mem['peak_ratio_to_warm'], '.2f')}x; processed in "
            f"{_fmt(mem['processing_s'], '.2f')} s ({mem['wall_s']:.2f} s from sending to seen "
            f"done), status {mem['status']}",
        ]
        lines += _problems(mem)
    lines.append(f"contest measurements: {report['duration_s']} s")
    return "\n".join(lines)
