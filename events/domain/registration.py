"""The life cycle of a conference registration, free of HTTP: registering, cancelling, approving
and rejecting, checking in, starring sessions, with capacity and waitlists for the conference and
for sessions with a capacity of their own. Nothing else assigns a registration's status.

Every change runs in one transaction that first locks the conference row, so concurrent
registrations for the last places queue up behind each other and never overbook: the count of
confirmed registrations is read under the lock. On SQLite, whose writers are serialised anyway, a
writer that finds the database locked retries the whole transaction.

E-mails are enqueued with ``transaction.on_commit``: nothing is sent for work that rolled back.
"""

import datetime

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.db import retry_when_locked
from kuzbib_site.base.mail import claim
from kuzbib_site.base.queue import enqueue_on_commit

from ..models import ConferencePage, Registration, SectionSessionPage, SessionSeat
from ..models.registration import split_full_name
from ..tasks import send_registration_email

#: At most one reminder (the private link sent again to an address already registered) per
#: registration in this time; any e-mail about the registration counts.
REMINDER_INTERVAL = datetime.timedelta(days=1)


class RegistrationError(Exception):
    """A registration that the rules refuse; ``message`` is for the registrant."""

    message = _("Registration failed.")

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class RegistrationClosed(RegistrationError):
    message = _("Registration for this conference is closed.")


class AlreadyRegistered(RegistrationError):
    message = _(
        "This e-mail address is already registered for this conference. We have sent the link "
        "to the registration to it again."
    )

    def __init__(self, registration):
        super().__init__()
        self.registration = registration


# --- State ------------------------------------------------------------------------------------


class State:
    UNAVAILABLE = "unavailable"  # no registration for this conference
    NOT_YET = "not_yet"
    OPEN = "open"
    FULL = "full"  # open, new registrants go on the waitlist
    CLOSED = "closed"

    @classmethod
    def taking(cls):
        """States in which the form takes registrations."""
        return frozenset({cls.OPEN, cls.FULL})


def closes_at(conference):
    return conference.registration_closes or conference.start


def registration_state(conference, now=None, confirmed=None):
    """Where registration stands, for the conference page and the form. Reads, never writes."""
    now = now or timezone.now()
    if conference.registration_opens is None or conference.is_cancelled:
        return State.UNAVAILABLE
    if now < conference.registration_opens:
        return State.NOT_YET
    closes = closes_at(conference)
    if closes and now >= closes:
        return State.CLOSED
    if conference.capacity is not None:
        if confirmed is None:
            confirmed = confirmed_count(conference)
        if confirmed >= conference.capacity:
            return State.FULL
    return State.OPEN


def is_open(state):
    """Registration takes new registrants (on the waitlist when full)."""
    return state in State.taking()


def awaits_decision(registration):
    """An editor may approve or reject it."""
    return registration.status == Registration.Status.PENDING_APPROVAL


def may_cancel(registration):
    return registration.status in Registration.Status.active()


def may_check_in(registration):
    return registration.status == Registration.Status.CONFIRMED and not registration.attended


def confirmed_count(conference):
    return Registration.objects.filter(
        conference=conference, status=Registration.Status.CONFIRMED
    ).count()


def _has_room(conference):
    return conference.capacity is None or confirmed_count(conference) < conference.capacity


# --- Transactions -----------------------------------------------------------------------------


def _locked(conference_pk, work):
    """Run ``work(conference)`` in a transaction holding the conference row's lock; on SQLite,
    run it again while the database is locked (``base.db.retry_when_locked``)."""

    def locked_work():
        conference = (
            ConferencePage.objects.select_for_update(of=("self",))
            .only(
                "pk",
                "registration_opens",
                "registration_closes",
                "capacity",
                "requires_approval",
                "start",
                "status",
            )
            .get(pk=conference_pk)
        )
        return work(conference)

    return retry_when_locked(locked_work)


def _send(registration, kind):
    enqueue_on_commit(send_registration_email, registration_id=registration.pk, kind=kind)


# --- Sessions ---------------------------------------------------------------------------------


