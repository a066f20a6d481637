"""Data kept across the events migrations: a registration's person became an ``Applicant`` (0008)
— the full name typed in one field is kept as last name, first name and patronymic, reads back as
the same text, and going back joins it again; the proceedings' state left the conference page for
``ProceedingsBuild`` rows (0009), and going back writes it into the page again."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.models import ProceedingsBuild, Registration
from tests.conftest import ensure_wagtail_root

BEFORE = [("events", "0007_proposal_notified_kind")]

NAMES = [
    "Иванова Мария Петровна",
    "Константинопольская-Старокузнецкая Александра-Мария Вячеславовна 0",
    "Ли",
    "Удалено",
]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def conference(home_page):
    from tests.factories import ConferencePageFactory, EventIndexPageFactory

    ensure_wagtail_root()
    return ConferencePageFactory(parent=EventIndexPageFactory(parent=home_page))


@pytest.mark.django_db(transaction=True)
def test_full_names_made_before_keep_their_text(conference):
    try:
        old = migrate(BEFORE)
        registrations = old.get_model("events", "Registration")
        made = [
            registrations.objects.create(
                conference_id=conference.pk,
                name=name,
                email=f"reader{n}@example.ru",
                new_library_name="Библиотека",
                consent_given_at=timezone.now(),
            ).pk
            for n, name in enumerate(NAMES)
        ]
    finally:
        migrate()
    by_pk = Registration.objects.in_bulk(made)
    assert [by_pk[pk].name for pk in made] == NAMES
    first = by_pk[made[0]]
    assert (first.last_name, first.first_name, first.patronymic) == (
        "Иванова",
        "Мария",
        "Петровна",
    )
    assert by_pk[made[2]].last_name == "Ли" and by_pk[made[2]].first_name == ""


@pytest.mark.django_db(transaction=True)
def test_going_back_joins_the_name_again(conference):
    from tests.factories.events import RegistrationFactory

    made = [RegistrationFactory(conference=conference, name=name).pk for name in NAMES]
    try:
        old = migrate(BEFORE)
        registrations = old.get_model("events", "Registration")
        names = dict(registrations.objects.values_list("pk", "name"))
    finally:
        migrate()
    assert [names[pk] for pk in made] == NAMES


BEFORE_BUILDS = [("events", "0008_registration_applicant")]


@pytest.mark.django_db(transaction=True)
def test_proceedings_states_made_before_become_builds(home_page):
    from tests.factories import ConferencePageFactory, EventIndexPageFactory

    ensure_wagtail_root()
    index = EventIndexPageFactory(parent=home_page)
    built_at = timezone.now() - datetime.timedelta(days=2)
    asked = timezone.now() - datetime.timedelta(hours=1)
    states = {
        "none": {},
        "ready": {"proceedings_built_at": built_at, "proceedings_requested_at": built_at},
        "failed": {"proceedings_error": "шрифт не найден", "proceedings_requested_at": asked},
        "pending": {"proceedings_requested_at": asked},
        "building": {"proceedings_requested_at": asked},
    }
    pages = {state: ConferencePageFactory(parent=index).pk for state in states}
    try:
        old = migrate(BEFORE_BUILDS)
        conferences = old.get_model("events", "ConferencePage")
        for state, columns in states.items():
            conferences.objects.filter(pk=pages[state]).update(proceedings_status=state, **columns)
    finally:
        migrate()
    Status = ProceedingsBuild.Status
    builds = {build.conference_id: build for build in ProceedingsBuild.objects.all()}
    assert pages["none"] not in builds and len(builds) == 4
    ready = builds[pages["ready"]]
    assert ready.status == Status.READY and ready.finished_at == built_at
    failed = builds[pages["failed"]]
    assert failed.status == Status.FAILED and failed.error == "шрифт не найден"
    # Queued or interrupted: queued again, for the sweeper to send.
    for state in ("pending", "building"):
        assert builds[pages[state]].status == Status.REQUESTED
        assert builds[pages[state]].requested_at == asked


@pytest.mark.django_db(transaction=True)
def test_going_back_writes_the_latest_build_into_the_page(conference):
    built_at = timezone.now() - datetime.timedelta(days=2)
    ProceedingsBuild.objects.create(
        conference=conference,
        status=ProceedingsBuild.Status.READY,
        requested_at=built_at,
        finished_at=built_at,
    )
    ProceedingsBuild.objects.create(
        conference=conference, status=ProceedingsBuild.Status.FAILED, error="диск"
    )
    try:
        old = migrate(BEFORE_BUILDS)
        conferences = old.get_model("events", "ConferencePage")
        page = conferences.objects.get(pk=conference.pk)
        columns = (page.proceedings_status, page.proceedings_error, page.proceedings_built_at)
    finally:
        migrate()
    assert columns == ("failed", "диск", built_at)
