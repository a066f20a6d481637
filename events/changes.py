"""Spotting programme changes when a session is published again, and telling the registrants
who chose the session. The previous state is the session's calendar entry, which publishing is
about to refresh."""

from kuzbib_site.base.mail import send_once
from kuzbib_site.base.queue import enqueue_on_commit

from . import emails
from .models import CalendarEntry, EventStatus, ProgrammeChange, SectionSessionPage, SessionSeat


def record(session):
    """Compare the session as published now with its calendar entry; record what changed.
    Returns the change, or None. Call before the calendar is synced."""
    if not isinstance(session, SectionSessionPage):
        return None
    before = CalendarEntry.objects.filter(page=session, key="").first()
    if before is None:  # published for the first time: nothing has changed for anyone
        return None
    cancelled_now = session.status == EventStatus.CANCELLED
    cancelled_before = before.status == EventStatus.CANCELLED
    if cancelled_now and not cancelled_before:
        kind = ProgrammeChange.Kind.CANCELLED
    elif cancelled_before and not cancelled_now:
        kind = ProgrammeChange.Kind.RESTORED
    elif before.start != session.start or before.end != session.end or before.room != session.room:
        kind = ProgrammeChange.Kind.MOVED
    else:
        return None
    change = ProgrammeChange.objects.create(
        conference_id=session.get_parent().pk,
        session=session,
        session_title=session.title,
        kind=kind,
        old_start=before.start,
        new_start=session.start,
        old_room=before.room,
        new_room=session.room,
    )
    from .tasks import send_programme_change  # noqa: PLC0415 — tasks import this module

    enqueue_on_commit(send_programme_change, change_id=change.pk)
    return change


def affected(change):
    """Active registrants who have the session in their agenda."""
    seats = SessionSeat.objects.filter(session_id=change.session_id).exclude(
        status=SessionSeat.Status.CANCELLED
    )
    return [
        seat.registration
        for seat in seats.select_related("registration__conference")
        if seat.registration.is_active
    ]


def notify(change_id):
    """E-mail the change to the affected registrants, once: a repeated delivery of the task
    finds ``notified_at`` claimed and sends nothing (``base.mail.send_once``)."""
    change = (
        ProgrammeChange.objects.select_related("conference")
        .filter(pk=change_id, notified_at=None)
        .first()
    )
    if change is None:
        return 0
    return send_once(change, "notified_at", _messages)


def _messages(change):
    return [
        emails.build_email(
            registration.email,
            emails.PROGRAMME_CHANGE_SUBJECT,
            "events/emails/programme_change",
            {
                "conference": change.conference,
                "change": change,
                "registration": registration,
                "link": registration.private_url(),
            },
        )
        for registration in affected(change)
    ]
