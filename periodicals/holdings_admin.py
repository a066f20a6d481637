"""The union catalogue in Wagtail's admin.

- «Фонды периодики» (``HoldingViewSet``): a library's holdings of a title — the statement, the
  shelf mark and the issues held typed as lines a librarian reads at a glance::

      1956–1960
      1962: 1–150, 152
      1963: спецвыпуск

  (a year or a span of years alone: held whole; after a colon: the numbers held). Wagtail's
  model permissions apply (add/change/delete holding).
- «Импорт фондов» (``ImportsView``, ``ImportView``, ``apply_import``): uploading a file (format,
  default library), the dry run's report as a table, «Apply», the status. Who may: users with
  «Can add holdings import» (``periodicals.add_holdingsimport``); anyone else gets 403. While a
  worker is busy the page reloads itself (a ``<meta http-equiv="refresh">``; no script).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet

from kuzbib_site.base.admin_views import AdminPageMixin
from kuzbib_site.base.models import Library

from . import holdings_import, summary
from .conf import setting
from .models import HeldIssue, Holding, HoldingsImport

IMPORT_PERMISSION = "periodicals.add_holdingsimport"
PER_PAGE = 100
REFRESH_SECONDS = 2
ACTION_LABELS = {
    "create": gettext_lazy("new holding"),
    "update": gettext_lazy("adds to a holding"),
    "skip": gettext_lazy("already held, nothing to add"),
    "error": gettext_lazy("refused"),
}


# -- the issues held, as lines -------------------------------------------------------------


def lines_as_issues(text):
    """The (year, number) pairs of the lines; ValidationError naming each bad line."""
    issues, errors = set(), []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        years, _colon, numbers = line.partition(":")
        try:
            issues |= holdings_import._issues_of(years, numbers)
        except ValueError as error:
            errors.append(_("Line %(number)s: %(problem)s") % {"number": number, "problem": error})
    if errors:
        raise ValidationError(errors)
    return issues


class HoldingForm(WagtailAdminModelForm):
    issues_text = forms.CharField(
        label=gettext_lazy("Issues held"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "One line per year or span of years: «1956–1960» — held whole; «1962: 1–150, 152» — "
            "these numbers of 1962. The statement is made from these lines when left empty."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            rows = self.instance.issues.values_list("year", "number")
            self.fields["issues_text"].initial = summary.issues_as_lines(rows)

    def clean_issues_text(self):
        return lines_as_issues(self.cleaned_data["issues_text"])

    def save(self, commit=True):
        holding = super().save(commit=commit)
        if commit:
            with transaction.atomic():
                wanted = self.cleaned_data["issues_text"]
                held = set(holding.issues.values_list("year", "number"))
                for year, number in held - wanted:
                    holding.issues.filter(year=year, number=number).delete()
                HeldIssue.objects.bulk_create(
                    [HeldIssue(holding=holding, year=y, number=n) for y, n in wanted - held],
                    ignore_conflicts=True,
                )
        return holding


class HoldingIndexView(IndexView):
    """The listing, with each row's statement made against its title's known issues: a year
    held by numbers is complete only when it holds every issue the archive knows of that year
    (one query for all the titles on the page, as the public catalogue does)."""

    def get_table(self, object_list):
        rows = list(object_list)
        known = summary.known_numbers_of(
            {holding.title_id: holding.title for holding in rows}.values()
        )
        for holding in rows:
            holding.statement = summary.holding_statement(
                holding, known=known.get(holding.title_id, {})
            )
        return super().get_table(rows)


class HoldingViewSet(ModelViewSet):
    """«Фонды периодики»: every library's holdings of every title."""

    model = Holding
    icon = "table"
    menu_label = gettext_lazy("Holdings of periodicals")
    menu_order = 460
    add_to_admin_menu = True
    url_prefix = "periodicals/holdings"
    name = "periodicals_holdings"
    index_view_class = HoldingIndexView
    list_display = [
        "title",
        "library",
        Column("statement", label=gettext_lazy("holdings")),
        "call_number",
        "updated_at",
    ]
    list_filter = ["library", "source"]
    # Found by the title's or the library's name in the database (holdings are not indexed).
    search_fields = ["title__title", "library__full_name", "library__short_name"]
    search_backend_name = None
    ordering = ["title__title", "library__full_name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("title"), FieldPanel("library")]),
            FieldPanel("issues_text"),
            FieldPanel("summary"),
            FieldRowPanel([FieldPanel("call_number"), FieldPanel("note")]),
        ],
        base_form_class=HoldingForm,
    )

    def get_queryset(self, request):
        return Holding.objects.select_related("title", "library").prefetch_related("issues")


