"""Which juror scores which entry (``Assignment``), and conflicts of interest.

``assign(contest)`` makes or remakes the assignments of a contest's entries «ready for judging»
to its jury, in the contest's mode:

- ``ALL``: every juror scores every entry, except where they have a conflict;
- ``PER_ENTRY``: each entry gets ``jurors_per_entry`` jurors (fewer when not enough are
  eligible), spread evenly: the entry goes to the least loaded eligible jurors, ties broken at
  random, entries taken in random order.

A juror has a conflict with an entry from their own library (the entry's library from the
directory, or a library typed in whose name is the juror's library's full or short name, in any
case, ё read as е) and with an entry they declared a conflict on. Such a pair is never assigned.

It is safe to run again whenever jurors or entries change (the chair opening judging, the jury's
admin adding a juror, an entry becoming ready later): an assignment whose sheet exists (a draft
or submitted) is never deleted; an assignment without a sheet is removed when its entry is no
longer ready, when its juror now has a conflict with it, or, per entry, when the entry has more
jurors than the contest asks for (the most loaded of them give it up); an entry keeps the jurors
it has and is topped up. A declared conflict's row stays, for the record. Each new assignment
gets a random ``order_key``, so each juror meets their entries in their own order.

Both functions hold the contest's row lock, so two runs at once (two tabs, the admin and a task)
make no duplicates; the unique constraint on juror and entry is the last guard.

``declare_conflict(assignment, reason, user)`` is the juror's own declaration: the entry is
taken off them and, per entry, given to the least loaded eligible juror. A draft sheet the juror
had started is kept with its audit lines (the audit log never loses a line; a sheet of a
conflict is never submitted, since the juror can no longer score it, and results count only
submitted sheets), and the declaration itself is written to that log."""

import dataclasses
import random
import re
import secrets

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.db import retry_when_locked

from .models import Assignment, ContestPage, Entry, Judging, ScoreChange, ScoreSheet

#: ``order_key`` is drawn below this (it fits a PostgreSQL integer).
ORDER_KEYS = 2**31 - 1
#: What a declaration of a conflict is logged as in the sheet's audit log.
CONFLICT_FIELD = "conflict"
#: ``can_declare_conflict``'s default: the sheet is to be looked up.
UNKNOWN = object()
#: The longest reason a juror may give for a conflict.
REASON_MAX_LENGTH = 1000

_QUOTES = re.compile(r"[«»\"“”„'`]")
# Ties between equally loaded jurors and the order entries are dealt in are drawn from the
# system's randomness: no juror can predict or steer which entries reach them.
_random = random.SystemRandom()


class Refused(Exception):
    """A declaration of a conflict that may not be made; ``message`` says why (a msgid)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclasses.dataclass
class Summary:
    """What a run of ``assign`` did: assignments created, removed and kept, and the entries
    left with fewer jurors than the contest asks for (per entry) or with none (every juror)."""

    created: int = 0
    removed: int = 0
    kept: int = 0
    short: list = dataclasses.field(default_factory=list)


def fold(name):
    """A library's name as compared: case folded, ё read as е, quotes and extra spaces gone."""
    name = _QUOTES.sub("", name or "").casefold().replace("ё", "е")
    return " ".join(name.split())


def library_conflict(juror, entry):
    """Whether ``entry`` comes from ``juror``'s library."""
    library = juror.library
    if library is None:
        return False
    if entry.library_id is not None:
        return entry.library_id == library.pk
    typed = fold(entry.new_library_name)
    return bool(typed) and typed in {fold(library.full_name), fold(library.short_name)} - {""}


def new_order_key():
    return secrets.randbelow(ORDER_KEYS)


def assign(contest):
    """Make or remake the assignments of ``contest`` (see the module's docstring); returns a
    ``Summary``."""
    return retry_when_locked(lambda: _assign(contest.pk))


