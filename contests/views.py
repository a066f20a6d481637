"""The public side of entering a contest, as routes of the contest page:

- ``submit/`` — the entry form (GET) and its submission (POST, then a redirect to the entry's
  private page, which is the receipt);
- ``entry/<token>/`` — the participant's private page: number, status, withdrawal;
- ``entry/<token>/state/`` — the entry's status as JSON, which that page polls while the files
  are being checked, so the participant sees «ready for judging» without reloading.

GET requests never write. The mixin defines no fields; ``ContestPage`` mixes it in."""

from django.http import HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import path

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request, link_expired, private_response


class SubmissionRoutesMixin:
    @path("submit/", name="submit")
    def submit_form(self, request):
        return csrf_protect(self._submit_form)(request)

    def _submit_form(self, request):
        from .forms import EntryForm  # noqa: PLC0415 — models mix this class in
        from .submission import submit  # noqa: PLC0415 — models mix this class in

        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        stage = self.submission_stage()
        form = refusal = None
        if stage is not None:
            if request.method == "POST":
                form = EntryForm(request.POST, request.FILES, contest=self)
                valid, refusal = throttle.validate(request, form, "entry")
                if valid:
                    entry = submit(self, form.entry_data(), form.checked_files)
                    url = self.url + self.reverse_subpage("entry_status", args=[entry.token])
                    return HttpResponseRedirect(url + "?new=1")
            else:
                form = EntryForm(contest=self)
        context = {"page": self, "self": self, "form": form, "stage": stage}
        response = TemplateResponse(request, "contests/submit.html", context)
        return throttle.throttled(response, refusal) if refusal else response

    @path("entry/<str:token>/", name="entry_status")
    def entry_status(self, request, token):
        return csrf_protect(self._entry_status)(request, token)

    def _entry(self, token):
        """The entry behind a private link of this contest, or None when the link is unknown,
        erased or expired (a configurable time after the contest ends)."""
        from .models import Entry  # noqa: PLC0415 — models mix this class in

        entry = (
            Entry.objects.select_related("nomination", "contest")
            .prefetch_related("files")
            .filter(contest=self, token=token[:64], anonymised_at=None)
            .first()
        )
        if entry is None or link_expired(self.end, entry.created_at):
            return None
        return entry

    def _entry_status(self, request, token):
        from .domain import entry as entries  # noqa: PLC0415 — models mix this class in
        from .retention import can_erase, erase_entry  # noqa: PLC0415 — models mix this class in

        entry = self._entry(token)
        if entry is None:
            return private_response(
                TemplateResponse(
                    request,
                    "contests/entry_not_found.html",
                    {"page": self, "self": self},
                    status=404,
                )
            )
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "erase" and can_erase(entry):
                return erase_on_request(request, self, lambda: erase_entry(entry))
            if action == "withdraw":
                entries.withdraw(entry)
            return HttpResponseRedirect(request.path)
        context = {
            "page": self,
            "self": self,
            "entry": entry,
            "new": request.GET.get("new") == "1",
            "state_url": self.url + self.reverse_subpage("entry_state", args=[entry.token]),
            "can_withdraw": entries.can_withdraw(entry),
            "can_erase": can_erase(entry),
            "confirm_erase": request.GET.get("erase") == "1",
        }
        return private_response(
            TemplateResponse(request, "contests/entry_status.html", context), has_forms=True
        )

    @path("entry/<str:token>/state/", name="entry_state")
    def entry_state(self, request, token):
        entry = self._entry(token)
        if entry is None:
            return private_response(JsonResponse({"error": "not found"}, status=404))
        response = JsonResponse(
            {
                "status": entry.status,
                "label": str(entry.get_status_display()),
                "reason": entry.status_reason,
                "pending": entry.is_pending,
            }
        )
        return private_response(response)
