"""A contest's results from the database (``contests.results``): what ``compute`` loads (only
submitted sheets of entries ready for judging, conflicts of interest left out, «not applicable»
kept as missing), in the same few queries for a contest of 500 entries × 9 jurors × 6 criteria
as for a small one; ``publish_results`` freezing the ranking into ``Result`` rows, again and
again the same; each juror's progress; the score matrix and the audit log as rows."""

import datetime
import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _

from contests import results, scoring
from contests.domain import judging as judging_domain
from contests.domain import score_sheet
from contests.models import (
    Assignment,
    ChairDecision,
    Criterion,
    Entry,
    JuryMember,
    Nomination,
    Result,
    Score,
    ScoreSheet,
)
from tests.factories.base import LibraryFactory, MunicipalityFactory
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import EntryFactory, judged_contest

pytestmark = pytest.mark.django_db

#: What ``compute`` may take, whatever the contest's size.
MAX_QUERIES = 10


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


def assign_everyone(contest):
    jurors = list(contest.jury.all())
    entries = list(contest.entries.filter(status=Entry.Status.READY))
    return Assignment.objects.bulk_create(
        Assignment(juror=juror, entry=entry) for juror in jurors for entry in entries
    )


def sheet(assignment, values, status=ScoreSheet.Status.SUBMITTED):
    """A sheet of ``assignment`` with ``values`` (criterion → score, None: not applicable)."""
    made = ScoreSheet.objects.create(
        assignment=assignment,
        status=status,
        submitted_at=timezone.now() if status == ScoreSheet.Status.SUBMITTED else None,
        version=1,
    )
    Score.objects.bulk_create(
        Score(sheet=made, criterion=criterion, value=value, not_applicable=value is None)
        for criterion, value in values.items()
    )
    return made


def big_contest(index, entries, jurors=9, seed=2009):
    """``entries`` entries in two nominations, ``jurors`` jurors scoring all of them on six
    criteria (one of them for the first nomination only), every sheet submitted: rows made in
    bulk."""
    contest = judged_contest(
        index,
        entries=0,
        jurors=jurors,
        nominations=2,
        criteria=((3, 10), (2, 10), (2, 5), (1, 5), (1, 10)),
    )
    first, second = contest.nominations.order_by("sort_order")
    Criterion.objects.create(
        contest=contest, name="Только для первой", weight=1, max_score=10, nomination=first
    )
    municipality, library = MunicipalityFactory(), LibraryFactory()
    Entry.objects.bulk_create(
        Entry(
            contest=contest,
            number=number,
            nomination=first if number % 2 else second,
            last_name=f"Участникова{number}",
            first_name="Мария",
            email=f"p{number}@example.ru",
            library=library,
            municipality=municipality,
            birth_date=datetime.date(1990, 1, 1),
            consent_given_at=timezone.now(),
            title=f"Работа {number}",
            status=Entry.Status.READY,
        )
        for number in range(1, entries + 1)
    )
    assignments = assign_everyone(contest)
    sheets = ScoreSheet.objects.bulk_create(
        ScoreSheet(
            assignment=assignment,
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
            version=1,
        )
        for assignment in assignments
    )
    criteria = list(Criterion.objects.filter(contest=contest))
    draw = random.Random(seed)
    Score.objects.bulk_create(
        (
            Score(sheet=made, criterion=criterion, value=draw.randint(0, criterion.max_score))
            for made in sheets
            for criterion in criteria
        ),
        batch_size=5000,
    )
    return contest


def count_queries(work):
    with CaptureQueriesContext(connection) as captured:
        work()
    return len(captured.captured_queries)


# --- compute -----------------------------------------------------------------------------------


