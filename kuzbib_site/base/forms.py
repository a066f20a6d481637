"""Pieces shared by the public forms of every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Library


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name


def library_field():
    """«Library»: one from the directory, or «— not in the list —» and a name typed into the
    form's ``new_library_name``."""
    return LibraryChoiceField(
        label=_("Library"),
        queryset=Library.objects.order_by("full_name"),
        required=False,
        empty_label=_("— not in the list —"),
    )


class LibraryOrNameMixin:
    """For forms with ``library`` and ``new_library_name``: one of the two is needed."""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("library")
            and not (cleaned.get("new_library_name") or "").strip()
            and "library" not in self.errors
            and "new_library_name" not in self.errors
        ):
            self.add_error(
                "library", _("Choose your library from the list or write its name below.")
            )
        return cleaned
