"""The demo's festival of library dynasties (``kuzbib_site.demo.dynasties``): invented families
that pass the family checks, one of five generations and over thirty members, applications open
around the day of loading, the 2009 festival's awards, and a second load that adds nothing."""

import datetime

import pytest
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Revision

from dynasties import family
from dynasties.models import Application, DynastyPage, FestivalPage, Member, WorkPeriod
from events.models import ResolutionItem
from kuzbib_site.demo import dynasties, site
from tests.factories import (
    ConferencePageFactory,
    EventIndexPageFactory,
    ResolutionItemFactory,
    ResolutionPageFactory,
)

TODAY = datetime.date(2026, 3, 15)


@pytest.mark.parametrize(
    "spec",
    [*dynasties.DATA["dynasty"], *dynasties.DATA["application"]],
    ids=lambda spec: spec["family_name"],
)
def test_every_demo_family_passes_the_checks_and_is_the_same_every_run(spec):
    made = dynasties.family_of(spec, TODAY)
    assert family.problems(made, today=TODAY) == []
    assert dynasties.family_of(spec, TODAY) == made


def test_the_families_show_what_the_pages_must():
    made = [dynasties.family_of(spec, TODAY) for spec in dynasties.DATA["dynasty"]]
    figures = [family.figures(one, today=TODAY) for one in made]
    assert len(made) == 8
    assert {one.generations for one in figures} >= {2, 3, 4, 5}
    assert max(one.members for one in figures) >= 30
    biggest = max(figures, key=lambda one: one.members)
    assert biggest.generations == 5 and biggest.librarian_generations == 5
    assert biggest.members <= 40
    people = [person for one in made for person in one.people]
    births = {person.birth for person in people}
    assert any(birth.startswith("ок.") for birth in births)
    assert any(birth.endswith("-е") for birth in births)
    assert any(person.maiden_name for person in people)
    links = [link for one in made for link in one.links]
    assert any(link.end for link in links if link.kind == family.Link.SPOUSE)  # remarriage
    assert any(link.kind == family.Link.SIBLING for link in links)
    periods = [period for one in made for period in one.periods]
    assert any(period.end is None for period in periods)
    for one in made:
        working = {period.member for period in one.periods}
        assert {person.number for person in one.people} - working  # not everyone worked
    # Overlapping periods of one person.
    assert any(
        a.member == b.member and a is not b and a.start < b.start <= (a.end or 9999) - 1
        for one in made
        for a in one.periods
        for b in one.periods
    )


@pytest.fixture
def recommendation(home_page):
    """Recommendation 4 of the VIII session as the events demo makes it."""
    events = EventIndexPageFactory(parent=home_page)
    conference = ConferencePageFactory(parent=events, slug="viii-session-2008", number=8)
    resolution = ResolutionPageFactory(parent=conference, slug="resolution")
    return ResolutionItemFactory(
        resolution=resolution,
        kind=ResolutionItem.Kind.RECOMMENDED,
        number="4",
        text="Принять участие в проведении областного фестиваля библиотечных династий.",
    )


@pytest.mark.django_db
def test_load_builds_the_festivals_once_and_links_them(
    home_page, recommendation, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    site.load_directory()
    festival = dynasties.load(home_page)

    assert festival.slug == dynasties.SLUG and festival.live
    assert festival.get_parent().specific == home_page
    assert festival.applications_open()
    now = timezone.now()
    assert festival.applications_open_from < now - datetime.timedelta(days=6)
    assert festival.applications_close_at > now + datetime.timedelta(days=59)
    assert festival.start > festival.applications_close_at  # upcoming, after the applications
    assert "демонстрационная версия" in festival.intro.lower()
    past = FestivalPage.objects.get(slug="festival-dinastiy-2009")
    assert not past.applications_open()
    assert {page.pk for page in recommendation.carried_out_by.all()} == {festival.pk, past.pk}

    pages = DynastyPage.objects.child_of(festival).live().specific()
    assert pages.count() == 8
    assert all(page.is_demo and page.summary.startswith(dynasties.DEMO_NOTE) for page in pages)
    assert all(dynasties.DEMO_NOTE in page.story[0].value.source for page in pages)
    biggest = pages.order_by("-member_count").first()
    assert biggest.member_count >= 30 and biggest.generation_count == 5
    for page in pages:
        assert family.problems(page.family()) == [], page.slug
        assert 1 <= page.photos.count() <= 3
        assert page.tags.exists()
    tags = {tag.name for page in pages for tag in page.tags.all()}
    assert tags >= {
        "сельские библиотеки",
        "детские библиотеки",
        "школьные библиотеки",
        "городские библиотеки",
    }
    # The directory's libraries are linked, named libraries kept by name.
    periods = WorkPeriod.objects.filter(dynasty__in=pages)
    assert periods.filter(library__isnull=False).exists()
    assert periods.filter(library__isnull=True).exclude(library_name="").exists()
    assert Member.objects.filter(dynasty__in=pages, photo__isnull=False).count() == 8

    # Nominations: the coming festival's to be decided, the 2009 festival's awarded.
    assert festival.nominations.count() == 4
    assert not any(n.winners.exists() for n in festival.nominations.all())
    awarded = {n.title: {w.slug for w in n.winners.all()} for n in past.nominations.all()}
    assert awarded["Самая многочисленная династия"] == {"petrovy"}
    assert all(awarded.values()) and len(awarded) == 4

    applications = Application.objects.filter(festival=festival, is_demo=True)
    statuses = sorted(applications.values_list("status", flat=True))
    assert statuses == ["rejected", "returned", "submitted", "submitted"]
    assert all(a.email.endswith("@example.org") for a in applications)
    assert all(a.message for a in applications.filter(status__in=["returned", "rejected"]))
    assert all(a.as_family().people for a in applications)

    ids = [str(pk) for pk in pages.values_list("pk", flat=True)]

    def counts():
        return (
            FestivalPage.objects.count(),
            DynastyPage.objects.count(),
            Member.objects.count(),
            WorkPeriod.objects.count(),
            Application.objects.count(),
            get_image_model().objects.count(),
            Revision.page_revisions.filter(object_id__in=ids).count(),
            recommendation.carried_out_by.count(),
        )

    before = counts()
    again = dynasties.load(home_page)
    assert again.pk == festival.pk
    # No copies, no new revisions of unchanged dynasties, no pictures drawn again.
    assert counts() == before
