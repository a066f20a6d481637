"""The jury in the demo site: five jurors (one chair) who judged «КНИГИНЯ-2009» blind in May
2009 — one lenient, one strict, one never given the entry from her own library and one who
declared a conflict of interest — with the results published, diplomas issued and the winners'
collection compiled; and the same jury at work today on «КНИГИНЯ (демонстрация жюри)», whose
judging is open, so that a visitor can sign in as a juror and score an entry.

The jurors, their leanings and the scores are invented (``JURORS``); every step goes through the
jury's own functions (assignment, score sheets, judging, documents) as the jury room would.
Idempotent: a contest whose judging has begun is left as it is."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from contests import assignment, collection, diplomas, protocol, results
from contests.domain import entry as entry_domain
from contests.domain import judging as judging_domain
from contests.domain import score_sheet
from contests.models import (
    ContestPage,
    Diploma,
    Entry,
    EntryFlag,
    Judging,
    JuryMember,
    ScoreChange,
    ScoreSheet,
)
from kuzbib_site.base.models import Library

#: (user name, first name, last name, library's short name, role, leaning in points of 10).
JURORS = [
    ("gordeeva", "Татьяна", "Гордеева", "КОНБ им. В. Д. Фёдорова", JuryMember.Role.CHAIR, 0.0),
    ("sokolova", "Ирина", "Соколова", "КОСБ", JuryMember.Role.MEMBER, 1.6),
    ("lebedev", "Андрей", "Лебедев", "НБ КемГУ", JuryMember.Role.MEMBER, -2.2),
    ("morozova", "Елена", "Морозова", "МИБС Новокузнецка", JuryMember.Role.MEMBER, 0.3),
    ("kuznetsova", "Наталья", "Кузнецова", "ЦБС Белово", JuryMember.Role.MEMBER, -0.4),
]
#: The juror who declares a conflict of interest, on which entry (by number), and why.
CONFLICT = ("kuznetsova", 7, "Автор работы — моя бывшая студентка, я руководила её дипломом.")
SPECIAL_PRIZE = "Специальный приз жюри «За верность книге»"
SEED = 2009
#: The demo contest whose judging is open today, and the juror who leaves it for the visitor.
TODAY_SLUG = "demo-jury"
VISITOR_JUROR = "morozova"


def jurors(password):
    """The demo jurors' users, with ``password`` (no admin access)."""
    users = {}
    for username, first_name, last_name, *_rest in JURORS:
        user, _created = get_user_model().objects.get_or_create(
            username=username,
            defaults={
                "email": f"{username}@example.ru",
                "first_name": first_name,
                "last_name": last_name,
            },
        )
        user.set_password(password)
        user.save()
        users[username] = user
    return users


def seat(contest, users):
    """The demo jury of ``contest``; returns its members by user name."""
    libraries = {library.short_name: library for library in Library.objects.all()}
    members = {}
    for username, _first, _last, library, role, _leaning in JURORS:
        members[username], _created = JuryMember.objects.get_or_create(
            contest=contest,
            user=users[username],
            defaults={
                "role": role,
                "library": libraries.get(library),
                # Nobody reads the demo jurors' mail: count the invitation as sent.
                "invitation_sent_at": timezone.now(),
            },
        )
    return members


def accept_reveal_flags(contest, manager, now):
    """The organisers looked at every «may reveal the author» flag and accepted it (the blind
    copies carry no author metadata; the titles were judged not to name anyone)."""
    for flag in EntryFlag.objects.filter(
        entry__contest=contest, kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, accepted_at=None
    ):
        entry_domain.accept_reveal_flag(flag, manager, now=now)


def score_value(rng, quality, leaning, max_score):
    """A juror's whole-number score: the entry's quality on a ten-point scale, the juror's
    leaning and some noise, within 0…max."""
    value = (quality + leaning + rng.gauss(0, 0.9)) * max_score / 10
    return max(0, min(max_score, round(value)))


