"""The public side of the call for papers, as routes of the conference page:

- ``propose/`` — the proposal form (GET) and its submission (POST, then a redirect);
- ``propose/done/`` — a thank-you page;
- ``proposal/<token>/`` — the author's private page: status, the decision's message, withdrawal.

GET requests never write. The mixin defines no fields; ``ConferencePage`` mixes it in.
"""

from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from wagtail.contrib.routable_page.models import path

from kuzbib_site.base import throttle
from kuzbib_site.base.privacy import erase_on_request, link_expired, private_response


class ProposalRoutesMixin:
    def cfp_is_open(self, now=None):
        """Proposals are taken from ``cfp_opens`` (empty: never) until ``cfp_closes`` (empty:
        the start of the conference)."""
        now = now or timezone.now()
        if self.cfp_opens is None or now < self.cfp_opens:
            return False
        return now < (self.cfp_closes or self.start)

    @path("propose/", name="propose")
    def proposal_form(self, request):
        return csrf_protect(self._proposal_form)(request)

    def _proposal_form(self, request):
        from ..domain.proposal import submit
        from ..forms import ProposalForm

        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        is_open = self.cfp_is_open()
        form = refusal = None
        if is_open:
            if request.method == "POST":
                form = ProposalForm(request.POST, request.FILES, conference=self)
                valid, refusal = throttle.validate(request, form, "proposal")
                if valid:
                    try:
                        submit(self, form)
                    except ValidationError as error:
                        form.add_error(None, error)
                    else:
                        return HttpResponseRedirect(
                            self.url + self.reverse_subpage("proposal_done")
                        )
            else:
                form = ProposalForm(conference=self)
        context = {
            "page": self,
            "self": self,
            "form": form,
            "is_open": is_open,
            "closes": self.cfp_closes or self.start,
        }
        response = TemplateResponse(request, "events/cfp/form.html", context)
        return throttle.throttled(response, refusal) if refusal else response

    @path("propose/done/", name="proposal_done")
    def proposal_done(self, request):
        return TemplateResponse(request, "events/cfp/done.html", {"page": self, "self": self})

    @path("proposal/<str:token>/", name="proposal_status")
    def proposal_status(self, request, token):
        return csrf_protect(self._proposal_status)(request, token)

    def _proposal_status(self, request, token):
        from ..domain.proposal import withdraw
        from ..models import Proposal
        from ..retention import erase_proposal

        proposal = (
            Proposal.objects.select_related("section", "talk__session")
            .filter(conference=self, token=token[:64], anonymised_at=None)
            .first()
        )
        if proposal is None or link_expired(self.end, proposal.created_at):
            return private_response(
                TemplateResponse(
                    request, "events/cfp/not_found.html", {"page": self, "self": self}, status=404
                )
            )
        if request.method == "POST":
            action = request.POST.get("action")
            if action == "erase":
                return erase_on_request(request, self, lambda: erase_proposal(proposal))
            if action == "withdraw":
                withdraw(proposal)
            return HttpResponseRedirect(request.path)
        context = {
            "page": self,
            "self": self,
            "proposal": proposal,
            "confirm_erase": request.GET.get("erase") == "1",
        }
        return private_response(
            TemplateResponse(request, "events/cfp/status.html", context), has_forms=True
        )
