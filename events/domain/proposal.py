"""The life cycle of a report proposal: submitted through the call for papers, then accepted or
declined by a decider, or withdrawn by its author. Free of HTTP.

An editor who may edit the conference page, or the leader of the proposal's section (a user who
may edit that section's page), accepts or rejects it — never their own proposal (one made with
their e-mail). Accepting turns the proposal into a talk at the end of a chosen session of the
same conference that the decider may edit, through a new revision of that session page: published
at once where the decider may publish it, otherwise left as a draft for an editor. The author is
told by e-mail once the talk is in the published programme (or at once when declined).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from kuzbib_site.base.models import Person
from kuzbib_site.base.queue import enqueue_on_commit

from ..models import Proposal, SectionSessionPage, Talk, TalkSpeaker
from ..tasks import send_proposal_email


def is_own(user, proposal):
    """A proposal made with the user's own e-mail: its author does not decide on it."""
    email = (getattr(user, "email", "") or "").strip()
    return bool(email) and email.casefold() == proposal.email.strip().casefold()


def can_decide(user, proposal):
    if not user.is_authenticated or not user.is_active or is_own(user, proposal):
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
    queryset = queryset.filter(Q(conference__in=editable) | Q(section__in=editable))
    if user.email:
        queryset = queryset.exclude(email__iexact=user.email.strip())
    return queryset


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
    """Accept ``proposal`` into ``session`` (one the user may edit): its talk is added to a new
    revision of the session page, published if the user may publish the page and it held no
    one else's unpublished changes, otherwise kept as a draft. Returns the proposal; its
    ``talk`` is set once the revision is published (see ``link_talks``)."""
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_decide(user, proposal):
        raise PermissionDenied
    if proposal.status == Proposal.Status.ACCEPTED:
        return proposal  # a second click changes nothing
    if proposal.status not in Proposal.Status.under_review():
        raise ValidationError(_("Only a proposal under review can be accepted."))
    if session.get_parent().pk != proposal.conference_id:
        raise ValidationError(_("Choose a session of this proposal's conference."))
    # Two decisions into one session at once: the second waits, then builds on the first's
    # revision instead of dropping its talk.
    Page.objects.select_for_update().filter(pk=session.pk).first()
    live = SectionSessionPage.objects.get(pk=session.pk)
    permissions = live.permissions_for_user(user)
    if not permissions.can_edit():
        raise ValidationError(_("You may add talks only to sessions whose page you may edit."))
    speaker, _created = Person.objects.get_or_create(
        last_name=proposal.last_name,
        first_name=proposal.first_name,
        patronymic=proposal.patronymic,
        library=proposal.library,
        defaults={"position": proposal.position},
    )
    proposal.talk = None
    _decide(proposal, user, Proposal.Status.ACCEPTED, message, send=False)
    # Someone's unfinished draft of the page must not go live with the talk.
    publish = permissions.can_publish() and not live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    talks = list(draft.talks.all())
    # At the end, even among talks without an order of their own (made outside the editor).
    last = max([talk.sort_order or 0 for talk in talks] + [len(talks)])
    talk = Talk(
        title=proposal.title,
        abstract=proposal.abstract,
        co_authors=proposal.co_authors,
        sort_order=last + 1,
    )
    talk.speaker_links = [TalkSpeaker(person=speaker, sort_order=0)]
    draft.talks.add(talk)
    revision = draft.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)  # page_published links the talk (``link_talks``)
    proposal.refresh_from_db()
    return proposal


@transaction.atomic
def link_talks(session):
    """Once a session's revision is published, give each accepted proposal still waiting for its
    talk the talk of the same title by the same author, and e-mail the author. Runs on
    ``page_published`` (``events/signals.py``), so a draft an editor publishes later is linked
    as well."""
    waiting = list(
        Proposal.objects.select_for_update()
        .filter(
            conference_id=session.get_parent().pk,
            status=Proposal.Status.ACCEPTED,
            talk__isnull=True,
        )
        .order_by("decided_at", "pk")
    )
    if not waiting:
        return
    talks = list(
        Talk.objects.filter(session=session, proposal__isnull=True)
        .prefetch_related("speakers")
        .order_by("sort_order", "pk")
    )
    for proposal in waiting:
        author = (proposal.last_name, proposal.first_name)
        for talk in talks:
            authors = {(person.last_name, person.first_name) for person in talk.speakers.all()}
            if talk.title == proposal.title and author in authors:
                proposal.talk = talk
                proposal.save(update_fields=["talk"])
                _send_later(proposal, "accepted")
                talks.remove(talk)
                break


@transaction.atomic
def reject(proposal, user, message=""):
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not can_decide(user, proposal):
        raise PermissionDenied
    if proposal.status == Proposal.Status.REJECTED:
        return proposal
    if proposal.status not in Proposal.Status.under_review():
        raise ValidationError(_("Only a proposal under review can be declined."))
    _decide(proposal, user, Proposal.Status.REJECTED, message)
    return proposal


def withdraw(proposal):
    """The author withdraws a proposal still under review; True if it was. Once decided, a
    proposal stays as decided."""
    with transaction.atomic():
        updated = Proposal.objects.filter(
            pk=proposal.pk, status__in=Proposal.Status.under_review()
        ).update(status=Proposal.Status.WITHDRAWN)
    if updated:
        proposal.status = Proposal.Status.WITHDRAWN
    return bool(updated)


def _decide(proposal, user, status, message, send=True):
    proposal.status = status
    proposal.decision_message = message
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save()
    if send:
        _send_later(proposal, status)


def sessions_for(proposal, user=None):
    """The sessions of the proposal's conference; with ``user``, only those they may edit."""
    sessions = SectionSessionPage.objects.child_of(proposal.conference).order_by("start", "path")
    if user is not None:
        editable = PagePermissionPolicy().instances_user_has_permission_for(user, "change")
        sessions = sessions.filter(pk__in=editable.values("pk"))
    return sessions


def _send_later(proposal, kind):
    enqueue_on_commit(send_proposal_email, proposal_id=proposal.pk, kind=kind)
