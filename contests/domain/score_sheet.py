"""A juror's score sheet: every change of it is one function here.

::

    (no sheet) ──save──▶ draft ──save (as often as the juror likes)──▶ draft
                          │ save(submit=True): every criterion scored or «not applicable»
                          ▼
                      submitted (locked) ──reopen (the chair, judging open)──▶ draft

A juror may score (``can_score``) while judging is open, the entry is ready for judging, the
entry is still theirs (no conflict declared) and their sheet is not submitted.

``save`` checks everything on the server, whatever the form let through: each criterion must be
one the entry is judged on (the contest's, for every nomination or for the entry's), a score a
whole number from 0 to the criterion's maximum, never both a score and «not applicable», comments
within their length; on submission, every criterion has a score or «not applicable». The sheet's
``version`` must be the one the juror's form was made from: a save from an older version (another
tab, another device) is refused and the juror is shown what is saved now, so that neither tab
overwrites the other's work. On any error nothing is written; errors are msgids the view
translates.

Every change is written to the audit log (``ScoreChange``), with who made it, and its old and new
value as text. ``field`` is one of ``FIELD_LABELS``: a criterion's ``score`` (the number, empty
for none), ``not_applicable`` (``1`` or ``0``) and ``comment``; the sheet's ``overall_comment``
and ``status`` (``draft``, ``submitted``); ``conflict`` (the reason, written by
``contests.assignment.declare_conflict``)."""

import dataclasses

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.db import retry_when_locked

from ..models import (
    Assignment,
    Criterion,
    Entry,
    Judging,
    JuryMember,
    Score,
    ScoreChange,
    ScoreSheet,
)

#: The key of the overall comment in what ``save`` takes (the others are criteria's ids).
OVERALL = "comment"
COMMENT_MAX_LENGTH = Score._meta.get_field("comment").max_length
OVERALL_MAX_LENGTH = ScoreSheet._meta.get_field("comment").max_length

#: What each audit line's ``field`` means, for those who show the log.
FIELD_LABELS = {
    "score": _("score"),
    "not_applicable": _("not applicable"),
    "comment": _("comment"),
    "overall_comment": _("overall comment"),
    "status": _("status"),
    "conflict": _("conflict of interest"),
}

NOT_OPEN = _("Judging is not open: scores cannot be changed now.")
NOT_READY = _("This entry is not being judged.")
NOT_YOURS = _("This entry is no longer assigned to you.")
LOCKED = _(
    "This score sheet has been sent and is locked; only the chair of the jury can reopen it."
)
STALE = _(
    "The sheet was changed in another tab or window, so this save was refused and nothing was "
    "changed. The saved scores are shown now: check them, enter your changes again and save."
)
UNKNOWN_CRITERION = _("A score was sent for a criterion this entry is not judged on.")
NOT_WHOLE = _("Enter a whole number.")
OUT_OF_RANGE = _("Enter a whole number from 0 to %(max)s.")
BOTH = _("Give either a score or «not applicable», not both.")
MISSING = _("Give a score or mark «not applicable».")
INCOMPLETE = _("Every criterion needs a score or «not applicable» before the sheet is sent.")
TOO_LONG = _("The comment is too long: at most %(max)s characters.")
INVALID = _("This value is not valid.")
BAD_VERSION = _("The form is out of date: reload the page.")


@dataclasses.dataclass
class Outcome:
    """What ``save`` did: the sheet as it is now (None if there is none yet), the errors as
    (criterion id or None for the whole sheet, message) pairs, whether the save was refused as
    made from an older version, and how many fields changed."""

    sheet: ScoreSheet | None
    errors: list = dataclasses.field(default_factory=list)
    stale: bool = False
    changed: int = 0

    @property
    def ok(self):
        return not self.errors


def judging_state(contest_id):
    """Where the contest's judging stands; a contest whose judging was never set up is
    preparing."""
    state = Judging.objects.filter(contest_id=contest_id).values_list("state", flat=True).first()
    return state or Judging.State.PREPARING


