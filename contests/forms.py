"""The public entry form."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import dates
from kuzbib_site.base.forms import LibraryOrNameMixin, library_field
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.privacy import consent_version
from kuzbib_site.base.uploads import check_upload, safe_filename

from .conf import setting
from .models import Entry


def uploaded_names(uploads):
    """The names of the files a refused form was sent with, as they would be stored."""
    return [safe_filename(uploaded.name) for uploaded in uploads if uploaded.name]


class MultipleFileInput(forms.ClearableFileInput):
    """Several files in one input. A browser never sends a chosen file again, and the form keeps
    none when it has errors: ``attach_again`` names the files a refused form was sent with, and
    the input says to choose them again."""

    allow_multiple_selected = True
    template_name = "contests/widgets/files_input.html"
    attach_again = ()

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if self.attach_again:
            widget = context["widget"]
            widget["attach_again"] = self.attach_again
            attrs = widget["attrs"]
            # Beside what already describes the input (its help text, its error).
            attrs["aria-describedby"] = " ".join(
                [*attrs.get("aria-describedby", "").split(), f"{attrs.get('id', name)}-again"]
            )
        return context


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


#: Below this age a participant enters with a parent's or guardian's consent.
ADULT_AGE = 18
#: A date of birth further back than this many years is a mistyped year.
OLDEST_AGE = 100

#: How people type a date: «16.12.1990» (dots, or slashes, dashes, commas, spaces), ISO
#: «1990-12-16», or eight digits «16121990» (a phone's digit keyboard has no dot).
DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})[.,/ -]([0-9]{1,2})[.,/ -]([0-9]{4})")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
DIGITS_ONLY = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{4})")


class BirthDateInput(forms.DateInput):
    """A text box for a date of birth: typed, not picked from a calendar that opens on today and
    needs forty years of clicks back; a digit keyboard on phones."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"inputmode": "numeric", "autocomplete": "bday", **(attrs or {})},
            format="%d.%m.%Y",
        )


class BirthDateField(forms.DateField):
    """A date of birth as people type it (``DAY_MONTH_YEAR``, ``ISO_DATE``, ``DIGITS_ONLY``),
    with a message that says what is wrong: no such day, a date to come, a mistyped year."""

    widget = BirthDateInput
    default_error_messages = {
        "invalid": _("Type the date of birth as day, month and year, e.g. 16.12.1990."),
        "impossible": _("There is no such date: %(value)s. Check the day and the month."),
        "future": _("The date of birth cannot be in the future."),
        "too_old": _("Check the year of birth: %(value)s is more than %(age)s years ago."),
    }

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        for pattern, order in ((DAY_MONTH_YEAR, "dmy"), (ISO_DATE, "ymd"), (DIGITS_ONLY, "dmy")):
            match = pattern.fullmatch(text)
            if match:
                parts = dict(zip(order, map(int, match.groups()), strict=True))
                try:
                    return datetime.date(parts["y"], parts["m"], parts["d"])
                except ValueError:
                    raise ValidationError(
                        self.error_messages["impossible"],
                        code="impossible",
                        params={"value": text},
                    ) from None
        raise ValidationError(self.error_messages["invalid"], code="invalid")

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        today = timezone.localdate()
        if value > today:
            raise ValidationError(self.error_messages["future"], code="future")
        if age_on(value, today) > OLDEST_AGE:
            raise ValidationError(
                self.error_messages["too_old"],
                code="too_old",
                params={"value": dates.day(value), "age": OLDEST_AGE},
            )


