"""Shared fixtures of the contests tests: a contest taking entries now."""

import datetime

import pytest
from django.utils import timezone

from tests.factories.contests import (
    ContestIndexPageFactory,
    ContestPageFactory,
    NominationFactory,
    StageFactory,
)


@pytest.fixture
def contest(home_page, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    index = ContestIndexPageFactory(parent=home_page)
    now = timezone.now()
    contest = ContestPageFactory(
        parent=index,
        slug="knyaginya",
        title="КНИГИНЯ-2026",
        entry_prefix="КНИГИНЯ-2026",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=60),
        age_reference_date=now.date(),
        files_per_entry=2,
        max_file_mb=1,
        max_entry_mb=1,
    )
    NominationFactory(contest=contest, title="Библиотечный проект")
    StageFactory(
        contest=contest,
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=10),
    )
    contest.save_revision().publish()
    return contest
