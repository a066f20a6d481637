"""«Жюри» in the admin: the jury members of each contest (filtered by contest), adding one by
e-mail address with their name, role and library (``contests.invitations.add_member``: the
user found or made, the invitation e-mailed once committed), changing a member's role or
library, taking a member off the jury, and «Invite again».

Who may: Wagtail's permission policy for ``JuryMember`` — the model's own permissions «Can
add / change / delete / view jury member», given to the contest managers' group in the admin's
group settings. Having the entries' permissions («Can change entry») is not enough: a jury is
a list of people and their addresses, and choosing it is a decision of its own."""

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import capfirst
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button
from wagtail.permissions import policy_registry

from kuzbib_site.base import dates
from kuzbib_site.base.models import Library

from . import invitations
from .models import ContestPage, JuryMember
from .viewsets import RecordFilter

# --- Forms ------------------------------------------------------------------------------------


class MemberForm(forms.ModelForm):
    """A member's role and library; a second chair is refused."""

    class Meta:
        model = JuryMember
        fields = ["role", "library"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = Library.objects.order_by("full_name")

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                invitations.check_member(
                    self.instance.contest, None, cleaned["role"], member=self.instance
                )
            except ValidationError as error:
                self.add_error("role", error)
        return cleaned

    def save(self, commit=True):
        return invitations.change_member(
            self.instance, role=self.cleaned_data["role"], library=self.cleaned_data["library"]
        )


class NewMemberForm(MemberForm):
    """A new member: the contest, and the person by e-mail address and name (the user with the
    address is found, in any letter case, or made)."""

    contest = forms.ModelChoiceField(
        label=gettext_lazy("Contest"), queryset=ContestPage.objects.order_by("-start")
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail"),
        max_length=invitations.EMAIL_MAX_LENGTH,
        help_text=gettext_lazy("The invitation goes to this address; the juror signs in with it."),
    )
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150)
    first_name = forms.CharField(
        label=gettext_lazy("First name and patronymic"), max_length=150, required=False
    )

    class Meta(MemberForm.Meta):
        fields = ["contest", "email", "last_name", "first_name", "role", "library"]

    def clean(self):
        cleaned = forms.ModelForm.clean(self)
        if not self.errors:
            try:
                invitations.check_member(
                    cleaned["contest"], invitations.find_user(cleaned["email"]), cleaned["role"]
                )
            except ValidationError as error:
                field = "email" if error.code == "duplicate" else "role"
                self.add_error(field, error)
        return cleaned

    def save(self, commit=True):
        data = self.cleaned_data
        self.instance = invitations.add_member(
            data["contest"],
            data["email"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            role=data["role"],
            library=data["library"],
        )
        return self.instance


# --- Views ------------------------------------------------------------------------------------


class RefusalMixin:
    """A check that only the row lock could make (a second chair added a moment ago in another
    tab) ends as the form's error, like the form's own checks, not as a server error."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class MemberCreateView(RefusalMixin, generic.CreateView):
    def get_initial(self):
        """The contest the listing was filtered by, when the «Add» button came from there."""
        initial = super().get_initial()
        contest = self.request.GET.get("contest", "")
        if contest.isdigit() and len(contest) < 19:
            initial["contest"] = contest
        return initial

    def get_success_message(self, instance):
        return _(
            "%(name)s is added to the jury of «%(contest)s»; the invitation is on its way."
        ) % {
            "name": instance.name,
            "contest": instance.contest.title,
        }


class MemberEditView(RefusalMixin, generic.EditView):
    pass


class MemberDeleteView(generic.DeleteView):
    """A juror who has started a score sheet is not taken off: their scores and the audit log
    would go with them."""

    def delete_action(self):
        if not invitations.remove_member(self.object, delete=super().delete_action):
            raise ValidationError(
                _("%(name)s has started scoring; removing them would delete their scores.")
                % {"name": self.object.name}
            )

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
            return redirect(self.index_url_name)


def invitation_state(member):
    if member.invitation_sent_at is None:
        return _("not sent yet")
    return dates.moment(member.invitation_sent_at)


class MemberIndexView(generic.IndexView):
    # Wagtail's «Add %(model_name)s» reads «Добавить член жюри»: the accusative needs its own.
    add_item_label = gettext_lazy("Add a jury member")

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("user", "contest", "library")

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if self.user_has_permission("change"):
            buttons.append(
                Button(
                    _("Invite again"),
                    url=reverse(INVITE_AGAIN, args=[instance.pk]),
                    icon_name="mail",
                    priority=40,
                )
            )
        return buttons

    def get_add_url(self):
        """«Add» keeps the contest the listing is filtered by."""
        url = super().get_add_url()
        contest = self.request.GET.get("contest", "")
        if url and contest.isdigit():
            url += f"?contest={contest}"
        return url


class InviteAgainView(WagtailAdminTemplateMixin, TemplateView):
    """«Invite again»: GET asks, POST sends the invitation anew (a fresh link to set a password,
    or the sign-in link)."""

    template_name = "contests/admin/jury_invite_again.html"
    header_icon = "mail"
    page_title = gettext_lazy("Invite again")

    def dispatch(self, request, pk):
        policy = policy_registry.get_by_type(JuryMember)
        if not policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        self.member = get_object_or_404(JuryMember.objects.select_related("user", "contest"), pk=pk)
        return super().dispatch(request, pk)

    def get_page_subtitle(self):
        return self.member.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse(INDEX),
                "label": capfirst(JuryMember._meta.verbose_name_plural),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "member": self.member}

    def post(self, request, pk):
        invitations.invite_again(self.member)
        messages.success(
            request,
            _("The invitation is sent again to %(email)s.") % {"email": self.member.user.email},
        )
        return redirect(reverse(INDEX) + f"?contest={self.member.contest_id}")


# --- The viewset ------------------------------------------------------------------------------


class MemberFilterSet(WagtailFilterSet):
    contest = RecordFilter(queryset=ContestPage.objects.order_by("-start"))
    role = django_filters.ChoiceFilter(label=gettext_lazy("Role"), choices=JuryMember.Role.choices)

    class Meta:
        model = JuryMember
        fields = ["contest", "role"]


class JuryViewSet(ModelViewSet):
    """«Жюри»: jury members by contest."""

    model = JuryMember
    icon = "group"
    menu_label = gettext_lazy("Jury")
    menu_order = 258
    add_to_admin_menu = True
    name = "jury"
    url_prefix = "contests/jury"
    index_view_class = MemberIndexView
    add_view_class = MemberCreateView
    edit_view_class = MemberEditView
    delete_view_class = MemberDeleteView
    filterset_class = MemberFilterSet
    list_display = [
        "__str__",
        Column("email", label=gettext_lazy("E-mail"), accessor="user.email"),
        "contest",
        Column("role", label=gettext_lazy("Role"), accessor="get_role_display"),
        "library",
        Column("invitation", label=gettext_lazy("Invitation sent"), accessor=invitation_state),
    ]

    def get_form_class(self, for_update=False):
        return MemberForm if for_update else NewMemberForm

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/invite/", InviteAgainView.as_view(), name="invite_again"),
        ]


INDEX = "jury:index"
INVITE_AGAIN = "jury:invite_again"
