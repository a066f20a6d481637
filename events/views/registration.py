"""The public side of conference registration, as routes of the conference page:

- ``register/`` — the form (GET) and its submission (POST, then a redirect: POST/redirect/GET);
- ``register/done/`` — a thank-you page that says nothing about anyone's status;
- ``registration/<token>/`` — the registrant's private page: status, sessions, cancellation.

GET requests never write. The mixin defines no fields; ``ConferencePage`` mixes it in.
"""

from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.functional import cached_property
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import path

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request, link_expired, private_response


class RegistrationRoutesMixin:
    @cached_property
    def registration_info(self):
        """What the conference page says about registration: state, dates and the link."""
        from ..domain.registration import State, closes_at, registration_state

        state = registration_state(self)
        return {
            "state": state,
            "available": state != State.UNAVAILABLE,
            "open": state in (State.OPEN, State.FULL),
            "opens": self.registration_opens,
            "closes": closes_at(self),
        }

    def _registration_not_found(self, request):
        """A forged, mistyped, foreign or expired token: a 404 in Russian, never a hint of whose
        it is."""
        return private_response(
            TemplateResponse(
                request,
                "events/registration/not_found.html",
                self._registration_context(request),
                status=404,
            )
        )

    def _private_registration(self, token):
        """The registration behind a private link of this conference, or None when the link is
        unknown, erased or expired (a configurable time after the conference ends)."""
        from ..domain.registration import find_by_token

        registration = find_by_token(token)
        if (
            registration is None
            or registration.conference_id != self.pk
            or registration.anonymised_at is not None
            or link_expired(self.end, registration.created_at)
        ):
            return None
        return registration

    def _registration_context(self, request, **extra):
        return {"page": self, "self": self, "request": request, **extra}

    @path("register/", name="register")
    def registration_form(self, request):
        return csrf_protect(self._registration_form)(request)

    def _registration_form(self, request):
        from ..domain.registration import AlreadyRegistered, RegistrationClosed, register
        from ..forms import RegistrationForm

        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        info = self.registration_info
        form = refusal = None
        if info["open"] or request.method == "POST":
            data = request.POST if request.method == "POST" else None
            form = RegistrationForm(data, conference=self)
        if request.method == "POST":
            valid, refusal = throttle.validate(request, form, "registration")
            if valid:
                try:
                    register(self, form.cleaned_data)
                except AlreadyRegistered:
                    return HttpResponseRedirect(
                        self.url + self.reverse_subpage("register_done") + "?again=1"
                    )
                except RegistrationClosed as error:
                    form.add_error(None, error.message)
                else:
                    return HttpResponseRedirect(self.url + self.reverse_subpage("register_done"))
        if (
            refusal is None
            and form is not None
            and not info["open"]
            and not form.non_field_errors()
        ):
            form.add_error(None, RegistrationClosed.message)
        status = 200
        if request.method == "POST":
            status = 400 if form.errors else 200
        response = TemplateResponse(
            request,
            "events/registration/form.html",
            self._registration_context(request, form=form, info=info),
            status=status,
        )
        return throttle.throttled(response, refusal) if refusal else response

    @path("register/done/", name="register_done")
    def registration_done(self, request):
        return TemplateResponse(
            request,
            "events/registration/done.html",
            self._registration_context(request, again=request.GET.get("again") == "1"),
        )

    @path("registration/<str:token>/", name="registration_status")
    def registration_status(self, request, token):
        return csrf_protect(self._registration_status)(request, token)

    def _registration_status(self, request, token):
        from ..domain.registration import cancel, star, unstar
        from ..models import SectionSessionPage, SessionSeat
        from ..retention import erase_registration

        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        registration = self._private_registration(token)
        if registration is None:
            return self._registration_not_found(request)
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "erase":
                return erase_on_request(request, self, lambda: erase_registration(registration))
            if action == "cancel":
                cancel(registration)
            elif action in ("star", "unstar") and registration.is_active:
                session = self._own_session(request.POST.get("session", ""))
                if session is not None:
                    (star if action == "star" else unstar)(registration, session)
            return HttpResponseRedirect(request.path)
        seats = {
            seat.session_id: seat
            for seat in registration.seats.exclude(status=SessionSeat.Status.CANCELLED)
        }
        sessions = [
            (session, seats.get(session.pk))
            for session in SectionSessionPage.objects.live()
            .child_of(self)
            .order_by("start", "path")
        ]
        return private_response(
            TemplateResponse(
                request,
                "events/registration/status.html",
                self._registration_context(
                    request,
                    registration=registration,
                    sessions=sessions,
                    confirm_erase=request.GET.get("erase") == "1",
                ),
            ),
            has_forms=True,
        )

    def _own_session(self, value):
        from ..models import SectionSessionPage

        if not value.isdigit():
            return None
        return SectionSessionPage.objects.live().child_of(self).filter(pk=int(value)).first()

    @path("registration/<str:token>/agenda/", name="registration_agenda")
    def registration_agenda(self, request, token):
        """The registrant's own agenda as a private calendar: the conference and the sessions
        they starred. The link is as private as the status page's."""
        from ..calendar import build_calendar, page_ical_events
        from ..domain.registration import agenda
        from .calendar import ics_response

        registration = self._private_registration(token)
        if registration is None:
            return self._registration_not_found(request)
        events = page_ical_events(self, request)
        for session in agenda(registration):
            events += page_ical_events(session, request)
        return private_response(
            ics_response(build_calendar(events, self.title), f"agenda-{self.pk}.ics")
        )
