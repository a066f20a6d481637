"""The public side of conference registration, routes of ``ConferencePage``:

- ``register/`` — the form (GET) and its submission (POST, then a redirect: POST/redirect/GET);
- ``register/done/`` — a thank-you page that says nothing about anyone's status;
- ``registration/<token>/`` — the registrant's private page: status, sessions, the agenda;
- ``registration/<token>/cancel/`` — «Отменить регистрацию?»: the question (GET), the
  cancellation (POST), so that no click cancels by itself, with or without JavaScript;
- ``registration/<token>/agenda/`` — the registrant's own agenda as a private calendar.

GET requests never write. Each view is ``view(request, page, **route_kwargs)``, declared with
``kuzbib_site.base.routes.page_route`` (which adds CSRF protection and the method check).
"""

from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request, private_response
from kuzbib_site.base.routes import not_found, private_page, private_record

from ..calendar import build_calendar, page_ical_events
from ..domain import registration as registrations
from ..forms import RegistrationForm
from ..models import Registration, SectionSessionPage, SessionSeat
from ..retention import erase_registration
from .calendar import ics_response

NOT_FOUND = "events/registration/not_found.html"


def _private_registration(page, token):
    """The registration behind a private link of this conference, or None when the link is
    unknown, erased or expired (a configurable time after the conference ends)."""
    return private_record(
        Registration.objects.select_related("conference", "library").filter(conference=page),
        token,
        ends=page.end,
    )


def _own_session(page, value):
    if not value.isdigit():
        return None
    return SectionSessionPage.objects.live().child_of(page).filter(pk=int(value)).first()


def registration_form(request, page):
    info = page.registration_info
    form = refusal = None
    if info["open"] or request.method == "POST":
        data = request.POST if request.method == "POST" else None
        form = RegistrationForm(data, conference=page)
    if request.method == "POST":
        valid, refusal = throttle.validate(request, form, "registration")
        if valid:
            try:
                registrations.register(page, form.cleaned_data)
            except registrations.AlreadyRegistered:
                return HttpResponseRedirect(
                    page.url + page.reverse_subpage("register_done") + "?again=1"
                )
            except registrations.RegistrationClosed as error:
                form.add_error(None, error.message)
            else:
                return HttpResponseRedirect(page.url + page.reverse_subpage("register_done"))
    if refusal is None and form is not None and not info["open"] and not form.non_field_errors():
        form.add_error(None, registrations.RegistrationClosed.message)
    status = 200
    if request.method == "POST":
        status = 400 if form.errors else 200
    response = TemplateResponse(
        request,
        "events/registration/form.html",
        {"page": page, "self": page, "form": form, "info": info},
        status=status,
    )
    return throttle.throttled(response, refusal) if refusal else response


def registration_done(request, page):
    return TemplateResponse(
        request,
        "events/registration/done.html",
        {"page": page, "self": page, "again": request.GET.get("again") == "1"},
    )


def registration_status(request, page, token):
    registration = _private_registration(page, token)
    if registration is None:
        return not_found(request, page, NOT_FOUND)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "erase":
            return erase_on_request(request, page, lambda: erase_registration(registration))
        if action == "cancel":
            # A status page opened before cancelling asked for confirmation: ask now.
            return HttpResponseRedirect(_cancel_url(page, registration))
        if action in ("star", "unstar") and registration.is_active:
            session = _own_session(page, request.POST.get("session", ""))
            if session is not None:
                change = registrations.star if action == "star" else registrations.unstar
                change(registration, session)
        return HttpResponseRedirect(request.path)
    seats = {
        seat.session_id: seat
        for seat in registration.seats.exclude(status=SessionSeat.Status.CANCELLED)
    }
    sessions = [
        (session, seats.get(session.pk))
        for session in SectionSessionPage.objects.live().child_of(page).order_by("start", "path")
    ]
    return private_page(
        request,
        page,
        "events/registration/status.html",
        {
            "registration": registration,
            "sessions": sessions,
            "may_cancel": registrations.may_cancel(registration),
            "cancel_url": _cancel_url(page, registration),
            "confirm_erase": request.GET.get("erase") == "1",
        },
    )


def _cancel_url(page, registration):
    return page.url + page.reverse_subpage("registration_cancel", args=[registration.token])


def registration_cancel(request, page, token):
    """«Отменить регистрацию?»: GET asks (and never writes); POST cancels and shows the status
    page, where the registration now reads «отменена». A registration no longer active gets the
    status page at once."""
    registration = _private_registration(page, token)
    if registration is None:
        return not_found(request, page, NOT_FOUND)
    status_url = page.url + page.reverse_subpage("registration_status", args=[registration.token])
    if not registrations.may_cancel(registration):
        return HttpResponseRedirect(status_url)
    if request.method == "POST":
        registrations.cancel(registration)
        return HttpResponseRedirect(status_url)
    return private_page(
        request,
        page,
        "events/registration/cancel.html",
        {"registration": registration, "status_url": status_url},
    )


def registration_agenda(request, page, token):
    """The registrant's own agenda as a private calendar: the conference and the sessions they
    starred. The link is as private as the status page's."""
    registration = _private_registration(page, token)
    if registration is None:
        return not_found(request, page, NOT_FOUND)
    events = page_ical_events(page, request)
    for session in registrations.agenda(registration):
        events += page_ical_events(session, request)
    return private_response(
        ics_response(build_calendar(events, page.title), f"agenda-{page.pk}.ics")
    )
