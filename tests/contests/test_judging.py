"""Where a contest's judging stands (``contests.domain.judging``): every allowed and refused
move with the message the chair reads, the checks before opening (jurors, criteria, entries,
blind mode's «may reveal the author» flags), publication freezing the results, and the chair's
decisions on ties and special prizes."""

import pytest
from django.utils import timezone
from django.utils.translation import gettext as _

from contests.domain import judging as judging_domain
from contests.domain.judging import Refused
from contests.models import (
    Assignment,
    ChairDecision,
    Criterion,
    Entry,
    EntryFlag,
    Judging,
    JuryMember,
    Result,
    Score,
    ScoreSheet,
)
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import EntryFactory, judged_contest

pytestmark = pytest.mark.django_db

State = Judging.State


@pytest.fixture
def index(home_page):
    return ContestIndexPageFactory(parent=home_page)


@pytest.fixture
def contest(index):
    return judged_contest(index, entries=3, jurors=2, blind_judging=False)


def chair_of(contest):
    return contest.jury.get(role=JuryMember.Role.CHAIR).user


def state_of(contest):
    return judging_domain.judging_of(contest).state


def put_in_state(contest, state):
    judging = judging_domain.judging_of(contest)
    judging.state = state
    judging.save()


def submit_all(contest, values):
    """Every assignment of ``contest`` gets a submitted sheet: the entry of number n scores
    ``values[n - 1]`` on every criterion (rows made directly, as a juror's saves would)."""
    criteria = list(Criterion.objects.filter(contest=contest))
    for assignment in Assignment.objects.filter(juror__contest=contest).select_related("entry"):
        sheet = ScoreSheet.objects.create(
            assignment=assignment,
            status=ScoreSheet.Status.SUBMITTED,
            submitted_at=timezone.now(),
            version=1,
        )
        value = values[assignment.entry.number - 1]
        Score.objects.bulk_create(
            Score(sheet=sheet, criterion=criterion, value=min(value, criterion.max_score))
            for criterion in criteria
        )


def refused(move, *args, **kwargs):
    with pytest.raises(Refused) as raised:
        move(*args, **kwargs)
    return raised.value.message


# --- Opening -----------------------------------------------------------------------------------


def test_judging_of_makes_the_row_once(contest):
    first = judging_domain.judging_of(contest)
    assert first.state == State.PREPARING
    assert judging_domain.judging_of(contest).pk == first.pk
    assert Judging.objects.filter(contest=contest).count() == 1


def test_opening_assigns_the_entries_and_logs_who_opened(contest):
    chair = chair_of(contest)
    judging = judging_domain.open_judging(contest, chair)
    assert judging.state == State.OPEN and judging.opened_at is not None
    # Every juror scores every entry (the contest's default mode).
    assert Assignment.objects.filter(juror__contest=contest).count() == 3 * 2
    [line] = judging.log
    assert line["user_id"] == chair.pk
    assert line["action"] == "open"
    assert line["user"] == chair.get_full_name()
    assert line["message"] == _("Judging opened")
    assert line["at"]


def test_opening_twice_is_refused(contest):
    judging_domain.open_judging(contest, chair_of(contest))
    assert refused(judging_domain.open_judging, contest, None) == _("Judging is already open.")
    assert len(Judging.objects.get(contest=contest).log) == 1


def test_opening_needs_jurors_criteria_and_ready_entries(index):
    without_jurors = judged_contest(index, jurors=0)
    assert refused(judging_domain.open_judging, without_jurors, None) == _(
        "The contest has no jurors yet."
    )
    without_criteria = judged_contest(index, criteria=())
    assert refused(judging_domain.open_judging, without_criteria, None) == _(
        "The contest has no criteria to score entries on."
    )
    without_entries = judged_contest(index, entries=0)
    EntryFactory(contest=without_entries, status=Entry.Status.NEEDS_ATTENTION)
    assert refused(judging_domain.open_judging, without_entries, None) == _(
        "No entry is ready for judging yet."
    )
    for contest in (without_jurors, without_criteria, without_entries):
        assert state_of(contest) == State.PREPARING
        assert not Assignment.objects.filter(entry__contest=contest).exists()


