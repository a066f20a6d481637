"""«Удалить мои данные» on a family's private application page, as on the core's other private
pages: a first press only asks for confirmation (a second page, no JavaScript), the confirmed one
erases at once — the same anonymisation as the retention job — and the link dies. An accepted
application's dynasty page stays. A GET, a post without the CSRF token and a forged link erase
nothing. The page and the admin show partial dates in the reader's form."""

import html
import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from dynasties import photos as processing
from dynasties.domain import application as applications
from dynasties.family import Family, Person
from dynasties.models import Application, ApplicationPhoto, DynastyPage
from dynasties.tree import life_years
from kuzbib_site.base import partial_dates
from kuzbib_site.base.privacy import ERASED_NAME
from tests.factories import files as sample
from tests.factories.dynasties import (
    ApplicationFactory,
    FestivalPageFactory,
    three_generations,
)
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

Status = Application.Status
CONFIRM = {"action": "erase", "confirm": "yes"}


def kept_page_notice():
    """What the confirmation says of an accepted application's dynasty page, as on the page."""
    return html.escape(
        in_site_language(
            "The dynasty's page the editors made from your application stays on the festival's "
            "site (once they publish it): it is their publication, prepared with your consent. To "
            "change or remove it, write to the festival's editors."
        )
    )


def status_url(festival, token):
    return festival.url + f"zayavka/{token}/"


def with_photo(application, status=ApplicationPhoto.Status.READY):
    """A photo of ``application`` with its files on disk (the processed copies when ready)."""
    photo = ApplicationPhoto(
        application=application,
        member=1,
        caption="Мария Петровна у стеллажей",
        original_name="мария.jpg",
        kind="jpeg",
        size=1000,
        status=status,
    )
    fields = (
        ("file", "image", "thumbnail") if status == ApplicationPhoto.Status.READY else ("file",)
    )
    for field in fields:
        getattr(photo, field).save(f"{field}.jpg", ContentFile(sample.image("jpeg")), save=False)
    photo.save()
    return photo


def stored_files(application):
    return [
        (stored.storage, stored.name)
        for photo in application.photos.all()
        for stored in (photo.file, photo.image, photo.thumbnail)
        if stored
    ]


def test_the_first_press_asks_for_confirmation_and_erases_nothing(client, festival):
    application = ApplicationFactory(festival=festival, phone="+7 900 111-22-33")
    url = status_url(festival, application.token)

    page = client.get(url).content.decode()
    assert 'name="action" value="erase"' in page
    assert 'name="confirm"' not in page  # the confirmation comes on the second page

    response = client.post(url, {"action": "erase"})
    assert response.status_code == 302
    assert response["Location"] == url + "?erase=1#erase"
    application.refresh_from_db()
    assert application.anonymised_at is None and application.phone == "+7 900 111-22-33"

    confirm = client.get(response["Location"])
    text = confirm.content.decode()
    assert confirm.status_code == 200
    assert confirm["Referrer-Policy"] == "strict-origin"  # the page's own form posts pass CSRF
    assert 'name="confirm" value="yes"' in text
    # Still waiting for the editors: erasing it takes it out of the festival, and says so.
    assert in_site_language("Your application will be cancelled first.") in text
    assert kept_page_notice() not in text


def test_the_confirmed_press_erases_everything_and_the_link_dies(client, festival):
    application = ApplicationFactory(
        festival=festival, phone="+7 900 111-22-33", position="библиограф"
    )
    with_photo(application)
    pending = with_photo(application, status=ApplicationPhoto.Status.PENDING)
    files = stored_files(application)
    assert len(files) == 4 and all(storage.exists(name) for storage, name in files)
    token = application.token
    url = status_url(festival, token)

    response = client.post(url, CONFIRM)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert in_site_language("Your data is deleted") in response.content.decode()
    application.refresh_from_db()
    assert application.anonymised_at is not None
    assert application.last_name == ERASED_NAME
    assert (application.first_name, application.patronymic, application.position) == ("", "", "")
    assert application.email.endswith("@erased.invalid")
    assert application.phone == ""
    assert (application.family, application.story) == ({}, "")
    assert application.token != token
    # What the festival counts stays; the status is the editors' last word.
    assert application.family_name == "Ивановы" and application.status == Status.SUBMITTED
    for photo in application.photos.all():
        assert (photo.file.name, photo.image.name, photo.thumbnail.name) == ("", "", "")
        assert (photo.original_name, photo.caption) == ("", "")
    assert not any(storage.exists(name) for storage, name in files)
    # A photo sent for processing just before is settled: a late run writes nothing.
    assert processing.run(pending.pk) is None
    pending.refresh_from_db()
    assert (pending.image.name, pending.thumbnail.name) == ("", "")

    # The dead link, pressed again or opened: the not-found page, nothing more.
    for again in (client.post(url, CONFIRM), client.get(url)):
        assert again.status_code == 404
        assert in_site_language("Application not found") in again.content.decode()
    # The editors can no longer decide it.
    erased = in_site_language(
        "The family's data in this application is erased: it can no longer be changed."
    )
    with pytest.raises(applications.Refused, match=re.escape(erased)):
        applications.accept(application, None)


