from django.templatetags.static import static
from django.urls import include, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from . import page_cache, restrictions
from .exports import SafeExportIndexView
from .models import Library, MembershipFee, Municipality, Person
from .reports import ArrearsReportView
from .retention_views import RetentionReportView, allowed_keys


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    icon = "site"
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class LibraryViewSet(SnippetViewSet):
    model = Library
    icon = "home"
    index_view_class = SafeExportIndexView
    list_display = ["full_name", "short_name", "municipality", "member_since", "left_on"]
    list_filter = ["municipality"]
    list_export = [
        "full_name",
        "short_name",
        "legal_form",
        "municipality",
        "address",
        "website",
        "email",
        "phone",
        "member_since",
        "left_on",
    ]
    search_fields = ["full_name", "short_name"]


class PersonViewSet(SnippetViewSet):
    model = Person
    icon = "user"
    list_display = [
        Column("full_name", label=pgettext_lazy("person", "full name"), sort_key="last_name"),
        "position",
        "library",
    ]
    search_fields = ["last_name", "first_name"]


class MembershipFeeViewSet(SnippetViewSet):
    model = MembershipFee
    icon = "tag"
    index_view_class = SafeExportIndexView
    list_display = ["library", "year", "amount", "paid_on"]
    list_filter = ["year", "library__municipality"]
    list_export = ["library", "year", "amount", "paid_on", "note"]


class DirectoryGroup(SnippetViewSetGroup):
    """«Справочники»: the partnership's shared directories in one admin menu."""

    menu_label = _("Directory")
    menu_icon = "folder-open-inverse"
    menu_order = 250
    items = (MunicipalityViewSet, LibraryViewSet, PersonViewSet, MembershipFeeViewSet)


register_snippet(DirectoryGroup)


@hooks.register("before_serve_page")
def plan_page_cache(page, request, serve_args, serve_kwargs):
    page_cache.plan_page(page, request)


@hooks.register("insert_global_admin_css")
def admin_css():
    """Our admin classes (``base/css/admin.css``): the admin's templates carry no inline styles."""
    return format_html('<link rel="stylesheet" href="{}">', static("base/css/admin.css"))


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path(
            "kuzbib-reports/",
            include(
                (
                    [
                        path("arrears/", ArrearsReportView.as_view(), name="arrears"),
                        path(
                            "arrears/results/",
                            ArrearsReportView.as_view(results_only=True),
                            name="arrears_results",
                        ),
                        path("retention/", RetentionReportView.as_view(), name="retention"),
                    ],
                    "base_reports",
                )
            ),
        )
    ]


class ArrearsMenuItem(MenuItem):
    def is_shown(self, request):
        return ArrearsReportView.permission_policy.user_has_permission(request.user, "view")


@hooks.register("register_reports_menu_item")
def register_arrears_menu_item():
    return ArrearsMenuItem(
        _("Dues arrears"),
        reverse("base_reports:arrears"),
        name="dues-arrears",
        icon_name="warning",
        order=800,
    )


class RetentionMenuItem(MenuItem):
    def is_shown(self, request):
        return bool(allowed_keys(request.user))


@hooks.register("register_reports_menu_item")
def register_retention_menu_item():
    return RetentionMenuItem(
        _("Personal data retention"),
        reverse("base_reports:retention"),
        name="personal-data-retention",
        icon_name="bin",
        order=900,
    )


# Page view restrictions are read once per request (restrictions.py): our check of a served
# page replaces Wagtail's, which would read them again.
restrictions.replace_wagtail_check()
