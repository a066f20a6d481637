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
personal data and are kept."""

import datetime

from django.db.models import Min, Q

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
