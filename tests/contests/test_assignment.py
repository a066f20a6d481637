"""Assignments of entries to jurors (contests.assignment): every juror × every entry, or k jurors
per entry spread evenly; never an entry from the juror's own library nor one they declared a
conflict on; safe to run again (no sheet is ever lost) and at the same time; a declared conflict
gives the entry to another juror."""

import threading
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from contests import assignment
from contests.domain import entry as entries
from contests.domain import score_sheet
from contests.models import (
    Assignment,
    ContestPage,
    Entry,
    Judging,
    JuryMember,
    ScoreChange,
    ScoreSheet,
)
from tests.factories.base import LibraryFactory
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import EntryFactory, JuryMemberFactory, judged_contest

pytestmark = pytest.mark.django_db

ALL = ContestPage.AssignmentMode.ALL
PER_ENTRY = ContestPage.AssignmentMode.PER_ENTRY


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


def pairs(contest):
    return set(
        Assignment.objects.filter(entry__contest=contest).values_list("juror_id", "entry_id")
    )


def loads(contest):
    counts = Counter(
        Assignment.objects.filter(entry__contest=contest, conflict_declared_at=None).values_list(
            "juror_id", flat=True
        )
    )
    return [counts.get(juror.pk, 0) for juror in contest.jury.all()]


def open_judging(contest):
    Judging.objects.update_or_create(contest=contest, defaults={"state": Judging.State.OPEN})


def score_all(member_assignment, submit=False):
    """Fill the sheet of an assignment (and send it with ``submit``)."""
    criteria = score_sheet.criteria_for(member_assignment.entry)
    cleaned = {criterion.pk: (1, False, "") for criterion in criteria}
    sheet = ScoreSheet.objects.filter(assignment=member_assignment).first()
    outcome = score_sheet.save(
        member_assignment,
        cleaned,
        member_assignment.juror.user,
        sheet.version if sheet else 0,
        submit=submit,
    )
    assert outcome.ok, outcome.errors
    return outcome.sheet


def test_every_juror_gets_every_entry_but_their_own_librarys(index):
    contest = judged_contest(index, entries=5, jurors=3, assignment_mode=ALL)
    jurors = list(contest.jury.all())
    entries = list(contest.entries.all())
    # The first entry is from the first juror's library; the second was typed in with the
    # second juror's library's short name, in another case and with е for ё.
    jurors[1].library.short_name = "Тяжинская ЦБ им. Алёшина"
    jurors[1].library.save()
    Entry.objects.filter(pk=entries[0].pk).update(library=jurors[0].library)
    Entry.objects.filter(pk=entries[1].pk).update(
        library=None, new_library_name="  «тяжинская цб им. алешина» "
    )

    summary = assignment.assign(contest)

    expected = {(j.pk, e.pk) for j in jurors for e in entries} - {
        (jurors[0].pk, entries[0].pk),
        (jurors[1].pk, entries[1].pk),
    }
    assert pairs(contest) == expected
    assert summary.created == 13 and summary.removed == 0 and summary.kept == 0
    assert summary.short == []


def test_each_entry_gets_k_jurors_spread_evenly(index):
    contest = judged_contest(
        index, entries=11, jurors=4, nominations=2, assignment_mode=PER_ENTRY, jurors_per_entry=3
    )

    summary = assignment.assign(contest)

    per_entry = Counter(Assignment.objects.values_list("entry_id", flat=True))
    assert set(per_entry.values()) == {3} and len(per_entry) == 22
    assert summary.created == 66
    assert max(loads(contest)) - min(loads(contest)) <= 1


def test_per_entry_never_assigns_the_jurors_own_library_and_reports_the_short(index):
    contest = judged_contest(
        index, entries=6, jurors=3, assignment_mode=PER_ENTRY, jurors_per_entry=3
    )
    juror = contest.jury.first()
    own = list(contest.entries.all()[:2])
    Entry.objects.filter(pk__in=[e.pk for e in own]).update(library=juror.library)

    summary = assignment.assign(contest)

    assert not Assignment.objects.filter(juror=juror, entry__in=own).exists()
    assert [entry.pk for entry in summary.short] == [entry.pk for entry in own]
    assert Assignment.objects.filter(entry=own[0]).count() == 2


