"""The Django side of ``make bench``'s jury measurements: ``python -m bench.jury_steps COMMAND``
(``setup``, ``compute``, ``save``, ``chair``, ``publish``), run by ``bench.jury`` with the run's
environment; each prints one JSON object. What each measures, and the sizes, are told in
``bench.jury``."""

import argparse
import random
import re
import statistics
import sys
import time
from urllib.parse import urlsplit

from bench.jury import CONTEST_SLUG, CRITERIA, ENTRIES, JURORS, NOMINATIONS, SEED
from bench.participants import quantiles
from bench.services import PROXY_HEADERS, step_main


def bench_contest():
    from contests.models import ContestPage

    return ContestPage.objects.get(slug=CONTEST_SLUG)


def session_cookie(user):
    """A session of ``user`` as a sign-in would make it, for requests sent by hand."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def command_setup(args):
    """The jury's contest: ENTRIES entries over NOMINATIONS nominations, JURORS jurors, CRITERIA
    criteria, every juror scoring every entry (every sheet sent but the last juror's, which wait
    as drafts), judging open. Written with bulk inserts: the steps measure reading and saving,
    not making the data."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from contests.models import (
        Assignment,
        ContestIndexPage,
        ContestPage,
        Criterion,
        Entry,
        Judging,
        JuryMember,
        Nomination,
        Score,
        ScoreSheet,
        Stage,
    )
    from kuzbib_site.base.models import Library, Municipality

    rng = random.Random(SEED)  # noqa: S311 — invented scores, not secrets
    now = timezone.now()
    index = ContestIndexPage.objects.get()
    with transaction.atomic():
        contest = index.add_child(
            instance=ContestPage(
                title="Бенчмарк жюри",
                slug=CONTEST_SLUG,
                start=now - datetime.timedelta(days=60),
                end=now + datetime.timedelta(days=30),
                entry_prefix="ЖЮРИ",
                blind_judging=True,
                aggregation_method=ContestPage.Method.ZSCORE,
                min_sheets=3,
            )
        )
        Stage.objects.create(
            contest=contest,
            kind=Stage.Kind.JUDGING,
            title="Работа жюри",
            start=now - datetime.timedelta(days=5),
            end=now + datetime.timedelta(days=10),
        )
        nominations = [
            Nomination.objects.create(contest=contest, title=f"Номинация {n + 1}", sort_order=n)
            for n in range(NOMINATIONS)
        ]
        criteria = [
            Criterion.objects.create(
                contest=contest,
                name=f"Критерий {n + 1}",
                weight=rng.choice((1, 2, 3)),
                max_score=10,
                sort_order=n,
            )
            for n in range(CRITERIA)
        ]
        municipality = Municipality.objects.order_by("pk").first()
        libraries = list(Library.objects.order_by("pk")[:50])
        entries = Entry.objects.bulk_create(
            Entry(
                contest=contest,
                number=n + 1,
                nomination=nominations[n % NOMINATIONS],
                last_name=f"Участникова{n}",
                first_name="Мария",
                email=f"jury-bench-{n}@example.org",
                library=libraries[n % len(libraries)],
                municipality=municipality,
                birth_date=datetime.date(1990, 1, 1),
                consent_given_at=now,
                title=f"Конкурсная работа № {n + 1}",
                description="Опыт работы клуба чтения.",
                status=Entry.Status.READY,
            )
            for n in range(ENTRIES)
        )
        ContestPage.objects.filter(pk=contest.pk).update(last_entry_number=ENTRIES)
        users = [
            get_user_model().objects.create_user(
                f"bench-juror-{n}", f"bench-juror-{n}@example.org", first_name=f"Судья {n}"
            )
            for n in range(JURORS)
        ]
        jurors = [
            JuryMember.objects.create(
                contest=contest,
                user=user,
                role=JuryMember.Role.CHAIR if n == 0 else JuryMember.Role.MEMBER,
                invitation_sent_at=now,
            )
            for n, user in enumerate(users)
        ]
        assignments = Assignment.objects.bulk_create(
            Assignment(juror=juror, entry=entry, order_key=rng.randrange(1 << 30))
            for juror in jurors
            for entry in entries
        )
        last = jurors[-1]
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(
                assignment=assignment,
                status=ScoreSheet.Status.DRAFT
                if assignment.juror_id == last.pk
                else ScoreSheet.Status.SUBMITTED,
                version=1,
                submitted_at=None if assignment.juror_id == last.pk else now,
            )
            for assignment in assignments
        )
        leaning = {juror.pk: rng.uniform(-2, 2) for juror in jurors}
        quality = {entry.pk: rng.uniform(3, 9) for entry in entries}
        by_pk = {assignment.pk: assignment for assignment in assignments}
        Score.objects.bulk_create(
            (
                Score(
                    sheet=sheet,
                    criterion=criterion,
                    value=max(
                        0,
                        min(
                            10,
                            round(
                                quality[by_pk[sheet.assignment_id].entry_id]
                                + leaning[by_pk[sheet.assignment_id].juror_id]
                                + rng.gauss(0, 1)
                            ),
                        ),
                    ),
                )
                for sheet in sheets
                for criterion in criteria
            ),
            batch_size=5000,
        )
        Judging.objects.create(contest=contest, state=Judging.State.OPEN, opened_at=now)
    contest = ContestPage.objects.get(pk=contest.pk)
    contest.save_revision().publish()
    juror_entry = Assignment.objects.filter(juror=last).order_by("order_key").first().entry
    return {
        "contest_id": contest.pk,
        "entries": ENTRIES,
        "jurors": JURORS,
        "criteria": CRITERIA,
        "sheets": len(sheets),
        "scores": len(sheets) * CRITERIA,
        "chair_cookie": session_cookie(users[0]),
        "juror_cookie": session_cookie(last.user),
        "juror_entry": juror_entry.number,
        "results_path": contest.get_url_parts()[2] + contest.reverse_subpage("results"),
    }


