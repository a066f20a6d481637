"""A juror's score sheet (contests.domain.score_sheet): drafts, submission that locks, the
chair's reopening; every bad input refused with nothing changed; two tabs never overwrite each
other; every change in the audit log with its old and new value."""

import pytest

from contests import assignment as assignments
from contests.domain import score_sheet
from contests.models import (
    Assignment,
    Criterion,
    Entry,
    Judging,
    Nomination,
    Score,
    ScoreChange,
    ScoreSheet,
)
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import judged_contest

pytestmark = pytest.mark.django_db


@pytest.fixture
def contest(home_page):
    """Two nominations, criteria (weight 2, max 10) and (weight 1, max 5) for both, two jurors
    (the first the chair), every juror on every entry, judging open."""
    index = ContestIndexPageFactory(parent=home_page)
    contest = judged_contest(index, entries=2, jurors=2, nominations=2)
    Judging.objects.create(contest=contest, state=Judging.State.OPEN)
    assignments.assign(contest)
    return contest


@pytest.fixture
def chair(contest):
    return contest.jury.get(role="chair")


@pytest.fixture
def juror(contest):
    return contest.jury.get(role="member")


@pytest.fixture
def mine(juror):
    """The juror's assignment of an entry of the first nomination."""
    return Assignment.objects.filter(juror=juror, entry__nomination__sort_order=0).first()


@pytest.fixture
def criteria(contest):
    return list(contest.criteria.order_by("sort_order"))


def snapshot(assignment):
    """Everything a save could change."""
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    return (
        sheet and (sheet.status, sheet.version, sheet.comment, sheet.submitted_at),
        list(
            Score.objects.filter(sheet__assignment=assignment).values_list(
                "criterion_id", "value", "not_applicable", "comment"
            )
        ),
        ScoreChange.objects.count(),
    )


def messages(outcome):
    return [str(message) for _key, message in outcome.errors]


def test_a_draft_then_a_change_then_submission_are_logged_with_old_and_new(mine, juror, criteria):
    user = juror.user
    first, second = criteria

    draft = score_sheet.save(
        mine,
        {first.pk: (7, False, "Хорошо"), second.pk: (None, False, ""), "comment": "Неплохо"},
        user,
        0,
    )
    assert draft.ok and draft.sheet.version == 1 and draft.sheet.status == ScoreSheet.Status.DRAFT
    assert Score.objects.get(criterion=first).value == 7
    assert not Score.objects.filter(criterion=second).exists()  # nothing entered, no row

    changed = score_sheet.save(
        mine, {first.pk: (8, False, "Хорошо"), second.pk: (None, True, "")}, user, 1
    )
    assert changed.ok and changed.sheet.version == 2
    sent = score_sheet.save(mine, {}, user, 2, submit=True)
    assert sent.ok and sent.sheet.is_submitted and sent.sheet.submitted_at is not None

    log = list(
        ScoreChange.objects.filter(sheet=sent.sheet).values_list(
            "criterion_id", "field", "old", "new", "changed_by"
        )
    )
    assert log == [
        (first.pk, "score", "", "7", user.pk),
        (first.pk, "comment", "", "Хорошо", user.pk),
        (None, "overall_comment", "", "Неплохо", user.pk),
        (first.pk, "score", "7", "8", user.pk),
        (second.pk, "not_applicable", "0", "1", user.pk),
        (None, "status", "draft", "submitted", user.pk),
    ]


def test_saving_the_same_values_again_changes_nothing(mine, juror, criteria):
    cleaned = {criteria[0].pk: (3, False, ""), "comment": ""}
    assert score_sheet.save(mine, cleaned, juror.user, 0).changed == 1
    before = snapshot(mine)
    again = score_sheet.save(mine, cleaned, juror.user, 1)
    assert again.ok and again.changed == 0
    assert snapshot(mine) == before


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ((11, False, ""), score_sheet.OUT_OF_RANGE % {"max": 10}),
        ((-1, False, ""), score_sheet.OUT_OF_RANGE % {"max": 10}),
        ((10**30, False, ""), score_sheet.OUT_OF_RANGE % {"max": 10}),
        (("7", False, ""), score_sheet.NOT_WHOLE),
        ((7.5, False, ""), score_sheet.NOT_WHOLE),
        ((True, False, ""), score_sheet.NOT_WHOLE),
        ((5, True, ""), score_sheet.BOTH),
        ((5, False, "я" * 2001), score_sheet.TOO_LONG % {"max": 2000}),
        ((5, False, None), score_sheet.INVALID),
        ((5,), score_sheet.INVALID),
    ],
)
def test_a_bad_score_is_refused_and_nothing_changes(mine, juror, criteria, item, message):
    assert score_sheet.save(mine, {criteria[1].pk: (2, False, "")}, juror.user, 0).ok
    before = snapshot(mine)
    outcome = score_sheet.save(
        mine, {criteria[1].pk: (3, False, ""), criteria[0].pk: item}, juror.user, 1
    )
    assert messages(outcome) == [str(message)]
    assert snapshot(mine) == before


def test_a_criterion_of_another_contest_or_nomination_is_refused(
    home_page, contest, mine, juror, criteria
):
    other = judged_contest(ContestIndexPageFactory(parent=home_page, slug="other"), entries=1)
    foreign = other.criteria.first()
    second_nomination = Nomination.objects.get(contest=contest, sort_order=1)
    only_there = Criterion.objects.create(
        contest=contest, name="Только для второй", nomination=second_nomination, sort_order=5
    )
    before = snapshot(mine)
    for key in (foreign.pk, only_there.pk, 10**12, "1", None):
        outcome = score_sheet.save(
            mine, {criteria[0].pk: (3, False, ""), key: (1, False, "")}, juror.user, 0
        )
        assert messages(outcome) == [str(score_sheet.UNKNOWN_CRITERION)]
    assert snapshot(mine) == before
    # The second nomination's entries are judged on it too.
    theirs = Assignment.objects.filter(juror=juror, entry__nomination=second_nomination).first()
    assert score_sheet.save(theirs, {only_there.pk: (1, False, "")}, juror.user, 0).ok


