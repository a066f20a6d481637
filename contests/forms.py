"""The public entry form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base.forms import LibraryOrNameMixin, library_field
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.uploads import check_upload

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
        self.checked_files = []

    def clean_birth_date(self):
        birth = self.cleaned_data["birth_date"]
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

    def entry_data(self):
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        return data
