"""The admin for contest entries: «Конкурсные работы» with filters (flags among them), search and
CSV/XLSX export; each entry's page with what processing found in its files and the managers'
actions (process again, disqualify, withdraw); and the contest's ZIP archives of all entries.
Files, previews and archives are served by permission-checked views, never a public URL."""

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import capfirst
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.auth import require_admin_access
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import InspectView, SnippetViewSet

from kuzbib_site.base.exports import SafeExportIndexView
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.permissions import PublicFormOnlyPolicy, WithoutChooserMixin

from . import archive, processing, submission
from .models import ContestPage, EntriesArchive, Entry, EntryFile, EntryFlag, Nomination

register_permission_policy(Entry, PublicFormOnlyPolicy(Entry))

LIST_URL_NAME = "wagtailsnippets_contests_entry:list"
INSPECT_URL_NAME = "wagtailsnippets_contests_entry:inspect"
# Enough of a file's text to see what it is about; the whole of it is in the file itself.
TEXT_SHOWN = 20_000
# What a participant is told is a few sentences; a longer text is refused with a form error.
REASON_MAX = 2000
PREVIEW_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg"}
LOG_LEVELS = {
    "info": gettext_lazy("info"),
    "warning": gettext_lazy("warning"),
    "error": gettext_lazy("error"),
}
# Disqualifying or withdrawing no longer applies to an entry in one of these states (as for the
# participant's own withdrawal); only «process again» brings a disqualified entry back.
FINAL = (Entry.Status.WITHDRAWN, Entry.Status.DISQUALIFIED)


def can_view(user):
    return user.has_perm("contests.view_entry")


def can_change(user):
    return user.has_perm("contests.change_entry")


def field_label(name):
    return capfirst(Entry._meta.get_field(name).verbose_name)


# --- The listing -------------------------------------------------------------------------------


class RecordChoiceField(django_filters.fields.ModelChoiceField):
    """A record chosen by id. SQLite cannot even compare an id beyond 64 bits (a tampered URL):
    such an id is simply not one of the choices."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class RecordFilter(django_filters.ModelChoiceFilter):
    field_class = RecordChoiceField


class NominationChoiceField(RecordChoiceField):
    """Nominations named with their contest: two contests may both have «Библиотечный проект»."""

    def label_from_instance(self, nomination):
        return f"{nomination.contest.title}: {nomination.title}"


class NominationFilter(RecordFilter):
    field_class = NominationChoiceField


class EntryFilterSet(WagtailFilterSet):
    """The listing's filters; «flags» keeps entries that processing flagged, each entry once."""

    contest = RecordFilter(queryset=ContestPage.objects.order_by("-start"))
    nomination = NominationFilter(
        queryset=Nomination.objects.select_related("contest").order_by("contest", "sort_order")
    )
    municipality = RecordFilter(queryset=Municipality.objects.all())
    flags = django_filters.ChoiceFilter(
        label=gettext_lazy("Flags"),
        choices=[("any", gettext_lazy("any flag")), *EntryFlag.Kind.choices],
        method="filter_flags",
    )

    class Meta:
        model = Entry
        fields = ["contest", "nomination", "status", "municipality", "flags"]

    def filter_flags(self, queryset, name, value):
        # EXISTS rather than a join: an entry with several flags is still one row.
        flags = EntryFlag.objects.filter(entry=OuterRef("pk"))
        if value != "any":
            flags = flags.filter(kind=value)
        return queryset.filter(Exists(flags))


def flag_marks(entry):
    """«⚑ identical file, similar text» for a flagged entry (flags are prefetched)."""
    kinds = dict.fromkeys(str(flag.get_kind_display()) for flag in entry.flags.all())
    return f"⚑ {', '.join(kinds)}" if kinds else ""


class EntryIndexView(SafeExportIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for number, stored in enumerate(instance.files.all(), start=1):
            buttons.append(
                Button(
                    _("File %(number)s: %(name)s")
                    % {"number": number, "name": stored.original_name},
                    url=reverse("contests_entry_file", args=[stored.pk]),
                    icon_name="download",
                    priority=50 + number,
                )
            )
        return buttons

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if can_change(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Download all entries (ZIP)"), url=self.archives_url(), icon_name="download"
                )
            )
        return buttons

    def archives_url(self):
        """The filtered contest's archives, or the list of contests to choose from."""
        if self.filters and self.filters.is_valid():
            contest = self.filters.form.cleaned_data.get("contest")
            if contest is not None:
                return reverse("contests_contest_archives", args=[contest.pk])
        return reverse("contests_archives")


