"""The admin listing of contest entries, «Конкурсные работы»: filters (flags among them), search
by number, surname or title, CSV/XLSX export and each entry's page (``admin_views``), as a
snippet viewset; its header links to the contest's ZIP archives (``archive_views``).

A row opens the entry's page, where the managers' actions are. The edit form corrects what the
participant typed (name, contacts, library, title) and nothing else: the status changes only
through the transitions of ``domain.entry``, which e-mail the participant."""

import re

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from kuzbib_site.base.exports import SafeExportIndexView
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.permissions import PublicFormOnlyPolicy, WithoutChooserMixin

from .admin_views import EntryInspectView, can_change
from .models import ContestPage, Entry, EntryFlag, Nomination

register_permission_policy(Entry, PublicFormOnlyPolicy(Entry))

#: A number as a manager types it: «17», «017» or the whole «КНИГИНЯ-2009/017».
ENTRY_NUMBER = re.compile(r"(?:^|/)0*(\d{1,9})$")
#: Words of a search that are looked for; the rest of an overlong query is ignored.
SEARCH_WORDS = 8


# --- The listing -------------------------------------------------------------------------------


class RecordChoiceField(django_filters.fields.ModelChoiceField):
    """A record chosen by id. SQLite cannot even compare an id beyond 64 bits (a tampered URL):
    such an id is simply not one of the choices."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class RecordFilter(django_filters.ModelChoiceFilter):
    field_class = RecordChoiceField


class NominationChoiceField(RecordChoiceField):
    """Nominations named with their contest: two contests may both have «Библиотечный проект»."""

    def label_from_instance(self, nomination):
        return f"{nomination.contest.title}: {nomination.title}"


class NominationFilter(RecordFilter):
    field_class = NominationChoiceField


class EntryFilterSet(WagtailFilterSet):
    """The listing's filters; «flags» keeps entries that processing flagged, each entry once."""

    contest = RecordFilter(queryset=ContestPage.objects.order_by("-start"))
    nomination = NominationFilter(
        queryset=Nomination.objects.select_related("contest").order_by("contest", "sort_order")
    )
    municipality = RecordFilter(queryset=Municipality.objects.all())
    flags = django_filters.ChoiceFilter(
        label=gettext_lazy("Flags"),
        choices=[("any", gettext_lazy("any flag")), *EntryFlag.Kind.choices],
        method="filter_flags",
    )

    class Meta:
        model = Entry
        fields = ["contest", "nomination", "status", "municipality", "flags"]

    def filter_flags(self, queryset, name, value):
        # EXISTS rather than a join: an entry with several flags is still one row.
        flags = EntryFlag.objects.filter(entry=OuterRef("pk"))
        if value != "any":
            flags = flags.filter(kind=value)
        return queryset.filter(Exists(flags))


def flag_marks(entry):
    """«⚑ identical file, similar text» for a flagged entry (flags are prefetched)."""
    kinds = dict.fromkeys(str(flag.get_kind_display()) for flag in entry.flags.all())
    return f"⚑ {', '.join(kinds)}" if kinds else ""


class EntryIndexView(SafeExportIndexView):
    @cached_property
    def columns(self):
        """The number first, on one line («КНИГИНЯ-2009/017» would break at its hyphen and
        slash) and sorted as a number; it opens the entry's page."""
        columns = super().columns
        number = next(column for column in columns if isinstance(column, TitleColumn))
        number.label = gettext_lazy("Number")
        number.classname = "kuzbib-nowrap"
        number.sort_key = "number"
        return columns

    def get_edit_url(self, instance):
        """A row opens the entry's page (its files, flags and log, the managers' actions), not
        the edit form: «Edit» is a button there."""
        return None

    def search_queryset(self, queryset):
        """Every word of the search in the title, the participant's name or e-mail — or the
        entry's number: «17», «017», «КНИГИНЯ-2009/017»."""
        if not self.is_searching:
            return queryset
        for word in self.search_query.split()[:SEARCH_WORDS]:
            matches = Q()
            for field in self.search_fields:
                matches |= Q(**{f"{field}__icontains": word})
            if number := ENTRY_NUMBER.search(word):
                prefix = word[: number.start()]
                by_number = Q(number=int(number.group(1)))
                if prefix:
                    by_number &= Q(contest__entry_prefix__iexact=prefix)
                matches |= by_number
            queryset = queryset.filter(matches)
        return queryset

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        for number, stored in enumerate(instance.files.all(), start=1):
            buttons.append(
                Button(
                    _("File %(number)s: %(name)s")
                    % {"number": number, "name": stored.original_name},
                    url=reverse("contests_entry_file", args=[stored.pk]),
                    icon_name="download",
                    priority=50 + number,
                )
            )
        return buttons

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if can_change(self.request.user):
            buttons.append(
                HeaderButton(
                    _("Download all entries (ZIP)"), url=self.archives_url(), icon_name="download"
                )
            )
        return buttons

    def archives_url(self):
        """The filtered contest's archives, or the list of contests to choose from."""
        if self.filters and self.filters.is_valid():
            contest = self.filters.form.cleaned_data.get("contest")
            if contest is not None:
                return reverse("contests_contest_archives", args=[contest.pk])
        return reverse("contests_archives")


# --- The viewset ------------------------------------------------------------------------------


class EntryViewSet(WithoutChooserMixin, SnippetViewSet):
    """«Конкурсные работы»: the listing, export and each entry's page; no chooser (see
    ``WithoutChooserMixin``)."""

    model = Entry
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Contest entries")
    menu_order = 257
    add_to_admin_menu = True
    index_view_class = EntryIndexView
    inspect_view_enabled = True
    inspect_view_class = EntryInspectView
    inspect_template_name = "contests/admin/entry_inspect.html"
    filterset_class = EntryFilterSet
    list_display = [
        "code",
        "title",
        Column("full_name", label=pgettext_lazy("person", "full name"), sort_key="last_name"),
        "nomination",
        "municipality",
        "status",
        Column("flags", label=gettext_lazy("Flags"), accessor=flag_marks),
        "created_at",
    ]
    search_fields = ["title", "last_name", "first_name", "patronymic", "email"]
    ordering = ["contest", "number"]
    list_export = [
        "code",
        "title",
        "full_name",
        "birth_date",
        "email",
        "phone",
        "library",
        "new_library_name",
        "municipality",
        "position",
        "nomination",
        "get_status_display",
        "status_reason",
        "created_at",
        "consent_given_at",
    ]
    export_headings = {
        "code": gettext_lazy("Number"),
        "full_name": pgettext_lazy("person", "full name"),
        "get_status_display": gettext_lazy("Status"),
    }
    export_filename = "contest-entries"
    # What the participant typed, for corrections; never the contest, nomination or status.
    panels = [
        FieldRowPanel(
            [FieldPanel("last_name"), FieldPanel("first_name"), FieldPanel("patronymic")]
        ),
        FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
        FieldPanel("guardian_name"),
        FieldRowPanel([FieldPanel("library"), FieldPanel("new_library_name")]),
        FieldRowPanel([FieldPanel("position"), FieldPanel("municipality")]),
        FieldPanel("title"),
        FieldPanel("description"),
    ]

    def get_queryset(self, request):
        return Entry.objects.select_related(
            "contest", "nomination", "municipality", "library"
        ).prefetch_related("files", "flags")
