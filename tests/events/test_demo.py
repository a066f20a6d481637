import pytest

from events.models import (
    CalendarEntry,
    ConferencePage,
    ResolutionItem,
    SectionPage,
    SectionSessionPage,
    Talk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_demo_has_the_viii_session_and_its_full_resolution(demo_site, client):
    conference = ConferencePage.objects.get(number=8)
    assert conference.local_start.date().isoformat() == "2008-12-16"
    figures = conference.figures()
    assert (figures.participants, figures.libraries, figures.reports, figures.sections) == (
        165,
        33,
        42,
        7,
    )
    sessions = SectionSessionPage.objects.child_of(conference)
    assert sessions.filter(format="section").count() == 7
    assert sessions.filter(title__contains="Библиотека как среда формирования").exists()
    assert sessions.filter(
        title__contains="Методическая деятельность: настоящее и будущее"
    ).exists()
    assert Talk.objects.filter(is_demo=False).count() == 0
    items = ResolutionItem.objects.filter(resolution__in=conference.get_children())
    decided = list(
        items.filter(kind="decided").order_by("sort_key").values_list("number", flat=True)
    )
    recommended = list(
        items.filter(kind="recommended").order_by("sort_key").values_list("number", flat=True)
    )
    assert decided == ["1", "2", "3", "4", "4.1", "4.2", "4.3", "5", "6", "6.1", "6.2"]
    assert recommended == ["1", "2", "3", "3.1", "3.2", "3.3", "3.4", "3.5", "4", "5", "6", "7"]
    assert items.get(kind="recommended", number="2").assignee_body.endswith(
        "«Молодые профессионалы»"
    )
    assert items.get(kind="decided", number="4.3").assignee_section.slug == "methodology"
    informatisation = SectionPage.objects.get(slug="informatisation")
    assert informatisation.status == SectionPage.Status.REORGANISED
    assert CalendarEntry.objects.filter(kind="session", page__in=sessions).count() == 10
    for url in (
        "/events/",
        "/events/?when=past",
        conference.url,
        f"{conference.url}resolution/",
        "/sections/",
        "/sections/methodology/",
        f"{conference.url}ics/",
    ):
        assert client.get(url).status_code == 200, url
    # Loading it again adds none (tests/base/test_load_demo.py).
    assert ResolutionItem.objects.count() == 23
    assert Talk.objects.count() == 20


def test_section_leaders_edit_their_section_and_sessions_only(demo_site, django_user_model):
    from django.contrib.auth.models import Group

    from kuzbib_site.demo.events import leader_group_name

    methodology = SectionPage.objects.get(slug="methodology")
    leader = django_user_model.objects.create_user("leader", password="x")
    leader.groups.add(Group.objects.get(name=leader_group_name(methodology)))
    assert methodology.permissions_for_user(leader).can_edit()
    assert methodology.permissions_for_user(leader).can_publish()
    own = SectionSessionPage.objects.filter(section=methodology)
    assert own.exists()
    assert all(session.permissions_for_user(leader).can_edit() for session in own)
    others = SectionSessionPage.objects.exclude(section=methodology)
    assert not any(session.permissions_for_user(leader).can_edit() for session in others)
    assert not SectionPage.objects.get(slug="reference").permissions_for_user(leader).can_edit()
    conference = ConferencePage.objects.get(number=8)
    assert not conference.permissions_for_user(leader).can_edit()
