"""The Django side of ``make bench``'s heroes archive: ``python -m bench.heroes_steps COMMAND``
(``prepare``, ``import``, ``urls``, ``harvest``), run by ``bench.heroes`` with the run's
environment (production settings: tasks go to Redis, a real worker runs them); each prints one
JSON object. What each measures and checks, and the sizes, are told in ``bench.heroes``."""

import argparse
import csv
import random
import statistics
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from xml.etree import ElementTree

from bench.heroes import HARVEST_TIMEOUT, IMPORT_TIMEOUT, SEED, TARGET_IMPORT_S
from bench.services import PROXY_HEADERS, BenchError, step_main
from tests import processes

OAI = "{http://www.openarchives.org/OAI/2.0/}"
IDENTIFIER = "BENCH-{:05d}"
#: The search and facets of the index measured (``urls``): the demo's search word, a coal city.
QUERY = "шахтёров"
MUNICIPALITY = "Кемерово"
DECADE = 1970
#: Which rows carry the long cells (see ``rows``): one in BIOGRAPHY_EVERY a biography, one in
#: SOURCES_EVERY its sources, one in SHORT_EVERY its summary and memorials.
BIOGRAPHY_EVERY = 50
SOURCES_EVERY = 10
SHORT_EVERY = 2
MIB = 1024 * 1024


def archive():
    """The demo's heroes archive (``load_demo`` made it)."""
    from heroes_archive.models import HeroIndexPage
    from kuzbib_site.demo.heroes import SLUG

    found = HeroIndexPage.objects.filter(slug=SLUG).first()
    if found is None:
        raise BenchError("the demo's heroes archive is missing: did load_demo run?")
    return found


def admin():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


# --- prepare --------------------------------------------------------------------------------


def template_heroes(count):
    """``count`` different heroes from the demo's generator (``kuzbib_site.demo.heroes.make``):
    its tables, industry quota, share of women, relations, precision of dates; a twice-hero in
    thirty."""
    from heroes_archive.models import Relation, Sex
    from kuzbib_site.demo import heroes as demo

    rng = random.Random(SEED)  # noqa: S311 — invented people, not secrets
    quota = demo.DATA["quota"]
    keys = list(quota)
    abroad = {row["industry"] for row in demo.DATA["enterprise"] if "municipality" not in row}
    births = {"day": demo.COUNT - sum(demo.BIRTH_PRECISION.values()), **demo.BIRTH_PRECISION}
    titles = {"day": demo.COUNT - sum(demo.TITLE_PRECISION.values()), **demo.TITLE_PRECISION}
    heroes = []
    for number in range(1, count + 1):
        key = rng.choices(keys, weights=[quota[key][0] for key in keys])[0]
        total, women = quota[key]
        relation = Relation.LIVED
        if key in abroad:
            relation = rng.choices(
                [Relation.LIVED, Relation.NATIVE, Relation.MOVED], weights=[8, 1, 1]
            )[0]
        hero = demo.Hero(
            number=number,
            industry_key=key,
            sex=Sex.FEMALE if rng.random() < women / total else Sex.MALE,
            relation=relation,
            twice=rng.random() < 1 / 30,
        )
        demo.make(
            hero,
            random.Random(f"{SEED}-{number}"),  # noqa: S311
            rng.choice(demo.DATA["surnames"]),
            {number: rng.choices(list(births), weights=list(births.values()))[0]},
            {number: rng.choices(list(titles), weights=list(titles.values()))[0]},
        )
        heroes.append(hero)
    return heroes


def rows(count, templates):
    """The spreadsheet's rows: the template heroes' cells as the export writes them
    (``columns.cells_of``), each template under ``count / templates`` names and identifiers of
    its own. Every row has the names, dates, places, work, awards and tags; the long cells — a
    biography, the sources, the summary and memorials — are kept on one row in
    ``BIOGRAPHY_EVERY``, ``SOURCES_EVERY`` and ``SHORT_EVERY``, so that the file stays under the
    importer's 20 MB limit (``IMPORT_MAX_BYTES``), as a register of this size would."""
    from heroes_archive import columns
    from heroes_archive.models import HeroPage, Sex
    from kuzbib_site.base.models import Municipality
    from kuzbib_site.demo import heroes as demo

    municipalities = {
        municipality.name: municipality for municipality in Municipality.objects.all()
    }
    made = []
    for hero in template_heroes(templates):
        page = HeroPage()
        demo.fill(page, hero, municipalities)
        made.append((hero.sex, columns.cells_of(page)))
    where = {column.key: n for n, column in enumerate(columns.COLUMNS)}
    rng = random.Random(f"{SEED}-names")  # noqa: S311
    for n in range(count):
        sex, template = made[n % len(made)]
        female = sex == Sex.FEMALE
        cells = list(template)
        cells[where["identifier"]] = IDENTIFIER.format(n + 1)
        cells[where["surname"]] = rng.choice(demo.DATA["surnames"])[female]
        cells[where["given_name"]] = rng.choice(
            demo.DATA["given_names_female" if female else "given_names_male"]
        )
        cells[where["patronymic"]] = rng.choice(demo.DATA["patronymics"])[female]
        if n % BIOGRAPHY_EVERY:
            cells[where["biography"]] = ""
        if n % SOURCES_EVERY:
            cells[where["sources"]] = ""
        if n % SHORT_EVERY:
            cells[where["summary"]] = cells[where["memorials"]] = ""
        yield cells


