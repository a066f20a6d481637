"""Columns of our admin listings that Wagtail's own do not provide."""

from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column


def yes_no(value):
    """«да» or «нет» (empty when unknown): a listing, a page or an export says it in words."""
    if value is None:
        return ""
    return _("yes") if value else _("no")


class YesNoColumn(Column):
    """A yes/no field in words: Wagtail's plain column prints «True» and «False», and a bare
    tick says nothing to a screen reader. The header names the question («Присутствовал(а)»),
    each cell answers it («да»)."""

    def get_value(self, instance):
        return yes_no(super().get_value(instance))
