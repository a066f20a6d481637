"""A conference's programme for people and for conference apps: the grid (``programme/``) and the
Frab/Pentabarf schedule (``schedule-xml/``, ``schedule-json/``), routes of ``ConferencePage``.
Query parameters are not read; the schedule is in the site's language whatever the visitor's."""

import json

from django.conf import settings
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import translation

from .. import frab
from ..programme import conference_sessions, programme_days


def programme(request, page):
    """The programme grid: days, times by rooms, and the changes since it was published."""
    context = {
        "page": page,
        "self": page,
        "days": programme_days(conference_sessions(page)),
        "programme_changes": page.programme_changes.all()[:50],
    }
    return TemplateResponse(request, "events/programme.html", context)


def schedule_xml(request, page):
    with translation.override(settings.LANGUAGE_CODE):
        content = frab.schedule_xml(frab.build_schedule(page, request))
    return HttpResponse(content, content_type="application/xml; charset=utf-8")


def schedule_json(request, page):
    with translation.override(settings.LANGUAGE_CODE):
        data = frab.schedule_json(frab.build_schedule(page, request))
    return HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