def command_prepare(args):
    """The CSV written and uploaded into the demo's archive; its dry run queued."""
    from django.core.files import File

    from heroes_archive import columns, importer

    index = archive()
    if index.get_children().filter(heropage__identifier__startswith="BENCH-").exists():
        raise BenchError("the archive already has bench heroes: the run's database is not fresh")
    path = Path(args.dir) / "bench-heroes.csv"
    started = time.perf_counter()
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(columns.HEADERS)
        writer.writerows(rows(args.rows, args.templates))
    generated = time.perf_counter()
    with open(path, "rb") as source:
        heroimport = importer.upload(index, File(source, name=path.name), admin())
    return {
        "import_id": heroimport.pk,
        "rows": args.rows,
        "templates": args.templates,
        "csv_mb": path.stat().st_size / MIB,
        "generate_s": round(generated - started, 1),
        "failures": 0,
    }


# --- import ---------------------------------------------------------------------------------


def wait_for_worker(node, pid):
    from kuzbib_site.celery import app

    try:
        return processes.wait_for_ping(app, node, lambda: processes.alive(pid), timeout=90)
    except processes.ProcessError as error:
        raise BenchError(str(error)) from None


def _wait(heroimport, phases, worker_pid, deadline):
    """Poll the import until its phase is one of ``phases``; its row read afresh."""
    while True:
        heroimport.refresh_from_db()
        if heroimport.phase in phases or heroimport.phase == heroimport.Phase.FAILED:
            return heroimport
        if time.monotonic() > deadline:
            raise BenchError(f"the import is still «{heroimport.phase}» after {IMPORT_TIMEOUT} s")
        if not processes.alive(worker_pid):
            raise BenchError("the Celery worker died during the import")
        time.sleep(0.25)


def _seconds(heroimport):
    if heroimport.started_at and heroimport.finished_at:
        return (heroimport.finished_at - heroimport.started_at).total_seconds()
    return None


def _pool_peak_mib(worker_pid):
    peaks = [processes.status_kib(pid).get("VmHWM", 0) for pid in processes.child_pids(worker_pid)]
    return max(peaks) / 1024 if peaks else None


def command_import(args):
    """The dry run, then the import the admin asks for, on one worker; timed by the import's own
    start and finish."""
    from heroes_archive import importer
    from heroes_archive.models import HeroImport, HeroPage

    startup = wait_for_worker(args.node, args.worker_pid)
    deadline = time.monotonic() + IMPORT_TIMEOUT
    heroimport = HeroImport.objects.get(pk=args.import_id)
    Phase = HeroImport.Phase
    heroimport = _wait(heroimport, {Phase.CHECKED}, args.worker_pid, deadline)
    if heroimport.phase == Phase.FAILED:
        raise BenchError(f"the dry run failed: {heroimport.error}")
    check_s = _seconds(heroimport)
    checked = heroimport.report.get("counts", {})
    if not importer.request_import(heroimport, admin()):
        raise BenchError(f"the import could not be asked for (dry run: {checked})")
    heroimport = _wait(
        HeroImport.objects.get(pk=heroimport.pk), {Phase.DONE}, args.worker_pid, deadline
    )
    if heroimport.phase == Phase.FAILED:
        raise BenchError(f"the import failed: {heroimport.error}")
    import_s = _seconds(heroimport)
    counts = heroimport.outcome.get("counts", {})
    live = HeroPage.objects.live().filter(identifier__startswith="BENCH-").count()
    problems = []
    if checked.get("create") != args.rows:
        problems.append(f"the dry run would create {checked.get('create')} of {args.rows} rows")
    if counts.get("create") != args.rows or counts.get("error"):
        problems.append(f"imported {counts}")
    if live != args.rows:
        problems.append(f"{live} live bench heroes after importing {args.rows} rows")
    return {
        "worker_startup_s": round(startup, 1),
        "check_s": check_s,
        "import_s": import_s,
        "rows_per_s": args.rows / import_s if import_s else None,
        "within_target": bool(import_s and import_s < TARGET_IMPORT_S),
        "counts": counts,
        "dry_run_counts": checked,
        "live_heroes": HeroPage.objects.live().count(),
        "worker_peak_mib": _pool_peak_mib(args.worker_pid),
        "problems": problems,
        "failures": 1 if problems else 0,
    }


