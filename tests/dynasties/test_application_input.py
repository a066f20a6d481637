"""Bad input to the application form: each refused with a clear message and nothing saved
(no application, no photo half-stored)."""

import datetime
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from dynasties.models import Application, ApplicationPhoto
from kuzbib_site.base import partial_dates
from tests.dynasties.application_data import MEMBERS, application_data
from tests.factories import files as sample
from tests.factories.dynasties import ApplicationFactory, FestivalPageFactory
from tests.site_language import in_site_language, in_site_language_plural

pytestmark = pytest.mark.django_db


def refused(client, festival, data):
    """POST ``data``; the form is shown again with errors and nothing is saved."""
    response = client.post(festival.url + "zayavka/", data)
    assert response.status_code == 200
    assert Application.objects.count() == 0
    assert ApplicationPhoto.objects.count() == 0
    return response.content.decode()


def member(row, **changes):
    return {**MEMBERS[row], **changes}


def shown(msgid, **values):
    """The message as the page shows it: in the site's language, escaped."""
    return html.escape(in_site_language(msgid, **values))


def named(name, number):
    """How a message names a family member: «Иванова Мария Петровна (№ 1)»."""
    return in_site_language("%(name)s (No. %(number)s)", name=name, number=number)


def test_a_kinship_cycle_is_refused(client, festival, municipality):
    members = [member(0, parent1="4"), *MEMBERS[1:]]
    text = refused(client, festival, application_data(municipality, members=members))
    maria = named("Иванова Мария Петровна", 1)
    chain = [maria, named("Иванов Пётр Иванович", 2), named("Иванова Ольга", 4), maria]
    assert (
        shown(
            "%(who)s would be their own ancestor: %(chain)s (each given as a parent of the next).",
            who=maria,
            chain=" → ".join(chain),
        )
        in text
    )


def test_dates_in_the_future_are_refused(client, festival, municipality):
    future = str(timezone.localdate().year + 2)
    members = [*MEMBERS[:3], member(3, birth=future)]
    text = refused(client, festival, application_data(municipality, members=members))
    assert (
        shown(
            "The birth date of %(who)s, %(date)s, is in the future.",
            who=named("Иванова Ольга", 4),
            date=partial_dates.display(future),
        )
        in text
    )


def test_an_end_before_the_start_is_refused(client, festival, municipality):
    data = application_data(municipality, **{"period-0-end": "1940"})
    text = refused(client, festival, data)
    assert (
        shown(
            "Work of %(who)s at «%(library)s» ends in %(end)s, before it begins in %(start)s.",
            who=named("Иванова Мария Петровна", 1),
            library="Кемеровская областная библиотека",
            end=1940,
            start=1950,
        )
        in text
    )


def test_a_date_that_is_no_date_is_refused_at_its_field(client, festival, municipality):
    members = [member(0, birth="31.02.1925"), *MEMBERS[1:]]
    text = refused(client, festival, application_data(municipality, members=members))
    february = in_site_language("February")
    assert (
        shown("%(month)s %(year)s has no day %(day)s.", month=february, year=1925, day=31) in text
    )
    assert 'href="#id_member-0-birth"' in text


def csrf_client(festival):
    """A client that checks CSRF as browsers meet it: the middleware reads the whole POST
    before any view runs (the test client skips that check otherwise)."""
    client = Client(enforce_csrf_checks=True)
    client.get(festival.url + "zayavka/")
    return client, client.cookies["csrftoken"].value


def test_two_hundred_member_rows_are_refused(festival, municipality):
    # The site lets a family's largest application through (MAX_MEMBERS rows and MAX_PERIODS
    # periods come to about 2,000 fields; DATA_UPLOAD_MAX_NUMBER_FIELDS is 10,000), so 200
    # rows reach the form, which refuses them.
    client, token = csrf_client(festival)
    members = [{"last_name": f"Член{n}", "first_name": "Имя"} for n in range(200)]
    data = {**application_data(municipality, members=members), "csrfmiddlewaretoken": token}
    response = client.post(festival.url + "zayavka/", data)
    assert response.status_code == 200
    too_many = in_site_language_plural(
        "An application may name at most %(num)d family member. Nothing has been saved.",
        "An application may name at most %(num)d family members. Nothing has been saved.",
        60,
        num=60,
    )
    assert html.escape(too_many) in response.content.decode()
    assert Application.objects.count() == 0


