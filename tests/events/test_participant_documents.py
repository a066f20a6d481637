"""Participants' documents in the admin: the participants list, name badges and certificates
of participation, as PDFs read back with pypdf; who may download them; query counts.

Messages come from the translation catalogue, so tests compare with the same gettext strings
the code uses."""

import datetime
import io

import pypdf
import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from wagtail.models import GroupPagePermission

from events import documents
from tests.factories import LibraryFactory
from tests.factories.events import RegistrationFactory

pytestmark = pytest.mark.django_db

EVIL_NAME = '<b>Жирнова</b> <script>alert("x")</script>'


def ru(message):
    """A message as the site's language has it: documents and the admin of a user without a
    language preference are in it."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.gettext(message)


def pdf_pages(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(response):
    return " ".join(pdf_pages(response))


@pytest.fixture
def conference(conference_tree):
    return conference_tree["conference"]


@pytest.fixture
def people(conference):
    """Confirmed, waitlisted, cancelled and attended registrations."""
    library = LibraryFactory(full_name="Областная научная библиотека им. В. Д. Фёдорова")
    return {
        "speaker": RegistrationFactory(
            conference=conference,
            name="Яковлева Ольга Петровна",
            library=library,
            position="заведующая отделом",
            role="speaker",
            attended=True,
        ),
        "listener": RegistrationFactory(
            conference=conference,
            name="Андреева Ирина Викторовна",
            new_library_name="Библиотека села Ёлкино",
            attended=True,
        ),
        "absent": RegistrationFactory(conference=conference, name="Ёжикова Нина Павловна"),
        "waiting": RegistrationFactory(
            conference=conference, name="Ждущая Вера Андреевна", status="waitlisted"
        ),
        "cancelled": RegistrationFactory(
            conference=conference, name="Отменившая Анна Львовна", status="cancelled"
        ),
    }


def add_perms(user, *perms):
    for app_label, codename in perms:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(username="redaktor", password="x")
    return add_perms(user, ("wagtailadmin", "access_admin"), ("events", "view_registration"))


@pytest.fixture
def page_editor(django_user_model, conference):
    """Edits the conference page through a group's page permission, without registration
    permissions."""
    user = django_user_model.objects.create_user(username="page-editor", password="x")
    add_perms(user, ("wagtailadmin", "access_admin"))
    group = Group.objects.create(name="Редакторы конференции")
    GroupPagePermission.objects.create(
        group=group, page=conference, permission=Permission.objects.get(codename="change_page")
    )
    user.groups.add(group)
    return user


def url(name, conference, *args):
    return reverse(f"events_admin:{name}", args=[conference.pk, *args])


# --- Participants list ------------------------------------------------------------------------


def test_participants_list_has_confirmed_sorted_by_name(client, editor, conference, people):
    client.force_login(editor)
    response = client.get(url("participants_list", conference))
    assert response["Content-Disposition"] == 'attachment; filename="participants-8.pdf"'
    text = pdf_text(response)
    assert "VIII Ежегодная сессия" in text
    for key in ("speaker", "listener", "absent"):
        assert people[key].name in text
    assert people["waiting"].name not in text and people["cancelled"].name not in text
    assert "Областная научная библиотека им. В. Д. Фёдорова" in text
    assert "Библиотека села Ёлкино" in text and "заведующая отделом" in text
    assert "докладчик" in text and "слушатель" in text
    # By name, ё with е: Андреева, Ёжикова, Яковлева.
    positions = [text.index(people[key].name) for key in ("listener", "absent", "speaker")]
    assert positions == sorted(positions)


def test_sign_in_sheet_has_a_column_to_sign(client, editor, conference, people):
    client.force_login(editor)
    plain = pdf_text(client.get(url("participants_list", conference)))
    response = client.get(url("participants_list", conference) + "?sign_in=1")
    assert response["Content-Disposition"] == 'attachment; filename="sign-in-sheet-8.pdf"'
    text = pdf_text(response)
    heading = ru("Present / signature")
    assert heading in text and heading not in plain
    assert people["listener"].name in text


# --- Badges -----------------------------------------------------------------------------------


def test_badges_only_for_confirmed(client, editor, conference, people):
    client.force_login(editor)
    response = client.get(url("badges", conference))
    assert response["Content-Disposition"] == 'attachment; filename="badges-8.pdf"'
    pages = pdf_pages(response)
    assert len(pages) == 1
    text = pages[0]
    for key in ("speaker", "listener", "absent"):
        assert people[key].name in text
    assert people["waiting"].name not in text and people["cancelled"].name not in text
    assert text.count("VIII Ежегодная сессия") == 3
    assert "докладчик" in text.lower() and "слушатель" in text.lower()


def test_eight_badges_a_sheet_and_long_names_fit(client, editor, conference):
    long_name = "Константинопольская-Старокузнецкая Александра-Мария Вячеславовна"
    long_library = (
        "Муниципальное бюджетное учреждение культуры «Централизованная библиотечная система "
        "Новокузнецкого муниципального округа», модельная библиотека-филиал № 24 имени "
        "почётного гражданина Кемеровской области"
    )
    for n in range(8):
        RegistrationFactory(
            conference=conference, name=f"{long_name} {n}", new_library_name=long_library
        )
    client.force_login(editor)
    pages = pdf_pages(client.get(url("badges", conference)))
    assert len(pages) == 1  # nothing spills over onto another sheet
    assert "Константинопольская" in pages[0] and "Централизованная" in pages[0]
    RegistrationFactory(conference=conference, name="Ясная Участница")
    pages = pdf_pages(client.get(url("badges", conference)))
    assert len(pages) == 2 and "Ясная Участница" in pages[1]


def test_badge_font_gets_smaller_for_long_names():
    short = documents._badge(RegistrationFactory.build(name="Ли Ан"))
    long = documents._badge(RegistrationFactory.build(name="Я" * 150))
    assert short["name_class"] == "xl" and long["name_class"] == "xs"
    cut = documents._badge(RegistrationFactory.build(new_library_name="б" * 500))
    assert len(cut["library"]) == documents.BADGE_LIBRARY_CHARS and cut["library"][-1] == "…"


# --- Certificates -----------------------------------------------------------------------------


def test_certificates_for_attended_after_the_end(client, editor, conference, people):
    client.force_login(editor)
    response = client.get(url("certificates", conference))
    assert response["Content-Disposition"] == 'attachment; filename="certificates-8.pdf"'
    pages = pdf_pages(response)
    assert len(pages) == 2  # Андреева, Яковлева
    assert people["listener"].name in pages[0] and people["speaker"].name in pages[1]
    assert people["absent"].name not in " ".join(pages)
    for page in pages:
        assert ru("Certificate of participation").upper() in page
        assert "VIII Ежегодная сессия" in page
        assert "Кемерово, 16 декабря 2008 г." in page
        assert "НП «Кузбасские библиотеки»" in page
    assert "слушатель" in pages[0] and "докладчик" in pages[1]


def test_no_certificates_before_the_end(client, editor, conference, people):
    conference.start = timezone.now() - datetime.timedelta(hours=2)
    conference.end = timezone.now() + datetime.timedelta(hours=3)
    conference.save()
    client.force_login(editor)
    for address in (
        url("certificates", conference),
        url("certificate", conference, people["listener"].pk),
    ):
        response = client.get(address)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        message = ru(
            "Certificates of participation are issued after the conference ends (%(end)s)."
        )
        assert escape(message.split("%(")[0]) in html
        assert people["listener"].name not in html


def test_message_when_nobody_attended(client, editor, conference):
    RegistrationFactory(conference=conference, name="Неявившаяся Мария")
    client.force_login(editor)
    response = client.get(url("certificates", conference))
    assert response["Content-Type"].startswith("text/html")
    assert escape(ru("Nobody is marked as attended: there are no certificates to print.")) in (
        response.content.decode()
    )


def test_one_persons_certificate(client, editor, conference_tree, conference, people):
    client.force_login(editor)
    registration = people["speaker"]
    response = client.get(url("certificate", conference, registration.pk))
    assert response["Content-Disposition"] == (
        f'attachment; filename="certificate-{registration.pk}-8.pdf"'
    )
    pages = pdf_pages(response)
    assert len(pages) == 1 and registration.name in pages[0]
    # Not attended, or of another conference: not found.
    assert client.get(url("certificate", conference, people["absent"].pk)).status_code == 404
    from tests.factories import ConferencePageFactory

    other = ConferencePageFactory(parent=conference_tree["events"], slug="ix", number=9)
    stranger = RegistrationFactory(conference=other, attended=True)
    assert client.get(url("certificate", conference, stranger.pk)).status_code == 404


# --- Escaping ---------------------------------------------------------------------------------


def test_html_in_names_prints_as_text(client, editor, conference):
    RegistrationFactory(
        conference=conference, name=EVIL_NAME, new_library_name="<i>Курсив</i>", attended=True
    )
    client.force_login(editor)
    for name in ("participants_list", "badges", "certificates"):
        text = pdf_text(client.get(url(name, conference)))
        assert "<b>Жирнова</b>" in text, name
        assert "alert" in text, name
    assert "<i>Курсив</i>" in pdf_text(client.get(url("badges", conference)))


# --- Permissions and methods ------------------------------------------------------------------


ALL = ("participants_list", "badges", "certificates")


def test_anonymous_goes_to_the_login(client, conference):
    for name in ALL:
        response = client.get(url(name, conference))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_admin_access_alone_is_forbidden(client, django_user_model, conference, people):
    user = add_perms(
        django_user_model.objects.create_user(username="guest", password="x"),
        ("wagtailadmin", "access_admin"),
    )
    client.force_login(user)
    for name in ALL:
        assert client.get(url(name, conference)).status_code == 403
    assert client.get(url("certificate", conference, people["speaker"].pk)).status_code == 403


def test_page_editor_may_download(client, page_editor, conference, people):
    client.force_login(page_editor)
    for name in ALL:
        assert pdf_pages(client.get(url(name, conference)))


def test_get_only(client, editor, conference):
    client.force_login(editor)
    for name in ALL:
        assert client.post(url(name, conference)).status_code == 405


def test_unknown_conference_is_not_found(client, editor):
    client.force_login(editor)
    assert client.get(reverse("events_admin:badges", args=[987654])).status_code == 404


def test_conference_editor_links_the_documents(client, admin_user, conference, people):
    client.force_login(admin_user)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[conference.pk])).content.decode()
    assert escape(ru("Participants' documents")) in html
    for name in ALL:
        assert f'href="{url(name, conference)}"' in html
    assert f'href="{url("certificate", conference, people["speaker"].pk)}"' in html
    assert f'href="{url("certificate", conference, people["absent"].pk)}"' not in html


# --- Queries ----------------------------------------------------------------------------------


def test_queries_do_not_grow_with_registrations(client, editor, conference, assert_queries_bounded):
    def add(n, start):
        for i in range(start, start + n):
            RegistrationFactory(
                conference=conference,
                name=f"Участница {i:03}",
                library=LibraryFactory() if i % 2 else None,
                attended=True,
            )

    client.force_login(editor)
    add(2, 0)
    addresses = [url(name, conference) for name in ALL]
    assert_queries_bounded(addresses, lambda: add(28, 2), cap=12)
    for address in addresses:
        assert len(pdf_pages(client.get(address))) >= 1  # each is a PDF, read to its end
