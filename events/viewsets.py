"""The admin for registrations: a listing with filters, search and CSV/XLSX export, and
actions — check-in, approve, reject, cancel — that go through the transitions in
``events/domain/registration.py`` (so a cancellation promotes the waitlist and e-mails go out);
and the listing of report proposals, each decided on its own page (``admin_views``)."""

from urllib.parse import quote

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin import messages
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from kuzbib_site.base.admin_columns import YesNoColumn
from kuzbib_site.base.exports import SafeExportIndexView
from kuzbib_site.base.permissions import PublicFormOnlyPolicy, WithoutChooserMixin

from .domain import proposal as proposals
from .domain import registration as registrations
from .models import Proposal, Registration

register_permission_policy(Registration, PublicFormOnlyPolicy(Registration))


#: Admin actions: (label, whether it applies to a registration, what it does, success message).
ACTIONS = {
    "check_in": (
        _("Mark attended"),
        registrations.may_check_in,
        registrations.check_in,
        _("«%(name)s» is marked as attended."),
    ),
    "approve": (
        _("Approve"),
        registrations.awaits_decision,
        registrations.approve,
        _("The registration of «%(name)s» is approved."),
    ),
    "reject": (
        _("Reject"),
        registrations.awaits_decision,
        registrations.reject,
        _("The registration of «%(name)s» is rejected."),
    ),
    "cancel": (
        _("Cancel registration"),
        registrations.may_cancel,
        registrations.cancel,
        _("The registration of «%(name)s» is cancelled."),
    ),
}


def action_allowed(registration, action):
    return ACTIONS[action][1](registration)


class RegistrationIndexView(SafeExportIndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for priority, action in enumerate(ACTIONS, start=40):
            if action_allowed(instance, action):
                buttons.append(
                    Button(
                        ACTIONS[action][0],
                        url=reverse(
                            self.index_url_name.rsplit(":", 1)[0] + ":action",
                            args=[instance.pk, action],
                        )
                        + "?next="
                        + quote(self.request.get_full_path()),
                        icon_name="tick" if action in ("check_in", "approve") else "cross",
                        priority=priority,
                    )
                )
        return buttons


class RegistrationViewSet(WithoutChooserMixin, SnippetViewSet):
    model = Registration
    icon = "group"
    menu_label = _("Registrations")
    menu_order = 255
    add_to_admin_menu = True
    index_view_class = RegistrationIndexView
    list_display = [
        "name",
        "email",
        "conference",
        Column("library_name", label=_("Library")),
        "role",
        "status",
        YesNoColumn(
            "attended",
            label=capfirst(Registration._meta.get_field("attended").verbose_name),
            sort_key="attended",
        ),
        "created_at",
    ]
    list_filter = ["conference", "status", "role", "attended"]
    search_fields = ["last_name", "first_name", "patronymic", "email"]
    ordering = ["-created_at"]
    list_per_page = 50
    list_export = [
        "conference",
        "name",
        "email",
        "library_name",
        "position",
        "get_role_display",
        "get_status_display",
        "accessibility_needs",
        "created_at",
        "consent_given_at",
        "attended",
        "checked_in_at",
        "sessions_list",
    ]
    export_headings = {
        "name": pgettext_lazy("person", "full name"),
        "library_name": _("library"),
        "get_role_display": _("role"),
        "get_status_display": _("status"),
        "sessions_list": _("sessions"),
    }
    export_filename = "registrations"
    panels = [
        FieldRowPanel(
            [FieldPanel("last_name"), FieldPanel("first_name"), FieldPanel("patronymic")]
        ),
        FieldPanel("email"),
        FieldRowPanel([FieldPanel("library"), FieldPanel("new_library_name")]),
        FieldRowPanel([FieldPanel("position"), FieldPanel("role")]),
        FieldPanel("accessibility_needs"),
        FieldRowPanel([FieldPanel("attended"), FieldPanel("checked_in_at")]),
    ]

    def get_queryset(self, request):
        return Registration.objects.select_related("conference", "library").prefetch_related(
            "seats__session"
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("action/<int:pk>/<str:action>/", self.action_view, name="action"),
        ]

    def action_view(self, request, pk, action):
        """GET asks for confirmation; POST does it."""
        if action not in ACTIONS:
            raise Http404
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        registration = get_object_or_404(Registration.objects.select_related("conference"), pk=pk)
        next_url = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = reverse(self.get_url_name("list"))
        label, _applies, function, message = ACTIONS[action]
        if request.method == "POST":
            if action_allowed(registration, action):
                function(registration)
                messages.success(request, message % {"name": registration.name})
            else:
                messages.error(request, _("This action does not apply to the registration now."))
            return HttpResponseRedirect(next_url)
        return TemplateResponse(
            request,
            "events/registration/admin_confirm.html",
            {
                "registration": registration,
                "label": label,
                "allowed": action_allowed(registration, action),
                "next": next_url,
                "header_icon": self.icon,
                "page_title": label,
            },
        )


class ProposalPermissionPolicy(PublicFormOnlyPolicy):
    """The proposals listing is for editors and section leaders, who then see only the proposals
    they may decide."""

    def user_has_permission(self, user, action):
        if action == "view":
            return user.has_perm("wagtailadmin.access_admin") and (
                super().user_has_permission(user, "view") or proposals.decidable_by(user).exists()
            )
        return super().user_has_permission(user, action)


register_permission_policy(Proposal, ProposalPermissionPolicy(Proposal))


class ProposalIndexView(SafeExportIndexView):
    def get_base_queryset(self):
        return proposals.decidable_by(self.request.user, super().get_base_queryset())

    def get_list_more_buttons(self, instance):
        return [
            *super().get_list_more_buttons(instance),
            Button(
                _("Review"),
                url=reverse("events_admin:proposal_decide", args=[instance.pk]),
                icon_name="tick",
                priority=40,
            ),
        ]


class ProposalViewSet(WithoutChooserMixin, SnippetViewSet):
    """«Заявки на доклады»: proposals under review, each decided on its own page."""

    model = Proposal
    icon = "doc-full"
    menu_label = _("Report proposals")
    menu_order = 256
    add_to_admin_menu = True
    index_view_class = ProposalIndexView
    list_display = [
        "title",
        Column("full_name", label=pgettext_lazy("person", "full name"), sort_key="last_name"),
        "conference",
        "section",
        "format",
        "status",
        "created_at",
    ]
    list_filter = ["conference", "section", "status", "format"]
    search_fields = ["title", "last_name", "email"]
    ordering = ["-created_at"]
    list_export = [
        "conference",
        "section",
        "title",
        "full_name",
        "email",
        "library_name",
        "position",
        "co_authors",
        "get_format_display",
        "get_status_display",
        "created_at",
        "decided_at",
    ]
    export_filename = "report-proposals"
    panels = [FieldPanel("title"), FieldPanel("abstract"), FieldPanel("co_authors")]

    def get_queryset(self, request):
        return Proposal.objects.select_related("conference", "section", "library")