def test_an_accepted_application_is_erased_and_its_dynasty_page_stays(client, festival, admin_user):
    application = ApplicationFactory(festival=festival)
    with_photo(application)
    dynasty = applications.accept(application, admin_user)
    members = list(dynasty.members.values_list("last_name", "first_name"))
    images = [photo.image for photo in dynasty.photos.all()]
    assert len(members) == 4 and len(images) == 1
    url = status_url(festival, application.token)

    confirm = client.get(url + "?erase=1").content.decode()
    assert kept_page_notice() in confirm
    assert in_site_language("Your application will be cancelled first.") not in confirm

    assert client.post(url, CONFIRM).status_code == 200

    application.refresh_from_db()
    assert application.anonymised_at is not None and application.family == {}
    assert application.status == Status.ACCEPTED and application.dynasty_id == dynasty.pk
    dynasty = DynastyPage.objects.get(pk=dynasty.pk)
    assert list(dynasty.members.values_list("last_name", "first_name")) == members
    assert dynasty.summary and dynasty.story
    image = dynasty.photos.get().image
    assert image.file.storage.exists(image.file.name)


def test_a_get_or_a_post_without_the_csrf_token_never_erases(festival):
    application = ApplicationFactory(festival=festival)
    url = status_url(festival, application.token)

    assert Client().get(url, {**CONFIRM, "erase": "1"}).status_code == 200
    forged = Client(enforce_csrf_checks=True).post(url, CONFIRM)
    assert forged.status_code == 403

    application.refresh_from_db()
    assert application.anonymised_at is None and application.family != {}


@pytest.mark.parametrize(
    "token",
    [
        "x" * 500,
        "' OR 1=1 --",
        "%00",
        "<script>alert(1)</script>",
        "",
    ],
)
def test_a_forged_link_erases_nothing(client, festival, home_page, token):
    application = ApplicationFactory(festival=festival)
    other_festival = FestivalPageFactory(parent=home_page, slug="festival-2024")
    others = ApplicationFactory(festival=other_festival)

    urls = [status_url(festival, token)] if token else []
    # Another festival's token under this festival finds nothing either.
    urls.append(status_url(festival, others.token))
    for url in urls:
        response = client.post(url, CONFIRM)
        assert response.status_code == 404
        assert "<script>alert" not in response.content.decode()

    for record in (application, others):
        record.refresh_from_db()
        assert record.anonymised_at is None


def test_the_demo_families_are_not_erased(client, festival):
    application = ApplicationFactory(festival=festival, is_demo=True)
    url = status_url(festival, application.token)
    assert 'value="erase"' not in client.get(url).content.decode()
    client.post(url, CONFIRM)
    application.refresh_from_db()
    assert application.anonymised_at is None


def march_1952():
    """A family whose dates are partial: a month, an approximate year."""
    family = three_generations()
    people = list(family.people)
    people[2] = Person(3, "Иванова", "Анна", "Сергеевна", sex="f", birth="03.1952")
    people[0] = Person(1, "Иванова", "Мария", "Петровна", sex="f", birth="ок. 1925", death="2001")
    return Family(people=tuple(people), links=family.links, periods=family.periods)


def test_partial_dates_are_shown_in_the_readers_form(client, admin_client, festival):
    """The admin shows each date in full; the family's status page writes the years of life as
    the dynasty's page and its tree do."""
    application = ApplicationFactory(festival=festival, family=march_1952().to_data())
    shown = [partial_dates.display(text) for text in ("03.1952", "ок. 1925", "2001")]
    assert all(shown) and "03.1952" not in shown
    years = [life_years("ок. 1925", "2001"), life_years("03.1952", "")]
    assert years[0].endswith("1925–2001") and years[1].endswith("1952")

    page = client.get(status_url(festival, application.token)).content.decode()
    admin = admin_client.get(
        f"/admin/snippets/dynasties/application/inspect/{application.pk}/"
    ).content.decode()

    assert all(value in admin for value in shown)
    assert all(value in page for value in years)
    for text in (page, admin):
        assert "03.1952" not in text
