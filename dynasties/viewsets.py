"""The admin listing of families' applications, «Заявки династий»: filters by festival and
status, search by the family's name, export, and each application's page with the editors'
decisions (``admin_views``), as a snippet viewset. Nobody adds or edits an application in the
admin: the family sends it, the editors decide on it."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from kuzbib_site.base.exports import SafeExportIndexView
from kuzbib_site.base.permissions import PublicFormOnlyPolicy, WithoutChooserMixin

from .admin_views import ApplicationInspectView
from .models import Application, ApplicationPhoto, FestivalPage


class ModerationOnlyPolicy(PublicFormOnlyPolicy):
    """Applications are added by the public form only and never edited in the admin: «change»
    is the editors' decisions (``dynasties.change_application``, checked by ``admin_views``),
    not Wagtail's edit form. A user with the permission still reaches the listing and each
    application's page."""

    def user_has_permission(self, user, action):
        return action != "change" and super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        if "change" in actions and user.has_perm(self._get_permission_name("change")):
            return True
        return super().user_has_any_permission(user, actions)


register_permission_policy(Application, ModerationOnlyPolicy(Application))


class ApplicationFilterSet(WagtailFilterSet):
    festival = django_filters.ModelChoiceFilter(
        label=_("festival"), queryset=FestivalPage.objects.order_by("-start")
    )

    class Meta:
        model = Application
        fields = ["festival", "status", "municipality"]


def photos_ready(application):
    """«3 / 5»: the photos processing made ready, of all sent (counted in the listing's query)."""
    return f"{application.ready_photos} / {application.all_photos}"


class ApplicationViewSet(WithoutChooserMixin, SnippetViewSet):
    """«Заявки династий»: the listing, export and each application's page; no chooser (see
    ``WithoutChooserMixin``)."""

    model = Application
    icon = "group"
    menu_label = _("Dynasty applications")
    menu_order = 258
    add_to_admin_menu = True
    index_view_class = SafeExportIndexView
    inspect_view_enabled = True
    inspect_view_class = ApplicationInspectView
    inspect_template_name = "dynasties/admin/application_inspect.html"
    filterset_class = ApplicationFilterSet
    list_display = [
        "family_name",
        "municipality",
        Column("contact", label=_("Contact person"), accessor="full_name"),
        "created_at",
        "status",
        Column("photos", label=_("Photos ready"), accessor=photos_ready),
    ]
    search_fields = ["family_name", "last_name", "email"]
    ordering = ["-created_at", "-pk"]
    list_export = [
        "family_name",
        "municipality",
        "full_name",
        "email",
        "phone",
        "get_status_display",
        "created_at",
        "decided_at",
    ]
    export_headings = {
        "full_name": _("Contact person"),
        "get_status_display": _("Status"),
    }
    export_filename = "dynasty-applications"

    def get_queryset(self, request):
        return Application.objects.select_related("festival", "municipality").annotate(
            all_photos=Count("photos"),
            ready_photos=Count("photos", filter=Q(photos__status=ApplicationPhoto.Status.READY)),
        )