def age_on(birth_date, day):
    """Full years on ``day`` (a person turns N on their birthday)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class EntryForm(LibraryOrNameMixin, forms.ModelForm):
    """A contest entry. Eligibility (age, municipality) and file limits are checked here, with
    messages for the participant; every typed value is kept when the form has errors."""

    library = library_field()
    files = MultipleFileField(label=_("Files"), required=True)
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of my personal data (name, date of birth, e-mail, "
            "phone, library, position) by the partnership «Kuzbass Libraries» to hold the contest."
        ),
        error_messages={
            "required": _("Without consent to personal-data processing we cannot accept it.")
        },
    )
    guardian_consent = forms.BooleanField(
        label=_(
            "For participants under 18: I am the participant's parent or guardian and consent "
            "to their taking part in the contest and to the processing of their personal data."
        ),
        required=False,
    )

    class Meta:
        model = Entry
        fields = [
            "nomination",
            "title",
            "description",
            "last_name",
            "first_name",
            "patronymic",
            "birth_date",
            "guardian_name",
            "email",
            "phone",
            "library",
            "new_library_name",
            "municipality",
            "position",
        ]
        field_classes = {"birth_date": BirthDateField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "nomination": forms.RadioSelect,
        }

    def __init__(self, *args, contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.contest = contest
        self.fields["nomination"].queryset = contest.nominations.all()
        self.fields["nomination"].empty_label = None
        self.fields["municipality"].queryset = Municipality.objects.order_by("name")
        self.fields["files"].help_text = _(
            "Up to %(count)s files (%(kinds)s), each up to %(file_mb)s MB, %(entry_mb)s MB in all."
        ) % {
            "count": contest.files_per_entry,
            "kinds": ", ".join(contest.file_kinds).upper(),
            "file_mb": contest.max_file_mb,
            "entry_mb": contest.max_entry_mb,
        }
        self.fields["birth_date"].help_text = _("Day, month and year, e.g. 16.12.1990.")
        self.fields["guardian_name"].help_text = _(
            "Only for participants under 18: they enter with a parent's or guardian's consent."
        )
        self.checked_files = []
        # A bound form is shown again only when it is refused (an accepted one redirects).
        self.fields["files"].widget.attach_again = uploaded_names(self.files.getlist("files"))

    def clean_birth_date(self):
        birth = self.cleaned_data["birth_date"]
        minimum = setting("MIN_AGE")
        if age_on(birth, timezone.localdate()) < minimum:
            raise ValidationError(
                _("Participants must be at least %(age)s years old on the day they enter.")
                % {"age": minimum}
            )
        if not self.contest.is_eligible_age(birth):
            raise ValidationError(
                _("The contest is for librarians aged %(age)s or younger on %(date)s.")
                % {
                    "age": self.contest.max_age,
                    "date": dates.day(self.contest.age_reference_date),
                }
            )
        return birth

    def clean_municipality(self):
        municipality = self.cleaned_data["municipality"]
        if not self.contest.is_eligible_municipality(municipality):
            raise ValidationError(_("Librarians of this municipality do not take part."))
        return municipality

    def clean_files(self):
        files = self.cleaned_data["files"]
        contest = self.contest
        if len(files) > contest.files_per_entry:
            raise ValidationError(
                _("At most %(count)s files may be attached.") % {"count": contest.files_per_entry}
            )
        if sum(f.size for f in files) > contest.max_entry_mb * 1024 * 1024:
            raise ValidationError(
                _("The files together exceed %(mb)s MB.") % {"mb": contest.max_entry_mb}
            )
        errors, checked = [], []
        for uploaded in files:
            try:
                kind = check_upload(
                    uploaded,
                    allowed=contest.file_kinds,
                    max_bytes=contest.max_file_mb * 1024 * 1024,
                )
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                checked.append((uploaded, kind))
        if errors:
            raise ValidationError(errors)
        self.checked_files = checked
        return files

    @property
    def files_to_attach_again(self):
        """The files a refused submission was sent with: none is kept, so the page names them
        at its top (and the input by itself) for the participant to choose again."""
        if not self.is_bound or not self.errors:
            return []
        return uploaded_names(self.files.getlist("files"))

    @property
    def is_minor(self):
        birth = self.cleaned_data.get("birth_date")
        return birth is not None and age_on(birth, timezone.localdate()) < ADULT_AGE

    def clean(self):
        cleaned = super().clean()
        if self.is_minor:
            if not " ".join(cleaned.get("guardian_name", "").split()):
                self.add_error(
                    "guardian_name",
                    _(
                        "A participant under 18 enters with a parent's or guardian's consent: "
                        "enter the parent's or guardian's full name."
                    ),
                )
            if not cleaned.get("guardian_consent"):
                self.add_error(
                    "guardian_consent",
                    _(
                        "A participant under 18 enters only with a parent's or guardian's "
                        "consent: they tick this box."
                    ),
                )
        return cleaned

    def entry_data(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        # Which consent text this person saw (in the language shown), stored with the consent.
        data["consent_version"] = consent_version(self.fields["consent"].label)
        if self.is_minor:
            data["guardian_name"] = " ".join(data["guardian_name"].split())
            data["guardian_consent_at"] = timezone.now()
        else:
            data["guardian_name"] = ""
        return data
