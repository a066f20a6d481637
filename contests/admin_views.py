"""The admin's views of one contest entry: its page (what processing found in its files, its
flags and log), the managers' actions (process again, disqualify, withdraw, accept a «may reveal
the author» flag) and its files, previews and copies for the jury, served by permission-checked
views, never a public URL.

Wagtail's ``register_admin_urls`` already requires admin access for every view here; each view
checks the entry permission it needs itself."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import capfirst
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import InspectView

from kuzbib_site.base import dates

from . import anonymity
from .domain import entry as entries
from .models import Entry, EntryFile, EntryFlag

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


def can_view(user):
    return user.has_perm("contests.view_entry")


def can_change(user):
    return user.has_perm("contests.change_entry")


def logged_at(line):
    """A log line's time as pages write a moment; a line without a readable time as it is."""
    raw = line.get("at", "")
    try:
        at = parse_datetime(raw)
    except ValueError:
        at = None
    return dates.moment(at) if at else raw


def field_label(name):
    return capfirst(Entry._meta.get_field(name).verbose_name)


def entries_crumb():
    """The breadcrumb of the entries' listing, above an entry's and the archives' pages."""
    return {"url": reverse(LIST_URL_NAME), "label": capfirst(Entry._meta.verbose_name_plural)}


# --- Actions on an entry -----------------------------------------------------------------------


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("The participant reads it in the e-mail about the new status."),
    )


#: The status changes a manager makes with a reason, keyed by the action in their URL: the
#: transition (``domain.entry``), the button's label and the message shown afterwards.
STATUS_ACTIONS = {
    "disqualify": {
        "change": entries.disqualify,
        "label": gettext_lazy("Disqualify"),
        "done": gettext_lazy("Entry %(code)s is disqualified; the participant is told by e-mail."),
    },
    "withdraw": {
        "change": entries.withdraw_by_organisers,
        "label": gettext_lazy("Withdraw"),
        "done": gettext_lazy("Entry %(code)s is withdrawn; the participant is told by e-mail."),
    },
}


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
            entries_crumb(),
            {"url": reverse(INSPECT_URL_NAME, args=[self.entry.pk]), "label": str(self.entry)},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "entry": self.entry,
            "allowed": entries.can_decide(self.entry),
            "label": self.get_page_title(),
        }

    def form_valid(self, form):
        action = STATUS_ACTIONS[self.action]
        if action["change"](self.entry, form.cleaned_data["reason"], self.request.user):
            messages.success(self.request, action["done"] % {"code": self.entry.code})
        else:
            messages.error(self.request, _("The entry is already withdrawn or disqualified."))
        return redirect(INSPECT_URL_NAME, self.entry.pk)


@require_POST
def reprocess_entry(request, pk):
    """«Process again»: the entry waits again and a fresh processing run is sent."""
    if not can_change(request.user):
        raise PermissionDenied
    entry = get_object_or_404(Entry.objects.select_related("contest"), pk=pk)
    if entries.reprocess(entry, user=request.user):
        messages.success(
            request, _("Entry %(code)s is being processed again.") % {"code": entry.code}
        )
    else:
        messages.error(request, _("A withdrawn entry is not processed again."))
    return redirect(INSPECT_URL_NAME, entry.pk)


@require_POST
def accept_reveal(request, pk):
    """Accept a «may reveal the author» flag: the file goes to a blind jury as it is. Only for
    users who may change entries; to anyone else the flag does not exist."""
    if not can_change(request.user):
        raise Http404
    flag = get_object_or_404(
        EntryFlag.objects.select_related("entry__contest"),
        pk=pk,
        kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR,
    )
    if entries.accept_reveal_flag(flag, request.user):
        messages.success(request, _("The flag is accepted."))
    else:
        messages.error(request, _("The flag is already accepted or no longer exists."))
    return redirect(INSPECT_URL_NAME, flag.entry_id)


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
            (pgettext("person", "full name"), entry.full_name),
            (field_label("birth_date"), dates.day(entry.birth_date)),
            (field_label("email"), entry.email),
            (field_label("phone"), entry.phone),
            (field_label("library"), entry.library_name),
            (field_label("position"), entry.position),
            (field_label("municipality"), entry.municipality.name),
        ]
        # As every page writes a moment (Wagtail's template would |localize it in UTC).
        rows += [
            (field_label(name), dates.moment(getattr(entry, name)))
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
            flags=entry.flags.exclude(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR).select_related(
                "other_entry__contest", "file"
            ),
            reveal_flags=entry.flags.filter(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR).select_related(
                "file", "accepted_by"
            ),
            flagged_by=EntryFlag.objects.filter(other_entry=entry).select_related(
                "entry__contest", "file"
            ),
            log=[
                {
                    "at": logged_at(line),
                    "level": LOG_LEVELS.get(line.get("level"), line.get("level", "")),
                    "message": line.get("message", ""),
                }
                for line in entry.processing_log
            ],
            can_view_files=can_view(user),
            can_change=can_change(user),
            can_reprocess=entries.can_reprocess(entry),
            is_final=entry.is_final,
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


# --- Files and previews ------------------------------------------------------------------------


def entry_file(request, pk):
    """An entry's file, for users who may see entries."""
    stored = get_object_or_404(EntryFile.objects.select_related("entry"), pk=pk)
    if not can_view(request.user):
        raise Http404
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)


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


def entry_blind_file(request, pk):
    """A file's copy for the jury (without its author metadata), for users who may see entries:
    what a juror in blind mode downloads, under the same name."""
    stored = get_object_or_404(EntryFile.objects.select_related("entry__contest"), pk=pk)
    if not can_view(request.user) or not stored.blind_file:
        raise Http404
    return FileResponse(
        stored.blind_file.open("rb"), as_attachment=True, filename=anonymity.blind_name(stored)
    )
