from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.defaults import permission_denied
from django.views.generic import FormView, TemplateView

from kuzbib_site.base import dates
from kuzbib_site.base.admin_views import AdminPageMixin

from . import documents, proceedings
from .domain import proposal as proposals
from .models import EVENT_TIMEZONE, ConferencePage, Proposal, Registration


class ProceedingsBuildView(AdminPageMixin, TemplateView):
    """Confirm (GET) and queue (POST) a rebuild of a conference's proceedings; for users who may
    edit the conference page."""

    template_name = "events/admin/proceedings_confirm.html"
    page_title = gettext_lazy("Conference proceedings")
    header_icon = "doc-full"

    def dispatch(self, request, page_id):
        self.conference = get_object_or_404(ConferencePage, pk=page_id)
        if not self.conference.permissions_for_user(request.user).can_edit():
            raise PermissionDenied
        return super().dispatch(request, page_id)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "conference": self.conference}

    def post(self, request, page_id):
        proceedings.request_build(self.conference, request.user)
        messages.success(request, _("The proceedings are queued for building."))
        return redirect("wagtailadmin_pages:edit", self.conference.pk)


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("accept", gettext_lazy("Accept into a session")),
            ("reject", gettext_lazy("Decline")),
        ],
        widget=forms.RadioSelect,
    )
    session = forms.ModelChoiceField(label=gettext_lazy("Session"), queryset=None, required=False)
    message = forms.CharField(
        label=gettext_lazy("Message to the author"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=3000,
    )

    def __init__(self, *args, proposal, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the sessions whose page the decider may edit: a leader's own section's sessions.
        self.fields["session"].queryset = proposals.sessions_for(proposal, user)
        self.fields["session"].label_from_instance = lambda session: session.title

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "accept" and not cleaned.get("session"):
            self.add_error("session", gettext_lazy("Choose the session the talk goes into."))
        return cleaned


class ProposalDecisionView(AdminPageMixin, FormView):
    """Accept a proposal into a session of its conference that the user may edit, or decline it,
    with a message that is e-mailed to the author. For editors of the conference and leaders of
    the proposal's section, never for the proposal's own author."""

    template_name = "events/admin/proposal_decide.html"
    form_class = ProposalDecisionForm
    page_title = gettext_lazy("Report proposal")
    header_icon = "doc-full"

    def dispatch(self, request, pk):
        self.proposal = get_object_or_404(
            Proposal.objects.select_related("conference", "section", "library"), pk=pk
        )
        if not proposals.can_decide(request.user, self.proposal):
            raise PermissionDenied
        return super().dispatch(request, pk)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "proposal": self.proposal, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "proposal": self.proposal}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                proposal = proposals.accept(
                    self.proposal, self.request.user, data["session"], data["message"]
                )
                if proposal.talk_id:
                    messages.success(
                        self.request, _("The proposal is accepted; the talk is in the programme.")
                    )
                else:
                    messages.success(
                        self.request,
                        _(
                            "The proposal is accepted; the talk is in a new draft of «%(session)s»."
                            " The author is told once an editor publishes it."
                        )
                        % {"session": data["session"].title},
                    )
            else:
                proposals.reject(self.proposal, self.request.user, data["message"])
                messages.success(self.request, _("The proposal is declined."))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return redirect("events_admin:proposal_decide", self.proposal.pk)


def proposal_file(request, pk):
    """The proposal's file, for those who may decide on it; never through a public URL."""
    proposal = get_object_or_404(Proposal, pk=pk)
    if not proposals.can_decide(request.user, proposal) or not proposal.file:
        raise Http404
    return FileResponse(
        proposal.file.open("rb"),
        as_attachment=True,
        filename=proposal.file.name.rsplit("/", 1)[-1],
    )


# --- Participants' documents: list, badges, certificates (PDF) --------------------------------


def can_print_participants(user, conference):
    """Editors of the conference page and users who may view registrations."""
    return user.has_perm("events.view_registration") or (
        conference.permissions_for_user(user).can_edit()
    )


class ParticipantDocumentView(AdminPageMixin, TemplateView):
    """A PDF about a conference's participants, as a download. GET only: nothing is written.
    Rendered in the request (see ``events/documents.py`` for the sizes that is fine for)."""

    http_method_names = ["get", "head", "options"]
    template_name = "events/admin/participant_documents_unavailable.html"
    page_title = gettext_lazy("Participants' documents")
    header_icon = "group"
    filename = "participants"

    def dispatch(self, request, page_id, **kwargs):
        self.conference = get_object_or_404(ConferencePage, pk=page_id)
        if not can_print_participants(request.user, self.conference):
            # A plain 403: Wagtail would turn a raised PermissionDenied into a redirect.
            return permission_denied(request, PermissionDenied())
        return super().dispatch(request, page_id, **kwargs)

    def get(self, request, page_id, **kwargs):
        return self.pdf_response(self.render_pdf(), self.filename)

    def render_pdf(self):
        raise NotImplementedError

    def pdf_response(self, pdf, name):
        response = HttpResponse(pdf, content_type="application/pdf")
        number = self.conference.number or self.conference.pk
        response["Content-Disposition"] = f'attachment; filename="{name}-{number}.pdf"'
        return response

    def unavailable(self, message):
        """An admin page that says why there is no document, instead of a PDF."""
        return self.render_to_response(
            self.get_context_data(conference=self.conference, message=message)
        )


class ParticipantsListView(ParticipantDocumentView):
    """Confirmed participants sorted by name; ``?sign_in=1`` adds a column to sign in at the
    door."""

    filename = "participants"

    def render_pdf(self):
        sign_in = self.request.GET.get("sign_in") == "1"
        if sign_in:
            self.filename = "sign-in-sheet"
        return documents.participants_pdf(self.conference, sign_in=sign_in)


class BadgesView(ParticipantDocumentView):
    """Name badges of the confirmed participants, eight to an A4 sheet."""

    filename = "badges"

    def render_pdf(self):
        return documents.badges_pdf(self.conference)


class CertificatesView(ParticipantDocumentView):
    """Certificates of participation for those marked as attended, once the conference has
    ended: all in one PDF, or one person's with ``registration_id``."""

    page_title = gettext_lazy("Certificates of participation")
    filename = "certificates"

    def get(self, request, page_id, registration_id=None):
        if not documents.certificates_available(self.conference):
            with timezone.override(EVENT_TIMEZONE):
                end = dates.moment(self.conference.end)
            return self.unavailable(
                _("Certificates of participation are issued after the conference ends (%(end)s).")
                % {"end": end}
            )
        if registration_id is not None:
            registration = get_object_or_404(
                Registration.objects.select_related("library"),
                pk=registration_id,
                conference=self.conference,
                attended=True,
            )
            pdf = documents.certificates_pdf(self.conference, [registration])
            return self.pdf_response(pdf, f"certificate-{registration.pk}")
        registrations = documents.attendees(self.conference)
        if not registrations:
            return self.unavailable(
                _("Nobody is marked as attended: there are no certificates to print.")
            )
        return self.pdf_response(
            documents.certificates_pdf(self.conference, registrations), self.filename
        )