def test_blind_judging_waits_for_every_reveal_flag_to_be_accepted(index):
    contest = judged_contest(index, entries=2, blind_judging=True)
    first, second = contest.entries.order_by("number")
    flag = EntryFlag.objects.create(
        entry=first, kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, fragment="Иванова"
    )
    # A flag on an entry that is not judged does not hold judging back.
    EntryFactory(contest=contest, status=Entry.Status.WITHDRAWN).flags.create(
        kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, fragment="Петрова"
    )
    message = refused(judging_domain.open_judging, contest, chair_of(contest))
    assert first.code in message and second.code not in message
    assert state_of(contest) == State.PREPARING
    assert not Assignment.objects.filter(entry__contest=contest).exists()

    flag.accepted_at = timezone.now()
    flag.save()
    assert judging_domain.open_judging(contest, chair_of(contest)).state == State.OPEN


def test_a_contest_judged_openly_ignores_reveal_flags(index):
    contest = judged_contest(index, entries=1, blind_judging=False)
    contest.entries.get().flags.create(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, fragment="Иванова")
    assert judging_domain.open_judging(contest, chair_of(contest)).state == State.OPEN


def test_a_refusal_lists_a_few_entries_and_counts_the_rest(index):
    contest = judged_contest(index, entries=7, blind_judging=True)
    for entry in contest.entries.all():
        entry.flags.create(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR, fragment="Иванова")
    message = refused(judging_domain.open_judging, contest, None)
    assert message.count(contest.entry_prefix) == judging_domain.LISTED
    assert _("and %(count)s more") % {"count": 2} in message


# --- Closing and reopening ---------------------------------------------------------------------


def test_close_then_reopen(contest):
    chair = chair_of(contest)
    judging_domain.open_judging(contest, chair)
    closed = judging_domain.close(contest, chair)
    assert closed.state == State.CLOSED and closed.closed_at is not None
    reopened = judging_domain.reopen_judging(contest, chair)
    assert reopened.state == State.OPEN
    assert [line["action"] for line in reopened.log] == ["open", "close", "reopen"]


def test_opening_from_closed_opens_again(contest):
    judging_domain.open_judging(contest, None)
    judging_domain.close(contest, None)
    assert judging_domain.open_judging(contest, None).state == State.OPEN


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (State.PREPARING, "Judging has not been opened yet."),
        (State.CLOSED, "Judging is already closed."),
        (State.PUBLISHED, "The results are published: judging cannot change any more."),
    ],
)
def test_closing_is_refused_unless_open(contest, state, message):
    put_in_state(contest, state)
    assert refused(judging_domain.close, contest, None) == _(message)
    assert state_of(contest) == state


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (State.PREPARING, "Judging has not been opened yet."),
        (State.OPEN, "Judging is already open."),
        (State.PUBLISHED, "The results are published: judging cannot change any more."),
    ],
)
def test_reopening_is_refused_unless_closed(contest, state, message):
    put_in_state(contest, state)
    assert refused(judging_domain.reopen_judging, contest, None) == _(message)
    assert state_of(contest) == state


def test_published_results_cannot_be_opened_again(contest):
    put_in_state(contest, State.PUBLISHED)
    assert refused(judging_domain.open_judging, contest, None) == _(
        "The results are published: judging cannot change any more."
    )


# --- Publishing --------------------------------------------------------------------------------


@pytest.fixture
def scored(contest):
    """Judging closed with every sheet submitted: entries 1, 2, 3 score 9, 6 and 3."""
    judging_domain.open_judging(contest, chair_of(contest))
    submit_all(contest, [9, 6, 3])
    judging_domain.close(contest, chair_of(contest))
    return contest


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (State.PREPARING, "Judging has not been opened yet."),
        (State.OPEN, "Close judging before publishing the results."),
        (State.PUBLISHED, "The results are published: judging cannot change any more."),
    ],
)
def test_publishing_is_refused_unless_closed(scored, state, message):
    put_in_state(scored, state)
    assert refused(judging_domain.publish, scored, None) == _(message)
    assert not Result.objects.filter(contest=scored).exists()
    assert not Entry.objects.filter(contest=scored, keeps_public_name=True).exists()


def test_publishing_freezes_the_ranking_and_keeps_the_winners_names(scored):
    chair = chair_of(scored)
    extra = EntryFactory(contest=scored)  # ready after judging closed: no sheets, not ranked
    judging = judging_domain.publish(scored, chair)
    assert judging.state == State.PUBLISHED and judging.published_at is not None
    assert judging.log[-1]["action"] == "publish"
    places = dict(Result.objects.filter(contest=scored).values_list("entry__number", "place"))
    assert places == {1: 1, 2: 2, 3: 3, extra.number: None}
    assert set(
        Entry.objects.filter(contest=scored, keeps_public_name=True).values_list(
            "number", flat=True
        )
    ) == {1, 2, 3}


