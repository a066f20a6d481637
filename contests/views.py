"""The public side of entering a contest: the view functions of the contest page's routes
(``ContestPage``, declared with ``kuzbib_site.base.routes.page_route``), each called as
``view(request, contest, …)``:

- ``submit`` — ``submit/``: the entry form (GET) and its submission (POST, then a redirect to
  the entry's private page, which is the receipt);
- ``entry_status`` — ``entry/<token>/``: the participant's private page: number, status,
  withdrawal, «Удалить мои данные»;
- ``entry_state`` — ``entry/<token>/state/``: the entry's status as JSON, which that page polls
  while the files are being checked, so the participant sees «ready for judging» without
  reloading.

GET requests never write."""

from django.http import HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request, private_response
from kuzbib_site.base.routes import not_found, private_page, private_record

from . import submission
from .domain import entry as entries
from .forms import EntryForm
from .models import Entry
from .retention import can_erase, erase_entry


def submit(request, contest):
    stage = contest.submission_stage()
    form = refusal = None
    if stage is not None:
        if request.method == "POST":
            form = EntryForm(request.POST, request.FILES, contest=contest)
            valid, refusal = throttle.validate(request, form, "entry")
            if valid:
                entry = submission.submit(contest, form.entry_data(), form.checked_files)
                url = contest.url + contest.reverse_subpage("entry_status", args=[entry.token])
                return HttpResponseRedirect(url + "?new=1")
        else:
            form = EntryForm(contest=contest)
    context = {"page": contest, "self": contest, "form": form, "stage": stage}
    response = TemplateResponse(request, "contests/submit.html", context)
    return throttle.throttled(response, refusal) if refusal else response


def _entry(contest, token):
    """The entry behind a private link of this contest, or None when the link is unknown,
    erased or expired (a configurable time after the contest ends)."""
    entries_of_contest = (
        Entry.objects.select_related("nomination", "contest")
        .prefetch_related("files")
        .filter(contest=contest)
    )
    return private_record(entries_of_contest, token, ends=contest.end)


def entry_status(request, contest, token):
    entry = _entry(contest, token)
    if entry is None:
        return not_found(request, contest, "contests/entry_not_found.html")
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "erase" and can_erase(entry):
            return erase_on_request(request, contest, lambda: erase_entry(entry))
        if action == "withdraw":
            entries.withdraw(entry)
        return HttpResponseRedirect(request.path)
    context = {
        "entry": entry,
        "new": request.GET.get("new") == "1",
        "state_url": contest.url + contest.reverse_subpage("entry_state", args=[entry.token]),
        "can_withdraw": entries.can_withdraw(entry),
        "can_erase": can_erase(entry),
        "confirm_erase": request.GET.get("erase") == "1",
    }
    return private_page(request, contest, "contests/entry_status.html", context)


def entry_state(request, contest, token):
    entry = _entry(contest, token)
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
