"""Editors moderate families' applications: accepting makes a draft dynasty page with the whole
family and its photos, returning and rejecting need a message, a status that does not allow a
decision refuses it with a message; the admin's «Заявки династий» and its actions are for users
who may change applications only."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import Collection, GroupPagePermission

from dynasties import tasks
from dynasties.domain import application as applications
from dynasties.family import Family, Link, Person
from dynasties.models import Application, ApplicationPhoto, DynastyPage
from tests.factories import files as sample
from tests.factories.dynasties import (
    ApplicationFactory,
    DynastyPageFactory,
    three_generations,
)
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

LIST_URL = "/admin/snippets/dynasties/application/"
STORY = (
    "Наша семья служит книге три поколения.\nБабушка открыла сельскую библиотеку.\n\n"
    "Внучка — библиограф."
)


def refusal(msgid, status=None):
    """The pattern of a refusal's message in the site's language, ``status`` (a status's msgid)
    named as the message names it."""
    values = {"status": in_site_language(status)} if status else {}
    return re.escape(in_site_language(msgid, **values))


NOT_ACCEPTABLE = "Only a submitted application can be accepted; this one is %(status)s."


def ready_photo(application, member=None, caption=""):
    """A photo as processing leaves it: a clean copy and a thumbnail."""
    photo = ApplicationPhoto(
        application=application,
        member=member,
        caption=caption,
        original_name="фото.jpg",
        kind="jpeg",
        size=1000,
        status=ApplicationPhoto.Status.READY,
        width=640,
        height=480,
    )
    photo.file.save("original.jpg", ContentFile(sample.image("jpeg", (640, 480))), save=False)
    photo.image.save("clean.jpg", ContentFile(sample.image("jpeg", (640, 480))), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(sample.image("jpeg", (200, 150))), save=False)
    photo.save()
    return photo


@pytest.fixture
def submitted(festival):
    application = ApplicationFactory(festival=festival, story=STORY)
    ready_photo(application, member=1, caption="Мария Петровна в читальном зале")
    ready_photo(application)
    return application


def editor(django_user_model, festival, name="editor", moderate=True, add_pages=True):
    user = django_user_model.objects.create_user(name, email=f"{name}@example.org", password="x")
    group = Group.objects.create(name=f"group of {name}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if moderate:
        group.permissions.add(
            Permission.objects.get(
                codename="change_application", content_type__app_label="dynasties"
            )
        )
    if add_pages:
        GroupPagePermission.objects.create(
            group=group,
            page=festival,
            permission=Permission.objects.get(
                codename="add_page", content_type__app_label="wagtailcore"
            ),
        )
    user.groups.add(group)
    return user


# --- Accepting ---------------------------------------------------------------------------------


def test_accept_makes_a_draft_dynasty_with_the_whole_family_and_photos(
    submitted, festival, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        page = applications.accept(submitted, admin_user)

    page = DynastyPage.objects.get(pk=page.pk)
    assert page.get_parent().pk == festival.pk
    assert not page.live and page.has_unpublished_changes
    assert page.get_latest_revision() is not None
    assert page.family() == three_generations()
    assert (page.member_count, page.generation_count) == (4, 3)
    assert page.family_name == "Ивановы" and page.municipality_id == submitted.municipality_id
    assert (
        page.summary
        == "Наша семья служит книге три поколения. Бабушка открыла сельскую библиотеку."
    )
    paragraphs = [block.value.source for block in page.story]
    assert paragraphs == [
        "<p>Наша семья служит книге три поколения.<br/>Бабушка открыла сельскую библиотеку.</p>",
        "<p>Внучка — библиограф.</p>",
    ]
    gallery = list(page.photos.select_related("image__collection"))
    assert [photo.caption for photo in gallery] == ["Мария Петровна в читальном зале", ""]
    assert {photo.image.collection.name for photo in gallery} == {"Династии"}
    assert gallery[0].image.width == 640
    grandmother = page.members.get(number=1)
    assert grandmother.photo_id == gallery[0].image_id
    assert page.members.exclude(number=1).filter(photo__isnull=False).count() == 0

    submitted.refresh_from_db()
    assert submitted.status == Application.Status.ACCEPTED
    assert submitted.dynasty_id == page.pk
    assert submitted.decided_by == admin_user and submitted.decided_at is not None
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [submitted.email]
    # The task delivered again (a retry, a second worker) writes to nobody a second time.
    tasks.send_status.delay(application_id=submitted.pk)
    assert len(mailoutbox) == 1


def test_a_second_accepted_family_of_the_same_name_gets_its_own_address(
    festival, admin_user, django_capture_on_commit_callbacks
):
    first = applications.accept(ApplicationFactory(festival=festival), admin_user)
    second = applications.accept(ApplicationFactory(festival=festival), admin_user)
    assert first.slug == "ivanovy" and second.slug == "ivanovy-2"
    assert Collection.objects.filter(name="Династии").count() <= 1


def test_a_family_with_problems_is_not_accepted(festival, admin_user):
    cycle = Family(
        people=(Person(1, "Петров", "Иван"), Person(2, "Петров", "Пётр")),
        links=(Link(Link.PARENT, 1, 2), Link(Link.PARENT, 2, 1)),
    )
    application = ApplicationFactory(festival=festival, family=cycle.to_data())
    with pytest.raises(applications.Refused) as refused:
        applications.accept(application, admin_user)
    assert refused.value.messages[0] == in_site_language(
        "The family has problems; return the application for corrections:"
    )
    assert len(refused.value.messages) > 1
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED
    assert not DynastyPage.objects.exists()


# --- Returning, rejecting, correcting ----------------------------------------------------------


def test_return_then_resubmit_then_return_again_emails_each_time(
    submitted, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        applications.return_for_corrections(submitted, admin_user, "Уточните годы работы.")
    assert submitted.status == Application.Status.RETURNED
    assert len(mailoutbox) == 1 and "Уточните годы работы." in mailoutbox[0].body

    corrected = Family(
        people=three_generations().people,
        links=three_generations().links,
        periods=three_generations().periods[:2],
    )
    upload = SimpleUploadedFile("семья.jpg", sample.image("jpeg", (800, 600)))
    with django_capture_on_commit_callbacks(execute=True):
        applications.resubmit(
            submitted,
            data={"family_name": "Ивановы — Смирновы", "phone": "+7 900 000-00-00", "token": "x"},
            family=corrected,
            photos=[{"file": upload, "kind": "jpeg", "caption": "Вся семья"}],
        )
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED
    assert submitted.family_name == "Ивановы — Смирновы" and submitted.token != "x"
    assert submitted.as_family() == corrected
    assert (submitted.notified_status, submitted.message) == ("", "")
    new = submitted.photos.get(caption="Вся семья")
    assert new.original_name == "семья.jpg"
    assert new.status == ApplicationPhoto.Status.READY  # processed once the correction committed

    with django_capture_on_commit_callbacks(execute=True):
        applications.return_for_corrections(submitted, admin_user, "Добавьте фото бабушки.")
    assert len(mailoutbox) == 2 and "Добавьте фото бабушки." in mailoutbox[1].body


def test_reject_a_returned_application(
    submitted, admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    applications.return_for_corrections(submitted, admin_user, "Уточните годы.")
    with django_capture_on_commit_callbacks(execute=True):
        applications.reject(submitted, admin_user, "Семья не ответила.")
    submitted.refresh_from_db()
    assert (
        submitted.status == Application.Status.REJECTED
        and submitted.message == "Семья не ответила."
    )
    assert [message.body.count("Семья не ответила.") for message in mailoutbox] == [1]


@pytest.mark.parametrize("message", ["", "   \n"])
def test_returning_or_rejecting_needs_a_message(submitted, admin_user, message):
    for decide in (applications.return_for_corrections, applications.reject):
        with pytest.raises(
            applications.Refused,
            match=refusal("Write the message to the family: it is sent to the contact person."),
        ):
            decide(submitted, admin_user, message)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED


def test_decisions_the_status_does_not_allow_are_refused(festival, submitted, admin_user):
    applications.accept(submitted, admin_user)
    with pytest.raises(applications.Refused, match=refusal(NOT_ACCEPTABLE, "accepted")):
        applications.accept(submitted, admin_user)
    with pytest.raises(
        applications.Refused,
        match=refusal(
            "Only a submitted application can be returned; this one is %(status)s.", "accepted"
        ),
    ):
        applications.return_for_corrections(submitted, admin_user, "Ещё раз")
    with pytest.raises(
        applications.Refused,
        match=refusal(
            "Only a submitted or returned application can be rejected; this one is %(status)s.",
            "accepted",
        ),
    ):
        applications.reject(submitted, admin_user, "Нет")
    with pytest.raises(
        applications.Refused,
        match=refusal(
            "Only a returned application can be sent again; this one is %(status)s.", "accepted"
        ),
    ):
        applications.resubmit(submitted, data={}, family=three_generations())
    rejected = ApplicationFactory(festival=festival)
    applications.reject(rejected, admin_user, "Нет")
    with pytest.raises(applications.Refused, match=refusal(NOT_ACCEPTABLE, "rejected")):
        applications.accept(rejected, admin_user)
    assert DynastyPage.objects.count() == 1


def test_a_resubmitted_family_with_problems_changes_nothing(submitted, admin_user):
    applications.return_for_corrections(submitted, admin_user, "Уточните.")
    future = Family(people=(Person(1, "Петров", "Иван", birth=str(timezone.now().year + 5)),))
    with pytest.raises(applications.Refused):
        applications.resubmit(submitted, data={"family_name": "Петровы"}, family=future)
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.RETURNED and submitted.family_name == "Ивановы"


def test_the_figures_grow_with_the_year(festival):
    page = DynastyPageFactory(parent=festival)
    DynastyPage.objects.filter(pk=page.pk).update(figures_year=2000, service_years=1)
    tasks.refresh_figures.delay()
    page.refresh_from_db()
    assert page.figures_year == timezone.localdate().year
    assert page.service_years == 36 + 26 + (timezone.localdate().year - 2004)


# --- The admin ---------------------------------------------------------------------------------


def admin_routes(application, photo):
    return [
        ("get", LIST_URL),
        ("get", f"{LIST_URL}inspect/{application.pk}/"),
        ("post", f"/admin/dynasties/applications/{application.pk}/accept/"),
        ("get", f"/admin/dynasties/applications/{application.pk}/return/"),
        ("post", f"/admin/dynasties/applications/{application.pk}/return/"),
        ("get", f"/admin/dynasties/applications/{application.pk}/reject/"),
        ("post", f"/admin/dynasties/applications/{application.pk}/reject/"),
        ("get", f"/admin/dynasties/photos/{photo.pk}/thumbnail/"),
        ("get", f"/admin/dynasties/photos/{photo.pk}/image/"),
    ]


def test_without_the_permission_every_route_is_refused(
    client, submitted, festival, django_user_model
):
    outsider = editor(django_user_model, festival, "outsider", moderate=False)
    client.force_login(outsider)
    photo = submitted.photos.first()
    for method, url in admin_routes(submitted, photo):
        response = getattr(client, method)(url, {"return-message": "x", "reject-message": "x"})
        # Wagtail's admin answers PermissionDenied with the dashboard and a message.
        assert response.status_code in {302, 403}, url
        assert response.status_code == 403 or response["Location"] == "/admin/", url
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED


def test_an_editor_lists_inspects_and_accepts(client, submitted, festival, django_user_model):
    client.force_login(editor(django_user_model, festival))
    ApplicationFactory(festival=festival, family_name="Петровы", status=Application.Status.REJECTED)
    listing = client.get(LIST_URL).content.decode()
    assert "Ивановы" in listing and "Петровы" in listing and "2 / 2" in listing
    assert "Иванова Ольга Петровна" in listing
    assert "Петровы" not in client.get(LIST_URL, {"status": "submitted"}).content.decode()
    assert "Петровы" not in client.get(LIST_URL, {"q": "Ивановы"}).content.decode()
    # A tampered filter is no error.
    assert client.get(LIST_URL, {"festival": "9" * 30}).status_code == 200
    # Nobody edits what the family sent.
    assert client.get(f"{LIST_URL}edit/{submitted.pk}/").status_code in {302, 403}
    assert client.get(f"{LIST_URL}add/").status_code in {302, 403}

    page = client.get(f"{LIST_URL}inspect/{submitted.pk}/").content.decode()
    assert "Смирнова" in page and "Кемеровская областная библиотека" in page
    assert "<svg" in page and "family-tree__outline" in page
    assert f"/admin/dynasties/photos/{submitted.photos.first().pk}/thumbnail/" in page
    assert f'action="/admin/dynasties/applications/{submitted.pk}/accept/"' in page
    thumbnail = client.get(f"/admin/dynasties/photos/{submitted.photos.first().pk}/thumbnail/")
    assert thumbnail["Content-Type"] == "image/jpeg"
    assert b"".join(thumbnail.streaming_content)[:2] == b"\xff\xd8"

    response = client.post(f"/admin/dynasties/applications/{submitted.pk}/accept/")
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.ACCEPTED
    assert response["Location"] == f"/admin/pages/{submitted.dynasty_id}/edit/"
    # A second press is refused with a message, nothing made twice.
    again = client.post(f"/admin/dynasties/applications/{submitted.pk}/accept/", follow=True)
    refused = in_site_language(NOT_ACCEPTABLE, status=in_site_language("accepted"))
    assert html.escape(refused) in again.content.decode()
    assert DynastyPage.objects.count() == 1


def test_an_editor_returns_with_a_message_through_the_form(
    client, submitted, festival, django_user_model, mailoutbox
):
    client.force_login(editor(django_user_model, festival))
    url = f"/admin/dynasties/applications/{submitted.pk}/return/"
    assert "return-message" in client.get(url).content.decode()
    empty = client.post(url, {"return-message": ""})
    assert empty.status_code == 200 and "error" in empty.content.decode()
    response = client.post(url, {"return-message": "Уточните годы."})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.RETURNED and submitted.message == "Уточните годы."


def test_accepting_needs_the_right_to_add_dynasty_pages(
    client, submitted, festival, django_user_model
):
    client.force_login(editor(django_user_model, festival, add_pages=False))
    response = client.post(f"/admin/dynasties/applications/{submitted.pk}/accept/", follow=True)
    refused = in_site_language("You may not add dynasties to this festival's page.")
    assert html.escape(refused) in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Application.Status.SUBMITTED and not DynastyPage.objects.exists()


def test_decided_applications_are_not_offered_decisions(
    client, submitted, festival, django_user_model
):
    client.force_login(editor(django_user_model, festival))
    submitted.status = Application.Status.REJECTED
    submitted.decided_at = timezone.now() - datetime.timedelta(days=1)
    submitted.save()
    page = client.get(f"{LIST_URL}inspect/{submitted.pk}/").content.decode()
    assert "/accept/" not in page and "/reject/" not in page and "/return/" not in page