def _fill_session(session):
    """Confirm waitlisted seats of confirmed registrants while the session has room."""
    seats = SessionSeat.objects.filter(session=session)
    waiting = seats.filter(
        status=SessionSeat.Status.WAITLISTED,
        registration__status=Registration.Status.CONFIRMED,
    ).order_by("created_at", "pk")
    if session.capacity is None:
        promoted = list(waiting.select_related("registration"))
    else:
        room = session.capacity - seats.filter(status=SessionSeat.Status.CONFIRMED).count()
        promoted = list(waiting.select_related("registration")[: max(room, 0)])
    SessionSeat.objects.filter(pk__in=[seat.pk for seat in promoted]).update(
        status=SessionSeat.Status.CONFIRMED
    )
    return promoted


def _allocate_seats(registration):
    """Give a newly confirmed registrant the seats that are free in their sessions."""
    sessions = SectionSessionPage.objects.filter(
        seats__registration=registration, seats__status=SessionSeat.Status.WAITLISTED
    ).only("pk", "capacity")
    for session in sessions:
        _fill_session(session)


def _release_seats(registration):
    """Cancel a registrant's seats and give the freed places to the session waitlists. Returns
    the registrants promoted in a session (other than the one leaving)."""
    freed = list(
        SectionSessionPage.objects.filter(
            seats__registration=registration, seats__status=SessionSeat.Status.CONFIRMED
        ).only("pk", "capacity")
    )
    registration.seats.update(status=SessionSeat.Status.CANCELLED)
    promoted = []
    for session in freed:
        promoted += [seat.registration for seat in _fill_session(session)]
    return promoted


# --- Operations -------------------------------------------------------------------------------


def register(conference, data, now=None):
    """Register someone for the conference. ``data`` holds the form's cleaned data: name (the
    full name, stored as ``Applicant``'s parts), email, library, new_library_name, position, role,
    sessions, accessibility_needs. Consent is taken as given now (the form requires it). Raises
    ``RegistrationClosed`` or ``AlreadyRegistered``."""
    email = data["email"].strip().lower()
    sessions = list(data.get("sessions") or [])

    def work(conference):
        moment = now or timezone.now()
        if not is_open(registration_state(conference, moment, confirmed=0)):
            raise RegistrationClosed()
        existing = (
            Registration.objects.filter(conference=conference, email=email)
            .exclude(status=Registration.Status.CANCELLED)
            .first()
        )
        if existing:
            raise AlreadyRegistered(existing)
        if conference.requires_approval:
            status = Registration.Status.PENDING_APPROVAL
        elif _has_room(conference):
            status = Registration.Status.CONFIRMED
        else:
            status = Registration.Status.WAITLISTED
        last_name, first_name, patronymic = split_full_name(data["name"])
        registration = Registration.objects.create(
            conference=conference,
            last_name=last_name,
            first_name=first_name,
            patronymic=patronymic,
            email=email,
            library=data.get("library"),
            new_library_name=data.get("new_library_name", ""),
            position=data.get("position", ""),
            role=data.get("role") or Registration.Role.LISTENER,
            accessibility_needs=data.get("accessibility_needs", ""),
            consent_given_at=moment,
            consent_version=data.get("consent_version", ""),
            # Health data is kept only with its own consent (the form requires it when filled).
            accessibility_consent_at=moment
            if data.get("accessibility_needs") and data.get("accessibility_consent")
            else None,
            status=status,
        )
        SessionSeat.objects.bulk_create(
            [SessionSeat(registration=registration, session=session) for session in sessions]
        )
        if status == Registration.Status.CONFIRMED:
            _allocate_seats(registration)
        _send(registration, status)
        return registration

    try:
        return _locked(conference.pk, work)
    except AlreadyRegistered as error:
        # The registrant gets the private link again by e-mail, not on the page; at most once
        # a day, so that the form cannot be used to flood someone's mailbox.
        if claim_reminder(error.registration, now):
            _send(error.registration, "reminder")
        raise


def claim_reminder(registration, now=None):
    """True when a reminder may go out now (no e-mail about this registration for
    ``REMINDER_INTERVAL``), recording the moment in the same UPDATE, so that of two concurrent
    repeats only one sends."""
    now = now or timezone.now()
    free = Q(last_emailed_at__isnull=True) | Q(last_emailed_at__lte=now - REMINDER_INTERVAL)
    return claim(registration, "last_emailed_at", value=now, unclaimed=free) is not None


