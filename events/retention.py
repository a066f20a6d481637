"""What the retention job (``kuzbib_site.base.retention``) does to conference registrations and
report proposals once their conference is over (or at once, when the person asks).

Kept: the conference, status, role, library from the directory, sessions and attendance, the
consent's time and version — the facts the partnership counts. Gone: name, e-mail, position, a
typed library name, accessibility needs (health data), co-authors, the file, and the private
link (a new, never-sent token). A speaker on the published programme is a separate, public
``Talk``/``Person``: it is not touched."""

from kuzbib_site.base import retention
from kuzbib_site.base.retention import ApplicantPolicy

from .domain.proposal import withdraw
from .domain.registration import cancel
from .models import Proposal, Registration


class RegistrationPolicy(ApplicantPolicy):
    """Conference registrations: accessibility needs (health data) go too."""

    key = "registration"
    end_field = "conference__end"
    model = Registration
    erased = {"accessibility_needs": ""}


class ProposalPolicy(ApplicantPolicy):
    """Report proposals (an accepted one's talk stays on the programme)."""

    key = "proposal"
    model = Proposal
    end_field = "conference__end"
    erased = {
        "co_authors": "",
        # The abstract may describe the author's work in their own words; an accepted talk keeps
        # its own public copy.
        "abstract": "",
        "decision_message": "",
        "file": "",
    }

    def files(self, record):
        return [record.file] if record.file else []


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
