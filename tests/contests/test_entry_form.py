"""The entry form as a participant fills it in: a date of birth typed as people write it (a text
box with a digit keyboard, not a calendar), with a clear message for a date that does not exist,
lies ahead or is mistyped, and the age limits kept; after an error the page names the files to
attach again, at its top and by the file input; «ФИО» on the participant's page."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import pgettext

from contests import submission
from contests.forms import OLDEST_AGE, BirthDateField, EntryForm
from contests.models import Entry
from kuzbib_site.base import dates
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample
from tests.factories.contests import entry_data, years_before
from tests.site_language import SITE_LANGUAGE, in_site_language

pytestmark = pytest.mark.django_db

PDF = sample.pdf()
INVALID = "Type the date of birth as day, month and year, e.g. 16.12.1990."
IMPOSSIBLE = "There is no such date: %(value)s. Check the day and the month."
FUTURE = "The date of birth cannot be in the future."


def form_data(contest, **overrides):
    municipality = MunicipalityFactory(name="Кемерово")
    data = {
        "nomination": contest.nominations.first().pk,
        "title": "Клуб чтения для подростков",
        "last_name": "Петрова",
        "first_name": "Анна",
        "birth_date": "16.12.1995",
        "email": "petrova@example.ru",
        "library": LibraryFactory(municipality=municipality).pk,
        "municipality": municipality.pk,
        "consent": "on",
    }
    data.update(overrides)
    return data


def post(client, contest, files=None, **overrides):
    data = form_data(contest, **overrides)
    data["files"] = files if files is not None else [SimpleUploadedFile("работа.pdf", PDF)]
    return client.post(contest.url + "submit/", data)


def birth_date_errors(contest, value):
    form = EntryForm(form_data(contest, birth_date=value), contest=contest)
    with translation.override(SITE_LANGUAGE):
        return list(form.errors.get("birth_date", []))


def ago(years, days=0):
    return years_before(timezone.localdate(), years) + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("16.12.1990", datetime.date(1990, 12, 16)),
        (" 6.1.1990 ", datetime.date(1990, 1, 6)),
        ("16/12/1990", datetime.date(1990, 12, 16)),
        ("16-12-1990", datetime.date(1990, 12, 16)),
        ("16 12 1990", datetime.date(1990, 12, 16)),
        ("16,12,1990", datetime.date(1990, 12, 16)),  # a decimal keyboard's separator
        ("16121990", datetime.date(1990, 12, 16)),  # a phone's digit keyboard has no dot
        ("1990-12-16", datetime.date(1990, 12, 16)),  # ISO, as a browser's date field sends it
        ("29.02.1996", datetime.date(1996, 2, 29)),
    ],
)
def test_a_date_typed_as_people_write_it(typed, expected):
    assert BirthDateField().clean(typed) == expected


@pytest.mark.parametrize(
    "typed", ["31.02.2000", "29.02.2023", "00.00.2000", "32.01.1990", "1990-13-01"]
)
def test_a_date_that_does_not_exist_is_named(contest, typed):
    assert birth_date_errors(contest, typed) == [in_site_language(IMPOSSIBLE, value=typed.strip())]


@pytest.mark.parametrize(
    "typed",
    [
        "вчера",
        "16.12.90",  # a two-digit year could be 1990 or 2090
        "1990",
        "16.12.1990 10:00",
        "16..12.1990",
        "x" * 10_000,
        "16.12.1990\x00",
        "<script>alert(1)</script>",
        "١٦.١٢.١٩٩٠",  # digits of another script
        "-16.12.1990",
        "99999999999999999999",
    ],
)
def test_anything_else_asks_for_day_month_and_year(contest, typed):
    assert birth_date_errors(contest, typed) == [in_site_language(INVALID)]


def test_a_date_to_come_is_refused(contest):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert birth_date_errors(contest, tomorrow.strftime("%d.%m.%Y")) == [in_site_language(FUTURE)]


def test_a_mistyped_year_is_named(contest):
    long_ago = ago(OLDEST_AGE + 1)
    with translation.override(SITE_LANGUAGE):
        expected = in_site_language(
            "Check the year of birth: %(value)s is more than %(age)s years ago.",
            value=dates.day(long_ago),
            age=OLDEST_AGE,
        )
    assert birth_date_errors(contest, long_ago.strftime("%d.%m.%Y")) == [expected]


@pytest.mark.parametrize(
    "years, days, accepted",
    [
        (14, 0, True),  # 14 today: the youngest who may enter
        (14, 1, False),  # 14 tomorrow
        (36, 1, True),  # still 35 on the reference date (today), 36 tomorrow
        (36, 0, False),  # 36 today: over the contest's limit of 35
    ],
)
def test_the_age_limits_are_kept_at_their_boundaries(contest, years, days, accepted):
    # The birth date is worked out when the test runs, not when it is collected: a run that
    # crosses local midnight would otherwise test yesterday's boundary.
    born = ago(years, days=days)
    errors = birth_date_errors(contest, born.strftime("%d.%m.%Y"))
    assert (errors == []) is accepted
    if (years, days) == (14, 1):
        assert errors == [
            in_site_language(
                "Participants must be at least %(age)s years old on the day they enter.", age=14
            )
        ]
    if (years, days) == (36, 0):
        with translation.override(SITE_LANGUAGE):
            expected = in_site_language(
                "The contest is for librarians aged %(age)s or younger on %(date)s.",
                age=35,
                date=dates.day(contest.age_reference_date),
            )
        assert errors == [expected]


def test_the_field_is_a_text_box_with_a_digit_keyboard(client, contest):
    page = BeautifulSoup(client.get(contest.url + "submit/").content, "html.parser")
    field = page.find("input", id="id_birth_date")
    assert field.get("type") == "text"
    assert field["inputmode"] == "numeric" and field["autocomplete"] == "bday"
    hint = in_site_language("Day, month and year, e.g. 16.12.1990.")
    assert hint in page.get_text()


def test_a_typed_date_enters_and_a_refused_one_is_kept_as_typed(client, contest):
    response = post(client, contest, birth_date="31.02.2000")
    assert response.status_code == 200 and not Entry.objects.exists()
    page = BeautifulSoup(response.content, "html.parser")
    assert page.find("input", id="id_birth_date")["value"] == "31.02.2000"
    assert in_site_language(IMPOSSIBLE, value="31.02.2000") in page.get_text()
    response = post(client, contest, birth_date="16.12.1995")
    assert response.status_code == 302
    assert Entry.objects.get().birth_date == datetime.date(1995, 12, 16)


def test_after_an_error_the_page_names_the_files_to_attach_again(client, contest):
    files = [
        SimpleUploadedFile("проект.pdf", PDF),
        SimpleUploadedFile("<img src=x onerror=alert(1)>\u202e.pdf", PDF),
    ]
    response = post(client, contest, files=files, email="not-an-email")
    assert response.status_code == 200 and not Entry.objects.exists()
    body = response.content.decode()
    assert "<img src=x" not in body and "\u202e" not in body
    page = BeautifulSoup(body, "html.parser")
    expected = ["проект.pdf", "<img src=x onerror=alert(1)>.pdf"]
    # At the top of the page, above the form.
    notice = page.find(id="attach-again")
    assert [item.get_text() for item in notice.find_all("li")] == expected
    assert notice.find_next("form") is not None
    # By the file input, which points to it.
    by_field = page.find(id="id_files-again")
    assert all(name in by_field.get_text() for name in expected)
    described_by = page.find("input", id="id_files")["aria-describedby"].split()
    assert "id_files-again" in described_by and "id_files_helptext" in described_by


def test_no_notice_without_files_or_before_sending(client, contest):
    for response in (
        client.get(contest.url + "submit/"),
        post(client, contest, files=[], email="not-an-email"),
    ):
        page = BeautifulSoup(response.content, "html.parser")
        assert page.find(id="attach-again") is None and page.find(id="id_files-again") is None


def test_a_refused_file_is_named_to_attach_again_too(client, contest):
    response = post(client, contest, files=[SimpleUploadedFile("пустой.pdf", b"")])
    page = BeautifulSoup(response.content, "html.parser")
    assert [li.get_text() for li in page.find(id="attach-again").find_all("li")] == ["пустой.pdf"]


def test_the_participants_page_says_full_name_as_a_person(client, contest):
    entry = submission.submit(contest, entry_data(contest, patronymic="Ивановна"), [])
    page = BeautifulSoup(client.get(contest.url + f"entry/{entry.token}/").content, "html.parser")
    with translation.override(SITE_LANGUAGE):
        label = pgettext("person", "Full name")
    term = page.find("dt", string=label)
    assert term.find_next_sibling("dd").get_text() == "Иванова Мария Ивановна"
