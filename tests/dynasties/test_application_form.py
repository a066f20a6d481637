"""The festival's public application form, without JavaScript: a family of three generations
applies with photos and lands on its private status page; rows are added and removed by plain
submit buttons, keeping what was typed and renumbering the kinship; a closed festival refuses;
the form is throttled and reads a bounded number of queries. Celery runs eagerly."""

import datetime
import html
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dynasties.family import Family, Link
from dynasties.models import Application, ApplicationPhoto
from tests.dynasties.application_data import application_data
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample
from tests.factories.dynasties import ApplicationFactory, FestivalPageFactory
from tests.site_language import in_site_language, moment_in_site_language

pytestmark = pytest.mark.django_db


PHOTOS_NOT_KEPT = (
    "The photos you attached are not kept when the form is shown again (a browser cannot send "
    "them back): attach them again before sending."
)


def form_url(festival):
    return festival.url + "zayavka/"


def photos():
    return [
        SimpleUploadedFile("семья.jpg", sample.image("jpeg", size=(800, 600))),
        SimpleUploadedFile("библиотека.png", sample.image("png", size=(640, 480))),
    ]


def test_a_family_of_three_generations_applies_with_photos(
    client, festival, municipality, django_capture_on_commit_callbacks
):
    library = LibraryFactory(municipality=municipality, full_name="Городская библиотека № 1")
    data = application_data(municipality, **{"period-2-library": str(library.pk)})
    data["period-2-library_name"] = ""
    data["photos"] = photos()

    # Without REDIS_URL the tasks run eagerly once the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(form_url(festival), data)
    application = Application.objects.get()
    assert response.status_code == 303
    assert response["Location"] == (festival.url + f"zayavka/{application.token}/?new=1")
    assert application.festival == festival
    assert application.consent_version and application.consent_given_at
    value = application.as_family()
    assert [person.number for person in value.people] == [1, 2, 3, 4]
    assert value.people[2].birth == "03.1952"
    assert set(value.links) == {
        Link(Link.PARENT, 1, 2),
        Link(Link.SPOUSE, 2, 3, start=1974),
        Link(Link.PARENT, 2, 4),
        Link(Link.PARENT, 3, 4),
    }
    assert value.periods[2].library == "Городская библиотека № 1"
    assert value.periods[2].library_id == library.pk
    assert value.periods[2].end is None
    stored = list(application.photos.order_by("pk"))
    assert [photo.original_name for photo in stored] == ["семья.jpg", "библиотека.png"]
    assert [photo.kind for photo in stored] == ["jpeg", "png"]
    assert all(photo.file.name.startswith("photos/") for photo in stored)
    assert [photo.status for photo in stored] == [ApplicationPhoto.Status.READY] * 2
    assert all(photo.thumbnail for photo in stored)
    assert [message.to for message in mail.outbox] == [["olga@example.ru"]]
    assert application.token in mail.outbox[0].body

    page = client.get(response["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    assert "Иванов Пётр Иванович" in text
    assert "семья.jpg" in text


def test_the_status_page_shows_the_family_as_sent(client, festival):
    application = ApplicationFactory(festival=festival, message="")
    response = client.get(festival.url + f"zayavka/{application.token}/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Иванова Анна Сергеевна" in text
    assert "Библиотека шахты «Северная»" in text
    assert 'name="add_member"' not in text  # only a returned application has the form


def add_member_data(municipality):
    data = application_data(municipality)
    data["add_member"] = "1"
    return data


def test_adding_a_member_keeps_what_was_typed_and_saves_nothing(client, festival, municipality):
    data = add_member_data(municipality)
    data["photos"] = photos()
    response = client.post(form_url(festival), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert 'name="member-TOTAL_FORMS" value="5"' in text
    assert 'name="member-4-last_name"' in text
    assert 'value="Иванова"' in text and 'value="Пётр"' in text
    anna = f"{in_site_language('No. %(number)s', number=3)} Иванова Анна"
    assert f'<option value="3" selected>{anna}</option>' in text
    assert html.escape(in_site_language(PHOTOS_NOT_KEPT)) in text
    # No error is shown for what is not sent yet.
    assert 'class="form-errors"' not in text


def test_removing_a_member_renumbers_the_rows_and_their_kinship(client, festival, municipality):
    data = application_data(municipality)
    data["remove_member"] = "0"  # Мария, № 1: Пётр's parent, works in period 1
    response = client.post(form_url(festival), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert 'name="member-TOTAL_FORMS" value="3"' in text
    # Пётр is № 1 now, his parent cleared; Анна (№ 2) is still his spouse; Ольга's parents follow.
    assert 'name="member-0-first_name" value="Пётр"' in text
    spouse = re.search(r'name="member-0-spouse"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert '<option value="2" selected>' in spouse
    parents = re.search(r'name="member-2-parent1"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert '<option value="1" selected>' in parents
    parent1 = re.search(r'name="member-0-parent1"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert "selected" not in parent1.split("</option>", 1)[1]
    removed = in_site_language(
        "Family member No. %(number)s is removed; the members after them moved up one number, "
        "and the links to them follow.",
        number=1,
    )
    assert html.escape(removed) in text
    period = re.search(r'name="period-0-member"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert 'value="" selected' in period


def test_adding_and_removing_work_periods(client, festival, municipality):
    data = application_data(municipality)
    data["add_period"] = "1"
    text = client.post(form_url(festival), data).content.decode()
    assert 'name="period-TOTAL_FORMS" value="4"' in text

    data = application_data(municipality)
    data["remove_period"] = "1"
    text = client.post(form_url(festival), data).content.decode()
    assert 'name="period-TOTAL_FORMS" value="2"' in text
    assert "Северная" not in text
    assert 'value="Городская библиотека"' in text
    assert Application.objects.count() == 0


def test_the_real_send_button_comes_first(client, festival):
    """Enter in a text field presses the form's first submit button: it must send, not add or
    remove a row."""
    text = client.get(form_url(festival)).content.decode()
    form = text[text.index('<form method="post"') :]
    first = re.search(r"<button[^>]*>", form).group(0)
    assert "name=" not in first
    assert form.count('name="member-') and 'name="member-TOTAL_FORMS" value="3"' in form
    assert 'name="period-TOTAL_FORMS" value="2"' in form
    assert "multiple" in form and 'type="file"' in form


def test_a_closed_festival_says_so_and_takes_nothing(client, home_page, municipality):
    closed = FestivalPageFactory(
        parent=home_page,
        applications_open_from=timezone.now() - datetime.timedelta(days=30),
        applications_close_at=timezone.now() - datetime.timedelta(days=1),
    )
    response = client.get(form_url(closed))
    assert response.status_code == 200
    closed_on = in_site_language(
        "Applications closed on %(date)s.",
        date=moment_in_site_language(closed.applications_close_at),
    )
    assert html.escape(closed_on) in response.content.decode()
    response = client.post(form_url(closed), application_data(municipality))
    assert response.status_code == 200
    assert Application.objects.count() == 0

    later = FestivalPageFactory(
        parent=home_page,
        applications_open_from=timezone.now() + datetime.timedelta(days=3),
        applications_close_at=timezone.now() + datetime.timedelta(days=30),
    )
    accepted_from = in_site_language(
        "Applications are accepted from %(start)s until %(end)s.",
        start=moment_in_site_language(later.applications_open_from),
        end=moment_in_site_language(later.applications_close_at),
    )
    assert html.escape(accepted_from) in client.get(form_url(later)).content.decode()


def test_the_form_is_throttled(client, festival, municipality, settings):
    settings.KUZBIB_BASE = {
        **settings.KUZBIB_BASE,
        "THROTTLE": {
            **settings.KUZBIB_BASE["THROTTLE"],
            "ENABLED": True,
            "LIMITS": {"dynasty_application": {"ip": 2, "email": 5}},
        },
    }
    for _attempt in range(2):
        assert client.post(form_url(festival), application_data(municipality)).status_code == 303
    response = client.post(form_url(festival), application_data(municipality))
    assert response.status_code == 429
    assert "Retry-After" in response
    assert Application.objects.count() == 2


def test_a_returned_application_is_corrected_and_sent_again(client, festival, municipality):
    application = ApplicationFactory(
        festival=festival,
        municipality=municipality,
        status=Application.Status.RETURNED,
        message="Уточните годы работы Анны.",
    )
    url = festival.url + f"zayavka/{application.token}/"
    text = client.get(url).content.decode()
    assert "Уточните годы работы Анны." in text
    # The form filled in from the application: rows as numbered, kinship selected.
    assert 'name="member-TOTAL_FORMS" value="4"' in text
    assert 'name="member-1-first_name" value="Пётр"' in text
    spouse = re.search(r'name="member-1-spouse"[^>]*>(.*?)</select>', text, re.S).group(1)
    assert '<option value="3" selected>' in spouse

    data = application_data(municipality, **{"period-1-end": "1991"})
    response = client.post(url, data)
    assert response.status_code == 303
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert Family.from_data(application.family).periods[1].end == 1991


def test_the_form_page_reads_a_bounded_number_of_queries(client, festival, assert_queries_bounded):
    for index in range(3):
        LibraryFactory(full_name=f"Библиотека {index}")
        MunicipalityFactory(name=f"Город {index}")

    def add():
        for index in range(3, 30):
            LibraryFactory(full_name=f"Библиотека {index}")
            MunicipalityFactory(name=f"Город {index}")

    assert_queries_bounded(form_url(festival), add, cap=12)
