"""Section leaders edit their sections' sessions without the demo: the groups holding page
permissions on a section's page get the same on each of its sessions when the session is
created, copied, moved or published, and ``repair_section_permissions`` re-applies them."""

import io

import pytest
from django.core.management import call_command
from wagtail.models import GroupPagePermission

from events.leaders import LEADER_PERMISSIONS, grant_section_permissions
from tests.factories import ConferencePageFactory, SectionSessionPageFactory
from tests.factories.events import section_leader

pytestmark = pytest.mark.django_db


@pytest.fixture
def leader(django_user_model, conference_tree):
    """A leader of the methodology section, as the demo makes one: add, change and publish on the
    section's page only (the fixture's sessions were made before the group)."""
    user = django_user_model.objects.create_user("leader", email="leader@example.org")
    return section_leader(user, [conference_tree["methodology"]], LEADER_PERMISSIONS)


def fresh(user):
    """The user read again: Wagtail keeps a user's page permissions on the user object."""
    return type(user).objects.get(pk=user.pk)


def codenames(page, user):
    group = user.groups.get()
    return set(
        GroupPagePermission.objects.filter(page=page, group=group).values_list(
            "permission__codename", flat=True
        )
    )


def test_a_new_session_of_the_section_is_its_leaders(conference_tree, leader):
    session = SectionSessionPageFactory(
        parent=conference_tree["conference"], section=conference_tree["methodology"]
    )
    assert codenames(session, leader) == set(LEADER_PERMISSIONS)
    permissions = session.permissions_for_user(leader)
    assert permissions.can_edit() and permissions.can_publish()
    other = SectionSessionPageFactory(
        parent=conference_tree["conference"], section=conference_tree["local_history"]
    )
    assert not other.permissions_for_user(leader).can_edit()
    without = SectionSessionPageFactory(parent=conference_tree["conference"], section=None)
    assert not without.permissions_for_user(leader).can_edit()
    assert not conference_tree["conference"].permissions_for_user(leader).can_edit()


def test_leaders_get_what_they_hold_on_the_section_and_nothing_more(
    conference_tree, django_user_model
):
    user = django_user_model.objects.create_user("editor-only", email="e@example.org")
    section_leader(user, [conference_tree["methodology"]], ("change_page",))
    session = SectionSessionPageFactory(
        parent=conference_tree["conference"], section=conference_tree["methodology"]
    )
    assert codenames(session, user) == {"change_page"}
    assert session.permissions_for_user(user).can_edit()
    assert not session.permissions_for_user(user).can_publish()


def test_a_section_chosen_later_counts_once_published(conference_tree, leader):
    session = SectionSessionPageFactory(parent=conference_tree["conference"], section=None)
    assert not session.permissions_for_user(leader).can_edit()
    session.section = conference_tree["methodology"]
    session.save_revision().publish()
    assert session.permissions_for_user(fresh(leader)).can_edit()


def test_a_moved_or_copied_session_is_its_leaders(conference_tree, leader):
    session = conference_tree["sessions"][0]  # methodology's, made before the group
    assert not session.permissions_for_user(leader).can_edit()
    later = ConferencePageFactory(parent=conference_tree["events"], slug="ix", number=9)
    session.move(later, pos="last-child")
    session.refresh_from_db()
    assert session.permissions_for_user(fresh(leader)).can_edit()
    copy = session.copy(to=conference_tree["conference"], update_attrs={"slug": "copy"})
    assert copy.permissions_for_user(fresh(leader)).can_edit()


def test_repair_gives_every_session_its_leaders_again(conference_tree, leader):
    own, other = conference_tree["sessions"]
    assert not own.permissions_for_user(leader).can_edit()  # made before the group
    out = io.StringIO()
    call_command("repair_section_permissions", stdout=out)
    assert "Section sessions: 2; permissions added: 3." in out.getvalue()
    assert codenames(own, leader) == set(LEADER_PERMISSIONS)
    assert own.permissions_for_user(fresh(leader)).can_publish()
    assert not other.permissions_for_user(fresh(leader)).can_edit()
    # Removed by hand, given back; run again, nothing more to add.
    GroupPagePermission.objects.filter(page=own).delete()
    assert not own.permissions_for_user(fresh(leader)).can_edit()
    call_command("repair_section_permissions", stdout=io.StringIO())
    assert own.permissions_for_user(fresh(leader)).can_edit()
    out = io.StringIO()
    call_command("repair_section_permissions", stdout=out)
    assert "permissions added: 0." in out.getvalue()


def test_granting_reads_a_fixed_number_of_queries(
    conference_tree, leader, django_assert_max_num_queries
):
    session = conference_tree["sessions"][0]
    with django_assert_max_num_queries(3):
        assert grant_section_permissions(session) == 3
    with django_assert_max_num_queries(2):
        assert grant_section_permissions(session) == 0