def test_compute_takes_the_same_few_queries_for_500_entries_9_jurors_6_criteria(
    index, django_assert_max_num_queries
):
    small = big_contest(index, entries=4, jurors=2)
    large = big_contest(index, entries=500)
    # Every sheet scores all six criteria; on the second nomination's entries the criterion of
    # the first nomination only is ignored.
    assert Score.objects.filter(sheet__assignment__juror__contest=large).count() == 500 * 9 * 6
    with django_assert_max_num_queries(MAX_QUERIES):
        computed = results.compute(large, names=True)
    assert len(computed.results.entries) == 500
    assert all(row.sheets == 9 for row in computed.results.entries.values())
    assert sum(len(n.ranked) for n in computed.results.nominations.values()) == 500
    assert len(computed.results.jurors) == 9
    assert count_queries(lambda: results.compute(small)) == count_queries(
        lambda: results.compute(large)
    )


def test_compute_counts_submitted_sheets_of_ready_entries_only(index):
    contest = judged_contest(index, entries=2, jurors=3, criteria=((2, 10), (1, 5)))
    heavy, light = Criterion.objects.filter(contest=contest).order_by("sort_order")
    first, second = contest.entries.order_by("number")
    chair, member, other = contest.jury.order_by("pk")
    assignments = {(a.juror_id, a.entry_id): a for a in assign_everyone(contest)}
    withdrawn = EntryFactory(contest=contest)

    # Entry 1: the chair 10 and 5 (100 on the 0–100 scale), the member 4 and «not applicable»
    # (40: the criterion left out of both sums), the third juror only a draft.
    sheet(assignments[chair.pk, first.pk], {heavy: 10, light: 5})
    sheet(assignments[member.pk, first.pk], {heavy: 4, light: None})
    sheet(assignments[other.pk, first.pk], {heavy: 0, light: 0}, ScoreSheet.Status.DRAFT)
    # Entry 2: the chair 5 and 0 → (2 × 0.5 + 0) / 3 = 33.3…; the member declared a conflict
    # after submitting (the sheet is left out).
    sheet(assignments[chair.pk, second.pk], {heavy: 5, light: 0})
    conflicted = assignments[member.pk, second.pk]
    sheet(conflicted, {heavy: 10, light: 5})
    Assignment.objects.filter(pk=conflicted.pk).update(conflict_declared_at=timezone.now())
    # An entry withdrawn after it was scored is not judged.
    sheet(Assignment.objects.create(juror=chair, entry=withdrawn), {heavy: 10, light: 5})
    Entry.objects.filter(pk=withdrawn.pk).update(status=Entry.Status.WITHDRAWN)

    computed = results.compute(contest)
    assert set(computed.results.entries) == {first.pk, second.pk}
    one = computed.results.entries[first.pk]
    assert one.totals == {chair.pk: pytest.approx(100), member.pk: pytest.approx(40)}
    assert one.mean == pytest.approx(70)
    assert one.not_applicable == {light.pk: 1}
    two = computed.results.entries[second.pk]
    assert two.totals == {chair.pk: pytest.approx(100 / 3)}
    # The contest ranks from two sheets (judged_contest's page default): entry 2 is not ranked.
    assert (one.ranked, one.place) == (True, 1)
    assert (two.ranked, two.reason) == (False, scoring.TOO_FEW_SHEETS)


def test_compute_uses_the_contests_method_and_the_chairs_order(index):
    contest = judged_contest(
        index, entries=3, jurors=2, criteria=((1, 10),), aggregation_method="median"
    )
    contest.min_sheets = 1
    contest.save()
    [criterion] = Criterion.objects.filter(contest=contest)
    first, second, third = contest.entries.order_by("number")
    assignments = {(a.juror_id, a.entry_id): a for a in assign_everyone(contest)}
    chair, member = contest.jury.order_by("pk")
    for entry, values in ((first, (6, 6)), (second, (6, 6)), (third, (2, 9))):
        for juror, value in zip((chair, member), values, strict=True):
            sheet(assignments[juror.pk, entry.pk], {criterion: value})
    ChairDecision.objects.create(contest=contest, entry=second, tie_order=1)
    ChairDecision.objects.create(contest=contest, entry=first, tie_order=2)

    computed = results.compute(contest)
    assert computed.results.method == scoring.MEDIAN
    ranking = computed.results.nominations[first.nomination_id]
    assert [row.entry_id for row in ranking.ranked] == [second.pk, first.pk, third.pk]
    assert computed.decisions[second.pk]["tie_order"] == 1