def command_compute(args):
    """``contests.results.compute`` on the benchmark contest, ``--rounds`` times in this
    process (after one not counted): its median and its queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from contests import results

    contest = bench_contest()
    results.compute(contest)
    with CaptureQueriesContext(connection) as captured:
        computed = results.compute(contest)
    durations = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        results.compute(contest)
        durations.append((time.perf_counter() - started) * 1000)
    ranked = sum(len(table.ranked) for table in computed.tables())
    problems = [] if ranked else ["no entry was ranked"]
    return {
        "rounds": args.rounds,
        "p50_ms": statistics.median(durations),
        "max_ms": max(durations),
        "queries": len(captured),
        "ranked": ranked,
        "problems": problems,
        "failures": 1 if problems else 0,
    }


class Browser:
    """A signed-in browser: the session cookie made by ``setup``, plus the CSRF cookie and token
    of a GET (the cookies are ``Secure``, the server plain HTTP behind a pretend proxy, so they
    are sent by hand)."""

    def __init__(self, base_url, cookie):
        import requests

        self.base_url = base_url
        self.cookie = cookie
        self.session = requests.Session()
        self.origin = "https://" + urlsplit(base_url).netloc

    def get(self, path):
        started = time.perf_counter()
        response = self.session.get(
            self.base_url + path,
            headers={**PROXY_HEADERS, "Cookie": self.cookie},
            allow_redirects=False,
            timeout=120,
        )
        return (time.perf_counter() - started) * 1000, response

    def post(self, path, fields, csrf_cookie):
        from django.conf import settings

        headers = {
            **PROXY_HEADERS,
            "Cookie": f"{self.cookie}; {settings.CSRF_COOKIE_NAME}={csrf_cookie}",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        started = time.perf_counter()
        response = self.session.post(
            self.base_url + path, data=fields, headers=headers, allow_redirects=False, timeout=120
        )
        return (time.perf_counter() - started) * 1000, response


def command_save(args):
    """A juror saves a draft score sheet ``--requests`` times: each a GET of the entry's page
    (not timed) for the form's version and CSRF token, then the POST (timed), which must answer
    with the redirect back to the sheet. Checked: the sheet's version went up by one per save,
    one audit line per changed score."""
    from django.conf import settings

    from contests.models import Assignment, ScoreChange

    contest = bench_contest()
    assignment = Assignment.objects.select_related("sheet", "juror__user").get(
        entry__contest=contest, entry__number=args.number, juror__user__username=args.username
    )
    criteria = list(contest.criteria.order_by("sort_order"))
    before = assignment.sheet.version
    changes_before = ScoreChange.objects.filter(sheet=assignment.sheet).count()
    path = f"/jury/{contest.pk}/entry/{args.number}/"
    browser = Browser(args.base_url, args.cookie)
    times, failures = [], []
    for n in range(args.requests):
        _elapsed, page = browser.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        version = re.search(r'name="version" value="(\d+)"', page.text)
        csrf_cookie = page.cookies.get(settings.CSRF_COOKIE_NAME)
        if page.status_code != 200 or not token or not version or not csrf_cookie:
            failures.append(f"GET {path}: {page.status_code}")
            continue
        fields = {
            "csrfmiddlewaretoken": token.group(1),
            "version": version.group(1),
            "action": "save",
            "comment": f"Черновик {n}",
            **{f"score_{criterion.pk}": str((n + i) % 11) for i, criterion in enumerate(criteria)},
        }
        elapsed, response = browser.post(path, fields, csrf_cookie)
        if response.status_code == 302 and path in response.headers.get("Location", ""):
            times.append(elapsed)
        else:
            failures.append(f"POST {path}: {response.status_code}")
    assignment.sheet.refresh_from_db()
    saves = assignment.sheet.version - before
    changes = ScoreChange.objects.filter(sheet=assignment.sheet).count() - changes_before
    problems = []
    if saves != len(times):
        problems.append(f"{len(times)} saves answered, the sheet's version went up by {saves}")
    if changes < len(times):
        problems.append(f"{len(times)} saves wrote only {changes} audit lines")
    p50, p95 = quantiles(times)
    return {
        "path": path,
        "requests": args.requests,
        "p50_ms": p50,
        "p95_ms": p95,
        "saved": len(times),
        "audit_lines": changes,
        "failure_samples": failures[:5],
        "problems": problems,
        "failures": len(failures) + (1 if problems else 0),
    }


def command_chair(args):
    """The chair's results page (every figure, the agreement and both charts), ``--requests``
    GETs one after another."""
    contest = bench_contest()
    path = f"/jury/{contest.pk}/chair/"
    browser = Browser(args.base_url, args.cookie)
    browser.get(path)
    times, failures = [], []
    for _ in range(args.requests):
        elapsed, response = browser.get(path)
        if response.status_code == 200 and "<svg" in response.text:
            times.append(elapsed)
        else:
            failures.append(f"GET {path}: {response.status_code}")
    p50, p95 = quantiles(times)
    return {
        "path": path,
        "requests": args.requests,
        "p50_ms": p50,
        "p95_ms": p95,
        "failure_samples": failures[:5],
        "failures": len(failures),
    }


def command_publish(args):
    """Close judging and publish the results, as the chair would; the public results page is
    then measured like the site's pages."""
    from contests.domain import judging
    from contests.models import Result

    contest = bench_contest()
    chair = contest.jury.get(role="chair").user
    judging.close(contest, chair)
    judging.publish(contest, chair)
    published = Result.objects.filter(contest=contest).count()
    problems = [] if published == ENTRIES else [f"{published} results of {ENTRIES} entries"]
    return {"results": published, "problems": problems, "failures": 1 if problems else 0}


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.jury_steps")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("setup")
    compute = commands.add_parser("compute")
    compute.add_argument("--rounds", type=int, default=20)
    save = commands.add_parser("save")
    save.add_argument("base_url")
    save.add_argument("--cookie", required=True)
    save.add_argument("--username", required=True)
    save.add_argument("--number", type=int, required=True)
    save.add_argument("--requests", type=int, default=60)
    chair = commands.add_parser("chair")
    chair.add_argument("base_url")
    chair.add_argument("--cookie", required=True)
    chair.add_argument("--requests", type=int, default=30)
    commands.add_parser("publish")
    return parser.parse_args(argv)


COMMANDS = {
    "setup": command_setup,
    "compute": command_compute,
    "save": command_save,
    "chair": command_chair,
    "publish": command_publish,
}


def main(argv=None):
    return step_main("jury_steps", parse, COMMANDS, argv)


if __name__ == "__main__":
    sys.exit(main())
