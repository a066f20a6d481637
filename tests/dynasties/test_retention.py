"""The retention job erases a family's application once it is settled: rejected ones (and
returned ones the family never corrected) REJECTED_RETENTION_DAYS after, accepted ones
ACCEPTED_RETENTION_DAYS after the decision — not a day before; the demo's families are kept."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from dynasties.conf import setting
from dynasties.models import Application, ApplicationPhoto
from kuzbib_site.base import retention
from kuzbib_site.base.privacy import ERASED_NAME
from tests.factories import files as sample
from tests.factories.dynasties import ApplicationFactory

pytestmark = pytest.mark.django_db

KEY = "dynasty_application"
Status = Application.Status


def settled(festival, status, days_ago, **fields):
    """An application decided (or, returned, last changed) ``days_ago`` days ago, with a photo."""
    at = timezone.now() - datetime.timedelta(days=days_ago)
    application = ApplicationFactory(festival=festival, phone="+7 900 111-22-33", **fields)
    photo = ApplicationPhoto(
        application=application,
        member=1,
        caption="Мария Петровна",
        original_name="мария.jpg",
        kind="jpeg",
        size=1000,
        status=ApplicationPhoto.Status.READY,
    )
    for field in ("file", "image", "thumbnail"):
        getattr(photo, field).save(f"{field}.jpg", ContentFile(sample.image("jpeg")), save=False)
    photo.save()
    Application.objects.filter(pk=application.pk).update(
        status=status,
        message="Уточните годы.",
        decided_at=None if status == Status.RETURNED else at,
        updated_at=at,
    )
    application.refresh_from_db()
    return application


def test_rejected_and_unanswered_applications_are_erased_after_their_time_not_before(festival):
    days = setting("REJECTED_RETENTION_DAYS")
    rejected = settled(festival, Status.REJECTED, days + 1)
    returned = settled(festival, Status.RETURNED, days + 1)
    recent = settled(festival, Status.REJECTED, days - 1)
    recently_returned = settled(festival, Status.RETURNED, days - 1)
    waiting = settled(festival, Status.SUBMITTED, days + 1)
    demo = settled(festival, Status.REJECTED, days + 1, is_demo=True)
    files = [
        (stored.storage, stored.name)
        for photo in ApplicationPhoto.objects.filter(application=rejected)
        for stored in (photo.file, photo.image, photo.thumbnail)
    ]
    assert all(storage.exists(name) for storage, name in files)

    assert retention.run(keys=[KEY]) == {KEY: 2}

    for application in (rejected, returned):
        application.refresh_from_db()
        assert application.anonymised_at is not None
        assert application.last_name == ERASED_NAME
        assert (application.first_name, application.patronymic, application.phone) == ("", "", "")
        assert application.email.endswith("@erased.invalid")
        assert (application.family, application.story, application.message) == ({}, "", "")
        # What the festival counts stays.
        assert application.family_name == "Ивановы" and application.municipality_id
        photo = application.photos.get()
        assert (photo.file.name, photo.image.name, photo.thumbnail.name) == ("", "", "")
        assert (photo.original_name, photo.caption) == ("", "")
    assert not any(storage.exists(name) for storage, name in files)
    for application in (recent, recently_returned, waiting, demo):
        application.refresh_from_db()
        assert application.anonymised_at is None and application.family != {}
        assert application.photos.get().file.name
    assert retention.run(keys=[KEY]) == {KEY: 0}


def test_accepted_applications_are_erased_after_their_own_time(festival):
    days = setting("ACCEPTED_RETENTION_DAYS")
    assert days > setting("REJECTED_RETENTION_DAYS")
    old = settled(festival, Status.ACCEPTED, days + 1)
    young = settled(festival, Status.ACCEPTED, days - 1)
    policy = retention.policy_for(Application)
    assert list(policy.due(timezone.now())) == [old]
    assert (
        policy.due_since(timezone.now()).date()
        == (old.decided_at + datetime.timedelta(days=days)).date()
    )
    retention.run(keys=[KEY])
    old.refresh_from_db()
    young.refresh_from_db()
    assert old.anonymised_at is not None and old.family == {}
    assert young.anonymised_at is None and young.story


def test_the_dry_run_reports_applications(festival):
    settled(festival, Status.REJECTED, setting("REJECTED_RETENTION_DAYS") + 3)
    row = next(row for row in retention.report() if row["key"] == KEY)
    assert row["due"] == 1 and row["days"] == setting("REJECTED_RETENTION_DAYS")