# --- Actions on an entry -----------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The participant reads it in the e-mail about the new status."),
    )


#: The status changes a manager makes with a reason, keyed by the action in their URL: the new
#: status, the button's label, the processing log's line and the message shown afterwards.
STATUS_ACTIONS = {
    "disqualify": {
        "status": Entry.Status.DISQUALIFIED,
        "label": gettext_lazy("Disqualify"),
        "log": gettext_lazy("Disqualified by %(user)s: %(reason)s"),
        "done": gettext_lazy("Entry %(code)s is disqualified; the participant is told by e-mail."),
    },
    "withdraw": {
        "status": Entry.Status.WITHDRAWN,
        "label": gettext_lazy("Withdraw"),
        "log": gettext_lazy("Withdrawn by %(user)s: %(reason)s"),
        "done": gettext_lazy("Entry %(code)s is withdrawn; the participant is told by e-mail."),
    },
}


@processing.in_site_language
def change_status(entry, action, reason, user, now=None):
    """Disqualify or withdraw ``entry`` with ``reason`` (what the participant reads), log who did
    it and e-mail the participant once committed. False if the entry is already withdrawn or
    disqualified. A processing run still going finds the entry no longer being processed and
    leaves it alone."""
    action = STATUS_ACTIONS[action]
    now = now or timezone.now()
    with transaction.atomic():
        entry = Entry.objects.select_for_update().get(pk=entry.pk)
        if entry.status in FINAL:
            return False
        entry.status = action["status"]
        entry.status_reason = reason
        if entry.status == Entry.Status.WITHDRAWN:
            entry.withdrawn_at = now
        entry.log(str(action["log"]) % {"user": user, "reason": reason}, level="warning", now=now)
        entry.save(update_fields=["status", "status_reason", "withdrawn_at", "processing_log"])
        submission.notify_status(entry.pk)
    return True


class EntryStatusView(WagtailAdminTemplateMixin, FormView):
    """Disqualify or withdraw an entry with a reason: GET shows the form (and changes nothing),
    POST changes the status. For users who may change entries."""

    template_name = "contests/admin/entry_status.html"
    form_class = ReasonForm
    header_icon = "doc-full-inverse"
    action = None

    def dispatch(self, request, pk):
        if not can_change(request.user):
            raise PermissionDenied
        self.entry = get_object_or_404(Entry.objects.select_related("contest"), pk=pk)
        return super().dispatch(request, pk)

    def get_prefix(self):
        return self.action

    def get_page_title(self):
        return STATUS_ACTIONS[self.action]["label"]

    def get_page_subtitle(self):
        return str(self.entry)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL_NAME), "label": capfirst(Entry._meta.verbose_name_plural)},
            {"url": reverse(INSPECT_URL_NAME, args=[self.entry.pk]), "label": str(self.entry)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "entry": self.entry,
            "allowed": self.entry.status not in FINAL,
            "label": self.get_page_title(),
        }

    def form_valid(self, form):
        if change_status(self.entry, self.action, form.cleaned_data["reason"], self.request.user):
            messages.success(
                self.request, STATUS_ACTIONS[self.action]["done"] % {"code": self.entry.code}
            )
        else:
            messages.error(self.request, _("The entry is already withdrawn or disqualified."))
        return redirect(INSPECT_URL_NAME, self.entry.pk)


@require_POST
def reprocess_entry(request, pk):
    """«Process again»: the entry waits again and a fresh processing run is sent."""
    if not can_change(request.user):
        raise PermissionDenied
    entry = get_object_or_404(Entry.objects.select_related("contest"), pk=pk)
    if processing.reprocess(entry, user=request.user):
        messages.success(
            request, _("Entry %(code)s is being processed again.") % {"code": entry.code}
        )
    else:
        messages.error(request, _("A withdrawn entry is not processed again."))
    return redirect(INSPECT_URL_NAME, entry.pk)


