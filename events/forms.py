"""Public forms of the events app."""

from django import forms
from django.db.models import Count, Q
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuzbib_site.base.forms import LibraryOrNameMixin, library_field
from kuzbib_site.base.privacy import consent_version
from kuzbib_site.base.uploads import check_upload, safe_filename

from .conf import setting
from .models import Proposal, Registration, SectionPage, SectionSessionPage, SessionSeat
from .models.registration import NAME_PART_MAX_LENGTH, split_full_name


class ReattachBoundField(BoundField):
    """A field of a form with files. Browsers never send a chosen file again, so when the form
    comes back with errors a file field that had a file says by its input that it must be
    attached again (and the input points to that note for screen readers)."""

    @property
    def must_reattach(self):
        return (
            isinstance(self.field, forms.FileField)
            and self.form.is_bound
            and bool(self.form.errors)
            and bool(self.form.files.get(self.html_name))
        )

    @property
    def aria_describedby(self):
        described = super().aria_describedby
        if self.must_reattach and described is not None:
            return " ".join(filter(None, (described, f"{self.auto_id}_reattach")))
        return described

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        html = super().as_widget(widget, attrs, only_initial)
        if not self.must_reattach:
            return html
        return html + format_html(
            '<p class="field__reattach notice notice--warning" id="{}_reattach">{}</p>',
            self.auto_id,
            _("Choose the file again: files are not kept when the form has errors."),
        )


class ReattachFilesMixin:
    """A form with file fields that names, after an error, the files to attach again: at the top
    of the page (``files_to_reattach``) and by each field (``ReattachBoundField``)."""

    bound_field_class = ReattachBoundField

    @property
    def files_to_reattach(self):
        return [field for field in self if field.must_reattach]


class SessionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        label = f"{obj.title} ({obj.get_format_display()})"
        if obj.capacity is not None and obj.taken >= obj.capacity:
            label += " — " + str(_("no places left, waitlist"))
        return label


class RegistrationForm(LibraryOrNameMixin, forms.ModelForm):
    """Registration for a conference. Every entered value is kept when the form has errors."""

    # One field for the full name, in the Russian order; stored as last name, first name and
    # patronymic (``split_full_name``).
    name = forms.CharField(
        label=capfirst(pgettext_lazy("person", "full name")),
        max_length=200,
        error_messages={"required": _("Please enter your full name.")},
    )
    library = library_field()
    sessions = SessionChoiceField(
        label=_("Sessions of interest"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of my personal data (name, e-mail, library, position) "
            "by the partnership «Kuzbass Libraries» to organise the conference."
        ),
        required=True,
        error_messages={
            "required": _("Without consent to personal-data processing we cannot register you.")
        },
    )
    # Accessibility needs are health data, a special category (152-FZ, art. 10): they need a
    # consent of their own, asked only when the field is filled.
    accessibility_consent = forms.BooleanField(
        label=_(
            "I consent to the processing of the information about my health that I gave under "
            "«Accessibility needs», only to arrange my participation in the conference."
        ),
        required=False,
    )

    class Meta:
        model = Registration
        fields = [
            "name",
            "email",
            "library",
            "new_library_name",
            "position",
            "role",
            "sessions",
            "accessibility_needs",
        ]
        widgets = {
            "role": forms.RadioSelect,
            "accessibility_needs": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "new_library_name": _("If your library is not in the list, write its full name.")
        }
        error_messages = {
            "email": {
                "required": _("Please enter your e-mail address."),
                "invalid": _("Please enter a valid e-mail address, e.g. name@library.ru."),
            },
        }

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["sessions"].queryset = conference.sessions().annotate(
            taken=Count("seats", filter=Q(seats__status=SessionSeat.Status.CONFIRMED))
        )
        self.fields["role"].choices = Registration.Role.choices
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        if not self.fields["sessions"].queryset.exists():
            del self.fields["sessions"]
        # The health-data consent right under the field it is about.
        order = [name for name in self.fields if name != "accessibility_consent"]
        order.insert(order.index("accessibility_needs") + 1, "accessibility_consent")
        self.order_fields(order)

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("accessibility_needs") or "").strip() and not cleaned.get(
            "accessibility_consent"
        ):
            self.add_error(
                "accessibility_consent",
                _(
                    "Information about your health is kept only with your separate consent: "
                    "tick this box or leave «Accessibility needs» empty."
                ),
            )
        # Which consent text this person saw (in the language shown), stored with the consent.
        cleaned["consent_version"] = consent_version(self.fields["consent"].label)
        return cleaned

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Please enter your full name."))
        if any(len(part) > NAME_PART_MAX_LENGTH for part in split_full_name(name)):
            raise forms.ValidationError(
                _("Each part of the name may be at most %(limit)d characters long.")
                % {"limit": NAME_PART_MAX_LENGTH}
            )
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_new_library_name(self):
        return " ".join(self.cleaned_data["new_library_name"].split())

    def clean_position(self):
        return " ".join(self.cleaned_data["position"].split())

    def _post_clean(self):
        # The registration is created by events.domain.registration.register(), not this form;
        # skip the model's validation of the fields the form does not set (conference, consent).
        pass


#: The proposal's person fields as browsers know them (HTML autocomplete tokens).
AUTOCOMPLETE = {
    "last_name": "family-name",
    "first_name": "given-name",
    "patronymic": "additional-name",
    "email": "email",
    "position": "organization-title",
}


class ProposalForm(ReattachFilesMixin, LibraryOrNameMixin, forms.ModelForm):
    """A report proposal. The file's type is read from its content; every entered value is kept
    when the form has errors except the file, which browsers never resend: the page then asks
    for it again (``ReattachFilesMixin``)."""

    library = library_field()
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of my personal data (name, e-mail, library, position) "
            "by the partnership «Kuzbass Libraries» to review the proposal and publish the "
            "programme."
        ),
        required=True,
        error_messages={
            "required": _("Without consent to personal-data processing we cannot accept it.")
        },
    )

    class Meta:
        model = Proposal
        fields = [
            "section",
            "title",
            "abstract",
            "format",
            "last_name",
            "first_name",
            "patronymic",
            "email",
            "library",
            "new_library_name",
            "position",
            "co_authors",
            "file",
        ]
        widgets = {"format": forms.RadioSelect, "abstract": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        section_ids = (
            SectionSessionPage.objects.child_of(conference)
            .exclude(section=None)
            .values_list("section_id", flat=True)
        )
        self.fields["section"].queryset = SectionPage.objects.live().filter(pk__in=section_ids)
        self.fields["section"].label_from_instance = lambda section: section.title
        for name in ("last_name", "first_name", "email", "title", "abstract"):
            self.fields[name].required = True
        # Phones fill these from the owner's contact card.
        for name, autocomplete in AUTOCOMPLETE.items():
            self.fields[name].widget.attrs["autocomplete"] = autocomplete

    def save(self, commit=True):
        # Which consent text this person saw (in the language shown), stored with the consent.
        self.instance.consent_version = consent_version(self.fields["consent"].label)
        return super().save(commit)

    def clean_file(self):
        uploaded = self.cleaned_data.get("file")
        if uploaded and hasattr(uploaded, "content_type"):  # a new upload, not a stored file
            check_upload(
                uploaded,
                allowed=setting("PROPOSAL_FILE_KINDS"),
                max_bytes=setting("PROPOSAL_FILE_MAX_BYTES"),
            )
            uploaded.name = safe_filename(uploaded.name)
        return uploaded
