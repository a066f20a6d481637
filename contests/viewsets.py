"""The admin for contest entries: «Конкурсные работы» with filters, search and CSV/XLSX export;
files are downloaded through a permission-checked view, never a public URL."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.auth import require_admin_access
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from kuzbib_site.base.exports import SafeExportIndexView
from kuzbib_site.base.permissions import PublicFormOnlyPolicy

from .models import Entry, EntryFile

register_permission_policy(Entry, PublicFormOnlyPolicy(Entry))


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


class EntryViewSet(SnippetViewSet):
    model = Entry
    icon = "doc-full-inverse"
    menu_label = _("Contest entries")
    menu_order = 257
    add_to_admin_menu = True
    index_view_class = EntryIndexView
    inspect_view_enabled = True
    list_display = [
        "code",
        "title",
        "full_name",
        "nomination",
        "municipality",
        "status",
        "created_at",
    ]
    list_filter = ["contest", "nomination", "status", "municipality"]
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
        "code": _("Number"),
        "full_name": _("Participant"),
        "get_status_display": _("Status"),
    }
    export_filename = "contest-entries"

    def get_queryset(self, request):
        return Entry.objects.select_related(
            "contest", "nomination", "municipality", "library"
        ).prefetch_related("files")


@require_admin_access
def entry_file(request, pk):
    """An entry's file, for users who may see entries."""
    stored = get_object_or_404(EntryFile.objects.select_related("entry"), pk=pk)
    if not request.user.has_perm("contests.view_entry"):
        raise Http404
    return FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name)


def admin_urls():
    return [path("contests/files/<int:pk>/", entry_file, name="contests_entry_file")]