# -- imports -------------------------------------------------------------------------------


def can_import(user):
    return user.has_perm(IMPORT_PERMISSION)


def _require(request):
    if not can_import(request.user):
        raise PermissionDenied


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "MARC 21 Holdings or RUSMARC records (ISO 2709, UTF-8 or Windows-1251), or CSV."
        ),
    )
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=HoldingsImport.Format.choices)
    library = forms.ModelChoiceField(
        label=gettext_lazy("Library"),
        queryset=Library.objects.order_by("full_name"),
        required=False,
        help_text=gettext_lazy("The holder of the records that name no library."),
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        holdings_import.check_file(uploaded)
        return uploaded


class ImportsView(AdminPageMixin, FormView):
    """The upload form and the latest imports."""

    template_name = "periodicals/admin/holdings_imports.html"
    form_class = UploadForm
    page_title = gettext_lazy("Import holdings")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "imports": HoldingsImport.objects.select_related("library", "created_by")[:20],
            "max_bytes": setting("HOLDINGS_MAX_BYTES"),
            "columns": [names[0] for names in holdings_import.COLUMNS.values()],
        }

    def form_valid(self, form):
        try:
            item = holdings_import.upload(
                form.cleaned_data["file"],
                form.cleaned_data["format"],
                form.cleaned_data["library"],
                self.request.user,
            )
        except holdings_import.Refused as refusal:
            form.add_error("file", refusal.messages)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The file is uploaded and is being checked; nothing is imported yet.")
        )
        return redirect("periodicals_holdings_import", item.pk)


class ImportView(WagtailAdminTemplateMixin, TemplateView):
    """One import: its status, the dry run's report (refusals first) and «Apply»."""

    template_name = "periodicals/admin/holdings_import.html"
    header_icon = "upload"

    def dispatch(self, request, pk):
        _require(request)
        self.item = get_object_or_404(
            HoldingsImport.objects.select_related("library", "created_by"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Import holdings")

    def get_page_subtitle(self):
        return self.item.original_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("periodicals_holdings_imports"), "label": _("Import holdings")},
            {"url": "", "label": self.item.original_name},
        ]

    def get_context_data(self, **kwargs):
        item = self.item
        report = item.report or {}
        rows = report.get("rows", [])
        page_obj = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page"))
        working = item.status in (HoldingsImport.Status.CHECKING, HoldingsImport.Status.APPLYING)
        return {
            **super().get_context_data(**kwargs),
            "item": item,
            "Status": HoldingsImport.Status,
            "refresh": REFRESH_SECONDS if working else None,
            "refused": report.get("refused", []),
            "counts": [
                (action, ACTION_LABELS[action], report.get("counts", {}).get(action, 0))
                for action in ("create", "update", "skip", "error")
            ],
            "report": report,
            "page_obj": page_obj,
            "rows": [{**row, "label": ACTION_LABELS.get(row["action"], "")} for row in page_obj],
            "can_apply": item.status == HoldingsImport.Status.CHECKED,
        }


@require_POST
def apply_import(request, pk):
    """«Apply»: the checked import goes to the worker."""
    _require(request)
    item = get_object_or_404(HoldingsImport, pk=pk)
    if holdings_import.request_apply(item):
        messages.success(request, _("The import is being applied; this page shows when it is."))
    else:
        messages.error(request, _("This import cannot be applied (again)."))
    return redirect("periodicals_holdings_import", item.pk)
