"""What the retention job (``kuzbib_site.base.retention``) does to conference registrations and
report proposals once their conference is over (or at once, when the person asks).

Kept: the conference, status, role, library from the directory, sessions and attendance, the
consent's time and version — the facts the partnership counts. Gone: name, e-mail, position, a
typed library name, accessibility needs (health data), co-authors, the file, and the private
link (a new, never-sent token). A speaker on the published programme is a separate, public
``Talk``/``Person``: it is not touched."""

from kuzbib_site.base import retention
from kuzbib_site.base.privacy import ERASED_NAME, erased_email
from kuzbib_site.base.retention import RetentionPolicy
from kuzbib_site.base.tokens import new_token

from .domain.proposal import withdraw
from .domain.registration import cancel
from .models import Proposal, Registration


class RegistrationPolicy(RetentionPolicy):
    """Conference registrations."""

    key = "registration"
    model = Registration
    end_field = "conference__end"

    def anonymise(self, record, now):
        Registration.objects.filter(pk=record.pk).update(
            name=ERASED_NAME,
            email=erased_email(record.pk),
            position="",
            new_library_name="",
            accessibility_needs="",
            token=new_token(),
        )
        return []


class ProposalPolicy(RetentionPolicy):
    """Report proposals (an accepted one's talk stays on the programme)."""

    key = "proposal"
    model = Proposal
    end_field = "conference__end"

    def anonymise(self, record, now):
        files = [record.file] if record.file else []
        Proposal.objects.filter(pk=record.pk).update(
            last_name=ERASED_NAME,
            first_name="",
            patronymic="",
            email=erased_email(record.pk),
            position="",
            new_library_name="",
            co_authors="",
            # The abstract may describe the author's work in their own words; an accepted
            # talk keeps its own public copy.
            abstract="",
            decision_message="",
            file="",
            token=new_token(),
        )
        return files


def erase_registration(registration, now=None):
    """«Удалить мои данные» on the private page: an active registration is cancelled first (its
    place goes to the waitlist), then anonymised at once."""
    if registration.is_active:
        cancel(registration, now)
    return retention.anonymise(registration, now)


def erase_proposal(proposal, now=None):
    """«Удалить мои данные»: a proposal under review is withdrawn first; an accepted one's talk
    stays on the programme (it is public and separate)."""
    if proposal.under_review:
        withdraw(proposal)
    return retention.anonymise(proposal, now)
