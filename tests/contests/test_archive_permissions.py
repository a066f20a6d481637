"""Personal data of contest entries in the admin: no snippet chooser lists the entries, the ZIP of
all entries is for managers («Can change entry») only, and ZIPs are deleted by the sweeper a
configurable number of days after they were asked for."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from contests import archive, submission
from contests.models import EntriesArchive
from kuzbib_site.base.tasks import sweep_builds as sweep
from tests.factories import files as sample
from tests.factories.contests import contest_staff, entry_data, uploads

pytestmark = pytest.mark.django_db

EMAIL = "leak-marker@example.org"


@pytest.fixture
def entry(contest, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submission.submit(
            contest,
            entry_data(contest, last_name="Маркерова", email=EMAIL),
            uploads(("работа.pdf", sample.pdf(), "pdf")),
        )


@pytest.fixture
def viewer(django_user_model):
    return contest_staff("viewer", "view_entry")


@pytest.fixture
def manager(django_user_model):
    return contest_staff("manager", "view_entry", "change_entry")


def test_no_chooser_lists_the_entries(client, admin_client, viewer, entry):
    base = "/admin/snippets/choose/contests/entry/"
    client.force_login(viewer)
    for user_client in (client, admin_client):
        for url in (base, f"{base}results/?q=Маркерова", f"{base}chosen/{entry.pk}/"):
            response = user_client.get(url)
            assert response.status_code == 404, url
            assert EMAIL not in response.content.decode()


def test_zip_of_all_entries_needs_change_permission(
    client, viewer, manager, contest, entry, django_capture_on_commit_callbacks
):
    listing = "/admin/snippets/contests/entry/"
    request_url = f"/admin/contests/archives/{contest.pk}/request/"
    client.force_login(viewer)
    assert client.get(listing).status_code == 200
    assert "/admin/contests/archives/" not in client.get(listing).content.decode()
    assert client.get("/admin/contests/archives/").status_code != 200
    assert client.get(f"/admin/contests/archives/{contest.pk}/").status_code != 200
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(request_url).status_code != 200
    assert not EntriesArchive.objects.exists()

    client.force_login(manager)
    assert "/admin/contests/archives/" in client.get(listing).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(request_url).status_code == 302
    ready = EntriesArchive.objects.get()
    assert ready.status == EntriesArchive.Status.READY
    download = f"/admin/contests/archives/download/{ready.pk}/"
    assert client.get(download).status_code == 200

    client.force_login(viewer)
    assert client.get(download).status_code == 404


def test_sweeper_deletes_zips_after_the_configured_days(
    settings, contest, entry, manager, django_capture_on_commit_callbacks
):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "ARCHIVE_KEEP_DAYS": 3}
    with django_capture_on_commit_callbacks(execute=True):
        old = archive.request(contest, manager)
    with django_capture_on_commit_callbacks(execute=True):
        recent = archive.request(contest, manager)
    failed = EntriesArchive.objects.create(
        contest=contest, status=EntriesArchive.Status.FAILED, error="диск"
    )
    now = timezone.now()
    EntriesArchive.objects.filter(pk__in=[old.pk, failed.pk]).update(
        requested_at=now - datetime.timedelta(days=3, minutes=1)
    )
    EntriesArchive.objects.filter(pk=recent.pk).update(
        requested_at=now - datetime.timedelta(days=2, hours=23)
    )
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == recent.status == EntriesArchive.Status.READY
    old_file, recent_file = Path(old.file.path), Path(recent.file.path)
    assert old_file.exists() and recent_file.exists() and old_file != recent_file

    sweep()

    assert list(EntriesArchive.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not old_file.exists() and recent_file.exists()
    assert archive.delete_expired(timezone.now()) == 0  # nothing left to delete
    # Three days after it was asked for, the recent one goes too.
    assert archive.delete_expired(now + datetime.timedelta(hours=2)) == 1
    assert not recent_file.exists() and not EntriesArchive.objects.exists()
