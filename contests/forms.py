"""The public entry form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.forms import LibraryOrNameMixin, library_field
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.privacy import consent_version
from kuzbib_site.base.uploads import check_upload

from .conf import setting
from .models import Entry


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


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
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}),
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
        self.fields["guardian_name"].help_text = _(
            "Only for participants under 18: they enter with a parent's or guardian's consent."
        )
        self.checked_files = []

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
                    "date": self.contest.age_reference_date.strftime("%d.%m.%Y"),
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
