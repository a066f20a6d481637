"""Spreadsheet exports from the admin that are safe to open in Excel or LibreOffice.

Wagtail neutralises formulas in XLSX but writes CSV cells as they are; a library name or a
registrant's field starting with ``=``, ``+``, ``-`` or ``@`` would run as a formula when an
editor opens the file. Every export in Kuzbib goes through this mixin, which also writes a
yes/no field in words («да», «нет»), as the listing shows it, not as «True» and «False».
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin
from wagtail.snippets.views.snippets import IndexView

from .admin_columns import yes_no

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeSpreadsheetExportMixin(SpreadsheetExportMixin):
    def preprocess_field_value(self, field, value, export_format):
        if isinstance(value, bool):
            value = yes_no(value)
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value


class SafeExportIndexView(SafeSpreadsheetExportMixin, IndexView):
    """The snippet listing with the safe CSV export."""
