"""The admin's «Конкурсные работы»: listing, filters, search by number, surname and title,
export, file downloads and who may see them; a row opens the entry's page, and the edit form
corrects what the participant typed but never the status (which changes only through the
transitions that e-mail the participant)."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Permission
from django.urls import reverse

from contests import submission
from contests.models import Entry
from tests.factories import MunicipalityFactory
from tests.factories import files as sample
from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    NominationFactory,
    entry_data,
    uploads,
)

pytestmark = pytest.mark.django_db

PDF = sample.pdf()
LIST_URL = "/admin/snippets/contests/entry/"


@pytest.fixture
def contest(home_page):
    index = ContestIndexPageFactory(parent=home_page)
    contest = ContestPageFactory(
        parent=index, slug="k", title="КНИГИНЯ-2009", entry_prefix="КНИГИНЯ-2009"
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    return contest


def make_entry(contest, title="Клуб чтения", files=(("работа.pdf", PDF),), **data):
    data = entry_data(
        contest, title=title, municipality=MunicipalityFactory(name="Кемерово"), **data
    )
    return submission.submit(
        contest, data, uploads(*[(name, content, "pdf") for name, content in files])
    )


def test_listing_filters_and_export(admin_client, contest):
    make_entry(contest)
    make_entry(contest, title='=HYPERLINK("http://evil.example")')
    Entry.objects.filter(number=2).update(status=Entry.Status.NEEDS_ATTENTION)
    html = admin_client.get(LIST_URL).content.decode()
    assert "КНИГИНЯ-2009/001" in html and "КНИГИНЯ-2009/002" in html
    filtered = admin_client.get(LIST_URL, {"status": "needs_attention"}).content.decode()
    assert "КНИГИНЯ-2009/002" in filtered and "КНИГИНЯ-2009/001" not in filtered
    csv = b"".join(admin_client.get(LIST_URL, {"export": "csv"}).streaming_content).decode()
    assert "КНИГИНЯ-2009/001" in csv and "'=HYPERLINK" in csv


def test_nobody_adds_entries_in_the_admin(admin_client, contest):
    assert admin_client.get(LIST_URL + "add/").status_code in {302, 403}
    assert Entry.objects.count() == 0


def test_files_only_for_those_who_may_see_entries(client, admin_client, contest, django_user_model):
    stored = make_entry(contest).files.get()
    url = f"/admin/contests/files/{stored.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the login page
    response = admin_client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    editor = django_user_model.objects.create_user("editor", password="x")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get(url).status_code == 404
    assert client.get(LIST_URL).status_code in {302, 403}
    assert "/media/" not in stored.file.path


def test_listing_queries_do_not_grow(admin_client, contest, assert_queries_bounded):
    make_entry(contest)

    def more_entries():
        for n in range(12):
            make_entry(contest, title=f"Работа {n}")

    assert_queries_bounded(LIST_URL, more_entries, cap=30, client=admin_client)


def listed(client, **query):
    """The entries' codes in the listing's rows, in order."""
    html = client.get(LIST_URL, query).content.decode()
    rows = BeautifulSoup(html, "html.parser").select("main table.listing tbody tr")
    return [row.select_one("td.title a").get_text(strip=True) for row in rows]


def test_a_row_opens_the_entrys_page_and_its_number_keeps_to_one_line(admin_client, contest):
    entry = make_entry(contest)
    html = admin_client.get(LIST_URL).content.decode()
    cell = BeautifulSoup(html, "html.parser").select_one("main table.listing tbody td.title")
    assert "kuzbib-nowrap" in cell["class"]
    link = cell.select_one("a")
    assert link.get_text(strip=True) == entry.code
    assert link["href"] == reverse("wagtailsnippets_contests_entry:inspect", args=[entry.pk])
    # The number's class comes from the admin's own style sheet, linked on every admin page.
    assert "base/css/admin.css" in html


def test_search_finds_entries_by_number_surname_and_title(admin_client, contest):
    make_entry(contest, title="Клуб чтения", last_name="Иванова")
    make_entry(contest, title="Летние чтения", last_name="Петрова")
    make_entry(contest, title="Библиотечный квест", last_name="Сидорова")
    first, second, third = (f"КНИГИНЯ-2009/00{n}" for n in (1, 2, 3))
    assert listed(admin_client, q="2") == [second]
    assert listed(admin_client, q="003") == [third]
    assert listed(admin_client, q="книгиня-2009/001") == [first]
    assert listed(admin_client, q="петрова") == [second]
    assert listed(admin_client, q="чтения") == [first, second]
    assert listed(admin_client, q="чтения иванова") == [first]
    assert listed(admin_client, q="ДРУГОЙ-2010/001") == []


@pytest.mark.parametrize(
    "query", ["9" * 40, "КНИГИНЯ-2009/" + "0" * 30 + "1", "а " * 5000, "%_\\'\"", "\x00"]
)
def test_a_hostile_search_is_answered(admin_client, contest, query):
    make_entry(contest)
    assert admin_client.get(LIST_URL, {"q": query}).status_code == 200


def test_the_edit_form_corrects_the_participant_but_never_the_status(admin_client, contest):
    entry = make_entry(contest)
    url = reverse("wagtailsnippets_contests_entry:edit", args=[entry.pk])
    form = BeautifulSoup(admin_client.get(url).content.decode(), "html.parser").select_one(
        "form[data-edit-form]"
    )
    names = {field["name"] for field in form.select("[name]")}
    assert {"last_name", "email", "title"} <= names
    assert not names & {"status", "status_reason", "contest", "nomination", "birth_date"}
    status = entry.status
    data = {
        "last_name": "Иванова-Смирнова",
        "first_name": entry.first_name,
        "patronymic": "",
        "email": "smirnova@example.ru",
        "phone": "",
        "guardian_name": "",
        "library": "",
        "new_library_name": entry.new_library_name,
        "position": "",
        "municipality": entry.municipality_id,
        "title": entry.title,
        "description": "",
        "status": Entry.Status.DISQUALIFIED,
    }
    assert admin_client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert (entry.last_name, entry.email) == ("Иванова-Смирнова", "smirnova@example.ru")
    assert entry.status == status