def test_each_juror_meets_their_entries_in_their_own_order(index):
    contest = judged_contest(index, entries=20, jurors=2, assignment_mode=ALL)
    assignment.assign(contest)
    first, second = contest.jury.all()
    order = [
        list(Assignment.objects.filter(juror=juror).values_list("entry_id", flat=True))
        for juror in (first, second)
    ]
    by_number = sorted(order[0])
    assert sorted(order[1]) == by_number
    assert order[0] != order[1]  # two equal shuffles of 20 are a 1 in 20! chance
    assert order[0] != by_number or order[1] != by_number


def test_running_again_keeps_every_sheet_and_drops_only_untouched_assignments(index):
    contest = judged_contest(index, entries=4, jurors=2, assignment_mode=ALL)
    open_judging(contest)
    assignment.assign(contest)
    first, second = contest.jury.all()
    entries = list(contest.entries.all())
    mine = {a.entry_id: a for a in Assignment.objects.filter(juror=first)}
    score_all(mine[entries[0].pk])  # a draft
    score_all(mine[entries[1].pk], submit=True)
    # Both entries with sheets and one without leave judging; a juror joins, an entry arrives.
    Entry.objects.filter(pk__in=[e.pk for e in entries[:3]]).update(status=Entry.Status.WITHDRAWN)
    third = JuryMemberFactory(contest=contest)
    newcomer = EntryFactory(contest=contest)

    summary = assignment.assign(contest)

    # Kept: the two sheets, and every pair with the two entries still ready.
    assert pairs(contest) == {
        (first.pk, entries[0].pk),
        (first.pk, entries[1].pk),
        *(
            (juror.pk, entry.pk)
            for juror in (first, second, third)
            for entry in (entries[3], newcomer)
        ),
    }
    assert ScoreSheet.objects.count() == 2
    assert summary.removed == 4  # second's on entries 0–2, first's on entry 2
    assert summary.created == 4  # third on entry 3, everyone on the newcomer
    again = assignment.assign(contest)
    assert (again.created, again.removed) == (0, 0)


def test_per_entry_keeps_an_entrys_jurors_and_tops_it_up(index):
    contest = judged_contest(
        index, entries=6, jurors=3, assignment_mode=PER_ENTRY, jurors_per_entry=2
    )
    assignment.assign(contest)
    before = pairs(contest)
    JuryMemberFactory(contest=contest)
    ContestPage.objects.filter(pk=contest.pk).update(jurors_per_entry=3)

    summary = assignment.assign(contest)

    assert before < pairs(contest)
    assert summary.created == 6 and summary.removed == 0
    assert max(loads(contest)) - min(loads(contest)) <= 1


def test_fewer_jurors_per_entry_frees_those_without_a_sheet(index):
    contest = judged_contest(index, entries=3, jurors=3, assignment_mode=ALL)
    open_judging(contest)
    assignment.assign(contest)
    entry = contest.entries.first()
    started = Assignment.objects.filter(entry=entry).first()
    score_all(started)
    ContestPage.objects.filter(pk=contest.pk).update(assignment_mode=PER_ENTRY, jurors_per_entry=1)

    summary = assignment.assign(contest)

    assert list(Assignment.objects.filter(entry=entry)) == [started]
    assert Assignment.objects.count() == 3 and summary.removed == 6


def test_a_declared_conflict_gives_the_entry_to_the_least_loaded_other_juror(index):
    contest = judged_contest(
        index, entries=4, jurors=4, assignment_mode=PER_ENTRY, jurors_per_entry=2
    )
    open_judging(contest)
    assignment.assign(contest)
    declared = Assignment.objects.first()
    sheet = score_all(declared)  # a draft begun before the juror noticed
    entry = declared.entry
    holders_before = set(Assignment.objects.filter(entry=entry).values_list("juror_id", flat=True))

    new = assignment.declare_conflict(declared, "Автор — моя бывшая коллега.", declared.juror.user)

    declared.refresh_from_db()
    assert not declared.is_active and declared.conflict_reason == "Автор — моя бывшая коллега."
    assert new.entry == entry and new.juror_id not in holders_before
    assert Assignment.objects.filter(entry=entry, conflict_declared_at=None).count() == 2
    # The draft stays with its audit lines, and the declaration is logged on it.
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()
    line = ScoreChange.objects.filter(sheet=sheet, field="conflict").get()
    assert line.new == "Автор — моя бывшая коллега." and line.changed_by == declared.juror.user
    assert not score_sheet.can_score(declared)
    # Running again never gives the entry back to the juror nor drops the declaration.
    assignment.assign(contest)
    assert Assignment.objects.filter(juror=declared.juror, entry=entry).get() == declared


