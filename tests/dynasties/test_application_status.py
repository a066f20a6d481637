"""The applicant's status page shows the family as sent in the words of the dynasty's page: the
kinship names both members with their row numbers (escaped, whatever the family typed), and the
years of life are written as the family tree writes them."""

import html
import re

import pytest
from django.utils import translation
from django.utils.translation import pgettext

from dynasties.family import Family, Link, Person
from tests.factories.dynasties import ApplicationFactory
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


def status_text(client, festival, application):
    response = client.get(festival.url + f"zayavka/{application.token}/")
    assert response.status_code == 200
    return response.content.decode()


def plain(text):
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def test_kinship_names_the_members_with_their_numbers(client, festival):
    text = plain(status_text(client, festival, ApplicationFactory(festival=festival)))
    petr = in_site_language("%(name)s (No. %(number)s)", name="Иванов Пётр Иванович", number=2)
    anna = in_site_language("%(name)s (No. %(number)s)", name="Иванова Анна Сергеевна", number=3)
    assert in_site_language("%(one)s and %(other)s are spouses", one=petr, other=anna) in text
    olga = in_site_language("%(name)s (No. %(number)s)", name="Иванова Ольга Петровна", number=4)
    assert in_site_language("%(one)s is a parent of %(other)s", one=petr, other=olga) in text


def test_a_name_the_family_typed_is_escaped(client, festival):
    family = Family(
        people=(
            Person(1, "<b>Иванов</b>", "Пётр"),
            Person(2, "Иванова", "Анна"),
        ),
        links=(Link(Link.SIBLING, 1, 2),),
        periods=(),
    )
    text = status_text(
        client, festival, ApplicationFactory(festival=festival, family=family.to_data())
    )
    assert "<b>Иванов</b>" not in text
    assert "&lt;b&gt;Иванов&lt;/b&gt; Пётр" in text


def test_years_of_life_as_the_tree_writes_them(client, festival):
    text = plain(status_text(client, festival, ApplicationFactory(festival=festival)))
    with translation.override("ru"):
        born = pgettext("life years", "b. %(year)s") % {"year": 1950}
    assert "Иванова Мария Петровна, 1925–2001" in text
    assert f"Иванов Пётр Иванович, {born}" in text
