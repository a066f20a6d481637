"""The admin's «Конкурсные работы»: listing, filters, export, file downloads and who may see
them."""

import pytest
from django.contrib.auth.models import Permission

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


def make_entry(contest, title="Клуб чтения", files=(("работа.pdf", PDF),)):
    data = entry_data(contest, title=title, municipality=MunicipalityFactory(name="Кемерово"))
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