# --- The entry's page --------------------------------------------------------------------------


class EntryInspectView(InspectView):
    """Everything about one entry: the participant, where it stands and why, each file as
    processing saw it (preview, counts, SHA-256, problem, text), its flags, the processing log
    and, for those who may change entries, the actions."""

    def get_object(self, queryset=None):
        return get_object_or_404(
            Entry.objects.select_related("contest", "nomination", "municipality", "library"),
            pk=unquote(str(self.pk)),
        )

    def get_fields_context(self):
        entry = self.object
        rows = [
            (field_label("contest"), entry.contest.title),
            (field_label("nomination"), entry.nomination.title),
            (field_label("title"), entry.title),
            (field_label("description"), entry.description),
            (_("Participant"), entry.full_name),
            (field_label("birth_date"), entry.birth_date),
            (field_label("email"), entry.email),
            (field_label("phone"), entry.phone),
            (field_label("library"), entry.library_name),
            (field_label("position"), entry.position),
            (field_label("municipality"), entry.municipality.name),
        ]
        # Wagtail's template shows values with |localize, which leaves datetimes in UTC.
        rows += [
            (field_label(name), timezone.localtime(getattr(entry, name)))
            for name in ("created_at", "processed_at", "withdrawn_at")
            if getattr(entry, name)
        ]
        return [
            {"label": label, "value": value, "component": None}
            for label, value in rows
            if value not in ("", None)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entry = self.object
        user = self.request.user
        context.update(
            entry=entry,
            files=[
                {
                    "stored": stored,
                    "text": stored.text[:TEXT_SHOWN],
                    "text_cut": len(stored.text) > TEXT_SHOWN,
                }
                for stored in entry.files.all()
            ],
            flags=entry.flags.select_related("other_entry__contest", "file"),
            flagged_by=EntryFlag.objects.filter(other_entry=entry).select_related(
                "entry__contest", "file"
            ),
            log=[
                {
                    "at": parse_datetime(line.get("at", "")) or line.get("at", ""),
                    "level": LOG_LEVELS.get(line.get("level"), line.get("level", "")),
                    "message": line.get("message", ""),
                }
                for line in entry.processing_log
            ],
            can_view_files=can_view(user),
            can_change=can_change(user),
            can_reprocess=entry.status != Entry.Status.WITHDRAWN,
            is_final=entry.status in FINAL,
            reason_forms=[
                (
                    reverse(f"contests_entry_{name}", args=[entry.pk]),
                    action["label"],
                    ReasonForm(prefix=name),
                )
                for name, action in STATUS_ACTIONS.items()
            ],
            text_shown=TEXT_SHOWN,
        )
        return context


# --- The viewset ------------------------------------------------------------------------------


class EntryViewSet(WithoutChooserMixin, SnippetViewSet):
    """«Конкурсные работы»: the listing, export and each entry's page; no chooser (see
    ``WithoutChooserMixin``)."""

    model = Entry
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Contest entries")
    menu_order = 257
    add_to_admin_menu = True
    index_view_class = EntryIndexView
    inspect_view_enabled = True
    inspect_view_class = EntryInspectView
    inspect_template_name = "contests/admin/entry_inspect.html"
    filterset_class = EntryFilterSet
    list_display = [
        "code",
        "title",
        "full_name",
        "nomination",
        "municipality",
        "status",
        Column("flags", label=gettext_lazy("Flags"), accessor=flag_marks),
        "created_at",
    ]
    search_fields = ["title", "last_name", "email"]
    ordering = ["contest", "number"]
    list_export = [
        "code",
        "title",
        "full_name",
        "birth_date",
        "email",
        "phone",
        "library",
        "new_library_name",
        "municipality",
        "position",
        "nomination",
        "get_status_display",
        "status_reason",
        "created_at",
        "consent_given_at",
    ]
    export_headings = {
        "code": gettext_lazy("Number"),
        "full_name": gettext_lazy("Participant"),
        "get_status_display": gettext_lazy("Status"),
    }
    export_filename = "contest-entries"

    def get_queryset(self, request):
        return Entry.objects.select_related(
            "contest", "nomination", "municipality", "library"
        ).prefetch_related("files", "flags")


# --- Files and previews ------------------------------------------------------------------------


@require_admin_access
def entry_file(request, pk):
    """An entry's file, for users who may see entries."""
    stored = get_object_or_404(EntryFile.objects.select_related("entry"), pk=pk)
    if not can_view(request.user):
        raise Http404
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)


