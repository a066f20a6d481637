"""The festival page's application routes (``FestivalPage.apply``, ``application_status``),
each called as ``view(request, festival, …)``:

- ``apply`` — ``zayavka/``: the application form while applications are open (GET), its
  submission (POST, then a 303 to the private status page), and the rows added or removed
  without JavaScript (a POST with ``add_member``, ``remove_member``… shows the form again with
  what was typed, saving nothing); when applications are closed, a page that says when they
  open or closed;
- ``status`` — ``zayavka/<token>/``: the contact person's private page: the status, the editors'
  message, the family as sent and the photos' state; an application returned for corrections
  shows the form filled in, to correct and send again; and «Удалить мои данные» as on the core's
  other private pages (``privacy.erase_on_request``: a first press asks for confirmation on the
  same page, the confirmed one erases at once — ``retention.erase_application`` says what may be
  erased and what stays).
"""

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request
from kuzbib_site.base.routes import not_found, private_page, private_record

from .. import submission
from ..conf import setting
from ..domain.application import Refused, resubmit
from ..family import Person, who
from ..forms import (
    MEMBER_FIELDS,
    MEMBER_PREFIX,
    PERIOD_FIELDS,
    PERIOD_PREFIX,
    ApplicationForm,
    blank_row,
    posted_rows,
    remove_member,
    rows_from_family,
)
from ..models import Application
from ..retention import can_erase, erase_application
from ..tree import life_years

#: The throttle's name of this form (``KUZBIB_BASE["THROTTLE"]["LIMITS"]``).
THROTTLE = "dynasty_application"
#: The buttons that change the rows instead of sending the application.
ROW_ACTIONS = ("add_member", "remove_member", "add_period", "remove_period")
#: Main form fields kept when rows change (files cannot be: a browser never sends them back).
MAIN_FIELDS = (*ApplicationForm.Meta.fields, "consent")


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _row_action(data):
    """The row button pressed, as (name, value), or None for the real submission."""
    for name in ROW_ACTIONS:
        if name in data:
            return name, data.get(name, "")
    return None


def _changed_rows(data, action):
    """The form unbound again with the posted values and one row more or fewer, and the
    notices about it."""
    max_members, max_periods = setting("MAX_MEMBERS"), setting("MAX_PERIODS")
    members = posted_rows(data, MEMBER_PREFIX, MEMBER_FIELDS, max_members)
    periods = posted_rows(data, PERIOD_PREFIX, PERIOD_FIELDS, max_periods)
    name, value = action
    notices = []
    try:
        index = int(value)
    except (TypeError, ValueError):
        index = -1
    if name == "add_member":
        if len(members) < max_members:
            members.append(blank_row(MEMBER_FIELDS))
        else:
            notices.append(
                gettext("An application may name at most %(num)d family members.")
                % {"num": max_members}
            )
    elif name == "add_period":
        if len(periods) < max_periods:
            periods.append(blank_row(PERIOD_FIELDS))
        else:
            notices.append(
                gettext("An application may list at most %(num)d work periods.")
                % {"num": max_periods}
            )
    elif name == "remove_member" and 0 <= index < len(members):
        members, periods, notices = remove_member(members, periods, index)
    elif name == "remove_period" and 0 <= index < len(periods):
        del periods[index]
        notices.append(gettext("Work period No. %(number)s is removed.") % {"number": index + 1})
    initial = {field: data.get(field, "") for field in MAIN_FIELDS}
    form = ApplicationForm(initial=initial, member_rows=members, period_rows=periods)
    return form, notices


def _photos_notice(request):
    """Attached photos are not kept when the form is shown again: say so."""
    if request.FILES.getlist("photos"):
        return gettext(
            "The photos you attached are not kept when the form is shown again (a browser "
            "cannot send them back): attach them again before sending."
        )
    return None


def _form_response(request, template, context, refusal=None):
    response = TemplateResponse(request, template, context)
    return throttle.throttled(response, refusal) if refusal else response


