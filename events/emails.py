"""Registration e-mails: templated Russian messages, plain text with an HTML alternative, each
with the registrant's private link. Names are escaped in the HTML part; the subject carries only
the conference's title, never what a registrant typed."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

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

PROGRAMME_CHANGE_SUBJECT = _("The programme has changed: %(conference)s")


def build_email(to, subject, template, context):
    """A message in the site's language (a worker has no visitor's language): plain text from
    ``<template>.txt`` with an HTML alternative from ``<template>.html``. ``subject`` is a lazy
    string formatted with the conference's title."""
    conference = context["conference"]
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(subject) % {"conference": conference.title}
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message


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
