"""«Памятные даты» of the archive (routes ``pamyatnye-daty/`` and ``pamyatnye-daty/ics/`` of
``HeroIndexPage``): the month's birthdays and Hero title anniversaries as a page, and every
memorable date (or one month's) as a subscribable calendar."""

import datetime

from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils.dates import MONTHS

from .. import anniversaries as memorable


def _month_link(base, month, year):
    return f"{base}?month={month}&year={year}"


def anniversaries(request, page):
    """The month chosen by ``?month=1..12&year=`` (this month by default; a value that is not
    one is replaced by this month's with a notice), grouped by day."""
    month, year, problems = memorable.parse_month(request.GET)
    base = page.get_url(request) + page.reverse_subpage("anniversaries")
    ics = page.get_url(request) + page.reverse_subpage("anniversaries_ics")
    first = datetime.date(year, month, 1)
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return TemplateResponse(
        request,
        "heroes_archive/anniversaries.html",
        {
            "page": page,
            "self": page,
            "month": month,
            "year": year,
            "month_title": memorable.month_title(month, year),
            "months": sorted(MONTHS.items()),
            "first_year": memorable.FIRST_YEAR,
            "last_year": memorable.LAST_YEAR,
            "days": memorable.of_month(page, month, year),
            "problems": problems,
            "previous": {
                "url": _month_link(base, previous.month, previous.year),
                "name": MONTHS[previous.month],
                "year": previous.year,
            }
            if previous.year >= memorable.FIRST_YEAR
            else None,
            "next": {
                "url": _month_link(base, following.month, following.year),
                "name": MONTHS[following.month],
                "year": following.year,
            }
            if following.year <= memorable.LAST_YEAR
            else None,
            "base_url": base,
            "ics_month_url": f"{ics}?month={month}",
            "ics_url": ics,
        },
    )


def anniversaries_ics(request, page):
    """Every memorable date of the archive as yearly all-day events, or one month's with
    ``?month=1..12`` (anything else gives the whole archive: a calendar application cannot
    show a notice)."""
    month, _year, problems = memorable.parse_month(request.GET, with_year=False)
    whole = not request.GET.get("month", "").strip() or bool(problems)
    content = memorable.calendar(page, request, month=None if whole else month)
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    name = "pamyatnye-daty.ics" if whole else f"pamyatnye-daty-{month:02d}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
