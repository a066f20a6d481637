"""Contest entries in ``make bench``: the entry form under load, the processing pipeline's
throughput with one Celery worker, and a worker's memory on a large PDF.

``bench.run`` calls ``measure`` after the page loads, on the run's database, Redis and gunicorn.
The Django side of each step is a subprocess, ``python -m bench.contests COMMAND``, with the
run's environment (production settings: tasks go to Redis and never run in a request), which
prints one JSON object; this side starts and stops the workers.

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

import argparse
import collections
import contextlib
import datetime
import itertools
import json
import os
import re
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.services import (
    PROXY_HEADERS,
    BenchError,
    celery_worker,
    child_pids,
    log,
    run_python,
    tail,
)

SUBMISSIONS = 100  # measured POSTs
SUBMIT_USERS = 2  # concurrent participants (gunicorn has two sync workers)
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


# --- The orchestrator's side (no Django here) ----------------------------------------------------


def _json(args, env, what, timeout=600):
    return json.loads(run_python(["-m", "bench.contests", *args], env, what, timeout=timeout))


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


# --- The Django side: python -m bench.contests COMMAND ------------------------------------------

LAST_NAMES = ["Иванова", "Петрова", "Сидорова", "Кузнецова", "Смирнова", "Попова", "Волкова"]
FIRST_NAMES = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Дарья"]
PATRONYMICS = ["Сергеевна", "Андреевна", "Викторовна", "Игоревна", "Павловна"]


def bench_contest():
    from contests.models import ContestPage

    return ContestPage.objects.get(slug=CONTEST_SLUG)


def _eligible(contest):
    from kuzbib_site.base.models import Library

    municipality = contest.municipalities.order_by("name").first()
    library = (
        Library.objects.filter(municipality=municipality, left_on=None)
        .exclude(member_since=None)
        .order_by("pk")
        .first()
    )
    return contest.nominations.first(), municipality, library


def entry_data(contest, number):
    """What the entry form hands to ``submission.submit`` for participant ``number``."""
    from django.utils import timezone

    nomination, municipality, library = _eligible(contest)
    return {
        "nomination": nomination,
        "title": f"Конкурсная работа № {number}: клуб чтения для подростков",
        "description": "Опыт работы клуба чтения: встречи, обсуждения, буктрейлеры.",
        "last_name": LAST_NAMES[number % len(LAST_NAMES)],
        "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
        "patronymic": PATRONYMICS[number % len(PATRONYMICS)],
        "birth_date": timezone.localdate() - datetime.timedelta(days=365 * 25 + number),
        "email": f"participant{number}@example.org",
        "phone": "+7 3842 000000",
        "library": library,
        "new_library_name": "" if library else "Сельская библиотека",
        "municipality": municipality,
        "position": "библиотекарь",
    }


def command_setup(args):
    from django.utils import timezone
    from wagtail.models import Site

    from contests.models import ContestIndexPage, ContestPage, Nomination, Stage
    from events.models import EventStatus
    from kuzbib_site.base.models import Municipality

    index = ContestIndexPage.objects.first()
    if index is None:
        home = Site.objects.get(is_default_site=True).root_page.specific
        index = ContestIndexPage(slug="contests", title="Конкурсы")
        home.add_child(instance=index)
        index.save_revision().publish()
    now = timezone.now()
    contest = ContestPage(
        slug=CONTEST_SLUG,
        title="КНИГИНЯ (бенчмарк)",
        intro="Конкурс, открытый для работ во время бенчмарка.",
        start=now - datetime.timedelta(days=10),
        end=now + datetime.timedelta(days=60),
        organisers="НП «Кузбасские библиотеки»",
        status=EventStatus.PLANNED,
        entry_prefix="БЕНЧ",
        max_age=35,
        age_reference_date=now.date(),
        files_per_entry=5,
        max_file_mb=60,
        max_entry_mb=100,
    )
    index.add_child(instance=contest)
    Nomination.objects.create(contest=contest, title="Библиотечный проект", sort_order=0)
    Stage.objects.create(
        contest=contest,
        kind=Stage.Kind.SUBMISSIONS,
        title="Приём конкурсных работ",
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=30),
        sort_order=0,
    )
    contest.municipalities.set(Municipality.objects.order_by("name")[:3])
    contest.save()
    contest.refresh_from_db()
    contest.save_revision().publish()
    nomination, municipality, library = _eligible(contest)
    return {
        "contest_id": contest.pk,
        "url": contest.get_url_parts()[2],
        "nomination": nomination.title,
        "municipality": municipality.name,
        "library": library.full_name if library else None,
    }


# Submissions.


def _quantiles(times):
    times = sorted(times)
    if len(times) >= 2:
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        return cuts[49], cuts[94]
    return (times[0], times[0]) if times else (None, None)


class Participant:
    """One browser: a GET of the form for the CSRF cookie and token, then POSTs with them.

    The cookie is ``Secure`` (production settings) and the server is plain HTTP behind a pretend
    proxy, so it is sent by hand; the Origin header is the HTTPS origin Django expects."""

    def __init__(self, base_url, path):
        import requests
        from django.conf import settings

        self.url = base_url + path
        self.session = requests.Session()
        response = self.session.get(
            self.url, headers=PROXY_HEADERS, allow_redirects=False, timeout=60
        )
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
        if response.status_code != 200 or not found or not cookie:
            raise BenchError(
                f"GET {path} answered {response.status_code} without a form and a CSRF cookie"
            )
        self.token = found.group(1)
        self.session.cookies.clear()
        origin = "https://" + urlsplit(base_url).netloc
        self.headers = {
            **PROXY_HEADERS,
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={cookie}",
            "Origin": origin,
            "Referer": origin + path,
        }

    def post(self, fields):
        from urllib3 import encode_multipart_formdata

        body, content_type = encode_multipart_formdata(
            [("csrfmiddlewaretoken", self.token), *fields]
        )
        headers = {**self.headers, "Content-Type": content_type}
        started = time.perf_counter()
        response = self.session.post(
            self.url, data=body, headers=headers, allow_redirects=False, timeout=120
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        return elapsed_ms, response.status_code, response.headers.get("Location", "")


def _form_fields(contest, number, pdf):
    data = entry_data(contest, number)
    fields = []
    for name, value in data.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        fields.append((name, str(value)))
    fields += [("consent", "on"), ("files", ("отчёт о проекте.pdf", pdf, "application/pdf"))]
    return fields


def _post_many(base_url, path, count, users, make_fields, first_number):
    """``count`` POSTs from ``users`` threads; returns the results in order of sending and the
    wall time. A request that raises is a failure with its message, not a crash."""
    numbers = itertools.count(first_number)
    lock = threading.Lock()
    results = []

    def participant():
        try:
            client = Participant(base_url, path)
        except Exception as error:  # noqa: BLE001 - reported as a failed request
            results.append((None, None, f"GET of the form: {error}"[:200]))
            return
        while True:
            with lock:
                number = next(numbers)
            if number >= first_number + count:
                return
            fields = make_fields(number)  # built before the clock starts
            try:
                results.append(client.post(fields))
            except Exception as error:  # noqa: BLE001 - reported as a failed request
                results.append((None, None, str(error)[:200]))

    threads = [threading.Thread(target=participant) for _ in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started


def _number_ranges(numbers):
    """«1–104» for consecutive numbers, else the first few."""
    if numbers and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        return f"{numbers[0]}–{numbers[-1]}"
    return ", ".join(str(n) for n in numbers[:10]) + ("…" if len(numbers) > 10 else "")


def queued_tasks():
    """Messages waiting in the run's ``files`` and ``mail`` queues."""
    from kuzbib_site.celery import app

    with app.connection_for_read() as connection:
        channel = connection.default_channel
        return {name: channel.queue_declare(queue=name).message_count for name in ("files", "mail")}


