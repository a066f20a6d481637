"""The one date helper: Russian shapes, no «г..», lower-case weekdays, ranges, time zones."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from kuzbib_site.base import dates
from kuzbib_site.base.kinds import kind_of

REGION = zoneinfo.ZoneInfo("Asia/Novokuznetsk")
SESSION_DAY = datetime.date(2008, 12, 16)


@pytest.fixture(autouse=True)
def russian():
    with translation.override("ru"), timezone.override(REGION):
        yield


def at(hour, day=SESSION_DAY):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=REGION)


def test_days_in_russian():
    assert dates.day(SESSION_DAY) == "16 декабря 2008 г."
    assert dates.day_weekday(SESSION_DAY) == "вторник, 16 декабря 2008 г."
    assert dates.day_month(SESSION_DAY) == "16 декабря"
    assert dates.weekday(SESSION_DAY) == "вторник"
    assert dates.moment(at(10)) == "16 декабря 2008 г., 10:00"
    assert dates.badge(SESSION_DAY) == ("16", "дек")


def test_times_and_ranges():
    assert dates.time_range(at(10), at(12)) == "10:00–12:00"
    assert dates.time_range(at(10), at(10)) == "10:00"
    assert dates.span(at(10), at(17)) == "16 декабря 2008 г., 10:00–17:00"
    assert dates.day_range(SESSION_DAY, datetime.date(2008, 12, 17)) == "16–17 декабря 2008 г."
    assert (
        dates.day_range(datetime.date(2008, 11, 30), datetime.date(2008, 12, 2))
        == "30 ноября — 2 декабря 2008 г."
    )
    assert (
        dates.span(at(10, datetime.date(2008, 12, 30)), at(12, datetime.date(2009, 1, 2)))
        == "30 декабря 2008 г. — 2 января 2009 г."
    )
    assert dates.day_range(SESSION_DAY, SESSION_DAY) == dates.day(SESSION_DAY)


def test_aware_datetimes_in_the_current_zone():
    utc_evening = datetime.datetime(2008, 12, 15, 20, 0, tzinfo=datetime.UTC)  # 03:00 next day
    assert dates.moment(utc_evening) == "16 декабря 2008 г., 03:00"


def test_missing_values_print_nothing():
    assert dates.day(None) == dates.moment(None) == dates.span(None, None) == ""


def test_a_sentence_never_gets_a_double_full_stop():
    rendered = Template("{% load kuzbib_dates %}Заседание {{ d|day }}").render(
        Context({"d": SESSION_DAY})
    )
    assert rendered == "Заседание 16 декабря 2008 г."


def test_english_has_the_same_shapes_without_the_year_mark():
    with translation.override("en"):
        assert dates.day_weekday(SESSION_DAY) == "Tuesday, 16 December 2008"
        assert dates.day_range(SESSION_DAY, datetime.date(2008, 12, 17)) == "16–17 December 2008"


def test_kind_of_a_page_without_its_own_is_page():
    assert str(kind_of(object())) == "Страница"
