"""«Исправления текста» in Wagtail's admin: the readers' corrections waiting for an editor, and
one correction's page — the clip of the page image where the line stands, the text before and
after, the line's whole history (pending and refused suggestions too) and the decisions (accept;
reject with a reason), each through ``periodicals.domain.corrections``.

Who sees what is the domain's rule (``corrections.moderated_by``): an editor of a library that
holds the title (``CorrectionModerator``) sees that title's corrections only; archive-wide
editors (``periodicals.moderate_correction``) and superusers see all. Anyone else gets 403; a
correction of a title the user does not moderate is a 404, as if it did not exist. Wagtail's
``register_admin_urls`` already requires admin access. Editors of the moderators themselves:
the ``CorrectionModerator`` snippet, for those with its model permissions."""

from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from kuzbib_site.base.admin_views import AdminPageMixin

from . import alto
from .domain import corrections
from .models import Correction, CorrectionModerator, TitlePage
from .views.corrections import clip_url

PER_PAGE = 50
LIST_URL_NAME = "periodicals_corrections"
ONE_URL_NAME = "periodicals_correction"


def _require(user):
    if not corrections.is_moderator(user):
        raise PermissionDenied


def _titles_of(issues):
    """{issue id: its title page} in one query: an issue's parent is its title."""
    steps = TitlePage.steplen
    paths = {issue.pk: issue.path[:-steps] for issue in issues}
    titles = {t.path: t for t in TitlePage.objects.filter(path__in=set(paths.values()))}
    return {pk: titles.get(parent) for pk, parent in paths.items()}


def _line_clip(correction):
    try:
        page = alto.parse(correction.scan.alto) if correction.scan.alto else None
    except alto.InvalidAlto:
        return ""
    line = next((each for each in page.lines if each.id == correction.line), None) if page else None
    return clip_url(correction.scan.issue.url, correction.scan, line) if line else ""


class CorrectionsView(AdminPageMixin, TemplateView):
    """The corrections waiting for the user's decision, oldest first."""

    template_name = "periodicals/admin/corrections.html"
    page_title = gettext_lazy("Text corrections")
    header_icon = "edit"

    def dispatch(self, request, *args, **kwargs):
        _require(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        pending = corrections.moderated_by(
            self.request.user,
            Correction.objects.filter(status=Correction.Status.PENDING)
            .select_related("scan", "scan__issue")
            .order_by("created_at", "pk"),
        )
        listing = Paginator(pending, PER_PAGE).get_page(self.request.GET.get("p"))
        rows = list(listing.object_list)
        titles = _titles_of([row.scan.issue for row in rows])
        return {
            **super().get_context_data(**kwargs),
            "listing": listing,
            "rows": [
                {"correction": row, "title": titles.get(row.scan.issue_id), "clip": _line_clip(row)}
                for row in rows
            ],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=corrections.REASON_MAX_CHARS,
        help_text=gettext_lazy("Kept with the correction for the other editors."),
    )


class CorrectionView(WagtailAdminTemplateMixin, TemplateView):
    """One correction: GET shows it with the line's history and the decisions; a POST with
    ``accept`` or ``reject`` decides."""

    template_name = "periodicals/admin/correction.html"
    page_title = gettext_lazy("Text correction")
    header_icon = "edit"

    def dispatch(self, request, pk):
        _require(request.user)
        self.correction = (
            corrections.moderated_by(request.user, Correction.objects.filter(pk=pk))
            .select_related("scan", "scan__issue", "moderated_by")
            .first()
        )
        if self.correction is None:
            raise Http404
        return super().dispatch(request, pk)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL_NAME), "label": _("Text corrections")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, form=None, **kwargs):
        correction = self.correction
        issue = correction.scan.issue
        return {
            **super().get_context_data(**kwargs),
            "correction": correction,
            "issue": issue,
            "title": _titles_of([issue]).get(issue.pk),
            "clip": _line_clip(correction),
            "current": corrections.current_text(correction.scan, correction.line),
            "history": corrections.history(correction.scan, correction.line),
            "pending": correction.status == Correction.Status.PENDING,
            "form": form or ReasonForm(),
        }

    def post(self, request, pk):
        form = ReasonForm(request.POST)
        if "accept" in request.POST:
            change = lambda: corrections.accept(self.correction, request.user)  # noqa: E731
            done = _("The correction is accepted: the line now reads as corrected.")
        elif "reject" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            change = lambda: corrections.reject(self.correction, request.user, reason)  # noqa: E731
            done = _("The correction is rejected.")
        else:
            return self.render_to_response(self.get_context_data(form=form))
        try:
            change()
        except corrections.Refused as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(ONE_URL_NAME, self.correction.pk)
        messages.success(request, done)
        return redirect(LIST_URL_NAME)


# --- Registration -------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def correction_urls():
    return [
        path("periodicals/corrections/", CorrectionsView.as_view(), name=LIST_URL_NAME),
        path("periodicals/corrections/<int:pk>/", CorrectionView.as_view(), name=ONE_URL_NAME),
    ]


class CorrectionsMenuItem(MenuItem):
    def is_shown(self, request):
        return corrections.is_moderator(request.user)


@hooks.register("register_admin_menu_item")
def corrections_menu_item():
    return CorrectionsMenuItem(
        gettext_lazy("Text corrections"),
        reverse(LIST_URL_NAME),
        name="periodicals-corrections",
        icon_name="edit",
        order=460,
    )


@hooks.register("register_permissions")
def moderate_permission():
    """«Can moderate text corrections of every title» in the groups' settings."""
    return Permission.objects.filter(
        content_type__app_label="periodicals", codename="moderate_correction"
    )


class CorrectionModeratorViewSet(SnippetViewSet):
    """Which editor moderates the corrections of which library's titles."""

    model = CorrectionModerator
    icon = "user"
    menu_label = gettext_lazy("Corrections moderators")
    add_to_settings_menu = True
    list_display = ["user", "library"]
    list_filter = ["library"]


register_snippet(CorrectionModeratorViewSet)
