"""A nomination's awarded dynasties (a many-to-many inside an inline panel) are kept in the
festival's revisions and published with it."""

import pytest

from dynasties.models import FestivalNomination, FestivalPage
from tests.factories.dynasties import DynastyPageFactory, FestivalPageFactory


@pytest.mark.django_db
def test_winners_survive_a_revision(home_page):
    festival = FestivalPageFactory(parent=home_page)
    first = DynastyPageFactory(parent=festival)
    second = DynastyPageFactory(parent=festival)
    festival = FestivalPage.objects.get(pk=festival.pk)
    nomination = FestivalNomination(title="Старейшая")
    nomination.winners = [first, second]
    festival.nominations.add(nomination)
    revision = festival.save_revision()
    revision.publish()
    fresh = FestivalPage.objects.get(pk=festival.pk)
    assert [set(n.winners.all()) for n in fresh.nominations.all()] == [{first, second}]
    again = fresh.get_latest_revision_as_object()
    assert [set(n.winners.all()) for n in again.nominations.all()] == [{first, second}]