def _closed_state(festival):
    """Why the form is closed: "cancelled", "closed" (the closing date passed), "not_yet"
    (opens later) or "" (no dates set)."""
    if festival.is_cancelled:
        return "cancelled"
    closes, now = festival.applications_close_at, timezone.now()
    if closes is None:
        return ""
    return "closed" if closes <= now else "not_yet"


def apply(request, festival):
    context = {"page": festival, "self": festival}
    if not festival.applications_open():
        context["state"] = _closed_state(festival)
        return TemplateResponse(request, "dynasties/application_closed.html", context)
    refusal, notices = None, []
    if request.method == "POST":
        action = _row_action(request.POST)
        if action is not None:
            form, notices = _changed_rows(request.POST, action)
        else:
            form = ApplicationForm(request.POST, request.FILES)
            valid, refusal = throttle.validate(request, form, THROTTLE)
            if valid:
                application = submission.submit(
                    festival,
                    form.application_data(),
                    form.family,
                    form.checked_photos,
                    consent_version=form.consent_version(),
                )
                return _see_other(status_url(festival, application) + "?new=1")
        photos = _photos_notice(request)
        if photos:
            notices.append(photos)
    else:
        form = ApplicationForm()
    context.update(form=form, notices=notices)
    return _form_response(request, "dynasties/application_form.html", context, refusal)


def status_url(festival, application):
    return festival.url + festival.reverse_subpage("application_status", args=[application.token])


def _application(festival, token):
    return private_record(
        Application.objects.filter(festival=festival)
        .select_related("municipality", "library")
        .prefetch_related("photos"),
        token,
        ends=festival.end,
    )


def status(request, festival, token):
    application = _application(festival, token)
    if application is None:
        return not_found(request, festival, "dynasties/application_not_found.html")
    returned = application.status == Application.Status.RETURNED
    form, refusal, notices = None, None, []
    if request.method == "POST":
        if request.POST.get("action") == "erase" and can_erase(application):
            return erase_on_request(request, festival, lambda: erase_application(application))
        if not returned:
            return _see_other(request.path)
        action = _row_action(request.POST)
        if action is not None:
            form, notices = _changed_rows(request.POST, action)
        else:
            form = ApplicationForm(request.POST, request.FILES)
            valid, refusal = throttle.validate(request, form, THROTTLE)
            if valid:
                try:
                    resubmit(
                        application,
                        data=form.application_data(),
                        family=form.family,
                        photos=[{"file": file, "kind": kind} for file, kind in form.checked_photos],
                    )
                except Refused as refused:
                    form.add_error(None, refused)
                else:
                    return _see_other(request.path + "?sent=1")
        photos = _photos_notice(request)
        if photos:
            notices.append(photos)
    elif returned:
        members, periods = rows_from_family(application.family)
        initial = {field: getattr(application, field) for field in ApplicationForm.Meta.fields}
        initial["municipality"] = application.municipality_id
        initial["library"] = application.library_id
        form = ApplicationForm(
            initial=initial,
            member_rows=members or None,
            period_rows=periods or None,
        )
    value = application.as_family()
    people = {person.number: person for person in value.people}
    context = {
        "application": application,
        # Years of life as the dynasty's page and its tree write them.
        "people": [
            {"person": person, "life": life_years(person.birth, person.death)}
            for person in value.people
        ],
        # Each member of a kinship link by name and row number («Иванов Пётр (№ 2)»); a row the
        # family left out, by its number alone.
        "links": [
            {
                "link": link,
                "person": who(people.get(link.person) or Person(link.person, "", "")),
                "relative": who(people.get(link.relative) or Person(link.relative, "", "")),
            }
            for link in value.links
        ],
        "periods": value.periods,
        "photos": application.photos.all(),
        "form": form,
        "notices": notices,
        "new": request.GET.get("new") == "1",
        "sent": request.GET.get("sent") == "1",
        "can_erase": can_erase(application),
        # Erasing an application still open takes it out of the festival: say so first.
        "still_open": application.status in Application.Status.open(),
        "confirm_erase": request.GET.get("erase") == "1",
    }
    response = private_page(request, festival, "dynasties/application_status.html", context)
    return throttle.throttled(response, refusal) if refusal else response
