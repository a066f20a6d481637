"""The public side of entering a contest: the view functions of the contest page's routes
(``ContestPage``, declared with ``kuzbib_site.base.routes.page_route``), each called as
``view(request, contest, …)``:

- ``submit`` — ``submit/``: the entry form (GET) and its submission (POST, then a redirect to
  the entry's private page, which is the receipt);
- ``entry_status`` — ``entry/<token>/``: the participant's private page: number, status,
  the way to withdraw, «Удалить мои данные»;
- ``withdraw`` — ``entry/<token>/withdraw/``: «Отозвать работу» asked on a page of its own (GET,
  a form that works without JavaScript) and done by its POST;
- ``entry_state`` — ``entry/<token>/state/``: the entry's status as JSON, which that page polls
  while the files are being checked, so the participant sees «ready for judging» without
  reloading.

GET requests never write."""

import re

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

#: What a private link's token is made of (``secrets.token_urlsafe``): anything else (the
#: site's page URLs let letters of any alphabet through) is no link and is not looked up.
TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def _entry_url(contest, entry, route="entry_status"):
    return contest.url + contest.reverse_subpage(route, args=[entry.token])


def submit(request, contest):
    stage = contest.submission_stage()
    form = refusal = None
    if stage is not None:
        if request.method == "POST":
            form = EntryForm(request.POST, request.FILES, contest=contest)
            valid, refusal = throttle.validate(request, form, "entry")
            if valid:
                entry = submission.submit(contest, form.entry_data(), form.checked_files)
                return HttpResponseRedirect(_entry_url(contest, entry) + "?new=1")
        else:
            form = EntryForm(contest=contest)
    context = {"page": contest, "self": contest, "form": form, "stage": stage}
    response = TemplateResponse(request, "contests/submit.html", context)
    return throttle.throttled(response, refusal) if refusal else response


def _entry(contest, token):
    """The entry behind a private link of this contest, or None when the link is unknown,
    erased or expired (a configurable time after the contest ends)."""
    if not TOKEN.fullmatch(token):
        return None
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
            # Withdrawing is asked about first, on its own page (an old copy of this page may
            # still post here).
            return HttpResponseRedirect(_entry_url(contest, entry, "entry_withdraw"))
        return HttpResponseRedirect(request.path)
    context = {
        "entry": entry,
        "new": request.GET.get("new") == "1",
        "withdrawn": request.GET.get("withdrawn") == "1" and entry.status == Entry.Status.WITHDRAWN,
        "state_url": _entry_url(contest, entry, "entry_state"),
        "withdraw_url": _entry_url(contest, entry, "entry_withdraw"),
        "can_withdraw": entries.can_withdraw(entry),
        "can_erase": can_erase(entry),
        "confirm_erase": request.GET.get("erase") == "1",
    }
    return private_page(request, contest, "contests/entry_status.html", context)


def withdraw(request, contest, token):
    """«Отозвать работу»: a GET asks (the entry, what withdrawing means, a POST form and the way
    back) and never writes; the POST withdraws and returns to the entry's page, which says so.
    An entry that can no longer be withdrawn (out of the contest, submissions closed) is sent
    back to its page, which says where it stands."""
    entry = _entry(contest, token)
    if entry is None:
        return not_found(request, contest, "contests/entry_not_found.html")
    status_url = _entry_url(contest, entry)
    if not entries.can_withdraw(entry):
        return HttpResponseRedirect(status_url)
    if request.method == "POST":
        if entries.withdraw(entry):
            status_url += "?withdrawn=1"
        return HttpResponseRedirect(status_url)
    context = {"entry": entry, "status_url": status_url}
    return private_page(request, contest, "contests/entry_withdraw.html", context)


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