def test_the_lookups_carry_names_only_when_asked(index):
    contest = judged_contest(index, entries=1, jurors=1)
    entry = contest.entries.get()
    hidden = results.compute(contest).entries[entry.pk]
    assert hidden["code"] == entry.code and hidden["title"] == entry.title
    assert "participant" not in hidden and "last_name" not in hidden and "library" not in hidden
    shown = results.compute(contest, names=True).entries[entry.pk]
    assert shown["participant"] == entry.full_name
    assert shown["library"] == entry.library.full_name
    [juror] = results.compute(contest).jurors.values()
    assert juror["is_chair"] and juror["name"] == contest.jury.get().name


def test_tables_follow_the_contests_nominations_and_mark_contested_entries(index):
    contest = judged_contest(index, entries=2, jurors=2, nominations=2, criteria=((1, 100),))
    [criterion] = Criterion.objects.filter(contest=contest)
    chair, member = contest.jury.order_by("pk")
    assignments = {(a.juror_id, a.entry_id): a for a in assign_everyone(contest)}
    entries = list(contest.entries.order_by("number"))
    # The first entry's jurors disagree (90 and 10: spread 56.6); the others agree.
    for entry, values in zip(entries, [(90, 10), (50, 50), (40, 40), (30, 30)], strict=True):
        for juror, value in zip((chair, member), values, strict=True):
            sheet(assignments[juror.pk, entry.pk], {criterion: value})

    tables = results.compute(contest).tables()
    assert [table.nomination["title"] for table in tables] == ["Номинация 1", "Номинация 2"]
    contested = {row.entry["code"]: row.contested for t in tables for row in t.ranked}
    assert contested == {entry.code: entry == entries[0] for entry in entries}
    assert tables[0].top_criterion["id"] == criterion.pk


# --- publish_results ---------------------------------------------------------------------------


def test_publish_results_freezes_every_entry_and_is_idempotent(index):
    contest = judged_contest(index, entries=3, jurors=2, criteria=((1, 10),))
    [criterion] = Criterion.objects.filter(contest=contest)
    entries = list(contest.entries.order_by("number"))
    assignments = {(a.juror_id, a.entry_id): a for a in assign_everyone(contest)}
    for (_juror, entry_id), assignment in assignments.items():
        value = {entries[0].pk: 9, entries[1].pk: 5}.get(entry_id)
        if value is not None:
            sheet(assignment, {criterion: value})
    ChairDecision.objects.create(contest=contest, entry=entries[2], special_prize="Надежда")

    rows = results.publish_results(contest)
    frozen = {row.entry_id: row for row in Result.objects.filter(contest=contest)}
    assert len(rows) == len(frozen) == 3
    assert (frozen[entries[0].pk].place, frozen[entries[0].pk].mean) == (1, pytest.approx(90))
    assert (frozen[entries[1].pk].place, frozen[entries[1].pk].sheets) == (2, 2)
    assert frozen[entries[1].pk].spread == pytest.approx(0)
    unranked = frozen[entries[2].pk]
    assert (unranked.place, unranked.special_prize, unranked.sheets) == (None, "Надежда", 0)
    assert unranked.nomination_id == entries[2].nomination_id

    again = results.publish_results(contest)
    assert Result.objects.filter(contest=contest).count() == 3
    assert {(r.entry_id, r.place, r.special_prize) for r in again} == {
        (r.entry_id, r.place, r.special_prize) for r in rows
    }
    # Another contest's results are left alone.
    other = judged_contest(index, entries=1, jurors=1)
    results.publish_results(other)
    results.publish_results(contest)
    assert Result.objects.filter(contest=other).count() == 1


