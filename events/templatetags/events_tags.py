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
