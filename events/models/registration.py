"""Conference registration: who comes, in which role, to which sessions, and where they stand —
confirmed, on the waitlist, awaiting an editor's approval, cancelled or rejected.

The rules (capacity, waitlist, promotion) live in ``events/domain/registration.py``; these
models only hold the state. A registrant is an ``Applicant`` (the person fields every public form
keeps in one shape for the retention job) and manages their registration through a private link
carrying ``token``; personal data is never shown on a public page.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuzbib_site.base.models import Applicant

from .conference import ConferencePage
from .sessions import SectionSessionPage

#: The longest part of a name (last name, first name, patronymic), as ``Applicant`` keeps it.
NAME_PART_MAX_LENGTH = 100


def split_full_name(full_name):
    """«Иванова Мария Петровна» as (last name, first name, patronymic): the registration form asks
    for the full name in one field, in the Russian order; a third word and any after it are the
    patronymic. ``Applicant.full_name`` joins them back to the same text (spaces collapsed)."""
    words = full_name.split()
    return (
        words[0] if words else "",
        words[1] if len(words) > 1 else "",
        " ".join(words[2:]),
    )


class ListedProperty(property):
    """A property that an admin listing labels (``short_description``) and sorts by a column
    (``admin_order_field``): Wagtail reads both off the property itself."""


class Registration(Applicant):
    # No public page shows registrations (or their seats): saving one, at every check-in on the
    # morning of a session too, leaves the anonymous page cache alone.
    page_cache_ignore = True

    class Role(models.TextChoices):
        LISTENER = "listener", _("listener")
        SPEAKER = "speaker", _("speaker")

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("awaiting approval")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")
        REJECTED = "rejected", _("rejected")

        @classmethod
        def active(cls):
            """Statuses that hold or wait for a place; an e-mail may have one of these per
            conference."""
            return frozenset({cls.PENDING_APPROVAL, cls.CONFIRMED, cls.WAITLISTED})

    conference = models.ForeignKey(
        ConferencePage,
        verbose_name=_("conference"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.LISTENER)
    sessions = models.ManyToManyField(
        SectionSessionPage,
        verbose_name=_("sessions of interest"),
        through="SessionSeat",
        blank=True,
        related_name="registrations",
    )
    accessibility_needs = models.TextField(
        _("accessibility needs"),
        max_length=2000,
        blank=True,
        help_text=_("E.g. a wheelchair-accessible room, a sign-language interpreter."),
    )
    # Accessibility needs are health data (a special category under 152-FZ, art. 10): they are
    # kept only with this separate, explicit consent.
    accessibility_consent_at = models.DateTimeField(
        _("consent to processing of health data given at"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Status.choices,
        default=Status.CONFIRMED,
        db_index=True,
    )
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True, db_index=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), default=False)
    last_emailed_at = models.DateTimeField(
        _("last e-mail sent at"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["conference", "created_at", "pk"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
            )
        ]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @ListedProperty
    def name(self):
        """The full name as the registrant wrote it («ФИО»), for pages, e-mails and documents."""
        return self.full_name

    name.short_description = pgettext_lazy("person", "full name")
    name.admin_order_field = "last_name"

    def sessions_list(self):
        """The chosen sessions and the seat in each, for exports (uses prefetched seats)."""
        return "; ".join(
            f"{seat.session.title} ({seat.get_status_display()})"
            for seat in self.seats.all()
            if seat.status != SessionSeat.Status.CANCELLED
        )

    @property
    def is_active(self):
        return self.status in self.Status.active()

    def private_url(self, request=None):
        """The registrant's private page: status and cancellation."""
        conference = self.conference
        base = conference.get_full_url(request) or (
            settings.WAGTAILADMIN_BASE_URL.rstrip("/") + conference.url_path
        )
        return (
            base.rstrip("/")
            + "/"
            + conference.reverse_subpage("registration_status", args=[self.token])
        )


class SessionSeat(models.Model):
    """A registrant's place in a session they chose. Sessions with a capacity (workshops, round
    tables) keep their own waitlist; a seat is allocated once the registration is confirmed."""

    page_cache_ignore = True  # as Registration

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waitlist")
        CANCELLED = "cancelled", _("cancelled")

    registration = models.ForeignKey(
        Registration, verbose_name=_("registration"), on_delete=models.CASCADE, related_name="seats"
    )
    session = models.ForeignKey(
        SectionSessionPage,
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        related_name="seats",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITLISTED
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("session seat")
        verbose_name_plural = _("session seats")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_seat_per_session")
        ]

    def __str__(self):
        return f"{self.registration} — {self.session}"
