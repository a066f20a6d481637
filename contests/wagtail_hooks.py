"""The contests app in Wagtail: the entries' snippet viewset, the admin views of entries and
archives and the calendar's kind for contest stages."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from kuzbib_site.base.page_cache import earliest_after

from . import admin_views
from .admin_views import STATUS_ACTIONS, EntryStatusView, entry_file, entry_preview, reprocess_entry
from .archive_views import ArchivesView, download_archive, request_archive
from .jury_admin import JuryViewSet
from .models import CALENDAR_KIND, Stage
from .viewsets import EntryViewSet

register_snippet(EntryViewSet)


@hooks.register("register_admin_urls")
def admin_urls():
    """Wagtail requires admin access for these; each view checks the entry permission it needs."""
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
        path(
            "contests/blind/<int:pk>/",
            admin_views.entry_blind_file,
            name="contests_entry_blind_file",
        ),
        path(
            "contests/flags/<int:pk>/accept/",
            admin_views.accept_reveal,
            name="contests_flag_accept",
        ),
    ]


@hooks.register("register_calendar_kinds")
def calendar_kinds():
    """The calendar's filter offers contest stages (``ContestPage.calendar_entries``)."""
    return {CALENDAR_KIND: _("Contest stages")}


@hooks.register("register_admin_viewset")
def jury_viewset():
    """«Жюри»: the jury members of each contest, their invitations (contests/jury_admin.py)."""
    return JuryViewSet()


@hooks.register("kuzbib_cache_boundary")
def contests_boundary(now):
    """The anonymous page cache's clock: a live contest's stage opens or closes (its page says
    which stage is current, the entry form opens and closes)."""
    return earliest_after(now, Stage.objects.filter(contest__live=True), "start", "end")