def refusal(assignment, sheet=None, state=None):
    """Why the juror may not score ``assignment`` now (a msgid), or None. ``sheet`` is its sheet
    if there is one, ``state`` the judging's state, when the caller has them."""
    if (state or judging_state(assignment.entry.contest_id)) != Judging.State.OPEN:
        return NOT_OPEN
    if not assignment.is_active:
        return NOT_YOURS
    if assignment.entry.status != Entry.Status.READY:
        return NOT_READY
    if sheet is not None and sheet.is_submitted:
        return LOCKED
    return None


def can_score(assignment):
    """Judging is open, the entry ready, the assignment active and its sheet not submitted."""
    sheet = ScoreSheet.objects.filter(assignment=assignment).first()
    return refusal(assignment, sheet) is None


def criteria_for(entry):
    """The criteria ``entry`` is judged on: its contest's, for every nomination or its own."""
    return Criterion.objects.filter(contest_id=entry.contest_id).filter(
        Q(nomination=None) | Q(nomination_id=entry.nomination_id)
    )


def unscored(criteria, scores):
    """The criteria (of ``criteria``) that have neither a score nor «not applicable» in
    ``scores`` (criterion id → Score)."""
    return [
        criterion
        for criterion in criteria
        if (score := scores.get(criterion.pk)) is None
        or (score.value is None and not score.not_applicable)
    ]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _check(criteria, cleaned):
    """Errors in ``cleaned`` against the entry's ``criteria`` (id → Criterion)."""
    errors = []
    for key, item in cleaned.items():
        if key == OVERALL:
            if not isinstance(item, str):
                errors.append((None, INVALID))
            elif len(item) > OVERALL_MAX_LENGTH:
                errors.append((None, TOO_LONG % {"max": OVERALL_MAX_LENGTH}))
            continue
        criterion = criteria.get(key) if isinstance(key, int) else None
        if criterion is None:
            errors.append((None, UNKNOWN_CRITERION))
            continue
        try:
            value, not_applicable, comment = item
        except (TypeError, ValueError):
            errors.append((key, INVALID))
            continue
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors.append((key, NOT_WHOLE))
        elif value is not None and not 0 <= value <= criterion.max_score:
            errors.append((key, OUT_OF_RANGE % {"max": criterion.max_score}))
        elif value is not None and not_applicable:
            errors.append((key, BOTH))
        if not isinstance(comment, str):
            errors.append((key, INVALID))
        elif len(comment) > COMMENT_MAX_LENGTH:
            errors.append((key, TOO_LONG % {"max": COMMENT_MAX_LENGTH}))
    return errors


def save(assignment, cleaned, user, version, submit=False, now=None):
    """Save the juror's scores on ``assignment`` as a draft, and with ``submit`` send the sheet
    (which locks it). ``cleaned`` maps a criterion's id to ``(value or None, not_applicable,
    comment)`` and ``OVERALL`` to the overall comment; what it leaves out stays as saved.
    ``version`` is the sheet's version the juror's form was made from (0 before the first save).
    Returns an ``Outcome``; nothing is written when it has errors."""
    now = now or timezone.now()
    return retry_when_locked(lambda: _save(assignment.pk, cleaned, user, version, submit, now))