def command_submit(args):
    from bench import files
    from contests.models import Entry, EntryFile

    contest = bench_contest()
    path = contest.get_url_parts()[2] + contest.reverse_subpage("submit")
    pdf = files.photo_pdf(SEED, target_kb=args.pdf_kb)

    def make_fields(number):
        return _form_fields(contest, number, pdf)

    before = queued_tasks()  # load_demo's own tasks wait there too
    warmup, _ = _post_many(args.base_url, path, args.warmup, args.users, make_fields, 1)
    results, elapsed = _post_many(
        args.base_url, path, args.requests, args.users, make_fields, 1 + args.warmup
    )
    sent = results + warmup
    redirected = [r for r in sent if r[1] == 302 and "/entry/" in r[2]]
    failures = [r for r in results if not (r[1] == 302 and "/entry/" in r[2])]
    times = [r[0] for r in results if r[0] is not None]
    p50, p95 = _quantiles(times)

    entries = Entry.objects.filter(contest=contest)
    numbers = sorted(entries.values_list("number", flat=True))
    statuses = collections.Counter(entries.values_list("status", flat=True))
    files_per_entry = collections.Counter(
        EntryFile.objects.filter(entry__contest=contest).values_list("entry_id", flat=True)
    )
    queued = {name: count - before[name] for name, count in queued_tasks().items()}
    problems = []
    if len(redirected) != len(sent):
        problems.append(f"{len(sent) - len(redirected)} of {len(sent)} POSTs did not answer 302")
    if numbers != list(range(1, len(sent) + 1)):
        problems.append(f"entry numbers are not 1–{len(sent)}: {_number_ranges(numbers)}")
    if len(set(numbers)) != len(numbers):
        problems.append("two entries share a number")
    if statuses != {Entry.Status.RECEIVED: len(sent)}:
        problems.append(f"statuses after the POSTs: {dict(statuses)} (tasks ran in a request?)")
    if sorted(files_per_entry.values()) != [1] * len(numbers):
        problems.append("not every entry has its one file")
    if queued != {"files": len(numbers), "mail": len(numbers)}:
        problems.append(f"tasks queued by the POSTs: {queued}, expected {len(numbers)} of each")
    return {
        "path": path,
        "requests": len(results),
        "warmup": len(warmup),
        "sent": len(sent),
        "users": args.users,
        "pdf_kb": len(pdf) / 1024,
        "p50_ms": p50,
        "p95_ms": p95,
        "mean_ms": statistics.fmean(times) if times else None,
        "rps": len(times) / elapsed if elapsed > 0 else None,
        "answered_302": len(redirected),
        "status_codes": dict(collections.Counter(str(r[1]) for r in sent)),
        "failure_samples": sorted({r[2] or f"HTTP {r[1]}" for r in failures})[:5],
        "entries": len(numbers),
        "numbers": _number_ranges(numbers),
        "all_received": statuses == {Entry.Status.RECEIVED: len(numbers)},
        "queued": queued,
        "problems": problems,
        "failures": len(failures) + (1 if problems else 0),
    }


