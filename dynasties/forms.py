"""The festival's public application form, which works without JavaScript.

``ApplicationForm`` is the family's name, municipality, contact person, story, photos and consent,
and carries two formsets: the family's members (rows numbered 1…N by their position; kinship is
chosen by row number — parents, spouse, sibling) and their periods of work in libraries. The
form is valid only when every row is and the family as a whole passes
``dynasties.family.problems`` (no kinship cycles, no impossible years), so nothing is saved from a
family that does not hold together.

Without JavaScript, rows are added and removed by submit buttons (``add_member``,
``remove_member=<index>``, ``add_period``, ``remove_period=<index>``): the view reads the posted
rows leniently (``posted_rows``), changes them (``add_row``, ``remove_member``, ``remove_row``)
and shows the form again, unbound, with what was typed as its initial values; nothing is
validated or saved then. Removing a member renumbers the rows after it and every reference to
them; a reference to the removed member is cleared and said so.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import partial_dates
from kuzbib_site.base.forms import LibraryOrNameMixin, library_field
from kuzbib_site.base.images import ImageRefused, open_checked
from kuzbib_site.base.models import Library, Municipality
from kuzbib_site.base.privacy import consent_version
from kuzbib_site.base.uploads import check_upload

from . import family
from .conf import setting
from .models import Application, Sex

MEMBER_PREFIX = "member"
PERIOD_PREFIX = "period"
#: Rows of an empty form.
START_MEMBERS = 3
START_PERIODS = 2
#: The fields of a member's row that point at another row by its number.
MEMBER_REFERENCES = ("parent1", "parent2", "spouse", "sibling")
PHOTO_KINDS = ("jpeg", "png")
DATE_HELP = _("E.g. 12.03.1923, 03.1923, 1923, около 1920 or 1920-е.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one ``<input type=file multiple>`` (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


def _year_field(label, required=False):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1000,
        max_value=2999,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "year"}),
        error_messages={
            "invalid": _("Write the year in four digits, e.g. 1975."),
            "min_value": _("Write the year in four digits, e.g. 1975."),
            "max_value": _("Write the year in four digits, e.g. 1975."),
        },
    )


def _number_field(label, required=False):
    return forms.TypedChoiceField(
        label=label,
        required=required,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _("Choose a member by the number of their row."),
            "required": _("Choose the member whose work this is."),
        },
    )


def member_choices(rows):
    """The options of the selects that point at a member: «№ 2 Иванов Пётр», one per row."""
    choices = [("", "—")]
    for number, row in enumerate(rows, start=1):
        name = " ".join(
            part for part in (row.get("last_name", ""), row.get("first_name", "")) if part
        )
        label = gettext("No. %(number)s") % {"number": number}
        choices.append((str(number), f"{label} {name}" if name else label))
    return choices


def library_choices():
    """The directory's libraries as options, read once for every period row (one query)."""
    return [
        ("", gettext("— not in the list —")),
        *(
            (str(pk), name)
            for pk, name in Library.objects.order_by("full_name").values_list("pk", "full_name")
        ),
    ]


