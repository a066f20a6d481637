"""The festival of library dynasties in ``make bench``: a dynasty of ``MEMBERS`` members over five
generations (the issue's scale for the tree) and the festival's listing with it and the demo's
dynasties, as ratios to the bare view's p50 of the same run, with their SQL queries.

``bench.run`` calls ``measure`` after the jury and before the heroes archive (whose 20,000 pages
would change every figure after them). The Django side is ``python -m bench.dynasties setup``:
the dynasty is drawn by the demo's own generator (``kuzbib_site.demo.dynasties``), cut to its
first ``MEMBERS`` members, and published under the demo's festival, which ``load_demo`` filled
with its eight dynasties; the step prints the URLs to measure. Each page's queries are counted
like the site's (``bench.queries``) and must stay within ``QUERY_BUDGET`` whatever the family's
size; the pages are then loaded like the site's (``bench.load``).
"""

import argparse
import json

from bench.services import BenchError, fmt, log, measured_page, run_python, step_main

MEMBERS = 40
SLUG = "bench-dynasty"
QUERY_BUDGET = 30
#: The bench family: like the demo's largest; ``CHILDREN`` are tried in turn until one makes a
#: family that keeps five generations in its first ``MEMBERS`` members.
CHILDREN = (
    [[3, 3], [2, 2], [1, 2], [1, 2]],
    [[3, 3], [2, 2], [2, 2], [1, 2]],
    [[3, 3], [2, 3], [1, 2], [2, 2]],
    [[3, 4], [2, 3], [2, 2], [2, 2]],
)
SPEC = {
    "slug": SLUG,
    "family_name": "Бенчевы",
    "surname": ["Бенчев", "Бенчева"],
    "founder": ["f", "Анна", "около 1900"],
    "generations": 5,
    "remarriage": True,
    "libraries": [
        ["Изба-читальня с. Елыкаево"],
        ["ЦБС Кемеровского района"],
        ["КОНБ им. В. Д. Фёдорова", "ЦБС Кемеровского района"],
        ["КОНБ им. В. Д. Фёдорова", "НБ КемГУ"],
        ["КОБДЮ"],
    ],
}


def measure(env, bare_p50, load_url):
    """Set the dynasty up, then count and load its page and the festival's listing.
    ``load_url(url)`` loads a page like ``bench.run`` loads the site's. Returns the report's
    ``dynasties`` section."""
    report = {"failures": 0}
    try:
        report["setup"] = json.loads(
            run_python(["-m", "bench.dynasties", "setup"], env, f"dynasties: {MEMBERS} members")
        )
    except BenchError as error:
        log(f"dynasties setup failed: {error}")
        report["setup"] = {"error": str(error)}
        report["failures"] = 1
        return report
    for name in ("dynasty", "festival"):
        try:
            report[name] = measured_page(
                env, report["setup"][name], bare_p50, load_url, QUERY_BUDGET
            )
        except BenchError as error:
            log(f"dynasties {name} failed: {error}")
            report[name] = {"error": str(error), "failures": 1}
        report["failures"] += report[name]["failures"]
    return report


def section(report):
    """The festival's lines of the printed report."""
    setup = report.get("setup", {})
    lines = [
        f"dynasties: a dynasty of {setup.get('members', '—')} members in "
        f"{setup.get('generations', '—')} generations; the festival lists "
        f"{setup.get('dynasties', '—')} dynasties"
    ]
    for name, label in (("dynasty", "dynasty page (tree, figures)"), ("festival", "festival")):
        row = report.get(name, {})
        lines.append(
            f"  {label:<32} p50 {fmt(row.get('p50_ms'), '8.2f')} ms  "
            f"{fmt(row.get('p50_ratio'), '7.2f')}x bare  SQL {row.get('sql_queries', '—')} "
            f"(≤ {QUERY_BUDGET})  fail {row.get('failures', '—')}"
        )
    for name in ("setup", "dynasty", "festival"):
        row = report.get(name, {})
        for problem in row.get("problems", []):
            lines.append(f"  problem ({name}): {problem}")
        if row.get("error"):
            lines.append(f"  {name} failed: {row['error'][:300]}")
    return "\n".join(lines)


# --- the Django side -----------------------------------------------------------------------


def first_members(made, count):
    """The family cut to its first ``count`` members (parents come before their children)."""
    from dynasties.family import Family

    kept = {person.number for person in made.people[:count]}
    return Family(
        people=made.people[:count],
        links=tuple(link for link in made.links if link.person in kept and link.relative in kept),
        periods=tuple(period for period in made.periods if period.member in kept),
    )


def command_setup(args):
    """The dynasty published under the demo's festival; the URLs to measure."""
    from django.utils import timezone
    from wagtail.rich_text import RichText

    from dynasties import family
    from dynasties.domain.application import rows_of
    from dynasties.models import DynastyPage, FestivalPage
    from kuzbib_site.demo import dynasties as demo

    festival = FestivalPage.objects.filter(slug=demo.SLUG).first()
    if festival is None:
        raise BenchError("the demo's festival is missing: did load_demo run?")
    if DynastyPage.objects.filter(slug=SLUG).exists():
        raise BenchError("the festival already has the bench dynasty: the database is not fresh")
    today = timezone.localdate()
    libraries = demo.directory()
    for children in CHILDREN:
        spec = {**SPEC, "children": children}
        made = first_members(demo.Builder(spec, today, libraries).family(), MEMBERS)
        if len(made.people) == MEMBERS and len(set(family.generations(made).values())) == 5:
            break
    found = family.problems(made, today=today)
    if found or len(made.people) < MEMBERS or len(set(family.generations(made).values())) < 5:
        raise BenchError(f"the bench family: {len(made.people)} members; {'; '.join(found)}")
    page = DynastyPage(
        slug=SLUG,
        title="Династия Бенчевых",
        family_name=SPEC["family_name"],
        summary="Семья для измерений: пять поколений, сорок человек.",
        story=[("paragraph", RichText("<p>Семья придумана для измерений.</p>"))],
    )
    page.members, page.links, page.periods = rows_of(made)
    festival.add_child(instance=page)
    page.save_revision().publish()
    figures = family.figures(made, today=today)
    site = festival.get_site()
    return {
        "members": figures.members,
        "generations": figures.generations,
        "dynasties": DynastyPage.objects.child_of(festival).live().count(),
        "dynasty": page.relative_url(site),
        "festival": festival.relative_url(site),
    }


COMMANDS = {"setup": command_setup}


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.dynasties")
    parser.add_argument("command", choices=sorted(COMMANDS))
    return parser.parse_args(argv)


def main(argv=None):
    return step_main("dynasties", parse, COMMANDS, argv)


if __name__ == "__main__":
    raise SystemExit(main())
