"""Dates in templates, through ``kuzbib_site.base.dates`` (the one way to write a date)."""

from django import template

from .. import dates

register = template.Library()

register.filter("day", dates.day)
register.filter("day_weekday", dates.day_weekday)
register.filter("weekday", dates.weekday)
register.filter("day_month", dates.day_month)
register.filter("moment", dates.moment)
register.filter("clock", dates.clock)
register.simple_tag(dates.time_range, name="time_range")
register.simple_tag(dates.day_range, name="day_range")
register.simple_tag(dates.span, name="span")


@register.filter
def badge_day(value):
    return dates.badge(value)[0]


@register.filter
def badge_month(value):
    return dates.badge(value)[1]
