"""Call for papers: when it is open, submitting a proposal, and deciding on it.

An editor who may edit the conference page, or the leader of the proposal's section (a user who
may edit that section's page), accepts or rejects it. Accepting turns the proposal into a talk
at the end of a chosen session of the same conference; the author is told by e-mail either way.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.permission_policies.pages import PagePermissionPolicy

from kuzbib_site.base.models import Person
from kuzbib_site.base.queue import enqueue_on_commit

from . import emails
from .models import Proposal, SectionSessionPage, Talk

SUBJECTS = {
    "received": gettext_lazy("Your report proposal is received: %(conference)s"),
    "accepted": gettext_lazy("Your report is accepted: %(conference)s"),
    "rejected": gettext_lazy("Your report proposal is declined: %(conference)s"),
}


def can_decide(user, proposal):
    if not user.is_authenticated or not user.is_active:
        return False
    if proposal.conference.permissions_for_user(user).can_edit():
        return True
    return bool(proposal.section_id and proposal.section.permissions_for_user(user).can_edit())


def decidable_by(user, queryset=None):
    """Proposals this user may decide: those of the conferences they may edit and of the
    sections they lead. Two queries, whatever the number of proposals."""
    queryset = Proposal.objects.all() if queryset is None else queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
    return queryset.filter(Q(conference__in=editable) | Q(section__in=editable))


def submit(conference, form):
    """Save a valid proposal form; the receipt e-mail goes out after the commit."""
    if not conference.cfp_is_open():
        raise ValidationError(_("The call for papers is closed."))
    proposal = form.save(commit=False)
    proposal.conference = conference
    proposal.consent_given_at = timezone.now()
    with transaction.atomic():
        proposal.save()
        _send_later(proposal, "received")
    return proposal


@transaction.atomic
def accept(proposal, user, session, message=""):
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_decide(user, proposal):
        raise PermissionDenied
    if proposal.status == Proposal.Status.ACCEPTED:
        return proposal  # a second click changes nothing
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("Only a proposal under review can be accepted."))
    if session.get_parent().pk != proposal.conference_id:
        raise ValidationError(_("Choose a session of this proposal's conference."))
    speaker, _created = Person.objects.get_or_create(
        last_name=proposal.last_name,
        first_name=proposal.first_name,
        patronymic=proposal.patronymic,
        library=proposal.library,
        defaults={"position": proposal.position},
    )
    last = session.talks.order_by("-sort_order").values_list("sort_order", flat=True).first()
    talk = Talk(
        session=session,
        title=proposal.title,
        abstract=proposal.abstract,
        co_authors=proposal.co_authors,
        sort_order=(last or 0) + 1,
    )
    talk.save()
    talk.speakers.set([speaker])
    talk.save()
    proposal.talk = talk
    _decide(proposal, user, Proposal.Status.ACCEPTED, message)
    return proposal


@transaction.atomic
def reject(proposal, user, message=""):
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_decide(user, proposal):
        raise PermissionDenied
    if proposal.status == Proposal.Status.REJECTED:
        return proposal
    if proposal.status != Proposal.Status.SUBMITTED:
        raise ValidationError(_("Only a proposal under review can be declined."))
    _decide(proposal, user, Proposal.Status.REJECTED, message)
    return proposal


def withdraw(proposal):
    with transaction.atomic():
        updated = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.SUBMITTED).update(
            status=Proposal.Status.WITHDRAWN
        )
    return bool(updated)


def _decide(proposal, user, status, message):
    proposal.status = status
    proposal.decision_message = message
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save()
    _send_later(proposal, status)


def sessions_for(proposal):
    return SectionSessionPage.objects.child_of(proposal.conference).order_by("start", "path")


def _send_later(proposal, kind):
    from .tasks import send_proposal_email

    enqueue_on_commit(send_proposal_email, proposal_id=proposal.pk, kind=kind)


def build_email(proposal, kind):
    conference = proposal.conference
    context = {
        "proposal": proposal,
        "conference": conference,
        "kind": kind,
        "link": conference.get_full_url()
        + conference.reverse_subpage("proposal_status", args=[proposal.token]),
    }
    return emails.build_email(proposal.email, SUBJECTS[kind], "events/emails/proposal", context)
