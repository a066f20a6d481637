"""Who decides a report proposal and where its talk goes: a section leader accepts only into
sessions whose page they may edit (never the plenary), the talk arrives through a new revision
of the session page — published only where the leader may publish — and nobody decides their
own proposal."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from events.domain import proposal as proposals
from events.models import Proposal, SectionSessionPage, Talk
from tests.factories import LibraryFactory, SectionSessionPageFactory
from tests.factories.events import at, open_cfp, section_leader

pytestmark = pytest.mark.django_db

TITLE = "Методическая служба сельской библиотеки"


@pytest.fixture
def tree(conference_tree):
    conference = open_cfp(conference_tree["conference"])
    plenary = SectionSessionPageFactory(
        parent=conference, title="Пленарное заседание", format="plenary", start=at(10), end=at(12)
    )
    plenary.save_revision().publish()
    return {**conference_tree, "plenary": plenary}


def make_leader(
    django_user_model, tree, username="leader", codenames=("change_page", "publish_page")
):
    """A leader as ``kuzbib_site/demo/events.py`` makes one: admin access and page permissions on
    the methodology section's page and its session, nothing else."""
    user = django_user_model.objects.create_user(username, email=f"{username}@example.org")
    return section_leader(user, (tree["methodology"], tree["sessions"][0]), codenames)


@pytest.fixture
def leader(django_user_model, tree):
    return make_leader(django_user_model, tree)


def make_proposal(tree, email="petrova@example.ru", **fields):
    return Proposal.objects.create(
        conference=tree["conference"],
        section=tree["methodology"],
        title=TITLE,
        abstract="Опыт методической работы.",
        last_name="Петрова",
        first_name="Анна",
        email=email,
        library=LibraryFactory(),
        consent_given_at=timezone.now(),
        **fields,
    )


def decide_url(proposal):
    return f"/admin/events/proposals/{proposal.pk}/decide/"


def test_leader_cannot_put_a_talk_into_the_plenary_or_another_section(client, tree, leader):
    proposal = make_proposal(tree)
    client.force_login(leader)
    form = client.get(decide_url(proposal)).context["form"]
    assert list(form.fields["session"].queryset) == [tree["sessions"][0]]
    for session in (tree["plenary"], tree["sessions"][1]):
        response = client.post(decide_url(proposal), {"decision": "accept", "session": session.pk})
        assert response.status_code == 200 and response.context["form"].errors["session"]
        with pytest.raises(ValidationError):
            proposals.accept(proposal, leader, session)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED and proposal.talk is None
    assert not Talk.objects.filter(title=TITLE).exists()
    assert tree["plenary"].revisions.count() == 1


def test_talk_is_added_through_a_published_revision(
    client, tree, leader, django_capture_on_commit_callbacks
):
    proposal = make_proposal(tree)
    session = tree["sessions"][0]
    revisions = session.revisions.count()
    client.force_login(leader)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            decide_url(proposal), {"decision": "accept", "session": session.pk, "message": "Ждём!"}
        )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.revisions.count() == revisions + 1
    revision = session.latest_revision
    assert revision.user == leader and session.live_revision == revision
    assert not session.has_unpublished_changes
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.decided_by == leader
    assert proposal.talk.session_id == session.pk
    assert proposal.talk.sort_order == 3  # after the session's two talks
    assert TITLE in client.get(session.url).content.decode()
    (message,) = [m for m in mail.outbox if "Петрова" in m.body or m.to == [proposal.email]]
    assert session.title in message.body and "Ждём!" in message.body


def test_without_publish_permission_the_talk_waits_in_a_draft(
    client, admin_client, tree, django_user_model, django_capture_on_commit_callbacks
):
    editor_only = make_leader(django_user_model, tree, "drafter", codenames=("change_page",))
    proposal = make_proposal(tree)
    session = tree["sessions"][0]
    client.force_login(editor_only)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(decide_url(proposal), {"decision": "accept", "session": session.pk})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.has_unpublished_changes
    draft = session.get_latest_revision_as_object()
    assert TITLE in [talk.title for talk in draft.talks.all()]
    assert not Talk.objects.filter(title=TITLE).exists()  # not in the live programme
    assert TITLE not in client.get(session.url).content.decode()
    proposal.refresh_from_db()
    # Decided, but the author hears of it only once the talk is in the programme.
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.talk is None
    assert mail.outbox == []
    status = client.get(f"/events/viii/proposal/{proposal.token}/")
    assert status.status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        session.latest_revision.publish()  # an editor publishes the draft
    proposal.refresh_from_db()
    assert proposal.talk is not None and proposal.talk.session_id == session.pk
    (message,) = mail.outbox
    assert message.to == [proposal.email] and session.title in message.body


def test_someone_elses_draft_is_not_published_with_the_talk(
    tree, leader, django_capture_on_commit_callbacks
):
    session = SectionSessionPage.objects.get(pk=tree["sessions"][0].pk)
    session.room = "Ауд. 999 (черновик)"
    session.save_revision()
    proposal = make_proposal(tree)
    with django_capture_on_commit_callbacks(execute=True):
        proposals.accept(proposal, leader, session)
    session.refresh_from_db()
    assert session.room != "Ауд. 999 (черновик)"  # the live page keeps its room
    draft = session.get_latest_revision_as_object()
    assert draft.room == "Ауд. 999 (черновик)"
    assert TITLE in [talk.title for talk in draft.talks.all()]


@pytest.mark.parametrize("email", ["LEADER@example.org", "leader@example.org"])
def test_nobody_decides_their_own_proposal(client, tree, leader, email):
    own = make_proposal(tree, email=email)
    other = make_proposal(tree, email="other@example.ru")
    client.force_login(leader)
    assert client.get(decide_url(own)).status_code != 200
    response = client.post(
        decide_url(own), {"decision": "accept", "session": tree["sessions"][0].pk}
    )
    assert response.status_code != 200
    assert list(proposals.decidable_by(leader)) == [other]
    with pytest.raises(PermissionDenied):
        proposals.accept(own, leader, tree["sessions"][0])
    with pytest.raises(PermissionDenied):
        proposals.reject(own, leader, "нет")
    own.refresh_from_db()
    assert own.status == Proposal.Status.SUBMITTED
    listing = client.get("/admin/snippets/events/proposal/").content.decode()
    assert decide_url(other) in listing and decide_url(own) not in listing