def _save(assignment_id, cleaned, user, version, submit, now):
    # The assignment's row is locked too: it exists before the sheet does, so two first
    # saves at once are serialised as well.
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("entry")
        .get(pk=assignment_id)
    )
    sheet = ScoreSheet.objects.select_for_update().filter(assignment=assignment).first()
    reason = refusal(assignment, sheet)
    if reason is not None:
        return Outcome(sheet, [(None, reason)])
    if not isinstance(version, int) or isinstance(version, bool):
        return Outcome(sheet, [(None, BAD_VERSION)])
    if version != (sheet.version if sheet else 0):
        return Outcome(sheet, [(None, STALE)], stale=True)
    criteria = {criterion.pk: criterion for criterion in criteria_for(assignment.entry)}
    errors = _check(criteria, cleaned)
    if errors:
        return Outcome(sheet, errors)

    scores = {score.criterion_id: score for score in sheet.scores.all()} if sheet else {}
    changes = []
    touched = []
    for criterion_id, item in cleaned.items():
        if criterion_id == OVERALL:
            continue
        value, not_applicable, comment = item
        score = scores.get(criterion_id) or Score(criterion_id=criterion_id)
        changed = False
        for field, new in (
            ("value", value),
            ("not_applicable", bool(not_applicable)),
            ("comment", comment),
        ):
            # A new Score holds the defaults: no value, applicable, no comment.
            old = getattr(score, field)
            if _text(old) != _text(new):
                changes.append(
                    ScoreChange(
                        criterion_id=criterion_id,
                        field="score" if field == "value" else field,
                        old=_text(old),
                        new=_text(new),
                        changed_by=user,
                    )
                )
                setattr(score, field, new)
                changed = True
        if changed:
            scores[criterion_id] = score
            touched.append(score)
    overall = cleaned.get(OVERALL)
    old_overall = sheet.comment if sheet else ""
    if overall is not None and overall != old_overall:
        changes.append(
            ScoreChange(field="overall_comment", old=old_overall, new=overall, changed_by=user)
        )
    if submit:
        missing = unscored(
            sorted(criteria.values(), key=lambda c: (c.sort_order or 0, c.pk)), scores
        )
        if missing:
            return Outcome(
                sheet, [(None, INCOMPLETE)] + [(criterion.pk, MISSING) for criterion in missing]
            )
        changes.append(
            ScoreChange(
                field="status",
                old=ScoreSheet.Status.DRAFT,
                new=ScoreSheet.Status.SUBMITTED,
                changed_by=user,
            )
        )
    if not changes:
        return Outcome(sheet)

    if sheet is None:
        sheet = ScoreSheet(assignment=assignment)
    if overall is not None:
        sheet.comment = overall
    if submit:
        sheet.status = ScoreSheet.Status.SUBMITTED
        sheet.submitted_at = now
    sheet.version += 1
    sheet.save()
    for score in touched:
        score.sheet = sheet
    Score.objects.bulk_create([score for score in touched if score.pk is None])
    Score.objects.bulk_update(
        [score for score in touched if score.pk is not None],
        ["value", "not_applicable", "comment"],
    )
    for change in changes:
        change.sheet = sheet
    ScoreChange.objects.bulk_create(changes)
    return Outcome(sheet, changed=len(changes))


def reopen(sheet, user):
    """The chair of the sheet's contest reopens a submitted sheet while judging is open: it is a
    draft again, which its juror can change and send again. False (nothing changed) for anyone
    but the chair, a sheet that is not submitted, or judging that is not open."""
    return retry_when_locked(lambda: _reopen(sheet.pk, user))


def _reopen(sheet_id, user):
    sheet = (
        ScoreSheet.objects.select_for_update(of=("self",))
        .select_related("assignment__entry")
        .filter(pk=sheet_id)
        .first()
    )
    if sheet is None or not sheet.is_submitted:
        return False
    contest_id = sheet.assignment.entry.contest_id
    is_chair = JuryMember.objects.filter(
        contest_id=contest_id, user_id=user.pk, role=JuryMember.Role.CHAIR
    ).exists()
    if not is_chair or judging_state(contest_id) != Judging.State.OPEN:
        return False
    sheet.status = ScoreSheet.Status.DRAFT
    sheet.submitted_at = None
    sheet.version += 1
    sheet.save(update_fields=["status", "submitted_at", "version", "updated_at"])
    ScoreChange.objects.create(
        sheet=sheet,
        field="status",
        old=ScoreSheet.Status.SUBMITTED,
        new=ScoreSheet.Status.DRAFT,
        changed_by=user,
    )
    return True