# --- urls -----------------------------------------------------------------------------------


def command_urls(args):
    """The index with two facets and the search, and a hero from the middle of the import."""
    from heroes_archive import browse
    from heroes_archive.models import HeroPage
    from kuzbib_site.base.models import Municipality

    index = archive()
    index_path = urlsplit(index.get_url()).path
    query = {
        "municipality": Municipality.objects.get(name=MUNICIPALITY).pk,
        "decade": DECADE,
        "q": QUERY,
    }
    filters, problems = browse.Filters.from_query(_querydict(query))
    hero = HeroPage.objects.get(identifier=IDENTIFIER.format(args.rows // 2))
    return {
        "index": f"{index_path}?{urlencode(query)}",
        "index_matches": browse.heroes(index, filters).count(),
        "hero": urlsplit(hero.get_url()).path,
        "oai_first": "/oai/?verb=ListRecords&metadataPrefix=oai_dc",
        "live_heroes": HeroPage.objects.live().count(),
        "problems": [str(problem) for problem in problems],
        "failures": 1 if problems else 0,
    }


def _querydict(values):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for name, value in values.items():
        query[name] = str(value)
    return query


# --- harvest --------------------------------------------------------------------------------


def _get(url):
    # The run's own gunicorn on loopback, over http: no other scheme reaches here.
    request = urllib.request.Request(url, headers=PROXY_HEADERS)  # noqa: S310
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        body = response.read()
    return body, (time.perf_counter() - started) * 1000


def command_harvest(args):
    """A harvester's ``ListRecords`` from the first response to the last token, as any OAI-PMH
    harvester sends it (GET, the token alone after the first request)."""
    base = f"{args.base_url.rstrip('/')}/oai/"
    url = f"{base}?verb=ListRecords&metadataPrefix=oai_dc"
    times, identifiers, errors, tokens = [], [], [], []
    started = time.perf_counter()
    while url:
        if time.perf_counter() - started > HARVEST_TIMEOUT:
            errors.append(f"stopped after {HARVEST_TIMEOUT} s")
            break
        try:
            body, elapsed = _get(url)
        except (urllib.error.URLError, OSError) as error:
            errors.append(f"{url}: {error}")
            break
        times.append(elapsed)
        root = ElementTree.fromstring(body)  # noqa: S314 — our own endpoint's answer
        error = root.find(f"{OAI}error")
        if error is not None:
            errors.append(f"{error.get('code')}: {error.text}")
            break
        identifiers.extend(
            header.findtext(f"{OAI}identifier")
            for header in root.iter(f"{OAI}header")
            if header.get("status") != "deleted"
        )
        token = root.find(f"{OAI}ListRecords/{OAI}resumptionToken")
        url = None
        if token is not None and token.text:
            tokens.append(token.text)
            url = f"{base}?{urlencode({'verb': 'ListRecords', 'resumptionToken': token.text})}"
    total = time.perf_counter() - started
    problems = list(errors)
    if len(identifiers) != args.expected:
        problems.append(f"harvested {len(identifiers)} records of {args.expected} live heroes")
    if len(set(identifiers)) != len(identifiers):
        problems.append(f"{len(identifiers) - len(set(identifiers))} records harvested twice")
    middle = tokens[len(tokens) // 2] if tokens else None
    return {
        "records": len(identifiers),
        "responses": len(times),
        "total_s": total,
        "records_per_s": len(identifiers) / total if total else None,
        "p50_ms": statistics.median(times) if times else None,
        "p95_ms": statistics.quantiles(times, n=20)[18] if len(times) >= 2 else None,
        "middle": (
            f"/oai/?{urlencode({'verb': 'ListRecords', 'resumptionToken': middle})}"
            if middle
            else None
        ),
        "problems": problems,
        "failures": 1 if problems else 0,
    }


# --- command line ---------------------------------------------------------------------------

COMMANDS = {
    "prepare": command_prepare,
    "import": command_import,
    "urls": command_urls,
    "harvest": command_harvest,
}


def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    prepare = commands.add_parser("prepare")
    prepare.add_argument("--rows", type=int, required=True)
    prepare.add_argument("--templates", type=int, required=True)
    prepare.add_argument("--dir", required=True)
    run = commands.add_parser("import")
    run.add_argument("--import-id", type=int, required=True)
    run.add_argument("--node", required=True)
    run.add_argument("--worker-pid", type=int, required=True)
    run.add_argument("--rows", type=int, required=True)
    urls = commands.add_parser("urls")
    urls.add_argument("--rows", type=int, default=20_000)
    harvest = commands.add_parser("harvest")
    harvest.add_argument("base_url")
    harvest.add_argument("--expected", type=int, required=True)
    return parser.parse_args(argv)


def main(argv=None):
    return step_main("heroes_steps", parse, COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
