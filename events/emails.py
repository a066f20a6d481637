"""The events app's e-mails — to registrants, to proposals' authors, about programme changes:
templated Russian messages, plain text with an HTML alternative, each with the person's private
link and dates in the events' zone. Names are escaped in the HTML part; the subject carries only
the conference's title, never what a person typed."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import mail

from .models import EVENT_TIMEZONE

SUBJECTS = {
    "confirmed": _("Registration confirmed: %(conference)s"),
    "waitlisted": _("You are on the waitlist: %(conference)s"),
    "pending_approval": _("Registration received: %(conference)s"),
    "promoted": _("A place has become free, your registration is confirmed: %(conference)s"),
    "session_promoted": _("A place in a session has become free: %(conference)s"),
    "cancelled": _("Registration cancelled: %(conference)s"),
    "rejected": _("Registration declined: %(conference)s"),
    "reminder": _("Your registration: %(conference)s"),
}

PROPOSAL_SUBJECTS = {
    "received": _("Your report proposal is received: %(conference)s"),
    "accepted": _("Your report is accepted: %(conference)s"),
    "rejected": _("Your report proposal is declined: %(conference)s"),
}

PROGRAMME_CHANGE_SUBJECT = _("The programme has changed: %(conference)s")


def build_email(to, subject, template, context):
    """A conference e-mail: ``subject`` is formatted with the conference's title; its dates are
    written (``kuzbib_site.base.dates``) in the events' zone, wherever the worker runs."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(subject) % {"conference": context["conference"].title}
    with timezone.override(EVENT_TIMEZONE):
        return mail.build_email(to, subject, template, context)


def build_registration_email(registration, kind):
    if kind not in SUBJECTS:
        raise ValueError(f"Unknown registration e-mail: {kind}")
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "registration": registration,
            "conference": registration.conference,
            "kind": kind,
            "link": registration.private_url(),
            "seats": list(registration.seats.select_related("session").order_by("session__start")),
        }
    return build_email(registration.email, SUBJECTS[kind], "events/emails/registration", context)


def send_registration_email(registration, kind):
    build_registration_email(registration, kind).send()
    type(registration).objects.filter(pk=registration.pk).update(last_emailed_at=timezone.now())


def build_proposal_email(proposal, kind):
    conference = proposal.conference
    context = {
        "proposal": proposal,
        "conference": conference,
        "kind": kind,
        "link": conference.get_full_url()
        + conference.reverse_subpage("proposal_status", args=[proposal.token]),
    }
    return build_email(proposal.email, PROPOSAL_SUBJECTS[kind], "events/emails/proposal", context)
