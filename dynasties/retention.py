"""What the retention job (``kuzbib_site.base.retention``) does to a family's application once it
is settled: rejected ones ``REJECTED_RETENTION_DAYS`` after the decision, returned ones the family
never corrected as long after they were returned, accepted ones ``ACCEPTED_RETENTION_DAYS`` after
the decision (what the family agreed to publish then lives on the dynasty's page, which the
editors keep).

Kept: the festival, family name, municipality, status, dates and the dynasty page it became — what
the festival counts. Gone: the contact person (names, e-mail, phone, position, a typed library
name), the private link, the family's members, kinship and work periods (``family`` becomes
``{}``), the story, the editors' message, and the photos' files (the originals, processed copies
and thumbnails) with their names and captions. The demo's invented families are nobody's
personal data and are kept.

The family may also erase its application at once on its private page («Удалить мои данные»,
``erase_application``): the same anonymisation, through the engine."""

import datetime

from django.db.models import Min, Q

from kuzbib_site.base import retention
from kuzbib_site.base.retention import ApplicantPolicy

from .conf import setting
from .models import Application, ApplicationPhoto

Status = Application.Status


class ApplicationPolicy(ApplicantPolicy):
    """Applications to the festival of library dynasties."""

    key = "dynasty_application"
    model = Application
    end_field = "decided_at"
    erased = {"phone": "", "family": {}, "story": "", "message": ""}

    @property
    def days(self):
        """The shortest period (the dry run's column): the rejected and unanswered ones."""
        return min(setting("REJECTED_RETENTION_DAYS"), setting("ACCEPTED_RETENTION_DAYS"))

    def pending(self):
        return super().pending().exclude(is_demo=True)

    def _due_filter(self, now):
        rejected = now - datetime.timedelta(days=setting("REJECTED_RETENTION_DAYS"))
        accepted = now - datetime.timedelta(days=setting("ACCEPTED_RETENTION_DAYS"))
        return (
            Q(status=Status.REJECTED, decided_at__lt=rejected)
            # A return the family never answered ends like a rejection.
            | Q(status=Status.RETURNED, updated_at__lt=rejected)
            | Q(status=Status.ACCEPTED, decided_at__lt=accepted)
        )

    def due(self, now):
        return self.pending().filter(self._due_filter(now))

    def due_since(self, now):
        """Since when the oldest due application has been due, or None."""
        due = self.due(now)
        rejected = datetime.timedelta(days=setting("REJECTED_RETENTION_DAYS"))
        accepted = datetime.timedelta(days=setting("ACCEPTED_RETENTION_DAYS"))
        firsts = due.aggregate(
            rejected=Min("decided_at", filter=Q(status=Status.REJECTED)),
            returned=Min("updated_at", filter=Q(status=Status.RETURNED)),
            accepted=Min("decided_at", filter=Q(status=Status.ACCEPTED)),
        )
        since = [
            firsts[name] + period
            for name, period in (
                ("rejected", rejected),
                ("returned", rejected),
                ("accepted", accepted),
            )
            if firsts[name]
        ]
        return min(since, default=None)

    def anonymise(self, record, now):
        super().anonymise(record, now)
        # A photo still waiting for processing (an application erased just after it was sent)
        # is settled first: processing finishes only a pending photo, under its row lock, so a
        # run already under way cannot write a clean copy after the originals are gone.
        ApplicationPhoto.objects.filter(
            application=record, status=ApplicationPhoto.Status.PENDING
        ).update(status=ApplicationPhoto.Status.REFUSED, processed_at=now)
        photos = list(ApplicationPhoto.objects.filter(application=record))
        files = [
            stored
            for photo in photos
            for stored in (photo.file, photo.image, photo.thumbnail)
            if stored
        ]
        ApplicationPhoto.objects.filter(application=record).update(
            file="", image="", thumbnail="", original_name="", caption="", problem=""
        )
        return files


def can_erase(application):
    """Whether the family may erase ``application`` now from its private page: always, whatever
    its status — except the demo's invented families, which are nobody's data."""
    return not application.is_demo and application.anonymised_at is None


def erase_application(application, now=None):
    """«Удалить мои данные» on the family's private page: anonymise ``application`` at once,
    exactly as the retention job does at the end of its time. Returns False when it may not be
    erased (a demo family) or already was.

    The rule: a family may erase its application at any time, whatever its status. Its status
    stays what the editors last made it (there is no «withdrawn»: the status records the
    editors' decisions, ``anonymised_at`` that the family's data is gone). An application still
    open (submitted, or returned for corrections) thereby leaves moderation: the editors can no
    longer accept, return or reject it (``domain.application`` refuses to decide an erased one)
    and nothing is e-mailed to it. An accepted one keeps the dynasty page made from it: that page
    is the editors' publication, prepared with the family's consent; the confirmation step says so
    and that the family writes to the editors to change or remove it."""
    if not can_erase(application):
        return False
    return retention.anonymise(application, now)
