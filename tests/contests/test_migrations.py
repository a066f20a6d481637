"""The entries' ZIP archives became background builds (contests 0005): archives made before keep
their rows, dates and files, «pending» ones are «requested» (queued) and the builds' functions
take them up; going back restores the old states."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from contests import archive
from contests.models import EntriesArchive
from tests.conftest import ensure_wagtail_root

BEFORE = [("contests", "0004_personal_data_retention_guardian_consent")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_archives_made_before_become_builds(home_page):
    from tests.factories.contests import ContestIndexPageFactory, ContestPageFactory

    ensure_wagtail_root()
    contest = ContestPageFactory(parent=ContestIndexPageFactory(parent=home_page))
    asked = timezone.now() - datetime.timedelta(minutes=5)
    stored = EntriesArchive(contest=contest)
    stored.file.save("old-entries.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    try:
        old = migrate(BEFORE)
        archives = old.get_model("contests", "EntriesArchive")
        pending = archives.objects.create(contest_id=contest.pk, status="pending")
        ready = archives.objects.create(
            contest_id=contest.pk, status="ready", file=stored.file.name, entry_count=3, size=22
        )
        failed = archives.objects.create(contest_id=contest.pk, status="failed", error="диск")
        archives.objects.update(created_at=asked)
    finally:
        migrate()

    by_pk = EntriesArchive.objects.in_bulk([pending.pk, ready.pk, failed.pk])
    assert by_pk[pending.pk].status == EntriesArchive.Status.REQUESTED
    assert by_pk[ready.pk].status == EntriesArchive.Status.READY
    assert by_pk[failed.pk].status == EntriesArchive.Status.FAILED
    assert by_pk[failed.pk].error == "диск"
    assert {build.requested_at for build in by_pk.values()} == {asked}
    assert by_pk[ready.pk].file.name == stored.file.name and by_pk[ready.pk].file.size == 22
    assert by_pk[ready.pk].entry_count == 3
    # The queued one is what a build and the sweeper find.
    assert archive.stuck(asked + datetime.timedelta(minutes=16)) == [pending.pk]
    assert archive.request(contest, None) == by_pk[pending.pk]


@pytest.mark.django_db(transaction=True)
def test_going_back_restores_the_old_states(home_page):
    from tests.factories.contests import ContestIndexPageFactory, ContestPageFactory

    contest = ContestPageFactory(parent=ContestIndexPageFactory(parent=home_page))
    queued = EntriesArchive.objects.create(contest=contest)
    running = EntriesArchive.objects.create(contest=contest, status=EntriesArchive.Status.RUNNING)
    done = EntriesArchive.objects.create(contest=contest, status=EntriesArchive.Status.READY)
    try:
        old = migrate(BEFORE)
        archives = old.get_model("contests", "EntriesArchive")
        states = dict(archives.objects.values_list("pk", "status"))
    finally:
        migrate()
    assert states == {queued.pk: "pending", running.pk: "pending", done.pk: "ready"}
