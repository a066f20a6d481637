"""The periodicals' ingest in ``make bench``: OCR pages per minute with one worker, and the time
to tile a page.

``bench.run`` calls ``measure`` (section ``ingest``). The Django side is ``python -m
bench.ingest COMMAND`` with the run's environment:

1. ``setup``: an archive, a title and an issue under the site's home page, and an upload of
   ``PAGES`` newspaper pages (A4 at 300 dpi, 36 lines of Russian text each, rendered like the
   tests' pages) as one PDF, split in that process (the split is not what is measured);
   prints the pages' ids.
2. ``run``: one real ``celery worker`` (prefork, concurrency 1, queue ``files``: one worker
   process, as production runs per core) is sent ``process_scan`` for each page; pages per
   minute from the first task sent to the last page seen ready, and the median tile and OCR
   time per page as the pages recorded them. Checked: every page ready, with text, tiled once.

Without tesseract (``ocr.available()`` false) the OCR figure is reported as missing and the
section fails: the benchmark machine is CI's, which installs it.
"""

import argparse
import datetime
import json
import statistics
import sys
import time

from bench.services import BenchError, celery_worker, fmt, log, run_python, step_main
from tests import processes

PAGES = 4
PROCESS_TIMEOUT = 240
WORKER_START_TIMEOUT = 90
SLUG = "bench-periodicals"


def _json(args, env, what, timeout=600):
    return json.loads(run_python(["-m", "bench.ingest", *args], env, what, timeout=timeout))


def measure(env, workdir):
    """Set the pages up, then process them on one worker. Returns the report's ``ingest``
    section."""
    report = {"failures": 0}
    try:
        report["setup"] = _json(["setup", f"--pages={PAGES}"], env, f"ingest: {PAGES} pages")
        with celery_worker(env, workdir, "ingest") as worker:
            args = [
                "run",
                f"--node={worker.node}",
                f"--worker-pid={worker.pid}",
                "--ids=" + ",".join(str(pk) for pk in report["setup"]["ids"]),
            ]
            report["run"] = _json(
                args, env, "ingest: OCR and tiles with one worker", timeout=PROCESS_TIMEOUT + 120
            )
    except BenchError as error:
        log(f"ingest failed: {error}")
        report["error"] = str(error)
        report["failures"] = 1
        return report
    report["failures"] = len(report["run"]["problems"])
    return report


def section(report):
    """The ingest's lines of the printed report."""
    if "error" in report:
        return f"ingest: failed: {report['error'].splitlines()[0]}"
    setup, run = report["setup"], report["run"]
    lines = [
        f"ingest: {setup['pages']} pages of {setup['width']} × {setup['height']} px "
        f"(A4 at {setup['dpi']} dpi, {setup['lines']} lines of text), one worker process "
        f"(prefork, concurrency 1, tesseract and libvips on one thread)",
        f"  OCR pages per minute per worker: {fmt(run['pages_per_minute'], '.1f')} "
        f"(tiles, OCR and indexing included; {run['elapsed_s']:.1f} s for {run['done']} pages)",
        f"  tile time per page: median {fmt(run['tile_p50_s'], '.2f')} s, max "
        f"{fmt(run['tile_max_s'], '.2f')} s ({run['tile_files_per_page']} files a page); OCR "
        f"time per page: median {fmt(run['ocr_p50_s'], '.2f')} s ({run['ocr_engine'] or 'none'})",
        f"  split of the {setup['pages']}-page PDF (rendered at {setup['dpi']} dpi): "
        f"{setup['split_s']:.1f} s",
    ]
    lines += [f"  FAILED: {problem}" for problem in run["problems"]]
    return "\n".join(lines)


# --- The Django side -------------------------------------------------------------------------


