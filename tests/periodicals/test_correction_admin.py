"""«Исправления текста» in the admin: an editor of the library that holds the title sees the
pending corrections with the line's clip, before and after, accepts one (the line then reads
corrected on its public history) and rejects another with a reason; a moderator of another
library neither sees nor acts on them; a staff user who moderates nothing is refused; anonymous
visitors are sent to the login; archive-wide editors see every title; bounded queries."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils.html import escape

from periodicals.domain import corrections
from periodicals.models import Correction, CorrectionModerator
from tests.factories import LibraryFactory
from tests.factories.periodicals import HoldingFactory, IssuePageFactory, TitlePageFactory
from tests.periodicals.corrections_data import make_issue, make_scan
from tests.site_language import in_site_language

pytestmark = pytest.mark.django_db

LIST = "/admin/periodicals/corrections/"


def staff(django_user_model, name, *codenames):
    user = django_user_model.objects.create_user(name, f"{name}@example.ru", "password")
    group = Group.objects.create(name=f"group of {name}")
    group.permissions.add(*Permission.objects.filter(codename__in=["access_admin", *codenames]))
    user.groups.add(group)
    return user


@pytest.fixture
def world(home_page, django_user_model):
    archive, title, issue = make_issue(home_page)
    scan = make_scan(issue)
    holder = LibraryFactory(full_name="Библиотека-держатель")
    HoldingFactory(title=title, library=holder, summary="1957")
    other_title = TitlePageFactory(parent=archive, title="Кузнецкій край")
    other_scan = make_scan(IssuePageFactory(parent=other_title))
    other = LibraryFactory(full_name="Другая библиотека")
    HoldingFactory(title=other_title, library=other)
    editor = staff(django_user_model, "holder")
    CorrectionModerator.objects.create(user=editor, library=holder)
    stranger = staff(django_user_model, "stranger")
    CorrectionModerator.objects.create(user=stranger, library=other)
    mine = corrections.suggest(scan, "line_1", "Шахта «Северная» выполнила норму", "Н. К.")
    theirs = corrections.suggest(other_scan, "line_3", "библиотеки прошёл вечер!")
    return {"scan": scan, "editor": editor, "stranger": stranger, "mine": mine, "theirs": theirs}


def test_the_holding_librarys_editor_sees_and_accepts(client, world, django_assert_max_num_queries):
    client.force_login(world["editor"])
    with django_assert_max_num_queries(30):
        response = client.get(LIST)
    page = response.content.decode()
    assert response.status_code == 200
    assert escape("Шахта «Северная» выполнила норму") in page
    assert f"{world['scan'].issue.url}klip/1/44-94-" in page  # the line's clip
    assert "библиотеки прошёл вечер!" not in page  # another library's title

    one = f"{LIST}{world['mine'].pk}/"
    with django_assert_max_num_queries(30):
        response = client.get(one)
    assert response.status_code == 200
    assert "Н. К." in response.content.decode()
    assert Correction.objects.get(pk=world["mine"].pk).status == Correction.Status.PENDING

    response = client.post(one, {"accept": "1"})
    assert response.status_code == 302
    mine = Correction.objects.get(pk=world["mine"].pk)
    assert mine.status == Correction.Status.ACCEPTED and mine.moderated_by == world["editor"]
    assert corrections.current_text(world["scan"], "line_1") == "Шахта «Северная» выполнила норму"
    # Deciding again is refused with a message, nothing changes.
    response = client.post(one, {"reject": "1", "reason": "нет"}, follow=True)
    assert (
        escape(
            in_site_language("This correction has been decided already: %(status)s.")
            % {"status": in_site_language("accepted")}
        )
        in response.content.decode()
    )
    assert Correction.objects.get(pk=mine.pk).status == Correction.Status.ACCEPTED


def test_rejecting_keeps_the_reason_and_the_history_shows_every_suggestion(client, world):
    again = corrections.suggest(world["scan"], "line_1", "Спам")
    client.force_login(world["editor"])
    response = client.post(f"{LIST}{again.pk}/", {"reject": "1", "reason": "<b>Реклама</b>"})
    assert response.status_code == 302
    again.refresh_from_db()
    assert again.status == Correction.Status.REJECTED and again.reason == "<b>Реклама</b>"
    page = client.get(f"{LIST}{world['mine'].pk}/").content.decode()
    assert "Спам" in page and "&lt;b&gt;Реклама&lt;/b&gt;" in page


def test_a_too_long_reason_is_refused(client, world):
    client.force_login(world["editor"])
    response = client.post(f"{LIST}{world['mine'].pk}/", {"reject": "1", "reason": "я" * 301})
    assert response.status_code == 200
    assert Correction.objects.get(pk=world["mine"].pk).status == Correction.Status.PENDING


def test_a_moderator_of_another_library_neither_sees_nor_acts(client, world):
    client.force_login(world["stranger"])
    page = client.get(LIST).content.decode()
    assert "библиотеки прошёл вечер!" in page
    assert escape("выполнила норму") not in page
    one = f"{LIST}{world['mine'].pk}/"
    assert client.get(one).status_code == 404
    assert client.post(one, {"accept": "1"}).status_code == 404
    assert Correction.objects.get(pk=world["mine"].pk).status == Correction.Status.PENDING


def test_staff_who_moderate_nothing_and_anonymous_visitors_are_refused(
    client, world, django_user_model
):
    one = f"{LIST}{world['mine'].pk}/"
    for url in (LIST, one):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.post(one, {"accept": "1"}).status_code == 302
    client.force_login(staff(django_user_model, "plain"))
    # Wagtail answers a PermissionDenied of its admin with a redirect to the dashboard.
    for response in (client.get(LIST), client.get(one), client.post(one, {"accept": "1"})):
        assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Correction.objects.get(pk=world["mine"].pk).status == Correction.Status.PENDING


def test_an_archive_wide_editor_sees_every_title(client, world, django_user_model):
    client.force_login(staff(django_user_model, "archive", "moderate_correction"))
    page = client.get(LIST).content.decode()
    assert escape("выполнила норму") in page and "библиотеки прошёл вечер!" in page
    response = client.post(f"{LIST}{world['theirs'].pk}/", {"reject": "1", "reason": ""})
    assert response.status_code == 302
    assert Correction.objects.get(pk=world["theirs"].pk).status == Correction.Status.REJECTED


def test_the_list_reads_a_bounded_number_of_queries(client, world, django_assert_max_num_queries):
    for n in range(30):
        corrections.suggest(world["scan"], "line_2", f"досрочно. В клубе городской {n}")
    client.force_login(world["editor"])
    with django_assert_max_num_queries(30):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count("/admin/periodicals/corrections/") >= 31
    assert client.get(LIST + "?p=abc").status_code == 200
    assert client.get(LIST + "?p=999").status_code == 200
