"""Where a contest's judging stands: every change of ``Judging.state`` is one function here, and
so is every decision the chair records before publishing.

::

    preparing ──open_judging──▶ open ──close──▶ closed ──publish──▶ published
                                  ▲                │
                                  └─reopen_judging─┘   (open_judging from closed does the same)

- ``open_judging`` (the chair): refused while the contest has no jurors, no criteria or no entry
  ready for judging, and, in blind mode, while an entry ready for judging has a «may reveal the
  author» flag no manager has accepted; it (re)makes the assignments (``assignment.assign``,
  which keeps every sheet).
- ``close``: no juror can score any more (``score_sheet.can_score`` reads the state).
- ``publish``: only from closed, with at least one entry ranked and no undecided tie for a
  place in the top three (the chair records an order, or the same number to share the place);
  the ranking is frozen into ``Result`` rows (``results.publish_results``) and the winners'
  entries keep their names public (``Entry.keeps_public_name``). Published results never
  change again.
- ``record_decision``: the chair's order among tied entries and special prizes, until the
  results are published.

Each function takes the judging row's lock, so of two clicks at once the second sees the
first's state, and appends who did what and when to ``Judging.log`` (in the site's language).
A refused move raises ``Refused`` with the message the chair reads; nothing is changed then."""

from django.utils import timezone
from django.utils.translation import gettext as _

from kuzbib_site.base.db import retry_when_locked

from .. import anonymity, assignment, results, scoring
from ..models import ChairDecision, Criterion, Entry, Judging, JuryMember
from . import in_site_language

State = Judging.State

#: How many entry numbers a refusal lists before «and N more».
LISTED = 5
#: ``record_decision``'s default: keep what was recorded.
KEEP = object()


class Refused(Exception):
    """A move the state or the contest does not allow; ``message`` says why, for the chair."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def judging_of(contest):
    """The contest's ``Judging`` row, made (preparing) on first use."""
    judging, _created = Judging.objects.get_or_create(contest=contest)
    return judging


# --- What may happen now -----------------------------------------------------------------------


def can_open(judging):
    return judging.state in {State.PREPARING, State.CLOSED}


def can_close(judging):
    return judging.state == State.OPEN


def can_reopen(judging):
    return judging.state == State.CLOSED


def can_publish(judging):
    return judging.state == State.CLOSED


def can_decide(judging):
    """The chair may record tie orders and special prizes until the results are published."""
    return judging.state != State.PUBLISHED


# --- Transitions -------------------------------------------------------------------------------


def open_judging(contest, user, now=None):
    """Open judging (from preparing, or again from closed) and make the assignments."""
    return _open(contest, user, now, reopening=False)


def reopen_judging(contest, user, now=None):
    """Open judging again after it was closed (never after publishing)."""
    return _open(contest, user, now, reopening=True)


@in_site_language
def _open(contest, user, now, reopening):
    def work():
        judging = _locked(contest)
        allowed = can_reopen(judging) if reopening else can_open(judging)
        if not allowed:
            raise Refused(_refusal(judging, "open"))
        _check_ready_to_open(contest)
        assignment.assign(contest)
        judging.state = State.OPEN
        judging.opened_at = now or timezone.now()
        message = _("Judging reopened") if reopening else _("Judging opened")
        _log(judging, user, "reopen" if reopening else "open", message, now)
        judging.save(update_fields=["state", "opened_at", "log"])
        return judging

    return retry_when_locked(work)


@in_site_language
def close(contest, user, now=None):
    """Close judging: jurors can no longer save or submit a sheet."""

    def work():
        judging = _locked(contest)
        if not can_close(judging):
            raise Refused(_refusal(judging, "close"))
        judging.state = State.CLOSED
        judging.closed_at = now or timezone.now()
        _log(judging, user, "close", _("Judging closed"), now)
        judging.save(update_fields=["state", "closed_at", "log"])
        return judging

    return retry_when_locked(work)


@in_site_language
def publish(contest, user, now=None):
    """Publish the results: the ranking frozen into ``Result`` rows, the winners' names kept
    public, the contest's ``results/`` page open to everyone. Returns the judging row."""

    def work():
        judging = _locked(contest)
        if not can_publish(judging):
            raise Refused(_refusal(judging, "publish"))
        computed = results.compute(contest)
        _check_ready_to_publish(computed)
        rows = results.publish_results(contest, computed)
        winners = [row.entry_id for row in rows if row.is_winner or row.special_prize]
        Entry.objects.filter(pk__in=winners).update(keeps_public_name=True)
        judging.state = State.PUBLISHED
        judging.published_at = now or timezone.now()
        _log(judging, user, "publish", _("Results published"), now)
        judging.save(update_fields=["state", "published_at", "log"])
        return judging

    return retry_when_locked(work)