def command_setup(args):
    from django.core.files.base import ContentFile  # noqa: PLC0415
    from wagtail.models import Site  # noqa: PLC0415

    from periodicals import ingest  # noqa: PLC0415
    from periodicals.conf import setting  # noqa: PLC0415
    from periodicals.models import IssuePage, IssueUpload, PeriodicalsIndexPage, TitlePage  # noqa: PLC0415
    from tests.periodicals import scans  # noqa: PLC0415

    home = Site.objects.get(is_default_site=True).root_page
    archive = PeriodicalsIndexPage.objects.filter(slug=SLUG).first()
    if archive is None:
        archive = home.add_child(instance=PeriodicalsIndexPage(title="Бенч: периодика", slug=SLUG))
    title = archive.add_child(
        instance=TitlePage(title="Бенч-газета", slug=f"{SLUG}-{time.time_ns()}")
    )
    issue = title.add_child(
        instance=IssuePage(title="№ 1", slug="1", date=datetime.date(1957, 5, 9), number="1")
    )
    lines = (scans.NEWSPAPER * 5)[:36]
    pictures = []
    for index in range(args.pages):
        rotated = lines[index:] + lines[:index]  # every page's text a little different
        picture, _layout = scans.page(rotated, size=(2480, 3508), font_size=44, margin=150)
        pictures.append(picture)
    upload = IssueUpload.objects.create(
        issue=issue, original_name="bench.pdf", file=ContentFile(scans.pdf(pictures), "bench.pdf")
    )
    ids = []
    started = time.perf_counter()
    ingest.split(upload.pk, ready=ids.append)
    split_s = time.perf_counter() - started
    if len(ids) != args.pages:
        upload.refresh_from_db()
        raise BenchError(f"the split made {len(ids)} pages of {args.pages}: {upload.error}")
    return {
        "ids": ids,
        "pages": args.pages,
        "width": pictures[0].width,
        "height": pictures[0].height,
        "dpi": setting("PDF_DPI"),
        "lines": len(lines),
        "split_s": split_s,
    }


def command_run(args):
    from kuzbib_site.base.queue import enqueue  # noqa: PLC0415
    from kuzbib_site.celery import app  # noqa: PLC0415
    from periodicals import ocr  # noqa: PLC0415
    from periodicals.models import Scan  # noqa: PLC0415
    from periodicals.tasks import process_scan  # noqa: PLC0415

    ids = [int(pk) for pk in args.ids.split(",")]
    try:
        processes.wait_for_ping(
            app, args.node, lambda: processes.alive(args.worker_pid), WORKER_START_TIMEOUT
        )
    except processes.ProcessError as error:
        raise BenchError(str(error)) from None
    started = time.perf_counter()
    for scan_id in ids:
        if not enqueue(process_scan, scan_id=scan_id):
            raise BenchError(f"could not send process_scan for page {scan_id}")
    working = [Scan.Status.PENDING, Scan.Status.TILING, Scan.Status.OCR]
    while True:
        waiting = Scan.objects.filter(pk__in=ids, status__in=working).count()
        elapsed = time.perf_counter() - started
        if not waiting or elapsed > PROCESS_TIMEOUT or not processes.alive(args.worker_pid):
            break
        time.sleep(0.1)
    pages = list(Scan.objects.filter(pk__in=ids))
    done = [scan for scan in pages if scan.status == Scan.Status.DONE]
    tile_times = [scan.tile_seconds for scan in done if scan.tile_seconds is not None]
    ocr_times = [scan.ocr_seconds for scan in done if scan.ocr_seconds is not None]
    problems = []
    if waiting:
        problems.append(f"{waiting} pages still waiting after {elapsed:.0f} s")
    failed = [scan for scan in pages if scan.status == Scan.Status.FAILED]
    if failed:
        problems.append(f"{len(failed)} pages failed: {failed[0].error}")
    if not ocr.available():
        problems.append("tesseract with Russian is not installed: no OCR figure")
    elif any(not scan.text for scan in done):
        problems.append("a page was made ready without text")
    if any(scan.attempts != 1 for scan in done):
        problems.append("a page was processed more than once")
    files = None
    if done:
        from periodicals.models.records import scan_storage  # noqa: PLC0415

        storage = scan_storage()
        files = _count_files(storage, done[0].tile_prefix.rstrip("/"))
    return {
        "done": len(done),
        "elapsed_s": elapsed,
        "pages_per_minute": len(done) / elapsed * 60 if done and ocr_times else None,
        "tile_p50_s": statistics.median(tile_times) if tile_times else None,
        "tile_max_s": max(tile_times) if tile_times else None,
        "ocr_p50_s": statistics.median(ocr_times) if ocr_times else None,
        "ocr_engine": ocr.version(),
        "tile_files_per_page": files,
        "problems": problems,
    }


def _count_files(storage, prefix):
    folders, files = storage.listdir(prefix)
    return len(files) + sum(_count_files(storage, f"{prefix}/{folder}") for folder in folders)


COMMANDS = {"setup": command_setup, "run": command_run}


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.ingest")
    commands = parser.add_subparsers(dest="command", required=True)
    setup = commands.add_parser("setup")
    setup.add_argument("--pages", type=int, default=PAGES)
    run = commands.add_parser("run")
    run.add_argument("--node", required=True)
    run.add_argument("--worker-pid", type=int, required=True)
    run.add_argument("--ids", required=True)
    return parser.parse_args(argv)


def main(argv=None):
    return step_main("ingest", parse, COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
