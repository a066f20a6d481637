"""Celery tasks of the events app: thin wrappers that load ids and call plain modules."""

from smtplib import SMTPException

from celery import shared_task

from kuzbib_site.base.mail import send_once

from . import changes, emails, proceedings
from .models import Proposal, Registration


@shared_task(
    name="kuzbib.events.build_proceedings",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=600,
    time_limit=660,
    ignore_result=True,
)
def build_proceedings(*, build_id):
    """A queued ``ProceedingsBuild``; the base sweeper (``kuzbib.base.sweep_builds``) sends it
    again when its message was lost."""
    proceedings.build(build_id)


# --- E-mails ----------------------------------------------------------------------------------


@shared_task(
    name="kuzbib.events.send_registration_email",
    autoretry_for=(SMTPException, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def send_registration_email(*, registration_id, kind):
    """Send one registration e-mail (confirmation, waitlist, promotion…); quietly nothing when
    the registration is gone."""
    registration = (
        Registration.objects.select_related("conference", "library")
        .filter(pk=registration_id, anonymised_at=None)  # erased: nobody left to write to
        .first()
    )
    if registration is None:
        return
    emails.send_registration_email(registration, kind)


@shared_task(
    name="kuzbib.events.send_proposal_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_proposal_email(*, proposal_id, kind):
    proposal = (
        Proposal.objects.select_related("conference")
        .filter(pk=proposal_id, anonymised_at=None)  # erased: nobody left to write to
        .first()
    )
    if proposal is not None:
        # Once per kind (received, then accepted or declined), however often the task runs.
        send_once(
            proposal,
            "notified_kind",
            lambda proposal: emails.build_proposal_email(proposal, kind),
            value=kind,
            where={"anonymised_at": None},
        )


@shared_task(
    name="kuzbib.events.send_programme_change",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_programme_change(*, change_id):
    changes.notify(change_id)
