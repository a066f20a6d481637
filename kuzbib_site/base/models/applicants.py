"""What every public application form asks about the person (a report proposal, a contest
entry): personal data under 152-FZ, kept in one shape so that one retention job can find and
anonymise it."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..tokens import new_token


class Applicant(models.Model):
    """An abstract applicant: name, e-mail, position, library (from the directory or typed in),
    when they consented to the processing of their data and to which text, their private link's
    token, and when the retention job erased their data."""

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    patronymic = models.CharField(_("patronymic"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"))
    position = models.CharField(_("position"), max_length=200, blank=True)
    library = models.ForeignKey(
        "base.Library",
        verbose_name=_("library"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    new_library_name = models.CharField(
        _("library not in the directory"), max_length=500, blank=True
    )
    consent_given_at = models.DateTimeField(_("consent to personal-data processing given at"))
    # Which consent text was shown (kuzbib_site.base.privacy.consent_version of the label in the
    # language shown), so that the consent can be proved word for word later.
    consent_version = models.CharField(
        _("version of the consent text"), max_length=64, blank=True, editable=False
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    # Set by the retention job (kuzbib_site.base.retention): names and contacts are gone.
    anonymised_at = models.DateTimeField(
        _("personal data erased at"), null=True, blank=True, editable=False
    )

    class Meta:
        abstract = True

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def library_name(self):
        return self.library.full_name if self.library_id else self.new_library_name