class MemberForm(forms.Form):
    """One member of the family: a row numbered by its position."""

    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    maiden_name = forms.CharField(label=_("Maiden name"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth = forms.CharField(
        label=_("Date of birth"), max_length=40, required=False, help_text=DATE_HELP
    )
    death = forms.CharField(
        label=_("Date of death"), max_length=40, required=False, help_text=DATE_HELP
    )
    parent1 = _number_field(_("Mother or father"))
    parent2 = _number_field(_("The other parent"))
    spouse = _number_field(_("Spouse"))
    marriage_year = _year_field(_("Year of marriage"))
    sibling = _number_field(_("Brother or sister"))

    def __init__(self, *args, member_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        for name in MEMBER_REFERENCES:
            self.fields[name].choices = member_choices

    @property
    def number(self):
        return self.prefix_index + 1

    def _clean_date(self, name):
        try:
            return partial_dates.normalise(self.cleaned_data[name])
        except ValidationError as error:
            raise ValidationError(error.messages) from error

    def clean_birth(self):
        return self._clean_date("birth")

    def clean_death(self):
        return self._clean_date("death")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("marriage_year") and not cleaned.get("spouse"):
            self.add_error("marriage_year", _("Choose the spouse married in this year."))
        return cleaned


class PeriodForm(forms.Form):
    """A period of a member's work in a library."""

    member = _number_field(_("Family member"), required=True)
    library = forms.TypedChoiceField(
        label=_("Library"), required=False, coerce=int, empty_value=None
    )
    library_name = forms.CharField(
        label=_("Or the library's name, if it is not in the list"), max_length=255, required=False
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    start = _year_field(_("From (year)"), required=True)
    end = _year_field(_("To (year)"))

    def __init__(self, *args, member_choices=(), library_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = member_choices
        self.fields["library"].choices = library_choices
        self.fields["end"].help_text = _("Empty: works there now.")
        self.library_names = dict(library_choices)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("library") and not (cleaned.get("library_name") or "").strip():
            self.add_error(
                "library", _("Choose the library from the list or write its name below.")
            )
        return cleaned

    def period(self):
        data = self.cleaned_data
        library_id = data["library"]
        name = self.library_names.get(str(library_id)) if library_id else data["library_name"]
        return family.Period(
            member=data["member"],
            start=data["start"],
            end=data["end"],
            library=" ".join(name.split()),
            library_id=library_id,
            position=data["position"].strip(),
        )


class RowFormSet(forms.BaseFormSet):
    """Rows that may be left empty: an untouched row is skipped, wherever it stands (its number
    is then no member's)."""

    def _construct_form(self, i, **kwargs):
        kwargs.update(empty_permitted=True, use_required_attribute=False)
        form = super()._construct_form(i, **kwargs)
        form.prefix_index = i
        return form

    def filled(self):
        """The valid forms with something typed in them."""
        return [form for form in self.forms if form.has_changed() and form.is_valid()]


class MemberFormSet(RowFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "An application may name at most %(num)d family member. Nothing has been saved.",
            "An application may name at most %(num)d family members. Nothing has been saved.",
            "num",
        ),
    }


class PeriodFormSet(RowFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "An application may list at most %(num)d work period. Nothing has been saved.",
            "An application may list at most %(num)d work periods. Nothing has been saved.",
            "num",
        ),
    }


def member_formset_class():
    limit = setting("MAX_MEMBERS")
    return forms.formset_factory(
        MemberForm,
        formset=MemberFormSet,
        extra=0,
        max_num=limit,
        validate_max=True,
        # More rows than this are never built into forms, however many were posted.
        absolute_max=limit + 1,
    )


def period_formset_class():
    limit = setting("MAX_PERIODS")
    return forms.formset_factory(
        PeriodForm,
        formset=PeriodFormSet,
        extra=0,
        max_num=limit,
        validate_max=True,
        absolute_max=limit + 1,
    )


MEMBER_FIELDS = tuple(MemberForm.base_fields)
PERIOD_FIELDS = tuple(PeriodForm.base_fields)


def posted_rows(data, prefix, names, limit):
    """The rows of a formset as posted, as dicts of text (missing values empty), at most
    ``limit`` of them; a count that is not a number is no rows."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    return [
        {name: data.get(f"{prefix}-{index}-{name}", "") for name in names}
        for index in range(max(0, min(total, limit)))
    ]


def blank_row(names):
    return dict.fromkeys(names, "")


def remove_member(members, periods, index):
    """Remove the member of row ``index`` (0-based): the rows after it move up one number and
    every reference follows; references to the removed member are cleared. Returns the new
    member and period rows and the notices to show."""
    removed = index + 1
    cleared = []

    def renumbered(value, where):
        try:
            number = int(value)
        except (TypeError, ValueError):
            return value
        if number == removed:
            cleared.append(where)
            return ""
        return str(number - 1) if number > removed else value

    new_members = []
    for position, row in enumerate(members[:index] + members[index + 1 :], start=1):
        row = dict(row)
        for name in MEMBER_REFERENCES:
            row[name] = renumbered(
                row[name], gettext("family member No. %(number)s") % {"number": position}
            )
        if not row["spouse"]:
            row["marriage_year"] = ""
        new_members.append(row)
    new_periods = []
    for position, row in enumerate(periods, start=1):
        row = dict(row)
        row["member"] = renumbered(
            row["member"], gettext("work period No. %(number)s") % {"number": position}
        )
        new_periods.append(row)
    notices = [
        gettext(
            "Family member No. %(number)s is removed; the members after them moved up one "
            "number, and the links to them follow."
        )
        % {"number": removed}
    ]
    if cleared:
        notices.append(
            gettext("Links to the removed member were cleared in: %(places)s.")
            % {"places": ", ".join(dict.fromkeys(cleared))}
        )
    return new_members, new_periods, notices


class ApplicationForm(LibraryOrNameMixin, forms.ModelForm):
    """The whole application: this form's fields and the two formsets (``members``,
    ``periods``); valid only when all three are and the family passes the checks. After
    validation ``family`` is the family as plain data and ``checked_photos`` the photos with
    their kinds."""

    library = library_field()
    photos = MultipleFileField(label=_("Photos"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of the personal data in this application (my name, "
            "e-mail, phone, library and position; the family members' names, dates and work) "
            "by the partnership «Kuzbass Libraries» to hold the festival of library dynasties "
            "and to publish the dynasty's page if the application is accepted."
        ),
        error_messages={
            "required": _(
                "Without consent to personal-data processing we cannot accept the application."
            )
        },
    )

    class Meta:
        model = Application
        fields = [
            "family_name",
            "municipality",
            "last_name",
            "first_name",
            "patronymic",
            "email",
            "phone",
            "position",
            "library",
            "new_library_name",
            "story",
        ]
        widgets = {"story": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, data=None, files=None, *, member_rows=None, period_rows=None, **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["municipality"].empty_label = "—"
        self.fields["family_name"].help_text = _("As the dynasty is called, e.g. «Ивановы».")
        self.fields["story"].help_text = _("Up to %(count)s characters.") % {"count": 10000}
        self.fields["photos"].help_text = _(
            "Up to %(count)s photos, JPEG or PNG, each up to %(mb)s MB."
        ) % {"count": setting("MAX_PHOTOS"), "mb": setting("PHOTO_MAX_BYTES") // (1024 * 1024)}
        for name in ("last_name", "first_name", "patronymic", "email", "phone", "position"):
            self.fields[name].label = {
                "last_name": _("Your last name"),
                "first_name": _("Your first name"),
                "patronymic": _("Your patronymic"),
                "email": _("Your e-mail"),
                "phone": _("Your phone"),
                "position": _("Your position"),
            }[name]
        libraries = library_choices()
        if self.is_bound:
            members = posted_rows(data, MEMBER_PREFIX, MEMBER_FIELDS, setting("MAX_MEMBERS") + 1)
            self.members = member_formset_class()(
                data, prefix=MEMBER_PREFIX, form_kwargs={"member_choices": member_choices(members)}
            )
            choices = {"member_choices": member_choices(members), "library_choices": libraries}
            self.periods = period_formset_class()(data, prefix=PERIOD_PREFIX, form_kwargs=choices)
        else:
            if member_rows is None:
                member_rows = [blank_row(MEMBER_FIELDS) for _row in range(START_MEMBERS)]
            if period_rows is None:
                period_rows = [blank_row(PERIOD_FIELDS) for _row in range(START_PERIODS)]
            choices = member_choices(member_rows)
            self.members = member_formset_class()(
                initial=member_rows, prefix=MEMBER_PREFIX, form_kwargs={"member_choices": choices}
            )
            self.periods = period_formset_class()(
                initial=period_rows,
                prefix=PERIOD_PREFIX,
                form_kwargs={"member_choices": choices, "library_choices": libraries},
            )
        self.family = None
        self.checked_photos = []

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        limit = setting("MAX_PHOTOS")
        if len(photos) > limit:
            raise ValidationError(
                _("At most %(count)s photos may be attached; %(sent)s were.")
                % {"count": limit, "sent": len(photos)}
            )
        errors, checked = [], []
        for uploaded in photos:
            try:
                kind = check_upload(
                    uploaded, allowed=PHOTO_KINDS, max_bytes=setting("PHOTO_MAX_BYTES")
                )
                # The header's size, before a pixel is decoded: a decompression bomb stops here.
                with open_checked(uploaded, setting("PHOTO_MAX_PIXELS"), name=uploaded.name):
                    pass
            except ValidationError as error:
                errors.extend(error.messages)
            except ImageRefused as error:
                errors.append(error.message)
            else:
                checked.append((uploaded, kind))
            uploaded.seek(0)
        if errors:
            raise ValidationError(errors)
        self.checked_photos = checked
        return photos

    def clean(self):
        cleaned = super().clean()
        members_valid = self.members.is_valid()
        periods_valid = self.periods.is_valid()
        if not (members_valid and periods_valid):
            self.add_error(
                None, _("Some family members or work periods need correcting: see below.")
            )
            return cleaned
        people = self.members.filled()
        if not people:
            self.add_error(None, _("Name at least one family member."))
            return cleaned
        built = build_family(people, self.periods.filled())
        found = family.problems(built)
        for problem in found:
            self.add_error(None, problem)
        if not found:
            self.family = built
        return cleaned

    def application_data(self):
        """The application's own fields, as the model takes them (photos and consent apart)."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def consent_version(self):
        return consent_version(self.fields["consent"].label)

    def row_errors(self):
        """Every error of the rows, for the summary at the top: (the field's id, the row's
        name, the field's label, the message)."""
        found = []
        for formset, title in (
            (self.members, _("Family member No. %(number)s")),
            (self.periods, _("Work period No. %(number)s")),
        ):
            if not formset.is_bound:
                continue
            for index, form in enumerate(formset.forms):
                for name, messages in form.errors.items():
                    field = form[name] if name in form.fields else None
                    for message in messages:
                        found.append(
                            {
                                "id": field.id_for_label if field else "",
                                "row": title % {"number": index + 1},
                                "label": field.label if field else "",
                                "message": message,
                            }
                        )
            found += [
                {"id": "", "row": "", "label": "", "message": message}
                for message in formset.non_form_errors()
            ]
        return found


def build_family(member_forms, period_forms):
    """The family from the valid rows: people numbered by their rows, kinship from the row
    selects (each pair of spouses or siblings once), the work periods."""
    people, links, pairs = [], [], set()
    for form in member_forms:
        data = form.cleaned_data
        number = form.number
        people.append(
            family.Person(
                number=number,
                last_name=" ".join(data["last_name"].split()),
                first_name=" ".join(data["first_name"].split()),
                patronymic=" ".join(data["patronymic"].split()),
                maiden_name=" ".join(data["maiden_name"].split()),
                sex=data["sex"],
                birth=data["birth"],
                death=data["death"],
            )
        )
        for name in ("parent1", "parent2"):
            if data[name] is not None:
                links.append(family.Link(family.Link.PARENT, data[name], number))
        for kind, name in ((family.Link.SPOUSE, "spouse"), (family.Link.SIBLING, "sibling")):
            other = data[name]
            if other is None or (kind, frozenset((number, other))) in pairs:
                continue
            pairs.add((kind, frozenset((number, other))))
            start = data["marriage_year"] if kind == family.Link.SPOUSE else None
            links.append(family.Link(kind, number, other, start=start))
    return family.Family(
        people=tuple(people),
        links=tuple(links),
        periods=tuple(form.period() for form in period_forms),
    )


def rows_from_family(data):
    """The member and period rows of the form for a family as an application keeps it (its
    ``family`` data): members at the rows of their numbers, the gaps left empty."""
    value = family.Family.from_data(data or {})
    count = max((person.number for person in value.people), default=0)
    members = [blank_row(MEMBER_FIELDS) for _row in range(count)]
    for person in value.people:
        members[person.number - 1].update(
            last_name=person.last_name,
            first_name=person.first_name,
            patronymic=person.patronymic,
            maiden_name=person.maiden_name,
            sex=person.sex,
            birth=person.birth,
            death=person.death,
        )
    for link in value.links:
        if link.kind == family.Link.PARENT and 0 < link.relative <= count:
            row = members[link.relative - 1]
            slot = "parent1" if not row["parent1"] else "parent2"
            row[slot] = str(link.person)
        elif 0 < link.person <= count:
            row = members[link.person - 1]
            name = "spouse" if link.kind == family.Link.SPOUSE else "sibling"
            row[name] = str(link.relative)
            if link.kind == family.Link.SPOUSE and link.start:
                row["marriage_year"] = str(link.start)
    periods = [
        {
            "member": str(period.member),
            "library": str(period.library_id) if period.library_id else "",
            "library_name": "" if period.library_id else period.library,
            "position": period.position,
            "start": str(period.start),
            "end": str(period.end) if period.end else "",
        }
        for period in value.periods
    ]
    return members, periods