@in_site_language
def record_decision(contest, entry, user, *, tie_order=KEEP, special_prize=KEEP, now=None):
    """Record the chair's order of ``entry`` among tied entries (lower first; None clears it)
    and/or its special prize ("" clears it); an argument left out keeps what was recorded. An
    entry left with neither has no decision. Returns the decision (None when cleared). Refused
    once the results are published, and for an entry not ready for judging in ``contest``."""

    def work():
        judging = _locked(contest)
        if not can_decide(judging):
            raise Refused(_("The results are published: the chair's decisions cannot change."))
        if entry.contest_id != contest.pk or entry.status != Entry.Status.READY:
            raise Refused(_("This entry is not one of the contest's entries ready for judging."))
        decision = ChairDecision.objects.filter(entry=entry).first() or ChairDecision(
            contest=contest, entry=entry
        )
        if tie_order is not KEEP:
            decision.tie_order = tie_order
        if special_prize is not KEEP:
            decision.special_prize = special_prize.strip()
        decision.decided_by = user
        code = results.entry_code(contest, entry.number)
        if decision.tie_order is None and not decision.special_prize:
            if decision.pk:
                decision.delete()
            decision = None
            message = _("Decision on %(entry)s cleared") % {"entry": code}
        else:
            decision.save()
            message = _(
                "Decision on %(entry)s: order among tied entries %(order)s, "
                "special prize «%(prize)s»"
            ) % {
                "entry": code,
                "order": decision.tie_order if decision.tie_order is not None else "—",
                "prize": decision.special_prize or "—",
            }
        _log(judging, user, "decision", message, now)
        judging.save(update_fields=["log"])
        return decision

    return retry_when_locked(work)


# --- Checks ------------------------------------------------------------------------------------


def _check_ready_to_open(contest):
    if not JuryMember.objects.filter(contest=contest).exists():
        raise Refused(_("The contest has no jurors yet."))
    if not Criterion.objects.filter(contest=contest).exists():
        raise Refused(_("The contest has no criteria to score entries on."))
    if not Entry.objects.filter(contest=contest, status=Entry.Status.READY).exists():
        raise Refused(_("No entry is ready for judging yet."))
    numbers = sorted(
        set(anonymity.unaccepted_reveals(contest).values_list("entry__number", flat=True))
    )
    if numbers:
        raise Refused(
            _(
                "Judging is blind, and these entries may reveal their authors: %(entries)s. "
                "A manager accepts each flag or asks the participant for an anonymous "
                "version first."
            )
            % {"entries": _listed(contest, numbers)}
        )


def _check_ready_to_publish(computed):
    ranking = computed.results
    if not any(nomination.ranked for nomination in ranking.nominations.values()):
        raise Refused(_("No entry has enough submitted score sheets to be ranked."))
    undecided = [
        tie
        for nomination in ranking.nominations.values()
        for tie in nomination.ties
        if tie.place <= scoring.PODIUM and not tie.shared_by_chair
    ]
    if undecided:
        entries = ", ".join(
            computed.entries[entry_id]["code"] for tie in undecided for entry_id in tie.entry_ids
        )
        raise Refused(
            _(
                "These entries are tied for a place in the top three: %(entries)s. Record the "
                "order among them (the same number for each to share the place) before "
                "publishing."
            )
            % {"entries": entries}
        )


def _refusal(judging, move):
    """Why ``move`` is not possible in the judging's state."""
    state = judging.state
    if state == State.PUBLISHED:
        return _("The results are published: judging cannot change any more.")
    if move == "open":
        return (
            _("Judging is already open.")
            if state == State.OPEN
            else _("Judging has not been opened yet.")
        )
    if move == "close":
        return (
            _("Judging is already closed.")
            if state == State.CLOSED
            else _("Judging has not been opened yet.")
        )
    # publish
    if state == State.OPEN:
        return _("Close judging before publishing the results.")
    return _("Judging has not been opened yet.")


def _listed(contest, numbers):
    codes = [results.entry_code(contest, number) for number in numbers[:LISTED]]
    text = ", ".join(codes)
    if len(numbers) > LISTED:
        text += " " + _("and %(count)s more") % {"count": len(numbers) - LISTED}
    return text


# --- The row and its log -----------------------------------------------------------------------


def _locked(contest):
    """The judging row, made if missing, locked until the transaction ends."""
    judging_of(contest)
    return Judging.objects.select_for_update().get(contest=contest)


def _log(judging, user, action, message, now):
    """Append who did what and when to the judging's log (saved by the caller)."""
    at = (now or timezone.now()).isoformat(timespec="seconds")
    who = (user.get_full_name() or user.get_username()) if user else ""
    line = {
        "at": at,
        "user_id": user.pk if user else None,
        "user": who,
        "action": action,
        "message": message,
    }
    judging.log = [*judging.log, line]