def _assign(contest_id):
    contest = ContestPage.objects.select_for_update(of=("self",)).get(pk=contest_id)
    jurors = list(contest.jury.select_related("library").order_by("pk"))
    entries = list(Entry.objects.filter(contest=contest, status=Entry.Status.READY).order_by("pk"))
    existing = list(
        Assignment.objects.filter(entry__contest=contest).annotate(
            has_sheet=Exists(ScoreSheet.objects.filter(assignment=OuterRef("pk")))
        )
    )
    jurors_by_pk = {juror.pk: juror for juror in jurors}
    entries_by_pk = {entry.pk: entry for entry in entries}

    removed = []
    kept = []
    for assignment in existing:
        if assignment.has_sheet or not assignment.is_active:
            kept.append(assignment)
            continue
        juror = jurors_by_pk.get(assignment.juror_id)
        entry = entries_by_pk.get(assignment.entry_id)
        if juror is None or entry is None or library_conflict(juror, entry):
            removed.append(assignment)
        else:
            kept.append(assignment)

    # Who holds which entry now: every kept pair counts (a declared conflict too, so that the
    # pair is never made again); only active ones count towards an entry's jurors and a load.
    taken = {(a.juror_id, a.entry_id) for a in kept}
    holders = {entry.pk: [] for entry in entries}
    load = dict.fromkeys(jurors_by_pk, 0)
    for assignment in kept:
        if assignment.is_active and assignment.entry_id in holders:
            holders[assignment.entry_id].append(assignment)
            if assignment.juror_id in load:
                load[assignment.juror_id] += 1

    def eligible(juror, entry):
        return (juror.pk, entry.pk) not in taken and not library_conflict(juror, entry)

    new = []
    short = []
    if contest.assignment_mode == ContestPage.AssignmentMode.ALL:
        for entry in entries:
            added = [
                Assignment(juror=juror, entry=entry, order_key=new_order_key())
                for juror in jurors
                if eligible(juror, entry)
            ]
            new.extend(added)
            if not holders[entry.pk] and not added:
                short.append(entry)
    else:
        wanted = contest.jurors_per_entry
        shuffled = entries[:]
        _random.shuffle(shuffled)
        for entry in shuffled:
            held = holders[entry.pk]
            surplus = len(held) - wanted
            if surplus > 0:
                # Fewer jurors asked for than the entry has: the most loaded give it up, if they
                # have not started its sheet.
                free = [a for a in held if not a.has_sheet]
                free.sort(key=lambda a: (-load.get(a.juror_id, 0), _random.random()))
                for assignment in free[:surplus]:
                    kept.remove(assignment)
                    removed.append(assignment)
                    held.remove(assignment)
                    load[assignment.juror_id] -= 1
            candidates = [juror for juror in jurors if eligible(juror, entry)]
            candidates.sort(key=lambda juror: (load[juror.pk], _random.random()))
            chosen = candidates[: max(wanted - len(held), 0)]
            for juror in chosen:
                new.append(Assignment(juror=juror, entry=entry, order_key=new_order_key()))
                load[juror.pk] += 1
            if len(held) + len(chosen) < wanted:
                short.append(entry)

    if removed:
        Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
    Assignment.objects.bulk_create(new)
    short.sort(key=lambda entry: entry.number)
    return Summary(created=len(new), removed=len(removed), kept=len(kept), short=short)


def can_declare_conflict(assignment, sheet=UNKNOWN, state=None):
    """The juror may still declare a conflict: not declared yet, their sheet not submitted, and
    judging neither closed nor published. ``sheet`` (None for none) and ``state``, the judging's
    state, when the caller has them."""
    if sheet is UNKNOWN:
        sheet = assignment.sheet if _has_sheet(assignment) else None
    if state is None:
        state = (
            Judging.objects.filter(contest_id=assignment.entry.contest_id)
            .values_list("state", flat=True)
            .first()
        )
    return (
        assignment.is_active
        and not (sheet is not None and sheet.is_submitted)
        and state not in {Judging.State.CLOSED, Judging.State.PUBLISHED}
    )


def _has_sheet(assignment):
    try:
        assignment.sheet  # noqa: B018 — the reverse one-to-one raises when there is none
    except ScoreSheet.DoesNotExist:
        return False
    return True


def declare_conflict(assignment, reason, user, now=None):
    """``user``, the assignment's own juror, declares a conflict of interest with its entry for
    ``reason``: the entry is taken off them and, per entry, given to the least loaded eligible
    juror. Returns that juror's new assignment, or None (every juror has the entry already, or
    none is eligible). Raises ``Refused`` when the declaration may not be made."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Say briefly why you have a conflict of interest."))
    if len(reason) > REASON_MAX_LENGTH:
        raise Refused(_("The reason is too long."))
    now = now or timezone.now()
    return retry_when_locked(lambda: _declare(assignment, reason, user, now))


def _declare(assignment, reason, user, now):
    contest = ContestPage.objects.select_for_update(of=("self",)).get(
        pk=assignment.entry.contest_id
    )
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("juror__user", "entry")
        .get(pk=assignment.pk)
    )
    if assignment.juror.user_id != user.pk:
        raise Refused(_("Only the juror themself can declare their conflict of interest."))
    if not can_declare_conflict(assignment):
        raise Refused(_("A conflict of interest can no longer be declared on this entry."))
    assignment.conflict_declared_at = now
    assignment.conflict_reason = reason
    assignment.save(update_fields=["conflict_declared_at", "conflict_reason"])
    if _has_sheet(assignment):
        ScoreChange.objects.create(
            sheet=assignment.sheet, field=CONFLICT_FIELD, new=reason, changed_by=user
        )
    if contest.assignment_mode != ContestPage.AssignmentMode.PER_ENTRY:
        return None
    return _reassign(contest, assignment.entry)


def _reassign(contest, entry):
    """Give ``entry``, if still ready and short of jurors, to the least loaded eligible juror of
    ``contest`` who does not hold it."""
    held = Assignment.objects.filter(entry=entry)
    active = held.filter(conflict_declared_at=None).count()
    if entry.status != Entry.Status.READY or active >= contest.jurors_per_entry:
        return None
    holding = set(held.values_list("juror_id", flat=True))
    jurors = [
        juror
        for juror in contest.jury.select_related("library")
        if juror.pk not in holding and not library_conflict(juror, entry)
    ]
    if not jurors:
        return None
    loads = dict.fromkeys((juror.pk for juror in jurors), 0)
    assigned = Assignment.objects.filter(
        juror__in=jurors,
        conflict_declared_at=None,
        entry__status=Entry.Status.READY,
    ).values_list("juror_id", flat=True)
    for juror_id in assigned:
        loads[juror_id] += 1
    juror = min(jurors, key=lambda juror: (loads[juror.pk], _random.random()))
    return Assignment.objects.create(juror=juror, entry=entry, order_key=new_order_key())