def score(contest, members, when, leave=()):
    """Every active assignment of ``contest`` scored and sent, at moments from ``when`` on;
    the assignments of the jurors in ``leave`` are left unscored. Returns the sheets sent."""
    rng = random.Random(f"{SEED}-{contest.slug}")  # noqa: S311 — invented scores, not secrets
    criteria = list(contest.criteria.order_by("sort_order"))
    quality = {
        entry_id: rng.uniform(4.5, 9.0)
        for entry_id in contest.entries.order_by("number").values_list("pk", flat=True)
    }
    leanings = {username: leaning for username, *_rest, leaning in JURORS}
    sent = 0
    for username, member in members.items():
        if username in leave:
            continue
        for step, entry_assignment in enumerate(
            member.assignments.filter(conflict_declared_at=None).select_related("entry")
        ):
            at = when + datetime.timedelta(hours=3 * step, minutes=rng.randrange(60))
            cleaned = {
                criterion.pk: (
                    score_value(
                        rng,
                        quality[entry_assignment.entry_id],
                        leanings[username],
                        criterion.max_score,
                    ),
                    False,
                    "",
                )
                for criterion in criteria
            }
            cleaned[score_sheet.OVERALL] = ""
            outcome = score_sheet.save(
                entry_assignment, cleaned, member.user, 0, submit=True, now=at
            )
            if not outcome.ok:
                raise RuntimeError(f"demo score sheet refused: {outcome.errors}")
            # The audit log says when the jurors really scored, not when the demo was loaded.
            ScoreChange.objects.filter(sheet=outcome.sheet).update(changed_at=at)
            ScoreSheet.objects.filter(pk=outcome.sheet.pk).update(submitted_at=at)
            sent += 1
    return sent


def declare_conflict(members, now):
    username, number, reason = CONFLICT
    member = members[username]
    held = member.assignments.filter(entry__number=number, conflict_declared_at=None).first()
    if held is not None:
        assignment.declare_conflict(held, reason, member.user, now=now)


def settle_ties(contest, chair, now):
    """The chair's decisions: an order for entries the tie-break chain left level, and a special
    prize for the best entry just below the podium of the first nomination."""
    tables = results.compute(contest).tables()
    for table in tables:
        for tie in table.ties:
            for order, row in enumerate(tie.rows, start=1):
                entry = Entry.objects.get(pk=row.result.entry_id)
                judging_domain.record_decision(contest, entry, chair, tie_order=order, now=now)
    fourth = next((row for row in tables[0].ranked if row.result.place == 4), None)
    if fourth is not None:
        entry = Entry.objects.get(pk=fourth.result.entry_id)
        judging_domain.record_decision(contest, entry, chair, special_prize=SPECIAL_PRIZE, now=now)


def documents(contest, chair, issued_at):
    """The diplomas, the protocol and the winners' collection, built here rather than by a
    worker (a first run has none), each through its background build. The diplomas are dated
    the day they were handed out, and counted as e-mailed: nobody reads the demo's mail."""
    diplomas.issue(contest)
    Diploma.objects.filter(contest=contest).update(issued_at=issued_at, emailed_at=issued_at)
    diplomas.build(diplomas.request(contest, chair).pk)
    protocol.build(protocol.request(contest, chair).pk)
    collection.build(collection.request(contest, chair).pk)


def load_2009(contest, members, manager):
    """«КНИГИНЯ-2009» judged in May 2009 and its results published on 27 May."""
    if Judging.objects.filter(contest=contest).exclude(state=Judging.State.PREPARING).exists():
        return False
    chair = members["gordeeva"].user
    opened = datetime.datetime(2009, 5, 4, 10, tzinfo=timezone.get_current_timezone())
    accept_reveal_flags(contest, manager, opened - datetime.timedelta(days=1))
    judging_domain.open_judging(contest, chair, now=opened)
    declare_conflict(members, opened + datetime.timedelta(hours=5))
    score(contest, members, opened + datetime.timedelta(days=1))
    closed = datetime.datetime(2009, 5, 22, 17, tzinfo=opened.tzinfo)
    judging_domain.close(contest, chair, now=closed)
    settle_ties(contest, chair, closed + datetime.timedelta(days=2))
    published = datetime.datetime(2009, 5, 27, 12, tzinfo=opened.tzinfo)
    judging_domain.publish(contest, chair, now=published)
    documents(contest, chair, published)
    return True


def load_today(contest, members, manager):
    """The demo jury's open judging: three jurors have sent their sheets, the chair has started,
    and ``VISITOR_JUROR``'s entries wait for a visitor who signs in as her."""
    if Judging.objects.filter(contest=contest).exclude(state=Judging.State.PREPARING).exists():
        return False
    now = timezone.now()
    accept_reveal_flags(contest, manager, now)
    chair = members["gordeeva"].user
    judging_domain.open_judging(contest, chair, now=now - datetime.timedelta(days=2))
    score(contest, members, now - datetime.timedelta(days=2), leave=(VISITOR_JUROR, "gordeeva"))
    return True


def contest(slug):
    return ContestPage.objects.get(slug=slug)
