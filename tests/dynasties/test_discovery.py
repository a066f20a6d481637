"""How visitors and machines find the festival's dynasties: the site search knows a dynasty by
any member's surname in any case (the core's lemmatised index), and the festival page carries
schema.org Event data like the conference pages."""

import extruct
import pytest

from dynasties.family import Family, Link, Period, Person
from tests.factories.dynasties import DynastyPageFactory

pytestmark = pytest.mark.django_db


def found(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    return [hit["page"].title for hit in results.hits] if results else []


@pytest.mark.parametrize("query", ["Кисловых", "Кисловой", "кисловым", "Кислова Нина"])
def test_a_dynasty_is_found_by_a_members_surname_in_any_case(client, site_tree, festival, query):
    family = Family(
        people=(
            Person(1, "Кислова", "Нина", "Андреевна", sex="f", birth="1931"),
            Person(2, "Рябов", "Олег", "Иванович", sex="m", birth="1956"),
        ),
        links=(Link(Link.PARENT, 1, 2),),
        periods=(Period(1, 1950, 1990, "Библиотека посёлка Шерегеш"),),
    )
    DynastyPageFactory(
        parent=festival, family_name="Рябовы", title="Династия Рябовых", family=family
    )

    assert found(client, query) == ["Династия Рябовых"]


def test_the_festival_is_a_schema_org_event(client, festival):
    html = client.get(festival.url).content.decode()
    (event,) = extruct.extract(html, base_url="http://testserver", syntaxes=["json-ld"])["json-ld"]
    assert event["@type"] == "Event" and event["name"] == festival.title
    assert event["location"]["address"]["addressLocality"] == "Кемерово"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