def test_only_the_juror_may_declare_and_not_once_submitted(index):
    contest = judged_contest(index, entries=2, jurors=2, assignment_mode=ALL)
    open_judging(contest)
    assignment.assign(contest)
    first, second = contest.jury.all()
    mine, sent = Assignment.objects.filter(juror=first)
    score_all(sent, submit=True)

    with pytest.raises(assignment.Refused):
        assignment.declare_conflict(mine, "Конфликт", second.user)
    with pytest.raises(assignment.Refused):
        assignment.declare_conflict(sent, "Конфликт", first.user)
    with pytest.raises(assignment.Refused):
        assignment.declare_conflict(mine, "   ", first.user)
    with pytest.raises(assignment.Refused):
        assignment.declare_conflict(mine, "я" * 1001, first.user)
    assert not Assignment.objects.exclude(conflict_declared_at=None).exists()

    # Every juror holds every entry already: nobody to give it to.
    assert assignment.declare_conflict(mine, "Конфликт", first.user) is None
    with pytest.raises(assignment.Refused):
        assignment.declare_conflict(mine, "Ещё раз", first.user)


def test_no_conflict_declared_once_judging_is_closed(index):
    contest = judged_contest(index, entries=1, jurors=1, assignment_mode=ALL)
    assignment.assign(contest)
    Judging.objects.create(contest=contest, state=Judging.State.CLOSED)
    mine = Assignment.objects.get()
    with pytest.raises(assignment.Refused):
        assignment.declare_conflict(mine, "Конфликт", mine.juror.user)


def test_two_runs_at_once_make_no_duplicates(index, transactional_db):
    contest = judged_contest(
        index, entries=30, jurors=5, assignment_mode=PER_ENTRY, jurors_per_entry=3
    )
    start = threading.Barrier(2)
    summaries, failures = [], []

    def run():
        try:
            start.wait()
            summaries.append(assignment.assign(contest))
        except Exception as error:  # noqa: BLE001 — reported by the assertion below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Assignment.objects.count() == 90
    assert sorted(summary.created for summary in summaries) == [0, 90]
    assert set(Counter(Assignment.objects.values_list("entry_id", flat=True)).values()) == {3}


def test_library_conflict_reads_names_loosely():
    library = LibraryFactory(full_name="Центральная библиотека", short_name="")
    juror = JuryMember(library=library)
    assert assignment.library_conflict(juror, Entry(new_library_name="ЦЕНТРАЛЬНАЯ  библиотека"))
    assert assignment.library_conflict(juror, Entry(library=library))
    assert not assignment.library_conflict(juror, Entry(library=LibraryFactory()))
    assert not assignment.library_conflict(juror, Entry(new_library_name=""))
    assert not assignment.library_conflict(
        JuryMember(library=None), Entry(new_library_name="Центральная библиотека")
    )


def test_an_entry_ready_late_gets_its_jurors_and_one_disqualified_loses_them(
    index, django_capture_on_commit_callbacks
):
    contest = judged_contest(index, entries=2, jurors=3)
    open_judging(contest)
    assignment.assign(contest)
    late = EntryFactory(contest=contest, status=Entry.Status.PROCESSING)

    with django_capture_on_commit_callbacks(execute=True):
        assert entries.finish_processing(late, [], timezone.now())

    assert Assignment.objects.filter(entry=late).count() == 3

    with django_capture_on_commit_callbacks(execute=True):
        assert entries.disqualify(late, "Работа не по теме конкурса.", "manager")

    assert not Assignment.objects.filter(entry=late).exists()