def _promote_waitlisted(conference):
    """Confirm waitlisted registrants, first come first served, while there is room."""
    promoted = []
    waiting = Registration.objects.filter(
        conference=conference, status=Registration.Status.WAITLISTED
    ).order_by("created_at", "pk")
    while _has_room(conference):
        registration = waiting.first()
        if registration is None:
            break
        registration.status = Registration.Status.CONFIRMED
        registration.save(update_fields=["status"])
        _allocate_seats(registration)
        _send(registration, "promoted")
        promoted.append(registration)
    return promoted


def cancel(registration, now=None):
    """Cancel a registration; its place goes to the first on the waitlist, in the same
    transaction. Cancelling twice changes nothing. Returns the promoted registrations."""

    def work(conference):
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if not may_cancel(current):
            return []
        was_confirmed = current.status == Registration.Status.CONFIRMED
        current.status = Registration.Status.CANCELLED
        current.cancelled_at = now or timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        seat_promoted = _release_seats(current)
        _send(current, "cancelled")
        promoted = _promote_waitlisted(conference) if was_confirmed else []
        for other in {r.pk: r for r in seat_promoted}.values():
            if other.pk not in {r.pk for r in promoted}:
                _send(other, "session_promoted")
        registration.status, registration.cancelled_at = current.status, current.cancelled_at
        return promoted

    return _locked(registration.conference_id, work)


def approve(registration):
    """An editor approves a registration awaiting approval: confirmed if there is room, else
    on the waitlist."""

    def work(conference):
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if not awaits_decision(current):
            return current
        if _has_room(conference):
            current.status = Registration.Status.CONFIRMED
        else:
            current.status = Registration.Status.WAITLISTED
        current.save(update_fields=["status"])
        if current.status == Registration.Status.CONFIRMED:
            _allocate_seats(current)
        _send(current, current.status)
        registration.status = current.status
        return current

    return _locked(registration.conference_id, work)


def reject(registration):
    """An editor rejects a registration awaiting approval."""

    def work(conference):
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if not awaits_decision(current):
            return current
        current.status = Registration.Status.REJECTED
        current.save(update_fields=["status"])
        current.seats.update(status=SessionSeat.Status.CANCELLED)
        _send(current, "rejected")
        registration.status = current.status
        return current

    return _locked(registration.conference_id, work)


def check_in(registration, now=None):
    """Mark a registrant as present at the conference."""
    now = now or timezone.now()
    Registration.objects.filter(pk=registration.pk, checked_in_at__isnull=True).update(
        checked_in_at=now
    )
    Registration.objects.filter(pk=registration.pk).update(attended=True)
    registration.refresh_from_db(fields=["attended", "checked_in_at"])
    return registration


# --- Personal agenda --------------------------------------------------------------------------


def star(registration, session):
    """Add a session of the conference to the registrant's agenda; where the session has its
    own capacity the seat is allocated like any other (confirmed registrants first come, first
    served; the rest wait). Starring twice changes nothing."""
    if session.get_parent().pk != registration.conference_id:
        raise ValueError("The session belongs to another conference.")

    def work(conference):
        seat, created = SessionSeat.objects.get_or_create(
            registration=registration, session=session
        )
        if not created and seat.status != SessionSeat.Status.CANCELLED:
            return seat
        if not created:
            seat.status = SessionSeat.Status.WAITLISTED
            seat.save(update_fields=["status"])
        if registration.status == Registration.Status.CONFIRMED:
            _fill_session(session)
        seat.refresh_from_db()
        return seat

    return _locked(registration.conference_id, work)


def unstar(registration, session):
    """Take a session off the agenda; a confirmed seat goes to the session's waitlist."""

    def work(conference):
        seat = (
            SessionSeat.objects.select_for_update()
            .filter(registration=registration, session=session)
            .exclude(status=SessionSeat.Status.CANCELLED)
            .first()
        )
        if seat is None:
            return []
        was_confirmed = seat.status == SessionSeat.Status.CONFIRMED
        seat.status = SessionSeat.Status.CANCELLED
        seat.save(update_fields=["status"])
        promoted = [s.registration for s in _fill_session(session)] if was_confirmed else []
        for other in promoted:
            _send(other, "session_promoted")
        return promoted

    return _locked(registration.conference_id, work)


def agenda(registration):
    """The registrant's sessions, in time order (cancelled seats left out)."""
    kept = registration.seats.exclude(status=SessionSeat.Status.CANCELLED)
    return (
        SectionSessionPage.objects.live()
        .filter(pk__in=kept.values("session_id"))
        .order_by("start", "path")
    )
