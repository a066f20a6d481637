"""A registration's person became an ``Applicant`` (events 0008): the full name typed in one field
is kept as last name, first name and patronymic, reads back as the same text, and going back
joins it again."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from events.models import Registration
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