def test_an_overlong_overall_comment_is_refused(mine, juror):
    outcome = score_sheet.save(mine, {"comment": "я" * 5001}, juror.user, 0)
    assert messages(outcome) == [str(score_sheet.TOO_LONG % {"max": 5000})]
    outcome = score_sheet.save(mine, {"comment": "я" * (10 * 1024 * 1024)}, juror.user, 0)
    assert not outcome.ok
    assert not ScoreSheet.objects.exists()


def test_submission_needs_every_criterion_scored_or_not_applicable(mine, juror, criteria):
    outcome = score_sheet.save(mine, {criteria[0].pk: (4, False, "")}, juror.user, 0, submit=True)
    assert outcome.errors == [
        (None, score_sheet.INCOMPLETE),
        (criteria[1].pk, score_sheet.MISSING),
    ]
    assert not ScoreSheet.objects.exists()
    sent = score_sheet.save(
        mine,
        {criteria[0].pk: (4, False, ""), criteria[1].pk: (None, True, "")},
        juror.user,
        0,
        submit=True,
    )
    assert sent.ok and sent.sheet.is_submitted


def test_two_tabs_the_stale_save_is_refused_and_the_first_kept(mine, juror, criteria):
    first, second = criteria
    # Both tabs opened the empty sheet (version 0); the first saves, then the second.
    assert score_sheet.save(mine, {first.pk: (9, False, "Из первой вкладки")}, juror.user, 0).ok
    before = snapshot(mine)
    stale = score_sheet.save(
        mine, {first.pk: (1, False, ""), second.pk: (2, False, "")}, juror.user, 0
    )
    assert stale.stale and messages(stale) == [str(score_sheet.STALE)]
    assert stale.sheet.version == 1  # what the page shows the juror now
    assert snapshot(mine) == before
    assert Score.objects.get(criterion=first).comment == "Из первой вкладки"
    # A forged version from the future or not a number is refused alike.
    assert score_sheet.save(mine, {first.pk: (1, False, "")}, juror.user, 7).stale
    assert messages(score_sheet.save(mine, {}, juror.user, "1")) == [str(score_sheet.BAD_VERSION)]
    assert snapshot(mine) == before


def test_a_submitted_sheet_is_locked_until_the_chair_reopens_it(mine, juror, chair, criteria):
    full = {criteria[0].pk: (4, False, ""), criteria[1].pk: (5, False, "")}
    sheet = score_sheet.save(mine, full, juror.user, 0, submit=True).sheet
    assert not score_sheet.can_score(mine)
    before = snapshot(mine)
    locked = score_sheet.save(mine, {criteria[0].pk: (1, False, "")}, juror.user, sheet.version)
    assert messages(locked) == [str(score_sheet.LOCKED)]
    assert snapshot(mine) == before

    assert not score_sheet.reopen(sheet, juror.user)  # not the chair
    assert snapshot(mine) == before
    assert score_sheet.reopen(sheet, chair.user)
    assert not score_sheet.reopen(sheet, chair.user)  # a draft already
    sheet.refresh_from_db()
    assert sheet.status == ScoreSheet.Status.DRAFT and sheet.submitted_at is None
    line = ScoreChange.objects.filter(sheet=sheet).last()
    assert (line.field, line.old, line.new, line.changed_by) == (
        "status",
        "submitted",
        "draft",
        chair.user,
    )
    assert score_sheet.can_score(mine)
    assert score_sheet.save(mine, {criteria[0].pk: (1, False, "")}, juror.user, sheet.version).ok


@pytest.mark.parametrize(
    "state", [Judging.State.PREPARING, Judging.State.CLOSED, Judging.State.PUBLISHED]
)
def test_no_scoring_unless_judging_is_open(contest, mine, juror, criteria, state):
    Judging.objects.filter(contest=contest).update(state=state)
    assert not score_sheet.can_score(mine)
    outcome = score_sheet.save(mine, {criteria[0].pk: (1, False, "")}, juror.user, 0)
    assert messages(outcome) == [str(score_sheet.NOT_OPEN)]
    assert not ScoreSheet.objects.exists()


def test_no_reopening_once_judging_is_closed(contest, mine, juror, chair, criteria):
    full = {criteria[0].pk: (4, False, ""), criteria[1].pk: (5, False, "")}
    sheet = score_sheet.save(mine, full, juror.user, 0, submit=True).sheet
    Judging.objects.filter(contest=contest).update(state=Judging.State.CLOSED)
    assert not score_sheet.reopen(sheet, chair.user)
    sheet.refresh_from_db()
    assert sheet.is_submitted


def test_no_scoring_of_an_entry_out_of_judging_or_given_up(mine, juror, criteria):
    Entry.objects.filter(pk=mine.entry_id).update(status=Entry.Status.WITHDRAWN)
    outcome = score_sheet.save(mine, {criteria[0].pk: (1, False, "")}, juror.user, 0)
    assert messages(outcome) == [str(score_sheet.NOT_READY)]
    Entry.objects.filter(pk=mine.entry_id).update(status=Entry.Status.READY)
    assignments.declare_conflict(mine, "Знаю автора", juror.user)
    outcome = score_sheet.save(mine, {criteria[0].pk: (1, False, "")}, juror.user, 0)
    assert messages(outcome) == [str(score_sheet.NOT_YOURS)]
    assert not ScoreSheet.objects.exists()
