"""The Django side of ``make bench``'s contest measurements: ``python -m bench.contest_steps
COMMAND`` (``setup``, ``submit``, ``pipeline-prepare``, ``pipeline-run``, ``memory-prepare``,
``memory-run``), run by ``bench.contests`` with the run's environment (production settings: tasks
go to Redis and never run in a request); each prints one JSON object. What each measures and
checks, and the sizes, are told in ``bench.contests``; its participants are ``bench.participants``.
"""

import argparse
import collections
import contextlib
import datetime
import statistics
import sys
import time
from pathlib import Path

from bench import participants
from bench.contests import (
    CONTEST_SLUG,
    DUPLICATE_EVERY,
    LARGE_PDF_MB,
    MIB,
    PIPELINE_ENTRIES,
    PIPELINE_PDF_PAGES,
    PROCESS_TIMEOUT,
    SAMPLE_INTERVAL,
    SEED,
    SUBMISSIONS,
    SUBMIT_PDF_KB,
    SUBMIT_USERS,
    SUBMIT_WARMUP,
    WORKER_START_TIMEOUT,
)
from bench.services import BenchError, step_main
from tests import processes


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
    nomination, municipality, library = participants.eligible(contest)
    return {
        "contest_id": contest.pk,
        "url": contest.get_url_parts()[2],
        "nomination": nomination.title,
        "municipality": municipality.name,
        "library": library.full_name if library else None,
    }


# Submissions.


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

    contest = participants.bench_contest()
    path = contest.get_url_parts()[2] + contest.reverse_subpage("submit")
    pdf = files.photo_pdf(SEED, target_kb=args.pdf_kb)

    def make_fields(number):
        return participants.form_fields(contest, number, pdf)

    before = queued_tasks()  # load_demo's own tasks wait there too
    warmup, _ = participants.post_many(args.base_url, path, args.warmup, args.users, make_fields, 1)
    results, elapsed = participants.post_many(
        args.base_url, path, args.requests, args.users, make_fields, 1 + args.warmup
    )
    sent = results + warmup
    redirected = [r for r in sent if r[1] == 302 and "/entry/" in r[2]]
    failures = [r for r in results if not (r[1] == 302 and "/entry/" in r[2])]
    times = [r[0] for r in results if r[0] is not None]
    p50, p95 = participants.quantiles(times)

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

    contest = participants.bench_contest()
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
        ids.append(submit(contest, participants.entry_data(contest, number), uploads).pk)
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


def wait_for_worker(node, pid, timeout=WORKER_START_TIMEOUT):
    """Until the worker answers a ping; its start-up is not part of any measurement."""
    from kuzbib_site.celery import app

    try:
        return processes.wait_for_ping(app, node, lambda: processes.alive(pid), timeout)
    except processes.ProcessError as error:
        raise BenchError(str(error)) from None


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
        if not waiting or elapsed > timeout or not processes.alive(worker_pid):
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
        reason = (
            "the worker died" if not processes.alive(args.worker_pid) else f"{PROCESS_TIMEOUT} s"
        )
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


def command_memory_prepare(args):
    from django.core.files import File

    from bench import files
    from contests.submission import submit

    contest = participants.bench_contest()
    path = Path(args.dir) / "scan.pdf"
    started = time.perf_counter()
    pages = files.scan_pdf(path, args.mb, SEED)
    generated = time.perf_counter() - started
    size = path.stat().st_size
    number = contest.last_entry_number + 1
    warmup = submit(
        contest,
        participants.entry_data(contest, number),
        _uploads(("небольшая работа.pdf", files.photo_pdf(SEED + 1, target_kb=100), "pdf")),
    )
    try:
        with path.open("rb") as handle:
            entry = submit(
                contest,
                participants.entry_data(contest, number + 1),
                [(File(handle, name="скан.pdf"), "pdf")],
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
    pool = processes.child_pids(args.worker_pid)
    if len(pool) != 1:
        raise BenchError(f"expected one pool process under the worker, found {pool}")
    child = pool[0]
    idle = processes.status_kib(child)

    _send([args.warmup_id])
    _, waiting = _wait_processed([args.warmup_id], args.worker_pid)
    if waiting:
        raise BenchError("the small warm-up entry was not processed")
    warm = processes.status_kib(child)
    reset = processes.reset_peak(child)

    samples = []

    def sample():
        with contextlib.suppress(OSError):
            samples.append(processes.status_kib(child)["VmRSS"])

    started = time.perf_counter()
    _send([args.entry_id])
    _, waiting = _wait_processed([args.entry_id], args.worker_pid, on_tick=sample)
    wall = time.perf_counter() - started
    after = processes.status_kib(child) if processes.alive(child) else {}
    entry = Entry.objects.prefetch_related("files").get(pk=args.entry_id)
    stored = entry.files.all()[0]
    # VmHWM since the reset; RSS sampled every 50 ms too (the kernel updates the high-water
    # mark in batches, so a sample can top it by a few pages).
    sampled = max(samples, default=0) / 1024
    peak = max(after.get("VmHWM", 0) / 1024, sampled)

    problems = []
    if waiting or entry.is_pending:
        problems.append(f"the large entry was not processed (status {entry.status})")
    if processes.child_pids(args.worker_pid) != [child]:
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
    parser = argparse.ArgumentParser(prog="python -m bench.contest_steps")
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
    return step_main("contest_steps", parse, COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