# --- progress ----------------------------------------------------------------------------------


def test_progress_counts_each_jurors_sheets(index):
    contest = judged_contest(index, entries=3, jurors=2, criteria=((1, 10),))
    [criterion] = Criterion.objects.filter(contest=contest)
    chair, member = contest.jury.order_by("pk")
    first, second, third = contest.entries.order_by("number")
    assignments = {(a.juror_id, a.entry_id): a for a in assign_everyone(contest)}
    sheet(assignments[chair.pk, first.pk], {criterion: 5})
    sheet(assignments[chair.pk, second.pk], {criterion: 5}, ScoreSheet.Status.DRAFT)
    Assignment.objects.filter(pk=assignments[member.pk, third.pk].pk).update(
        conflict_declared_at=timezone.now()
    )
    counts = {
        juror.pk: (juror.assigned, juror.submitted, juror.drafts, juror.conflicts)
        for juror in results.progress(contest)
    }
    assert counts == {chair.pk: (3, 1, 1, 0), member.pk: (2, 0, 0, 1)}
    assert results.progress(contest)[0].role == JuryMember.Role.CHAIR


# --- The score matrix and the audit log ---------------------------------------------------------


def test_matrix_has_a_row_per_juror_entry_and_criterion_that_applies(index):
    contest = judged_contest(index, entries=1, jurors=2, nominations=2, criteria=((2, 10),))
    common = Criterion.objects.get(contest=contest)
    first_nomination = Nomination.objects.filter(contest=contest).order_by("sort_order").first()
    own = Criterion.objects.create(
        contest=contest, name="=HYPERLINK()", weight=1, max_score=5, nomination=first_nomination
    )
    chair, member = contest.jury.order_by("role", "pk")
    entries = list(contest.entries.order_by("number"))  # one per nomination
    assignments = {(a.juror_id, a.entry_id): a for a in assign_everyone(contest)}
    made = sheet(assignments[chair.pk, entries[0].pk], {common: 7, own: None})
    Score.objects.filter(sheet=made, criterion=common).update(comment="Сильная работа")
    ScoreSheet.objects.filter(pk=made.pk).update(comment="В целом хорошо")

    rows = list(results.matrix_rows(contest))
    # The chair: 2 criteria for entry 1, 1 for entry 2; the member the same, unstarted.
    assert len(rows) == 6
    assert len(results.matrix_heading()) == len(rows[0])
    assert rows[0][:5] == [
        chair.name,
        entries[0].code,
        first_nomination.title,
        entries[0].title,
        common.name,
    ]
    assert rows[0][7] == 7 and rows[0][9] == "Сильная работа" and rows[0][11] == "В целом хорошо"
    assert rows[1][4] == own.name and rows[1][7] is None and rows[1][8]
    assert rows[2][1] == entries[1].code and rows[2][4] == common.name
    assert all(row[0] == member.name and row[7] is None for row in rows[3:])
    assert rows[3][10] == rows[5][10] != rows[0][10]  # «not started» vs «submitted»


def test_change_rows_follow_the_audit_log(index):
    contest = judged_contest(index, entries=1, jurors=1, criteria=((1, 10),))
    judging_domain.open_judging(contest, None)
    [criterion] = Criterion.objects.filter(contest=contest)
    juror = contest.jury.get()
    assignment = Assignment.objects.get(juror=juror)
    outcome = score_sheet.save(assignment, {criterion.pk: (3, False, "")}, juror.user, 0)
    assert outcome.ok
    score_sheet.save(assignment, {criterion.pk: (8, False, "")}, juror.user, 1, submit=True)

    rows = list(results.change_rows(contest))
    assert [row[5:7] for row in rows] == [["", "3"], ["3", "8"], ["draft", "submitted"]]
    assert rows[0][1] == juror.name and rows[0][2] == assignment.entry.code
    assert rows[0][3] == criterion.name and rows[2][3] == ""
    assert rows[0][7] == juror.name
    assert len(rows[0]) == len(results.change_heading())


