"""Admin reports of the base app."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView
from wagtail.permission_policies import ModelPermissionPolicy

from .exports import SafeSpreadsheetExportMixin
from .models import Library, MembershipFee, Municipality


class ArrearsFilterSet(WagtailFilterSet):
    year = django_filters.NumberFilter(label=_("Year"))
    library__municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), queryset=Municipality.objects.all()
    )

    class Meta:
        model = MembershipFee
        fields = ["year", "library__municipality"]


class ArrearsReportView(SafeSpreadsheetExportMixin, ReportView):
    """Unpaid membership fees, one row per library and year, with CSV/XLSX export: the list the
    council works through when a resolution says «погасить задолженность»."""

    page_title = _("Membership dues arrears")
    header_icon = "warning"
    index_url_name = "base_reports:arrears"
    index_results_url_name = "base_reports:arrears_results"
    permission_policy = ModelPermissionPolicy(MembershipFee)
    permission_required = "view"
    filterset_class = ArrearsFilterSet
    columns = [
        Column("library", label=_("Library")),
        Column("municipality", label=_("Municipality"), accessor="library.municipality"),
        Column("year", label=_("Year")),
        Column("amount", label=_("Amount, roubles")),
        Column("still_member", label=_("Member now")),
    ]
    list_export = ["library.full_name", "library.municipality.name", "year", "amount"]
    export_headings = {
        "library.full_name": _("Library"),
        "library.municipality.name": _("Municipality"),
        "year": _("Year"),
        "amount": _("Amount, roubles"),
    }

    def get_filename(self):
        return f"arrears-{timezone.localdate():%Y-%m-%d}"

    def get_queryset(self):
        return (
            MembershipFee.objects.unpaid()
            .select_related("library__municipality")
            .order_by("library__full_name", "year")
        )

    def decorate_paginated_queryset(self, object_list):
        members = set(
            Library.objects.members()
            .filter(pk__in={fee.library_id for fee in object_list})
            .values_list("pk", flat=True)
        )
        for fee in object_list:
            fee.still_member = _("yes") if fee.library_id in members else _("no")
        return object_list
