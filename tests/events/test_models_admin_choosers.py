"""The events pages in the admin: people (members, moderators, speakers) and the pages carrying
out a resolution item are picked with Wagtail's choosers into ordered lists — no Ctrl-click
multi-selects, no list of every page — each list's button names one item in words of its own
(«Добавить докладчика»), a person chosen twice is refused in words, and a preview shows the
people of a talk not yet saved."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from events.models import ResolutionItem, ResolutionItemPage, SectionMember, SectionSessionPage
from tests.factories import PersonFactory
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db


def edit_page(admin_client, page):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def add_button(soup, prefix):
    """The «Add …» button of a chooser list (Wagtail's MultipleChooserPanel)."""
    return soup.find("button", id=f"id_{prefix}-OPEN_MODAL")


def test_the_session_editor_chooses_moderators_and_speakers(admin_client, conference_tree):
    soup = edit_page(admin_client, conference_tree["sessions"][0])
    moderators = add_button(soup, "moderator_links")
    assert moderators.get_text(strip=True) == in_site_language("Add a moderator")
    # Each saved talk's speakers are a chooser list of their own, with the people chosen.
    speakers = add_button(soup, "talks-0-speaker_links")
    assert speakers.get_text(strip=True) == in_site_language("Add a speaker")
    assert soup.find("input", attrs={"name": "talks-0-speaker_links-0-person"}) is not None
    assert soup.find("button", id="id_talks-ADD").get_text(strip=True) == in_site_language(
        "Add a talk"
    )
    assert soup.find("select", multiple=True) is None
    assert soup.find("input", attrs={"name": "cover_image"}) is not None


def test_the_section_editor_chooses_members(admin_client, conference_tree):
    section = conference_tree["methodology"]
    person = PersonFactory(last_name="Членова")
    SectionMember.objects.create(section=section, person=person, sort_order=0)
    soup = edit_page(admin_client, section)
    assert add_button(soup, "member_links").get_text(strip=True) == in_site_language("Add a member")
    chosen = soup.find("input", attrs={"name": "member_links-0-person"})
    assert chosen["value"] == str(person.pk)
    assert soup.find("button", id="id_working_groups-ADD").get_text(strip=True) == in_site_language(
        "Add a working group"
    )
    assert soup.find("select", multiple=True) is None


def test_the_conference_editor_has_a_cover_image(admin_client, conference_tree):
    soup = edit_page(admin_client, conference_tree["conference"])
    assert soup.find("input", attrs={"name": "cover_image"}) is not None


def test_a_resolution_item_chooses_its_pages(admin_client, conference_tree):
    item = ResolutionItem.objects.get(number="4.1")
    ResolutionItemPage.objects.create(item=item, page=conference_tree["conference"], sort_order=0)
    url = reverse("wagtailsnippets_events_resolutionitem:edit", args=[item.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    assert add_button(soup, "carrying_out_links").get_text(strip=True) == in_site_language(
        "Add a page"
    )
    chosen = soup.find("input", attrs={"name": "carrying_out_links-0-page"})
    assert chosen["value"] == str(conference_tree["conference"].pk)
    # A page chooser, not a list of every page of the site.
    assert soup.find("select", multiple=True) is None
    assert soup.find("option", value=str(conference_tree["home"].pk)) is None
    assert soup.find("button", id="id_notes-ADD").get_text(strip=True) == in_site_language(
        "Add a progress note"
    )


def session_form(moderators, talk_speakers, **fields):
    return nested_form_data(
        {
            "title": "Круглый стол",
            "slug": "round-table",
            "format": "round_table",
            "start": "2008-12-16 10:00",
            "end": "2008-12-16 12:00",
            "city": "Кемерово",
            "status": "planned",
            "description": rich_text(""),
            "moderator_links": inline_formset([{"person": p.pk} for p in moderators]),
            "talks": inline_formset(
                [
                    {
                        "title": "Доклад",
                        "duration": "15",
                        "speaker_links": inline_formset([{"person": p.pk} for p in talk_speakers]),
                    }
                ]
            ),
            **fields,
        }
    )


def test_chosen_people_are_saved_in_the_editors_order(wagtail_asserts, admin_user, conference_tree):
    first, second = PersonFactory(last_name="Яковлева"), PersonFactory(last_name="Абрамова")
    wagtail_asserts.client.force_login(admin_user)
    wagtail_asserts.assertCanCreate(
        conference_tree["conference"], SectionSessionPage, session_form([first, second], [second])
    )
    session = SectionSessionPage.objects.get(slug="round-table")
    assert session.moderator_list == [first, second]
    assert [talk.speaker_list for talk in session.talks.all()] == [[second]]
    # The many-to-many names read the same links.
    assert set(session.moderators.all()) == {first, second}
    assert list(session.talks.get().speakers.all()) == [second]


def test_a_person_chosen_twice_is_refused_in_words(admin_client, conference_tree):
    person = PersonFactory()
    url = reverse(
        "wagtailadmin_pages:add",
        args=["events", "sectionsessionpage", conference_tree["conference"].pk],
    )
    response = admin_client.post(url, session_form([person, person], [person]))
    assert response.status_code == 200
    html = response.content.decode()
    assert in_site_language("The same one is chosen twice: delete the repeated item.") in html
    assert not SectionSessionPage.objects.filter(slug="round-table").exists()


def test_a_preview_shows_the_speakers_of_an_unsaved_talk(admin_client, conference_tree):
    session = conference_tree["sessions"][0]
    speaker = PersonFactory(last_name="Предпросмотрова")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[session.pk])
    data = session_form([], [speaker], slug=session.slug, title=session.title)
    assert admin_client.post(url, data).json()["is_valid"]
    response = admin_client.get(url)
    assert response.status_code == 200
    assert "Предпросмотрова" in response.content.decode()
