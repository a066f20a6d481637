"""The periodicals archive's finding in ``make bench``: a title of ``ISSUES`` issues of ``PAGES``
pages each (a few thousand scanned pages), then the search across the archive — a word on every
page, a rare word typed in modern spelling that finds its pre-reform form, the rare word with a
year — the title's page and a year's calendar, as ratios to the bare view's p50 of the same run,
with their SQL queries (at most ``QUERY_BUDGET`` each, whatever the number of pages).

``bench.run`` calls ``measure`` after the dynasties and before the heroes archive. The Django
side is ``python -m bench.periodicals_search setup``: the archive under the site's home page,
the title's issues through Wagtail's tree API (drafts, published at once: the pages' own indexes
are not what is measured) and their pages with ``bulk_create``, indexed as the ingest indexes
them (``periodicals.text.page_lemmas``); it prints the URLs to measure."""

import argparse
import json

from bench.services import BenchError, fmt, log, measured_page, run_python, step_main

ISSUES = 500
PAGES = 8
QUERY_BUDGET = 16
SLUG = "bench-periodika"
#: Every page says the common line; every tenth issue's first page the rare, pre-reform one.
COMMON = "Шахтёры треста добыли уголь сверх плана. Бригада проходчиков вышла на новый горизонт."
RARE = "Открытіе народной библіотеки въ городѣ."
#: The pages measured: (report name, label).
MEASURED = (
    ("search_common", "search: a word on every page"),
    ("search_rare", "search: modern spelling, old pages"),
    ("search_year", "search: with a year"),
    ("title", "title page"),
    ("calendar", "calendar of a year"),
)


def measure(env, bare_p50, load_url):
    """Set the archive up, then count and load each page. ``load_url(url)`` loads a page like
    ``bench.run`` loads the site's. Returns the report's ``periodicals_search`` section."""
    report = {"failures": 0}
    try:
        report["setup"] = json.loads(
            run_python(
                ["-m", "bench.periodicals_search", "setup"],
                env,
                f"periodicals: {ISSUES} issues × {PAGES} pages",
                timeout=1800,
            )
        )
    except BenchError as error:
        log(f"periodicals setup failed: {error}")
        report["setup"] = {"error": str(error)}
        report["failures"] = 1
        return report
    for name, _label in MEASURED:
        try:
            report[name] = measured_page(
                env, report["setup"]["urls"][name], bare_p50, load_url, QUERY_BUDGET
            )
        except BenchError as error:
            log(f"periodicals {name} failed: {error}")
            report[name] = {"error": str(error), "failures": 1}
        report["failures"] += report[name]["failures"]
    return report


def section(report):
    """The periodicals' lines of the printed report."""
    setup = report.get("setup", {})
    lines = [
        f"periodicals: a title of {setup.get('issues', '—')} issues, "
        f"{setup.get('scans', '—')} scanned pages (built in {fmt(setup.get('seconds'), '.1f')} s)"
    ]
    for name, label in MEASURED:
        row = report.get(name, {})
        lines.append(
            f"  {label:<36} p50 {fmt(row.get('p50_ms'), '8.2f')} ms  "
            f"{fmt(row.get('p50_ratio'), '7.2f')}x bare  SQL {row.get('sql_queries', '—')} "
            f"(≤ {QUERY_BUDGET})  fail {row.get('failures', '—')}"
        )
    for name in ("setup", *(name for name, _label in MEASURED)):
        row = report.get(name, {})
        for problem in row.get("problems", []):
            lines.append(f"  problem ({name}): {problem}")
        if row.get("error"):
            lines.append(f"  {name} failed: {row['error'][:300]}")
    return "\n".join(lines)


# --- the Django side -----------------------------------------------------------------------


def command_setup(args):
    """The archive, its title, issues and pages; the URLs to measure."""
    import datetime  # noqa: PLC0415
    import time  # noqa: PLC0415
    from urllib.parse import urlencode  # noqa: PLC0415

    from django.db import connection, transaction  # noqa: PLC0415
    from wagtail.models import Page, Site  # noqa: PLC0415

    from periodicals import text  # noqa: PLC0415
    from periodicals.models import IssuePage, PeriodicalsIndexPage, Scan, TitlePage  # noqa: PLC0415

    started = time.monotonic()
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise BenchError("no default site: did load_demo run?")
    if Page.objects.filter(slug=SLUG).exists():
        raise BenchError("the bench archive exists already: the database is not fresh")
    first = datetime.date(1957, 1, 1)
    with transaction.atomic():
        home = site.root_page
        index = home.add_child(instance=PeriodicalsIndexPage(title="Архив периодики", slug=SLUG))
        title = index.add_child(
            instance=TitlePage(
                title="Кузбасс (бенч)", slug="kuzbass", first_year=1957, last_year=1958
            )
        )
        for number in range(ISSUES):
            date = first + datetime.timedelta(days=number)
            title.add_child(
                instance=IssuePage(
                    title=f"№ {number + 1}, {date:%d.%m.%Y}",
                    slug=f"{date:%Y-%m-%d}",
                    date=date,
                    number=str(number + 1),
                    live=False,
                )
            )
        Page.objects.child_of(title).update(live=True)
        common, rare = text.page_lemmas(COMMON), text.page_lemmas(f"{COMMON}\n{RARE}")
        issues = IssuePage.objects.child_of(title).order_by("date").values_list("pk", flat=True)
        Scan.objects.bulk_create(
            (
                Scan(
                    issue_id=pk,
                    number=page,
                    status=Scan.Status.DONE,
                    text=f"{COMMON}\n{RARE}" if page == 1 and position % 10 == 0 else COMMON,
                    lemmas=rare if page == 1 and position % 10 == 0 else common,
                )
                for position, pk in enumerate(issues)
                for page in range(1, PAGES + 1)
            ),
            batch_size=1000,
        )
    # A live database's statistics are kept by autovacuum; right after a bulk insert they are
    # not yet, and the planner would take 4,000 pages for one (a nested loop per issue).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    search = index.relative_url(site) + index.reverse_subpage("search")
    title_url = title.relative_url(site)
    return {
        "issues": ISSUES,
        "scans": ISSUES * PAGES,
        "seconds": round(time.monotonic() - started, 1),
        "urls": {
            "search_common": f"{search}?{urlencode({'q': 'уголь'})}",
            "search_rare": f"{search}?{urlencode({'q': 'библиотека город'})}",
            "search_year": f"{search}?{urlencode({'q': 'библиотека', 'from': 1958, 'to': 1958})}",
            "title": title_url,
            "calendar": title_url + title.reverse_subpage("calendar", kwargs={"year": 1957}),
        },
    }


COMMANDS = {"setup": command_setup}


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.periodicals_search")
    parser.add_argument("command", choices=sorted(COMMANDS))
    return parser.parse_args(argv)


def main(argv=None):
    return step_main("periodicals_search", parse, COMMANDS, argv)


if __name__ == "__main__":
    raise SystemExit(main())
