"""The admin's views of one family's application: its page (the whole family as typed — members
with their years, kinship, work periods —, the family tree, the problems found in it, the
photos) and the editors' decisions (accept, return with a message, reject with a message, each
through ``domain.application``). Editors read what the family sent; they do not edit it: an
accepted family is edited on its draft dynasty page.

Wagtail's ``register_admin_urls`` already requires admin access for every view here; each view
checks the application permission it needs itself. Photos are private files, served only by
``application_photo`` to users who may see applications, and only as processing re-encoded them
(never the file as uploaded)."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import capfirst
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView
from wagtail.admin.utils import get_user_display_name
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import InspectView

from kuzbib_site.base import dates, partial_dates

from . import family as families
from . import tree
from .domain import application as applications
from .models import Application, ApplicationPhoto, Kinship

LIST_URL_NAME = "wagtailsnippets_dynasties_application:list"
INSPECT_URL_NAME = "wagtailsnippets_dynasties_application:inspect"
# What the family is told is a few paragraphs; a longer text is refused with a form error.
MESSAGE_MAX = 4000
PHOTO_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


def can_view(user):
    return user.has_perm("dynasties.view_application") or can_moderate(user)


def can_moderate(user):
    return user.has_perm("dynasties.change_application")


def field_label(name):
    return capfirst(Application._meta.get_field(name).verbose_name)


def applications_crumb():
    return {
        "url": reverse(LIST_URL_NAME),
        "label": capfirst(Application._meta.verbose_name_plural),
    }


# --- The decisions ------------------------------------------------------------------------------


class MessageForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("Message to the family"),
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The contact person reads it in the e-mail about the decision."),
    )


#: The decisions made with a message, keyed by the action in their URL: the transition, whether
#: the status allows it, the button's label and what is said afterwards.
DECISIONS = {
    "return": {
        "change": applications.return_for_corrections,
        "allowed": applications.can_return,
        "label": gettext_lazy("Return for corrections"),
        "done": gettext_lazy(
            "The application «%(name)s» is returned to the family; they are told by e-mail."
        ),
    },
    "reject": {
        "change": applications.reject,
        "allowed": applications.can_reject,
        "label": gettext_lazy("Reject the application"),
        "done": gettext_lazy(
            "The application «%(name)s» is rejected; the family is told by e-mail."
        ),
    },
}


def _refused(request, error):
    for message in error.messages:
        messages.error(request, message)


class DecisionView(WagtailAdminTemplateMixin, FormView):
    """Return or reject an application with a message: GET shows the form (and changes nothing),
    POST decides. For users who may change applications."""

    template_name = "dynasties/admin/decision.html"
    form_class = MessageForm
    header_icon = "group"
    action = None

    def dispatch(self, request, pk):
        if not can_moderate(request.user):
            raise PermissionDenied
        self.application = get_object_or_404(Application, pk=pk)
        return super().dispatch(request, pk)

    def get_prefix(self):
        return self.action

    def get_page_title(self):
        return DECISIONS[self.action]["label"]

    def get_page_subtitle(self):
        return str(self.application)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            applications_crumb(),
            {
                "url": reverse(INSPECT_URL_NAME, args=[self.application.pk]),
                "label": str(self.application),
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "application": self.application,
            "allowed": DECISIONS[self.action]["allowed"](self.application),
            "label": self.get_page_title(),
        }

    def form_valid(self, form):
        decision = DECISIONS[self.action]
        try:
            decision["change"](self.application, self.request.user, form.cleaned_data["message"])
        except applications.Refused as error:
            _refused(self.request, error)
        else:
            messages.success(self.request, decision["done"] % {"name": self.application})
        return redirect(INSPECT_URL_NAME, self.application.pk)


@require_POST
def accept_application(request, pk):
    """Accept: the draft dynasty page is made and opened in the page editor."""
    if not can_moderate(request.user):
        raise PermissionDenied
    application = get_object_or_404(Application, pk=pk)
    try:
        page = applications.accept(application, request.user)
    except applications.Refused as error:
        _refused(request, error)
        return redirect(INSPECT_URL_NAME, application.pk)
    messages.success(
        request,
        _(
            "The application «%(name)s» is accepted; the family is told by e-mail. Here is the "
            "draft of the dynasty's page: check it and publish it."
        )
        % {"name": application},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


# --- The application's page --------------------------------------------------------------------


def _years(start, end):
    return f"{start}–{end}" if end else _("%(start)s – now") % {"start": start}


def family_view(family, figures):
    """The family as the page lists it: each member with their generation, years and work."""
    generation = figures.generation_of if figures else {}
    periods = {}
    for period in family.periods:
        periods.setdefault(period.member, []).append(
            {"years": _years(period.start, period.end), "period": period}
        )
    names = {person.number: person.full_name for person in family.people}
    kinds = dict(Kinship.Kind.choices)
    return {
        "members": [
            {
                "person": person,
                # Partial dates in the reader's form («март 1952 г.»), not as stored.
                "birth": partial_dates.display(person.birth),
                "death": partial_dates.display(person.death),
                "generation": generation.get(person.number),
                "service": figures.by_member.get(person.number) if figures else None,
                "periods": periods.get(person.number, []),
            }
            for person in family.people
        ],
        "links": [
            {
                "link": link,
                "person": names.get(link.person, "?"),
                "kind": kinds.get(link.kind, link.kind),
                "relative": names.get(link.relative, "?"),
            }
            for link in family.links
        ],
        "orphan_periods": [
            item for number, items in periods.items() if number not in names for item in items
        ],
    }


class ApplicationInspectView(InspectView):
    """Everything about one application: the contact person, where it stands, the family as
    typed with its tree and problems, the photos and, for those who may change applications, the
    decisions the status allows."""

    def get_object(self, queryset=None):
        return get_object_or_404(
            Application.objects.select_related(
                "festival", "municipality", "library", "decided_by", "dynasty"
            ),
            pk=unquote(str(self.pk)),
        )

    def get_fields_context(self):
        application = self.object
        rows = [
            (field_label("festival"), application.festival.title),
            (field_label("family_name"), application.family_name),
            (field_label("municipality"), application.municipality.name),
            (_("Contact person"), application.full_name),
            (field_label("email"), application.email),
            (field_label("phone"), application.phone),
            (field_label("position"), application.position),
            (field_label("library"), application.library_name),
            (field_label("status"), application.get_status_display()),
            (
                field_label("decided_by"),
                get_user_display_name(application.decided_by) if application.decided_by else "",
            ),
        ]
        # As every page writes a moment (Wagtail's template would |localize it in UTC).
        rows += [
            (field_label(name), dates.moment(getattr(application, name)))
            for name in ("created_at", "updated_at", "decided_at", "anonymised_at")
            if getattr(application, name)
        ]
        return [
            {"label": label, "value": value, "component": None}
            for label, value in rows
            if value not in ("", None)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.object
        user = self.request.user
        family = application.as_family()
        problems = families.problems(family)
        # The figures and the tree need a family without contradictions (no kinship cycle).
        figures = families.figures(family) if family.people and not problems else None
        drawn = (
            tree.draw(family, figures, title=application.family_name, prefix="application-tree")
            if figures
            else None
        )
        moderate = can_moderate(user)
        context.update(
            application=application,
            family=family_view(family, figures),
            figures=figures,
            tree=drawn,
            problems=problems,
            photos=list(application.photos.all()),
            can_view_photos=can_view(user),
            can_moderate=moderate,
            can_accept=moderate and applications.can_accept(application),
            decisions=[
                (
                    reverse(f"dynasties_application_{name}", args=[application.pk]),
                    decision["label"],
                    MessageForm(prefix=name),
                )
                for name, decision in DECISIONS.items()
                if moderate and decision["allowed"](application)
            ],
        )
        return context


# --- Photos -------------------------------------------------------------------------------------


def application_photo(request, pk, size):
    """A photo of an application as processing re-encoded it (``size`` "thumbnail" or "image"),
    for users who may see applications."""
    if not can_view(request.user):
        raise PermissionDenied
    photo = get_object_or_404(ApplicationPhoto, pk=pk, status=ApplicationPhoto.Status.READY)
    stored = photo.thumbnail if size == "thumbnail" else photo.image
    content_type = PHOTO_TYPES.get(stored.name.rpartition(".")[2].lower()) if stored else None
    if content_type is None:
        raise Http404
    response = FileResponse(stored.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