def test_more_fields_than_the_site_reads_is_a_clear_bad_request(festival, municipality):
    """Past DATA_UPLOAD_MAX_NUMBER_FIELDS Django refuses the request before any view, while
    checking the CSRF token: the site's 400 page says what happened, nothing is saved."""
    client, token = csrf_client(festival)
    members = [{"last_name": f"Член{n}", "first_name": "Имя"} for n in range(900)]
    data = {**application_data(municipality, members=members), "csrfmiddlewaretoken": token}
    response = client.post(festival.url + "zayavka/", data)
    assert response.status_code == 400
    assert (
        shown(
            "The browser sent more than the site takes in one request (too many form rows or "
            "fields), or the request was damaged. Nothing has been saved."
        )
        in response.content.decode()
    )
    assert Application.objects.count() == 0


def test_a_pdf_named_jpg_is_not_a_photo(client, festival, municipality):
    data = application_data(municipality)
    data["photos"] = [
        SimpleUploadedFile("семья.jpg", sample.image("jpeg")),
        SimpleUploadedFile("портрет.jpg", sample.pdf()),
    ]
    text = refused(client, festival, data)
    assert (
        shown(
            "The file «%(name)s» is not a %(kinds)s document (its content was checked, not its "
            "name).",
            name="портрет.jpg",
            kinds="JPEG, PNG",
        )
        in text
    )
    assert (
        shown(
            "The photos you attached are not kept when the form is shown again (a browser cannot "
            "send them back): attach them again before sending."
        )
        in text
    )


def test_a_decompression_bomb_is_refused_from_its_header(client, festival, municipality):
    data = application_data(municipality)
    data["photos"] = [SimpleUploadedFile("бомба.png", sample.huge_png())]
    text = refused(client, festival, data)
    assert shown("The image «%(name)s» has too many pixels to process.", name="бомба.png") in text


def test_too_many_photos_are_refused(client, festival, municipality):
    data = application_data(municipality)
    data["photos"] = [
        SimpleUploadedFile(f"фото{n}.png", sample.image("png", size=(20, 20))) for n in range(11)
    ]
    text = refused(client, festival, data)
    assert (
        shown("At most %(count)s photos may be attached; %(sent)s were.", count=10, sent=11) in text
    )


def test_missing_consent_is_refused(client, festival, municipality):
    data = application_data(municipality)
    del data["consent"]
    text = refused(client, festival, data)
    assert (
        shown("Without consent to personal-data processing we cannot accept the application.")
        in text
    )


def test_an_oversized_story_is_refused(client, festival, municipality):
    text = refused(client, festival, application_data(municipality, story="а" * 10001))
    assert "10000" in text and 'href="#id_story"' in text


def test_a_missing_management_form_is_no_500(client, festival, municipality):
    data = {
        key: value
        for key, value in application_data(municipality).items()
        if not key.startswith("member-")
    }
    refused(client, festival, data)


def test_html_in_names_is_escaped_on_the_status_page(client, festival, municipality):
    data = application_data(
        municipality,
        members=[member(0, last_name="<script>alert(1)</script>"), *MEMBERS[1:]],
        family_name="<b>Ивановы</b>",
    )
    response = client.post(festival.url + "zayavka/", data)
    assert response.status_code == 303
    text = client.get(response["Location"]).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>Ивановы</b>" not in text


@pytest.mark.parametrize("token", ["nonsense", "x" * 500, "%3Cb%3E", "../../etc", "%00"])
def test_a_malformed_token_is_not_found(client, festival, token):
    ApplicationFactory(festival=festival)
    response = client.get(festival.url + f"zayavka/{token}/")
    assert response.status_code == 404
    assert "Traceback" not in response.content.decode()


def test_a_token_of_another_festival_is_not_found(client, festival, home_page):
    other = FestivalPageFactory(
        parent=home_page, applications_close_at=timezone.now() + datetime.timedelta(days=3)
    )
    application = ApplicationFactory(festival=other)
    assert client.get(festival.url + f"zayavka/{application.token}/").status_code == 404
