"""The dynasties app in Wagtail: the applications' snippet viewset («Заявки династий») with the
editors' decisions and the photos' admin views, and the calendar's kind for the festival."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from kuzbib_site.base.page_cache import earliest_after

from .admin_views import DECISIONS, DecisionView, accept_application, application_photo
from .models import CALENDAR_KIND, FestivalPage
from .viewsets import ApplicationViewSet

register_snippet(ApplicationViewSet)


@hooks.register("register_admin_urls")
def admin_urls():
    """Wagtail requires admin access for these; each view checks the application permission it
    needs."""
    return [
        path(
            "dynasties/applications/<int:pk>/accept/",
            accept_application,
            name="dynasties_application_accept",
        ),
        *(
            path(
                f"dynasties/applications/<int:pk>/{action}/",
                DecisionView.as_view(action=action),
                name=f"dynasties_application_{action}",
            )
            for action in DECISIONS
        ),
        path(
            "dynasties/photos/<int:pk>/<str:size>/",
            application_photo,
            name="dynasties_application_photo",
        ),
    ]


@hooks.register("register_calendar_kinds")
def calendar_kinds():
    """The calendar's filter offers the festivals (``FestivalPage`` is an event)."""
    return {CALENDAR_KIND: _("Festivals")}


@hooks.register("kuzbib_cache_boundary")
def dynasties_boundary(now):
    """The anonymous page cache's clock: a festival starts or stops taking applications."""
    return earliest_after(
        now, FestivalPage.objects.live(), "applications_open_from", "applications_close_at"
    )
