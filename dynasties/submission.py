"""Taking a family's application: the application, its family as plain data and its photos saved
in one transaction; the photos' processing and the receipt e-mail sent once it commits (a broker
outage then costs nothing: the sweepers send them later)."""

from django.utils import timezone

from kuzbib_site.base.db import retry_when_locked
from kuzbib_site.base.queue import enqueue_on_commit

from .domain.application import add_photos
from .models import Application


def submit(festival, data, family, photos, *, consent_version, now=None):
    """Save a valid application of ``festival``: ``data`` the form's fields, ``family`` a checked
    ``dynasties.family.Family``, ``photos`` the checked uploads ``[(file, kind)]``. Returns the
    application. On SQLite a submission that finds the database locked is tried again."""

    def save():
        application = Application.objects.create(
            festival=festival,
            family=family.to_data(),
            consent_given_at=now or timezone.now(),
            consent_version=consent_version,
            **data,
        )
        # Stored privately, each sent to processing once the transaction commits.
        add_photos(application, [{"file": file, "kind": kind} for file, kind in photos])
        from .tasks import send_receipt  # noqa: PLC0415 — tasks import the models

        enqueue_on_commit(send_receipt, application_id=application.pk)
        return application

    return retry_when_locked(save)