def test_publishing_needs_a_ranked_entry(contest):
    judging_domain.open_judging(contest, None)
    judging_domain.close(contest, None)
    assert refused(judging_domain.publish, contest, None) == _(
        "No entry has enough submitted score sheets to be ranked."
    )
    assert state_of(contest) == State.CLOSED


def test_an_undecided_tie_on_the_podium_holds_publication_back(contest):
    judging_domain.open_judging(contest, None)
    submit_all(contest, [7, 7, 3])
    judging_domain.close(contest, None)
    first, second, _third = contest.entries.order_by("number")
    message = refused(judging_domain.publish, contest, None)
    assert first.code in message and second.code in message
    assert state_of(contest) == State.CLOSED
    assert not Result.objects.filter(contest=contest).exists()

    # The chair shares the place on purpose: the same number for both.
    judging_domain.record_decision(contest, first, None, tie_order=1)
    judging_domain.record_decision(contest, second, None, tie_order=1)
    judging_domain.publish(contest, None)
    rows = {row.entry_id: row for row in Result.objects.filter(contest=contest)}
    assert (rows[first.pk].place, rows[first.pk].tied) == (1, True)
    assert (rows[second.pk].place, rows[second.pk].tied) == (1, True)


def test_the_chairs_order_breaks_a_tie(contest):
    judging_domain.open_judging(contest, None)
    submit_all(contest, [7, 7, 3])
    judging_domain.close(contest, None)
    first, second, _third = contest.entries.order_by("number")
    judging_domain.record_decision(contest, second, None, tie_order=1)
    judging_domain.record_decision(contest, first, None, tie_order=2)
    judging_domain.publish(contest, None)
    places = dict(Result.objects.filter(contest=contest).values_list("entry__number", "place"))
    assert places == {2: 1, 1: 2, 3: 3}


# --- The chair's decisions ---------------------------------------------------------------------


def test_a_decision_keeps_what_it_does_not_change_and_clears_when_empty(scored):
    chair = chair_of(scored)
    entry = scored.entries.get(number=3)
    decision = judging_domain.record_decision(scored, entry, chair, special_prize=" Приз зрителей ")
    assert (decision.special_prize, decision.tie_order, decision.decided_by) == (
        "Приз зрителей",
        None,
        chair,
    )
    judging_domain.record_decision(scored, entry, chair, tie_order=2)
    decision.refresh_from_db()
    assert (decision.special_prize, decision.tie_order) == ("Приз зрителей", 2)
    judging_domain.record_decision(scored, entry, chair, tie_order=None)
    assert judging_domain.record_decision(scored, entry, chair, special_prize="") is None
    assert not ChairDecision.objects.filter(entry=entry).exists()
    assert [line["action"] for line in Judging.objects.get(contest=scored).log][-4:] == [
        "decision"
    ] * 4


def test_a_special_prize_is_published_and_keeps_the_name(scored):
    entry = scored.entries.get(number=3)  # third place anyway; and an unranked one below
    unranked = EntryFactory(contest=scored)
    judging_domain.record_decision(scored, unranked, None, special_prize="За смелость")
    judging_domain.publish(scored, None)
    result = Result.objects.get(entry=unranked)
    assert (result.place, result.special_prize) == (None, "За смелость")
    unranked.refresh_from_db()
    entry.refresh_from_db()
    assert unranked.keeps_public_name and entry.keeps_public_name


def test_decisions_are_refused_after_publication_and_for_other_entries(scored, index):
    other = judged_contest(index, entries=1)
    foreign = other.entries.get()
    assert refused(
        judging_domain.record_decision, scored, foreign, None, special_prize="Приз"
    ) == _("This entry is not one of the contest's entries ready for judging.")
    withdrawn = EntryFactory(contest=scored, status=Entry.Status.WITHDRAWN)
    assert refused(judging_domain.record_decision, scored, withdrawn, None, tie_order=1) == _(
        "This entry is not one of the contest's entries ready for judging."
    )
    judging_domain.publish(scored, None)
    entry = scored.entries.get(number=1)
    assert refused(judging_domain.record_decision, scored, entry, None, tie_order=1) == _(
        "The results are published: the chair's decisions cannot change."
    )
    assert not ChairDecision.objects.exists()
