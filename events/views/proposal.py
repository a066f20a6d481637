"""The public side of the call for papers, routes of ``ConferencePage``:

- ``propose/`` — the proposal form (GET) and its submission (POST, then a redirect);
- ``propose/done/`` — a thank-you page;
- ``proposal/<token>/`` — the author's private page: status, the decision's message;
- ``proposal/<token>/withdraw/`` — «Отозвать заявку?»: the question (GET), the withdrawal (POST).

GET requests never write. Each view is ``view(request, page, **route_kwargs)``, declared with
``kuzbib_site.base.routes.page_route`` (which adds CSRF protection and the method check).
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request
from kuzbib_site.base.routes import not_found, private_page, private_record

from ..domain import proposal as proposals
from ..forms import ProposalForm
from ..models import Proposal
from ..retention import erase_proposal

NOT_FOUND = "events/cfp/not_found.html"


def proposal_form(request, page):
    is_open = page.cfp_is_open()
    form = refusal = None
    if is_open:
        if request.method == "POST":
            form = ProposalForm(request.POST, request.FILES, conference=page)
            valid, refusal = throttle.validate(request, form, "proposal")
            if valid:
                try:
                    proposals.submit(page, form)
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    return HttpResponseRedirect(page.url + page.reverse_subpage("proposal_done"))
        else:
            form = ProposalForm(conference=page)
    context = {
        "page": page,
        "self": page,
        "form": form,
        "is_open": is_open,
        "closes": page.cfp_closes or page.start,
    }
    response = TemplateResponse(request, "events/cfp/form.html", context)
    return throttle.throttled(response, refusal) if refusal else response


def proposal_done(request, page):
    return TemplateResponse(request, "events/cfp/done.html", {"page": page, "self": page})


def _private_proposal(page, token):
    return private_record(
        Proposal.objects.select_related("section", "talk__session").filter(conference=page),
        token,
        ends=page.end,
    )


def _url(page, route, proposal):
    return page.url + page.reverse_subpage(route, args=[proposal.token])


def proposal_status(request, page, token):
    proposal = _private_proposal(page, token)
    if proposal is None:
        return not_found(request, page, NOT_FOUND)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "erase":
            return erase_on_request(request, page, lambda: erase_proposal(proposal))
        if action == "withdraw":
            # A status page opened before withdrawing asked for confirmation: ask now.
            return HttpResponseRedirect(_url(page, "proposal_withdraw", proposal))
        return HttpResponseRedirect(request.path)
    return private_page(
        request,
        page,
        "events/cfp/status.html",
        {
            "proposal": proposal,
            "withdraw_url": _url(page, "proposal_withdraw", proposal),
            "confirm_erase": request.GET.get("erase") == "1",
        },
    )


def proposal_withdraw(request, page, token):
    """«Отозвать заявку?»: GET asks (and never writes); POST withdraws and shows the status page.
    A proposal no longer under review gets the status page at once."""
    proposal = _private_proposal(page, token)
    if proposal is None:
        return not_found(request, page, NOT_FOUND)
    status_url = _url(page, "proposal_status", proposal)
    if not proposal.under_review:
        return HttpResponseRedirect(status_url)
    if request.method == "POST":
        proposals.withdraw(proposal)
        return HttpResponseRedirect(status_url)
    return private_page(
        request,
        page,
        "events/cfp/withdraw.html",
        {"proposal": proposal, "status_url": status_url},
    )