# The pipeline.


def purge_queues():
    """Drop every message waiting in the run's queues (the tasks the POSTs and ``submit`` sent),
    so that a worker started next does only what it is sent. Returns how many there were."""
    from kuzbib_site.celery import app

    return app.control.purge()


def _uploads(*named):
    from django.core.files.base import ContentFile

    return [(ContentFile(data, name=name), kind) for name, data, kind in named]


def command_pipeline_prepare(args):
    from bench import files
    from contests.submission import submit

    contest = bench_contest()
    started = time.perf_counter()
    pdfs = files.text_pdfs(args.entries, PIPELINE_PDF_PAGES, SEED)
    generated = time.perf_counter()
    ids, sizes = [], collections.defaultdict(list)
    first = contest.last_entry_number + 1
    for index in range(args.entries):
        number = first + index
        copied = index % DUPLICATE_EVERY == DUPLICATE_EVERY - 1
        pdf = pdfs[index - 1] if copied else pdfs[index]
        docx, pptx = files.docx(SEED + number), files.pptx(SEED + number)
        uploads = _uploads(
            (f"работа-{number}.pdf", pdf, "pdf"),
            (f"описание-{number}.docx", docx, "docx"),
            (f"презентация-{number}.pptx", pptx, "pptx"),
        )
        ids.append(submit(contest, entry_data(contest, number), uploads).pk)
        for kind, data in (("pdf", pdf), ("docx", docx), ("pptx", pptx)):
            sizes[kind].append(len(data))
    saved = time.perf_counter()
    return {
        "ids": ids,
        "entries": len(ids),
        "pdf_pages": PIPELINE_PDF_PAGES,
        "copied_pdfs": sum(
            1 for index in range(args.entries) if index % DUPLICATE_EVERY == DUPLICATE_EVERY - 1
        ),
        "file_kb_mean": {kind: statistics.fmean(v) / 1024 for kind, v in sizes.items()},
        "generate_s": round(generated - started, 1),
        "save_s": round(saved - generated, 1),
        "purged_tasks": purge_queues(),
    }


def _alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def wait_for_worker(node, pid, timeout=WORKER_START_TIMEOUT):
    """Until the worker answers a ping; its start-up is not part of any measurement."""
    from kuzbib_site.celery import app

    started = time.perf_counter()
    while not app.control.ping(destination=[node], timeout=0.5):
        if not _alive(pid):
            raise BenchError("the Celery worker exited while starting")
        if time.perf_counter() - started > timeout:
            raise BenchError(f"the Celery worker did not answer a ping in {timeout} s")
    return time.perf_counter() - started