@require_admin_access
def entry_preview(request, pk):
    """The preview image processing made of a file's first page, for users who may see
    entries; the pipeline wrote it itself (decoded and re-encoded), so it is shown inline."""
    stored = get_object_or_404(EntryFile, pk=pk)
    if not can_view(request.user) or not stored.preview:
        raise Http404
    content_type = PREVIEW_TYPES.get(stored.preview.name.rpartition(".")[2].lower())
    if content_type is None:
        raise Http404
    response = FileResponse(stored.preview.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- ZIP archives of a contest's entries -------------------------------------------------------


class ArchivesView(WagtailAdminTemplateMixin, TemplateView):
    """«Download all entries (ZIP)»: without a contest, the contests to choose from; with one,
    its archives with their status and download links, and a button for a new one. For managers
    («Can change entry»): a ZIP holds every participant's files at once."""

    template_name = "contests/admin/archives.html"
    page_title = gettext_lazy("Download all entries (ZIP)")
    header_icon = "download"

    def dispatch(self, request, contest_id=None):
        if not can_change(request.user):
            raise PermissionDenied
        self.contest = get_object_or_404(ContestPage, pk=contest_id) if contest_id else None
        return super().dispatch(request, contest_id)

    def get_page_subtitle(self):
        return self.contest.title if self.contest else ""

    def get_breadcrumbs_items(self):
        items = [
            *self.breadcrumbs_items,
            {"url": reverse(LIST_URL_NAME), "label": capfirst(Entry._meta.verbose_name_plural)},
        ]
        if self.contest:
            items.append({"url": reverse("contests_archives"), "label": self.get_page_title()})
        return [*items, {"url": "", "label": self.get_header_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.contest is None:
            context["contests"] = ContestPage.objects.annotate(
                entry_count=Count("entries")
            ).order_by("-start")
        else:
            context["contest"] = self.contest
            context["archives"] = self.contest.archives.select_related("requested_by")[:20]
        return context


@require_POST
def request_archive(request, contest_id):
    """Ask for a new ZIP of the contest's entries (or join one asked for moments ago)."""
    if not can_change(request.user):
        raise PermissionDenied
    contest = get_object_or_404(ContestPage, pk=contest_id)
    archive.request(contest, request.user)
    messages.success(
        request,
        _("The ZIP of the entries is being prepared; reload this page to see when it is ready."),
    )
    return redirect("contests_contest_archives", contest.pk)


@require_admin_access
def download_archive(request, pk):
    """A ready archive, for managers (users who may change entries)."""
    ready = get_object_or_404(EntriesArchive.objects.select_related("contest"), pk=pk)
    if (
        not can_change(request.user)
        or ready.status != EntriesArchive.Status.READY
        or not ready.file
    ):
        raise Http404
    return FileResponse(
        ready.file.open("rb"), as_attachment=True, filename=archive.download_name(ready.contest)
    )


def admin_urls():
    return [
        path("contests/files/<int:pk>/", entry_file, name="contests_entry_file"),
        path("contests/previews/<int:pk>/", entry_preview, name="contests_entry_preview"),
        path(
            "contests/entries/<int:pk>/reprocess/",
            reprocess_entry,
            name="contests_entry_reprocess",
        ),
        *(
            path(
                f"contests/entries/<int:pk>/{action}/",
                EntryStatusView.as_view(action=action),
                name=f"contests_entry_{action}",
            )
            for action in STATUS_ACTIONS
        ),
        path("contests/archives/", ArchivesView.as_view(), name="contests_archives"),
        path(
            "contests/archives/<int:contest_id>/",
            ArchivesView.as_view(),
            name="contests_contest_archives",
        ),
        path(
            "contests/archives/<int:contest_id>/request/",
            request_archive,
            name="contests_archive_request",
        ),
        path(
            "contests/archives/download/<int:pk>/",
            download_archive,
            name="contests_archive_download",
        ),
    ]
