from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from kuzbib_site.base.page_cache import earliest_after

from .admin_views import (
    BadgesView,
    CertificatesView,
    ParticipantsListView,
    ProceedingsBuildView,
    ProposalDecisionView,
    proposal_file,
)
from .models import CalendarEntry, ConferencePage, ResolutionItem
from .viewsets import ProposalViewSet, RegistrationViewSet


class ResolutionItemViewSet(SnippetViewSet):
    """«Пункты резолюций»: where editors and section leaders keep each item's status and
    progress notes."""

    model = ResolutionItem
    icon = "list-ol"
    menu_label = _("Resolution items")
    menu_order = 260
    add_to_admin_menu = True
    list_display = [
        "number",
        "text",
        "resolution",
        Column("assignee", label=_("Assignee")),
        "due_date",
        "status",
    ]
    list_filter = ["resolution", "kind", "status", "assignee_section"]
    search_fields = ["text", "assignee_body"]
    ordering = ["resolution", "kind", "sort_key"]


register_snippet(ResolutionItemViewSet)
register_snippet(RegistrationViewSet)
register_snippet(ProposalViewSet)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path(
            "proceedings/<int:page_id>/build/",
            ProceedingsBuildView.as_view(),
            name="proceedings_build",
        ),
        path(
            "proposals/<int:pk>/decide/",
            ProposalDecisionView.as_view(),
            name="proposal_decide",
        ),
        path("proposals/<int:pk>/file/", proposal_file, name="proposal_file"),
        path(
            "participants/<int:page_id>/list/",
            ParticipantsListView.as_view(),
            name="participants_list",
        ),
        path("participants/<int:page_id>/badges/", BadgesView.as_view(), name="badges"),
        path(
            "participants/<int:page_id>/certificates/",
            CertificatesView.as_view(),
            name="certificates",
        ),
        path(
            "participants/<int:page_id>/certificates/<int:registration_id>/",
            CertificatesView.as_view(),
            name="certificate",
        ),
    ]
    return [path("events/", include((urls, "events_admin")))]


@hooks.register("kuzbib_cache_boundary")
def events_boundary(now):
    """The anonymous page cache's clock: events and contest stages become current and past, a
    conference's registration and call for papers open and close."""
    moments = [
        earliest_after(now, CalendarEntry.objects.all(), "start", "end"),
        earliest_after(
            now,
            ConferencePage.objects.live(),
            "registration_opens",
            "registration_closes",
            "cfp_opens",
            "cfp_closes",
        ),
    ]
    return min(filter(None, moments), default=None)
