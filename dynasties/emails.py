"""The e-mails to an application's contact person: the receipt when the family applies, then one
about each decision of the editors (returned with their message, accepted, rejected). Each goes
once (``base.mail.send_once``) whatever the number of times its task runs; the sweeper
(``kuzbib.dynasties.sweep_mail``) sends again what a broker outage left unsent."""

import datetime

from django.conf import settings
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.mail import build_email, send_once

from .conf import setting
from .models import Application

RECEIPT_SUBJECT = _("Your family's application is received: %(festival)s")
STATUS_SUBJECT = _("Your family's application to the festival: %(status)s")


def _to_write_to(application_id):
    """The application with what its e-mails show, or None once it is erased (nobody left to
    write to) or gone."""
    return (
        Application.objects.select_related("festival", "municipality")
        .filter(pk=application_id, anonymised_at=None)
        .first()
    )


def send_receipt(application_id):
    """The receipt, sent once."""
    application = _to_write_to(application_id)
    if application is not None:
        send_once(application, "receipt_sent_at", build_receipt, where={"anonymised_at": None})


def send_status(application_id):
    """The e-mail about the application's current status, once per status (a status that changed
    again before the task ran is told by the next task, not this one)."""
    application = _to_write_to(application_id)
    if application is not None and application.status in Application.Status.notified():
        send_once(
            application,
            "notified_status",
            build_status_email,
            value=application.status,
            where={"status": application.status, "anonymised_at": None},
        )


def unsent_receipts(now):
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    return list(
        Application.objects.filter(
            receipt_sent_at=None, created_at__lt=waited, is_demo=False, anonymised_at=None
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def unsent_statuses(now):
    waited = now - datetime.timedelta(seconds=setting("SWEEP_AFTER_SECONDS"))
    return list(
        Application.objects.filter(
            status__in=Application.Status.notified(),
            updated_at__lt=waited,
            is_demo=False,
            anonymised_at=None,
        )
        .exclude(notified_status=F("status"))
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )


def status_link(application):
    """The family's private page of the application."""
    festival = application.festival
    return festival.get_full_url() + festival.reverse_subpage(
        "application_status", args=[application.token]
    )


def _context(application):
    return {
        "festival": application.festival,
        "application": application,
        "link": status_link(application),
    }


def build_receipt(application):
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(RECEIPT_SUBJECT) % {"festival": application.festival.title}
    return build_email(
        application.email, subject, "dynasties/emails/receipt", _context(application)
    )


def build_status_email(application):
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(STATUS_SUBJECT) % {"status": application.get_status_display()}
    return build_email(application.email, subject, "dynasties/emails/status", _context(application))
