"""«Импорт героев» in the admin: uploading a spreadsheet, the dry run's preview (what each row
would do and what is wrong with it), the import with its progress, and the template.

Who may: users with the permission «Can import heroes» (``heroes_archive.import_heroes``, given
to the archive's editors' group); anyone else gets 403. An import publishes heroes in bulk, so it
is a right of its own, not implied by Wagtail's page permissions. Wagtail's
``register_admin_urls`` already requires admin access.

While a worker has something to do the page reloads itself (a ``<meta http-equiv="refresh">``
in its head: the admin's CSP allows no inline script, and none is needed)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from kuzbib_site.base.admin_views import AdminPageMixin
from kuzbib_site.base.uploads import spooled

from . import columns, exports, importer
from .conf import setting
from .models import HeroImport, HeroIndexPage

PERMISSION = "heroes_archive.import_heroes"
#: Rows of the preview per page.
PER_PAGE = 100
#: Seconds between the reloads of a page whose import a worker is busy with.
REFRESH_SECONDS = 2
#: The preview's tabs: which rows each shows.
SHOW = {
    "problems": ("error",),
    "create": ("create",),
    "update": ("update",),
    "skip": ("skip",),
    "all": importer.ACTIONS,
}
ACTION_LABELS = {
    "create": gettext_lazy("will be added"),
    "update": gettext_lazy("will be updated"),
    "skip": gettext_lazy("unchanged, skipped"),
    "error": gettext_lazy("has problems, left out"),
}
COUNT_LABELS = {
    "create": gettext_lazy("New heroes"),
    "update": gettext_lazy("Heroes to update"),
    "skip": gettext_lazy("Unchanged rows (skipped)"),
    "error": gettext_lazy("Rows with problems (left out)"),
}
DONE_LABELS = {
    "create": gettext_lazy("added"),
    "update": gettext_lazy("updated"),
    "skip": gettext_lazy("unchanged"),
    "error": gettext_lazy("left out"),
}


def can_import(user):
    return user.has_perm(PERMISSION)


def _require(request):
    if not can_import(request.user):
        raise PermissionDenied


def imports_crumb():
    return {"url": reverse("heroes_imports"), "label": _("Import heroes")}


class UploadForm(forms.Form):
    archive = forms.ModelChoiceField(
        label=gettext_lazy("Archive"),
        queryset=HeroIndexPage.objects.order_by("title"),
        empty_label=None,
    )
    spreadsheet = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV or XLSX)"),
        help_text=gettext_lazy(
            "The columns of the template; CSV in UTF-8 (or as Excel saves it in Windows-1251)."
        ),
    )

    def clean_spreadsheet(self):
        uploaded = self.cleaned_data["spreadsheet"]
        try:
            self.sheet = importer.inspect(uploaded)
        except importer.Refused as refusal:
            raise ValidationError(refusal.messages) from None
        return uploaded


class ImportsView(AdminPageMixin, FormView):
    """The upload form, the template's columns and the latest imports."""

    template_name = "heroes_archive/admin/imports.html"
    form_class = UploadForm
    page_title = gettext_lazy("Import heroes")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        _require(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "imports": HeroImport.objects.select_related("requested_by", "index_page")[:20],
            "columns": columns.COLUMNS,
            "separator": columns.separator(),
            "max_rows": setting("IMPORT_MAX_ROWS"),
            "max_bytes": setting("IMPORT_MAX_BYTES"),
            "has_archive": HeroIndexPage.objects.exists(),
        }

    def form_valid(self, form):
        try:
            heroimport = importer.upload(
                form.cleaned_data["archive"],
                form.cleaned_data["spreadsheet"],
                self.request.user,
                sheet=form.sheet,
            )
        except importer.Refused as refusal:
            form.add_error("spreadsheet", refusal.messages)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The spreadsheet is uploaded and is being checked; nothing is imported yet."),
        )
        return redirect("heroes_import", heroimport.pk)


class ImportView(WagtailAdminTemplateMixin, TemplateView):
    """One import: its progress while a worker is at it, the dry run's preview (counts, the rows
    by what they would do, each row's problems) with the «Import» button, then the outcome."""

    template_name = "heroes_archive/admin/import.html"
    header_icon = "upload"

    def dispatch(self, request, pk):
        _require(request)
        self.heroimport = get_object_or_404(
            HeroImport.objects.select_related("index_page", "requested_by", "imported_by"), pk=pk
        )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Import heroes")

    def get_page_subtitle(self):
        return self.heroimport.original_name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            imports_crumb(),
            {"url": "", "label": self.heroimport.original_name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        heroimport = self.heroimport
        report = heroimport.report or {}
        outcome = heroimport.outcome or {}
        phase = heroimport.phase
        show = self.request.GET.get("show")
        counts = report.get("counts", {})
        if show not in SHOW:
            show = "problems" if counts.get("error") else "all"
        rows = [row for row in report.get("rows", ()) if row.get("action") in SHOW[show]]
        page_obj = Paginator(rows, PER_PAGE).get_page(self.request.GET.get("page"))
        context.update(
            heroimport=heroimport,
            phase=phase,
            Phase=HeroImport.Phase,
            refresh=REFRESH_SECONDS if heroimport.is_working else None,
            counts=[
                (action, COUNT_LABELS[action], counts.get(action, 0)) for action in SHOW["all"]
            ],
            done_counts=[
                (action, DONE_LABELS[action], outcome.get("counts", {}).get(action, 0))
                for action in SHOW["all"]
            ],
            tabs=[
                (name, label, name == show)
                for name, label in (
                    ("problems", _("With problems")),
                    ("create", _("New")),
                    ("update", _("Updated")),
                    ("skip", _("Unchanged")),
                    ("all", _("All rows")),
                )
            ],
            show=show,
            page_obj=page_obj,
            rows=[{**row, "label": ACTION_LABELS.get(row["action"], "")} for row in page_obj],
            refused=report.get("refused") or outcome.get("refused") or [],
            outcome_rows=outcome.get("rows", [])[:1000],
            can_start=heroimport.can_import,
            encoding_note=report.get("encoding") == "cp1251",
        )
        return context


@require_POST
def start_import(request, pk):
    """«Import»: the checked spreadsheet goes to the worker."""
    _require(request)
    heroimport = get_object_or_404(HeroImport, pk=pk)
    if importer.request_import(heroimport, request.user):
        messages.success(request, _("The import has started; this page shows its progress."))
    else:
        messages.error(request, _("This spreadsheet cannot be imported (again)."))
    return redirect("heroes_import", heroimport.pk)


def import_template(request, file_format):
    """The template: the headers and an example row (the XLSX also describes every column)."""
    _require(request)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    spool = spooled(lambda out: exports.template(file_format, out))
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"heroes-template.{file_format}",
        content_type=exports.FORMATS[file_format],
    )