def _send(entry_ids):
    from contests.tasks import process_entry
    from kuzbib_site.base.queue import enqueue

    for entry_id in entry_ids:
        if not enqueue(process_entry, entry_id=entry_id):
            raise BenchError(f"could not send process_entry for entry {entry_id}")


def _wait_processed(entry_ids, worker_pid, timeout=PROCESS_TIMEOUT, on_tick=None):
    """Poll until no entry of ``entry_ids`` is waiting; returns (seconds, still waiting)."""
    from contests.models import Entry

    waiting_statuses = (Entry.Status.RECEIVED, Entry.Status.PROCESSING)
    started = time.perf_counter()
    while True:
        if on_tick is not None:
            on_tick()
        waiting = Entry.objects.filter(pk__in=entry_ids, status__in=waiting_statuses).count()
        elapsed = time.perf_counter() - started
        if not waiting or elapsed > timeout or not _alive(worker_pid):
            return elapsed, waiting
        time.sleep(SAMPLE_INTERVAL)


def _finished_prefix():
    """How a «Processing finished: …» log line starts in the site's language."""
    from django.conf import settings
    from django.utils import translation
    from django.utils.translation import gettext

    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Processing finished: %(status)s.").split("%(")[0]


def command_pipeline_run(args):
    from contests.models import Entry, EntryFlag

    ids = [int(pk) for pk in args.ids.split(",")]
    startup = wait_for_worker(args.node, args.worker_pid)
    started = time.perf_counter()
    _send(ids)
    _, waiting = _wait_processed(ids, args.worker_pid)
    elapsed = time.perf_counter() - started  # from the first task sent to the last seen done

    prefix = _finished_prefix()
    entries = list(Entry.objects.filter(pk__in=ids).prefetch_related("files"))
    once = [
        entry
        for entry in entries
        if entry.processing_attempts == 1
        and sum(1 for line in entry.processing_log if line["message"].startswith(prefix)) == 1
    ]
    durations = [
        (entry.processed_at - entry.processing_started_at).total_seconds()
        for entry in entries
        if entry.processed_at and entry.processing_started_at
    ]
    unread = [f for entry in entries for f in entry.files.all() if not f.processed_at]
    flags = collections.Counter(
        EntryFlag.objects.filter(entry_id__in=ids).values_list("kind", flat=True)
    )
    processed = len(entries) - waiting
    problems = []
    if waiting:
        reason = "the worker died" if not _alive(args.worker_pid) else f"{PROCESS_TIMEOUT} s"
        problems.append(f"{waiting} entries still waiting after {elapsed:.0f} s ({reason})")
    if len(once) != len(entries):
        problems.append(f"{len(entries) - len(once)} entries were not processed exactly once")
    if unread:
        problems.append(f"{len(unread)} files were not inspected")
    return {
        "worker_start_s": round(startup, 1),
        "processed": processed,
        "elapsed_s": elapsed,
        "entries_per_minute": processed / elapsed * 60 if elapsed > 0 else None,
        "entry_p50_s": statistics.median(durations) if durations else None,
        "entry_max_s": max(durations) if durations else None,
        "entry_first_s": durations[0] if durations else None,
        "statuses": dict(collections.Counter(entry.status for entry in entries)),
        "flags": dict(flags),
        "processed_once": len(once),
        "problems": problems,
        "failures": 1 if problems else 0,
    }


# Memory.


def _status_kib(pid):
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    return fields


def _reset_peak(pid):
    """Reset the process's VmHWM to its current RSS (Linux 4.0+); False where not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def command_memory_prepare(args):
    from django.core.files import File

    from bench import files
    from contests.submission import submit

    contest = bench_contest()
    path = Path(args.dir) / "scan.pdf"
    started = time.perf_counter()
    pages = files.scan_pdf(path, args.mb, SEED)
    generated = time.perf_counter() - started
    size = path.stat().st_size
    number = contest.last_entry_number + 1
    warmup = submit(
        contest,
        entry_data(contest, number),
        _uploads(("небольшая работа.pdf", files.photo_pdf(SEED + 1, target_kb=100), "pdf")),
    )
    try:
        with path.open("rb") as handle:
            entry = submit(
                contest, entry_data(contest, number + 1), [(File(handle, name="скан.pdf"), "pdf")]
            )
    finally:
        path.unlink(missing_ok=True)  # the stored copy is what the worker reads
    return {
        "warmup_id": warmup.pk,
        "entry_id": entry.pk,
        "pages": pages,
        "size_mb": size / MIB,
        "generate_s": round(generated, 1),
        "purged_tasks": purge_queues(),
    }


def command_memory_run(args):
    from contests.models import Entry

    startup = wait_for_worker(args.node, args.worker_pid)
    pool = child_pids(args.worker_pid)
    if len(pool) != 1:
        raise BenchError(f"expected one pool process under the worker, found {pool}")
    child = pool[0]
    idle = _status_kib(child)

    _send([args.warmup_id])
    _, waiting = _wait_processed([args.warmup_id], args.worker_pid)
    if waiting:
        raise BenchError("the small warm-up entry was not processed")
    warm = _status_kib(child)
    reset = _reset_peak(child)

    samples = []

    def sample():
        with contextlib.suppress(OSError):
            samples.append(_status_kib(child)["VmRSS"])

    started = time.perf_counter()
    _send([args.entry_id])
    _, waiting = _wait_processed([args.entry_id], args.worker_pid, on_tick=sample)
    wall = time.perf_counter() - started
    after = _status_kib(child) if _alive(child) else {}
    entry = Entry.objects.prefetch_related("files").get(pk=args.entry_id)
    stored = entry.files.all()[0]
    # VmHWM since the reset; RSS sampled every 50 ms too (the kernel updates the high-water
    # mark in batches, so a sample can top it by a few pages).
    sampled = max(samples, default=0) / 1024
    peak = max(after.get("VmHWM", 0) / 1024, sampled)

    problems = []
    if waiting or entry.is_pending:
        problems.append(f"the large entry was not processed (status {entry.status})")
    if child_pids(args.worker_pid) != [child]:
        problems.append("the pool process was replaced (killed by a time limit or OOM?)")
    if stored.problem:
        problems.append(f"the file got a problem: {stored.problem}")
    idle_mib, warm_mib = idle["VmRSS"] / 1024, warm["VmRSS"] / 1024
    return {
        "worker_start_s": round(startup, 1),
        "idle_rss_mib": idle_mib,
        "warm_rss_mib": warm_mib,
        "warm_peak_mib": warm["VmHWM"] / 1024,
        "peak_mib": peak,
        "hwm_mib": after.get("VmHWM", 0) / 1024,
        "peak_reset": reset,
        "sampled_max_mib": sampled,
        "samples": len(samples),
        "peak_ratio_to_idle": peak / idle_mib if idle_mib else None,
        "peak_ratio_to_warm": peak / warm_mib if warm_mib else None,
        "processing_s": (
            (entry.processed_at - entry.processing_started_at).total_seconds()
            if entry.processed_at and entry.processing_started_at
            else None
        ),
        "wall_s": wall,
        "status": entry.status,
        "file_pages": stored.pages,
        "file_words": stored.words,
        "problems": problems,
        "failures": 1 if problems else 0,
    }


COMMANDS = {
    "setup": command_setup,
    "submit": command_submit,
    "pipeline-prepare": command_pipeline_prepare,
    "pipeline-run": command_pipeline_run,
    "memory-prepare": command_memory_prepare,
    "memory-run": command_memory_run,
}


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.contests")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup")
    submit = commands.add_parser("submit")
    submit.add_argument("base_url")
    submit.add_argument("--requests", type=int, default=SUBMISSIONS)
    submit.add_argument("--users", type=int, default=SUBMIT_USERS)
    submit.add_argument("--warmup", type=int, default=SUBMIT_WARMUP)
    submit.add_argument("--pdf-kb", type=int, default=SUBMIT_PDF_KB)
    prepare = commands.add_parser("pipeline-prepare")
    prepare.add_argument("--entries", type=int, default=PIPELINE_ENTRIES)
    for name in ("pipeline-run", "memory-run"):
        run = commands.add_parser(name)
        run.add_argument("--node", required=True)
        run.add_argument("--worker-pid", type=int, required=True)
        if name == "pipeline-run":
            run.add_argument("--ids", required=True)
        else:
            run.add_argument("--warmup-id", type=int, required=True)
            run.add_argument("--entry-id", type=int, required=True)
    large = commands.add_parser("memory-prepare")
    large.add_argument("--mb", type=int, default=LARGE_PDF_MB)
    large.add_argument("--dir", required=True)
    return parser.parse_args(argv)


def main(argv=None):
    import django

    args = parse(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    try:
        result = COMMANDS[args.command](args)
    except BenchError as error:
        print(f"bench.contests {args.command}: {error}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
