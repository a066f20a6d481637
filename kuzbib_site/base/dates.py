"""One way to write dates and times on pages, in PDFs and in e-mails.

Russian typography as the partnership's documents print it: «16 декабря 2008 г.», «вторник,
16 декабря 2008 г.» (the weekday in lower case), times «10:00–12:00» with an en dash, ranges of
days «16–17 декабря 2008 г.» or «30 ноября — 2 декабря 2008 г.». English gets the same shapes
without the «г.» («16 December 2008»). Templates use the ``kuzbib_dates`` library, which wraps
these functions; nothing else formats a visible date (machine formats such as ISO stay as they are).

Aware datetimes are shown in the current time zone; a caller that means another zone (the events'
region) converts first.
"""

import datetime

from django.utils import formats, timezone, translation

#: Django date-format strings per language; any language not listed takes English's shapes.
#: Django's Russian «l» is capitalised («Вторник»), so weekdays are lowered below.
PATTERNS = {
    "ru": {"day": "j E Y г.", "day_month": "j E", "weekday": "l", "badge_month": "b"},
    "en": {"day": "j F Y", "day_month": "j F", "weekday": "l", "badge_month": "M"},
}
#: Between two days written in full: a spaced em dash in Russian, a spaced en dash in English.
RANGE_DASH = {"ru": " — ", "en": " – "}


def _patterns():
    language = (translation.get_language() or "en").split("-")[0]
    return PATTERNS.get(language, PATTERNS["en"]), RANGE_DASH.get(language, RANGE_DASH["en"])


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def _format(value, pattern):
    return formats.date_format(_local(value), pattern)


def day(value):
    """«16 декабря 2008 г.»"""
    if value is None:
        return ""
    return _format(value, _patterns()[0]["day"])


def weekday(value):
    """«вторник» (lower case in Russian, as in running text; «Tuesday» in English)."""
    if value is None:
        return ""
    name = _format(value, _patterns()[0]["weekday"])
    return name.lower() if (translation.get_language() or "").startswith("ru") else name


def day_weekday(value):
    """«вторник, 16 декабря 2008 г.»"""
    if value is None:
        return ""
    return f"{weekday(value)}, {day(value)}"


def day_month(value):
    """«16 декабря» (a date whose year the reader already knows)."""
    if value is None:
        return ""
    return _format(value, _patterns()[0]["day_month"])


def clock(value):
    """«10:00»"""
    if value is None:
        return ""
    value = _local(value)
    # «H:i» in every language, written directly: a conference's programme writes hundreds of
    # times, and Django's formatter would parse the format again for each.
    return f"{value.hour:02d}:{value.minute:02d}"


def moment(value):
    """«16 декабря 2008 г., 10:00»"""
    if value is None:
        return ""
    return f"{day(value)}, {clock(value)}"


def time_range(start, end):
    """«10:00–12:00»; a missing or equal end gives the start alone."""
    if start is None:
        return ""
    first, last = clock(start), clock(end)
    return first if last in ("", first) else f"{first}–{last}"


def _as_date(value):
    value = _local(value)
    return value.date() if isinstance(value, datetime.datetime) else value


def day_range(start, end):
    """Days from ``start`` to ``end``: «16–17 декабря 2008 г.», «30 ноября — 2 декабря 2008 г.»,
    «30 декабря 2008 г. — 2 января 2009 г.»; one day gives day()."""
    if start is None:
        return day(end)
    first, last = _as_date(start), _as_date(end) if end is not None else None
    if last is None or first == last:
        return day(first)
    dash = _patterns()[1]
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{day(last)}"
    if first.year == last.year:
        return f"{day_month(first)}{dash}{day(last)}"
    return f"{day(first)}{dash}{day(last)}"


def span(start, end):
    """An event's time: «16 декабря 2008 г., 10:00–17:00» within a day, day_range() across days."""
    if start is None:
        return ""
    if end is None or _as_date(start) == _as_date(end):
        if not isinstance(start, datetime.datetime):
            return day(start)
        return f"{day(start)}, {time_range(start, end)}"
    return day_range(start, end)


def badge(value):
    """The day and the short month of a card's date badge: ("16", "дек")."""
    if value is None:
        return "", ""
    return str(_local(value).day), _format(value, _patterns()[0]["badge_month"])
