from django import template
from django.utils import formats
from django.utils.translation import gettext as _

from ..models import EVENT_TIMEZONE

register = template.Library()


@register.simple_tag
def event_when(event):
    """«16 декабря 2008 г., 10:00–17:00» or «16 декабря 2008 г. — 17 декабря 2008 г.», in the
    region's time zone."""
    start = event.start.astimezone(EVENT_TIMEZONE)
    end = event.end.astimezone(EVENT_TIMEZONE)
    if start.date() == end.date():
        return _("%(date)s, %(start)s–%(end)s") % {
            "date": formats.date_format(start, "DATE_FORMAT"),
            "start": formats.time_format(start, "H:i"),
            "end": formats.time_format(end, "H:i"),
        }
    return (
        f"{formats.date_format(start, 'DATE_FORMAT')} — {formats.date_format(end, 'DATE_FORMAT')}"
    )


@register.simple_tag
def time_zone_note(event):
    """«local time, UTC+7»: the offset of the events' zone (``KUZBIB_EVENTS["TIME_ZONE"]``) at the
    event's start, so that a site in any region says what its times mean."""
    offset = event.start.astimezone(EVENT_TIMEZONE).utcoffset()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    text = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")
    return _("local time, %(offset)s") % {"offset": text}


@register.simple_tag
def event_place(event):
    """«venue, address, city» with the empty parts left out (a contest often has only a city)."""
    return ", ".join(part for part in (event.venue, event.address, event.city) if part)