# --- The public results page -------------------------------------------------------------------


def results_url(contest):
    return contest.url + contest.reverse_subpage("results")


@pytest.fixture
def published(index):
    """Four entries scored 9, 7, 5 and 3 by two jurors, a special prize for the last one,
    results published."""
    contest = judged_contest(index, entries=4, jurors=2, criteria=((1, 10),), blind_judging=True)
    judging_domain.open_judging(contest, None)
    [criterion] = Criterion.objects.filter(contest=contest)
    for assignment in Assignment.objects.filter(juror__contest=contest).select_related("entry"):
        sheet(assignment, {criterion: 11 - 2 * assignment.entry.number})
    judging_domain.close(contest, None)
    last = contest.entries.get(number=4)
    judging_domain.record_decision(contest, last, None, special_prize="Приз за смелость")
    return contest


def test_results_are_hidden_from_everyone_until_published(published, client, django_user_model):
    chair = published.jury.get(role=JuryMember.Role.CHAIR).user
    member = published.jury.get(role=JuryMember.Role.MEMBER).user
    entries = list(published.entries.all())
    visitors = [Client(), Client(), Client()]
    visitors[1].force_login(member)
    visitors[2].force_login(chair)
    # The participant has no account: they come as any visitor, after their private page.
    participant = visitors[0]
    participant.get(published.url + published.reverse_subpage("entry_status", [entries[0].token]))
    for visitor in visitors:
        response = visitor.get(results_url(published))
        assert response.status_code == 404
        page = response.content.decode()
        assert _("The results of this contest have not been published yet.") in page
        for entry in entries:
            assert entry.title not in page and entry.last_name not in page
        assert results_url(published) not in visitor.get(published.url).content.decode()


def test_published_results_show_the_winners_and_special_prizes(published, client):
    judging_domain.publish(published, None)
    assert results_url(published) in client.get(published.url).content.decode()
    response = client.get(results_url(published))
    assert response.status_code == 200
    page = response.content.decode()
    first, second, third, fourth = published.entries.order_by("number")
    for entry in (first, second, third):
        assert entry.full_name in page and entry.title in page
        assert entry.library.full_name in page
    assert page.index(first.full_name) < page.index(second.full_name) < page.index(third.full_name)
    # Fourth place is not a winner, but its special prize is announced.
    assert "Приз за смелость" in page and fourth.full_name in page
    [group] = response.context["nominations"]
    assert [row.place for row in group["winners"]] == [1, 2, 3]
    assert [row.entry_id for row in group["prizes"]] == [fourth.pk]


def test_the_results_page_keeps_its_queries_with_500_entries(published, assert_queries_bounded):
    judging_domain.publish(published, None)
    nomination = published.nominations.get()

    def more():
        municipality, library = MunicipalityFactory(), LibraryFactory()
        added = Entry.objects.bulk_create(
            Entry(
                contest=published,
                number=number,
                nomination=nomination,
                last_name=f"Участникова{number}",
                first_name="Мария",
                email=f"p{number}@example.ru",
                library=library,
                municipality=municipality,
                birth_date=datetime.date(1990, 1, 1),
                consent_given_at=timezone.now(),
                title=f"Работа {number}",
                status=Entry.Status.READY,
            )
            for number in range(5, 501)
        )
        Result.objects.bulk_create(
            Result(
                contest=published,
                entry=entry,
                nomination=nomination,
                place=index + 5,
                special_prize="Приз" if index % 50 == 0 else "",
                sheets=2,
            )
            for index, entry in enumerate(added)
        )

    # The page's own queries are two (judging, results); the rest is Wagtail's serving and
    # the layout's menu and breadcrumbs.
    assert_queries_bounded(results_url(published), more, cap=15)


def test_the_results_route_answers_get_only(published, client):
    judging_domain.publish(published, None)
    assert client.post(results_url(published)).status_code == 405
