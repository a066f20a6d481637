"""The periodicals archive in Wagtail's admin."""

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

# «Исправления текста» (readers' corrections and their moderators) registers its hooks in
# periodicals.corrections_admin when imported; the union catalogue's («Фонды периодики» and
# «Импорт фондов», periodicals.holdings_admin) are below.
from . import corrections_admin, holdings_admin  # noqa: F401


@hooks.register("register_admin_viewset")
def holdings_viewset():
    return holdings_admin.HoldingViewSet()


@hooks.register("register_admin_urls")
def holdings_import_urls():
    """Wagtail requires admin access for these; each view checks «Can add holdings import»."""
    return [
        path(
            "periodicals/holdings-imports/",
            holdings_admin.ImportsView.as_view(),
            name="periodicals_holdings_imports",
        ),
        path(
            "periodicals/holdings-imports/<int:pk>/",
            holdings_admin.ImportView.as_view(),
            name="periodicals_holdings_import",
        ),
        path(
            "periodicals/holdings-imports/<int:pk>/apply/",
            holdings_admin.apply_import,
            name="periodicals_holdings_import_apply",
        ),
    ]


class HoldingsImportMenuItem(MenuItem):
    def is_shown(self, request):
        return holdings_admin.can_import(request.user)


@hooks.register("register_admin_menu_item")
def holdings_import_menu_item():
    return HoldingsImportMenuItem(
        _("Import holdings"),
        reverse("periodicals_holdings_imports"),
        name="periodicals-holdings-import",
        icon_name="upload",
        order=461,
    )


@hooks.register("register_permissions")
def holdings_import_permission():
    """«Can add holdings import» in the groups' settings: who may import holdings."""
    return Permission.objects.filter(
        content_type__app_label="periodicals", codename="add_holdingsimport"
    )


# -- end of the union catalogue -------------------------------------------------------------


# --- Ingest: «Страницы выпуска» (periodicals/ingest_admin.py) -------------------------------------
from wagtail.admin.ui.menus.pages import PageMenuItem  # noqa: E402

from . import ingest_admin  # noqa: E402
from .models import IssuePage  # noqa: E402


@hooks.register("register_admin_urls")
def ingest_admin_urls():
    """Wagtail requires admin access for these; each view checks that the user may edit the
    issue."""
    return [
        path(
            "periodicals/issues/<int:issue_id>/pages/",
            ingest_admin.IssuePagesView.as_view(),
            name="periodicals_issue_pages",
        ),
        path(
            "periodicals/scans/<int:pk>/rerun/",
            ingest_admin.rerun_scan,
            name="periodicals_scan_rerun",
        ),
        path(
            "periodicals/scans/<int:pk>/thumbnail/",
            ingest_admin.scan_thumbnail,
            name="periodicals_scan_thumbnail",
        ),
    ]


class IssuePagesButton(PageMenuItem):
    label = _("Pages of the issue")
    icon_name = "doc-full-inverse"
    url_name = "periodicals_issue_pages"

    def is_shown(self, user):
        return self.page.permissions_for_user(user).can_edit()


def _issue_buttons(page, priority):
    # The class from the page's content type: no query per row of a listing.
    specific = page.specific_class
    if specific is not None and issubclass(specific, IssuePage):
        yield IssuePagesButton(page=page, priority=priority)


@hooks.register("register_page_header_buttons")
def issue_pages_header_button(page, user, view_name, next_url=None):
    """«Страницы выпуска» in an issue's header menu (edit view, its listing)."""
    yield from _issue_buttons(page, 12)


@hooks.register("register_page_listing_more_buttons")
def issue_pages_listing_button(page, user, next_url=None):
    """«Страницы выпуска» in each issue's «More» menu of the title's listing."""
    yield from _issue_buttons(page, 3)


# --- End of ingest -------------------------------------------------------------------------------
