"""«Страницы выпуска» in the admin: an issue's uploads and scanned pages with their progress, the
form that uploads a PDF, page images or a ZIP of them, and «Run again» for one page. For users
who may edit the issue's page.

The form checks each file as the worker will (``ingest.check_file``: its kind by content, its
size, its page count and every page's pixel size from the headers, an archive's paths) and
refuses the whole batch with a message naming the file before anything is saved. The progress
is a plain page: a reload link, and at the editor's choice a page that reloads itself every few
seconds while pages are being processed (no script)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from kuzbib_site.base.queue import enqueue_on_commit
from kuzbib_site.base.uploads import safe_filename

from . import ingest, ocr, tiles
from .conf import setting
from .models import IssuePage, IssueUpload, Scan

#: Files one form may send at once (page images picked one by one).
MAX_FILES = 400
#: Seconds between reloads while the editor watches the progress.
RELOAD_SECONDS = 5
ACCEPT = ",".join(
    ["application/pdf", "image/jpeg", "image/png", "image/tiff", "application/zip"]
    + [".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff", ".zip"]
)


def can_edit(user, issue):
    return issue.permissions_for_user(user).can_edit()


def _issue_for(request, issue_id):
    issue = get_object_or_404(IssuePage, pk=issue_id)
    if not can_edit(request.user, issue):
        raise PermissionDenied
    return issue


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files from one input. An empty file passes here so that the ingest's check
    refuses it by name."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(item, initial) for item in files]


class UploadForm(forms.Form):
    files = FilesField(
        label=gettext_lazy("Files of the issue"),
        help_text=gettext_lazy(
            "A PDF of the issue, its pages as JPEG, PNG or TIFF images (several may be picked "
            "at once: they become pages in the order of their names), or a ZIP of such images."
        ),
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if len(files) > MAX_FILES:
            raise ValidationError(
                _("At most %(count)s files may be sent at once.") % {"count": MAX_FILES}
            )
        problems = []
        pages = 0
        for uploaded in files:
            try:
                pages += len(ingest.check_file(uploaded, uploaded.name))
            except ingest.Refused as error:
                problems.append(error.message)
            finally:
                uploaded.seek(0)
        if problems:
            raise ValidationError(problems)
        if pages > setting("MAX_PAGES"):
            raise ValidationError(
                _("These files have %(count)s pages together; at most %(limit)s are accepted.")
                % {"count": pages, "limit": setting("MAX_PAGES")}
            )
        return sorted(files, key=lambda uploaded: ingest.natural_key(uploaded.name))


def save_uploads(issue, files, user):
    """An ``IssueUpload`` per file (in order), each split once the transaction commits."""
    from .tasks import split_upload  # noqa: PLC0415 — tasks import the ingest, not the admin

    made = []
    with transaction.atomic():
        for uploaded in files:
            name = safe_filename(uploaded.name, 200)
            # The stored path (``YYYY/MM/name``) must fit the file field's 100 characters.
            uploaded.name = safe_filename(uploaded.name, 80)
            upload = IssueUpload.objects.create(
                issue=issue, file=uploaded, original_name=name, uploaded_by=user
            )
            enqueue_on_commit(split_upload, upload_id=upload.pk)
            made.append(upload)
    return made


class IssuePagesView(WagtailAdminTemplateMixin, FormView):
    """The issue's uploads and pages, counts («обработано 5 из 8») and the upload form."""

    template_name = "periodicals/admin/issue_pages.html"
    form_class = UploadForm
    page_title = gettext_lazy("Pages of the issue")
    header_icon = "doc-full-inverse"

    def dispatch(self, request, issue_id):
        self.issue = _issue_for(request, issue_id)
        return super().dispatch(request, issue_id)

    def get_page_subtitle(self):
        return self.issue.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("wagtailadmin_pages:edit", args=[self.issue.pk]),
                "label": self.issue.title,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = ingest.progress(self.issue)
        busy_uploads = self.issue.uploads.filter(
            status__in=[IssueUpload.Status.QUEUED, IssueUpload.Status.SPLITTING]
        ).exists()
        working = busy_uploads or counts["done"] < counts["total"]
        watch = self.request.GET.get("watch") == "1"
        context.update(
            issue=self.issue,
            counts=counts,
            uploads=self.issue.uploads.select_related("uploaded_by")[:50],
            scans=Scan.objects.filter(issue=self.issue)
            .defer("alto", "text", "lemmas")
            .order_by("number"),
            working=working,
            watch=watch,
            reload_seconds=RELOAD_SECONDS if working and watch else None,
            ocr_available=ocr.available(),
            limits={
                "bytes": setting("UPLOAD_MAX_BYTES"),
                "pages": setting("MAX_PAGES"),
                "megapixels": setting("MAX_PAGE_PIXELS") // 1_000_000,
            },
        )
        return context

    def form_valid(self, form):
        made = save_uploads(self.issue, form.cleaned_data["files"], self.request.user)
        messages.success(
            self.request,
            ngettext(
                "%(count)s file was received; its pages are being prepared.",
                "%(count)s files were received; their pages are being prepared.",
                len(made),
            )
            % {"count": len(made)},
        )
        return redirect(reverse("periodicals_issue_pages", args=[self.issue.pk]) + "?watch=1")


def _scan_for(request, pk):
    scan = get_object_or_404(Scan.objects.select_related("issue"), pk=pk)
    if not can_edit(request.user, scan.issue):
        raise PermissionDenied
    return scan


@require_POST
def rerun_scan(request, pk):
    """«Run again»: one page tiled and recognised anew."""
    from .tasks import process_scan  # noqa: PLC0415

    scan = _scan_for(request, pk)
    if ingest.rerun(scan.pk):
        enqueue_on_commit(process_scan, scan_id=scan.pk)
        messages.success(
            request, _("Page %(number)s will be processed again.") % {"number": scan.number}
        )
    else:
        messages.warning(
            request,
            _("Page %(number)s is being processed or has no image; it was not sent again.")
            % {"number": scan.number},
        )
    return redirect(reverse("periodicals_issue_pages", args=[scan.issue_id]) + "?watch=1")


def scan_thumbnail(request, pk):
    """A page's smallest whole-page image, for the admin's list (the public views check the
    issue's access; here the editor's right to edit the issue)."""
    scan = _scan_for(request, pk)
    sizes = tiles.full_sizes(scan.width, scan.height) if scan.tiled else []
    if not sizes:
        raise Http404
    width, height = sizes[0]
    name = f"{scan.tile_prefix}full/{width},{height}/0/default.jpg"
    storage = Scan._meta.get_field("image").storage
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    return response
