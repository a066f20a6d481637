"""Partial dates (``kuzbib_site.base.partial_dates``): every form an editor may type, what is kept,
how it reads in Russian and English, its ISO form for schema.org, and the input that cannot be a
date — impossible days, reversed ranges, years out of range, hostile text."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import pgettext

from kuzbib_site.base import partial_dates
from kuzbib_site.base.partial_dates import DAY, DECADE, MONTH, RANGE, YEAR, PartialDate

D = datetime.date


@pytest.mark.parametrize(
    ("typed", "text", "start", "end", "precision", "approximate"),
    [
        ("12.03.1923", "12.03.1923", D(1923, 3, 12), D(1923, 3, 12), DAY, False),
        ("1.3.1923", "01.03.1923", D(1923, 3, 1), D(1923, 3, 1), DAY, False),
        ("1923-03-12", "12.03.1923", D(1923, 3, 12), D(1923, 3, 12), DAY, False),
        ("12 марта 1923", "12.03.1923", D(1923, 3, 12), D(1923, 3, 12), DAY, False),
        ("12 марта 1923 г.", "12.03.1923", D(1923, 3, 12), D(1923, 3, 12), DAY, False),
        ("12 мая 1923", "12.05.1923", D(1923, 5, 12), D(1923, 5, 12), DAY, False),
        ("ок. 12.03.1923", "ок. 12.03.1923", D(1923, 3, 12), D(1923, 3, 12), DAY, True),
        ("03.1923", "03.1923", D(1923, 3, 1), D(1923, 3, 31), MONTH, False),
        ("1923-3", "03.1923", D(1923, 3, 1), D(1923, 3, 31), MONTH, False),
        ("март 1923", "03.1923", D(1923, 3, 1), D(1923, 3, 31), MONTH, False),
        # Months that begin like «ок.» (около) are months.
        ("октябрь 1972", "10.1972", D(1972, 10, 1), D(1972, 10, 31), MONTH, False),
        ("окт. 1972", "10.1972", D(1972, 10, 1), D(1972, 10, 31), MONTH, False),
        ("5 октября 1972", "05.10.1972", D(1972, 10, 5), D(1972, 10, 5), DAY, False),
        ("ок 1920", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("Март 1923 г.", "03.1923", D(1923, 3, 1), D(1923, 3, 31), MONTH, False),
        ("февр. 1924", "02.1924", D(1924, 2, 1), D(1924, 2, 29), MONTH, False),
        ("февраль 1923", "02.1923", D(1923, 2, 1), D(1923, 2, 28), MONTH, False),
        ("March 1923", "03.1923", D(1923, 3, 1), D(1923, 3, 31), MONTH, False),
        ("1923", "1923", D(1923, 1, 1), D(1923, 12, 31), YEAR, False),
        ("1923 г.", "1923", D(1923, 1, 1), D(1923, 12, 31), YEAR, False),
        ("1923 год", "1923", D(1923, 1, 1), D(1923, 12, 31), YEAR, False),
        ("около 1920", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("Около 1920 г.", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("ок. 1920", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("примерно 1920", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("ca. 1920", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("~1920", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("1920?", "ок. 1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, True),
        ("1920–1925", "1920–1925", D(1920, 1, 1), D(1925, 12, 31), RANGE, False),
        ("1920-1925", "1920–1925", D(1920, 1, 1), D(1925, 12, 31), RANGE, False),
        ("1920 — 1925 гг.", "1920–1925", D(1920, 1, 1), D(1925, 12, 31), RANGE, False),
        ("между 1920 и 1925", "1920–1925", D(1920, 1, 1), D(1925, 12, 31), RANGE, False),
        # A range of one year is that year; «около» adds nothing to a range or a decade.
        ("1920–1920", "1920", D(1920, 1, 1), D(1920, 12, 31), YEAR, False),
        ("около 1920–1925", "1920–1925", D(1920, 1, 1), D(1925, 12, 31), RANGE, False),
        ("1920-е", "1920-е", D(1920, 1, 1), D(1929, 12, 31), DECADE, False),
        ("1920-е гг.", "1920-е", D(1920, 1, 1), D(1929, 12, 31), DECADE, False),
        ("1920е", "1920-е", D(1920, 1, 1), D(1929, 12, 31), DECADE, False),
        ("ок. 1920-х", None, None, None, None, None),  # the genitive is not offered: see below
        ("  12.03.1923  ", "12.03.1923", D(1923, 3, 12), D(1923, 3, 12), DAY, False),
        ("1700", "1700", D(1700, 1, 1), D(1700, 12, 31), YEAR, False),
        ("2100", "2100", D(2100, 1, 1), D(2100, 12, 31), YEAR, False),
    ],
)
def test_every_form_is_read_to_its_canonical_text_and_days(
    typed, text, start, end, precision, approximate
):
    if text is None:
        with pytest.raises(ValidationError):
            PartialDate.parse(typed)
        return
    value = PartialDate.parse(typed)
    assert (value.text, value.start, value.end) == (text, start, end)
    assert (value.precision, value.approximate) == (precision, approximate)
    # The canonical text reads back to the same value: what is stored is stable.
    assert PartialDate.parse(value.text) == value


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_empty_text_is_no_date(empty):
    assert PartialDate.parse(empty) is None
    assert partial_dates.normalise(empty) == ""
    assert partial_dates.display(empty) == ""


@pytest.mark.parametrize(
    ("typed", "iso"),
    [
        ("12.03.1923", "1923-03-12"),
        ("03.1923", "1923-03"),
        ("1923", "1923"),
        ("около 1920", "1920"),
        ("1920–1925", "1920/1925"),
        ("1920-е", "1920/1929"),
    ],
)
def test_iso_is_as_precise_as_the_date(typed, iso):
    assert PartialDate.parse(typed).iso() == iso


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("12.03.1923", "12 March 1923"),
        ("03.1923", "March 1923"),
        ("1923", "1923"),
        ("около 1920", "c. 1920"),
        ("ок. 12.03.1923", "c. 12 March 1923"),
        ("1920–1925", "1920–1925"),
        ("1920-е", "the 1920s"),
    ],
)
def test_display_in_english(typed, shown):
    with translation.override("en"):
        assert PartialDate.parse(typed).display() == shown
        assert str(PartialDate.parse(typed)) == shown


def _ru(msgid, **values):
    with translation.override("ru"):
        return pgettext("partial date", msgid) % values


def test_display_in_russian_takes_the_genitive_for_a_day_and_a_lower_case_month():
    """«12 марта 1923 г.», «март 1923 г.», «ок. 1920 г.»: the month's case and capital come from
    the module, the surrounding words (г., гг., ок.) from the catalogue."""
    with translation.override("ru"):
        day = PartialDate.parse("12.03.1923").display()
        month = PartialDate.parse("март 1923").display()
        approximate = PartialDate.parse("около 1920").display()
        decade = PartialDate.parse("1920-е").display()
        years = PartialDate.parse("1920–1925").display()
    assert day == _ru("%(day)s %(month)s %(year)s", day=12, month="марта", year=1923)
    assert month == _ru("%(month)s %(year)s", month="март", year=1923)
    assert approximate == _ru("c. %(date)s", date=_ru("%(year)s", year=1920))
    assert decade == _ru("the %(decade)ss", decade=1920)
    assert years == _ru("%(first)s–%(last)s", first=1920, last=1925)
    assert "март" in month and "Март" not in month


def test_display_of_stored_text_that_no_longer_parses_is_the_text_itself():
    assert partial_dates.display("весна 1923") == "весна 1923"
    with translation.override("en"):
        assert partial_dates.display("03.1923") == "March 1923"


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("29.02.1924", True),  # leap year
        ("29.02.2000", True),  # divisible by 400: leap
        ("29.02.1923", False),
        ("29.02.1900", False),  # divisible by 100, not by 400: not leap
        ("31.02.1923", False),
        ("30.02.1924", False),
        ("31.04.1923", False),
        ("31.12.1923", True),
        ("00.03.1923", False),
        ("32.01.1923", False),
        ("12.13.1923", False),
        ("12.00.1923", False),
        ("13.1923", False),
        ("00.1923", False),
        ("1923-02-30", False),
    ],
)
def test_impossible_days_and_months_are_refused(typed, valid):
    if valid:
        assert PartialDate.parse(typed).precision == DAY
        return
    with pytest.raises(ValidationError) as error:
        PartialDate.parse(typed)
    assert error.value.code in {"no_such_day", "no_such_month"}


def test_the_refusal_of_31_february_names_the_month_and_the_day():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        PartialDate.parse("31.02.1923")
    assert error.value.messages == ["February 1923 has no day 31."]


@pytest.mark.parametrize("typed", ["1925–1920", "1925-1920", "между 1925 и 1920"])
def test_reversed_ranges_are_refused(typed):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        PartialDate.parse(typed)
    assert error.value.code == "reversed_range"
    assert error.value.messages == ["The range 1925–1920 ends before it begins."]


@pytest.mark.parametrize(
    "typed", ["1699", "2101", "0000", "12.03.1699", "03.2101", "1690-е", "1690–1710", "9999"]
)
def test_years_out_of_range_are_refused(typed):
    with pytest.raises(ValidationError) as error:
        PartialDate.parse(typed)
    assert error.value.code == "year_out_of_range"


@pytest.mark.parametrize(
    "typed",
    [
        "<script>alert(1)</script>",
        "'; DROP TABLE heroes_archive_heropage; --",
        "ок.",
        "?",
        "около",
        "1" * 5000,
        "12.03.1923\x00",
        "12.03.23",
        "1923 1924",
        "-1923",
        "1923-е",
        "зима 1923",
        "12 мрт 1923",
        "12 . 03 . 1923",
        "1923-03-12T00:00",
        "1e3",
        "١٢.٠٣.١٩٢٣x",
    ],
)
def test_hostile_and_meaningless_text_is_a_validation_error_not_a_crash(typed):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        PartialDate.parse(typed)
    assert error.value.code == "invalid_partial_date"
    (message,) = error.value.messages
    # The message quotes at most 40 characters of what was typed, for the editor to find it.
    assert message.startswith("«") and len(message) < 200
    assert partial_dates.display(typed) == typed  # shown as typed (escaped by templates)


def test_sync_stores_the_canonical_text_and_both_ends_and_names_the_field_on_error():
    class Record:
        birth_date = "март 1923"
        birth_date_start = birth_date_end = None

    record = Record()
    value = partial_dates.sync(record, "birth_date")
    assert value.precision == MONTH
    assert record.birth_date == "03.1923"
    assert (record.birth_date_start, record.birth_date_end) == (D(1923, 3, 1), D(1923, 3, 31))

    record.birth_date = ""
    assert partial_dates.sync(record, "birth_date") is None
    assert (record.birth_date, record.birth_date_start, record.birth_date_end) == ("", None, None)

    record.birth_date = "31.02.1923"
    with pytest.raises(ValidationError) as error:
        partial_dates.sync(record, "birth_date")
    assert list(error.value.message_dict) == ["birth_date"]


def test_from_date_is_a_day():
    value = PartialDate.from_date(D(1957, 4, 26))
    assert (value.text, value.precision) == ("26.04.1957", DAY)
    assert PartialDate.from_date(None) is None


def test_dates_sort_by_their_first_day():
    typed = ["1920-е", "12.03.1923", "около 1920", "03.1923", "1921–1922", "1923"]
    ordered = sorted((PartialDate.parse(text) for text in typed), key=lambda value: value.start)
    assert [value.text for value in ordered] == [
        "1920-е",
        "ок. 1920",
        "1921–1922",
        "1923",
        "03.1923",
        "12.03.1923",
    ]
