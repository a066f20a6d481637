"""The transition functions of ``events/domain/``, called directly: which transitions apply to a
record in each status (the same answers the admin's actions and the private pages use), what a
repeated or refused transition leaves, and the status groups on the enums."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from events.domain import proposal as proposals
from events.domain import registration as registrations
from events.models import Proposal, Registration
from events.models.registration import split_full_name
from tests.factories import LibraryFactory
from tests.factories.events import RegistrationFactory, open_registration

pytestmark = pytest.mark.django_db

Status = Registration.Status


def data(n, **extra):
    return {
        "name": f"Иванова Мария Петровна {n}",
        "email": f"reader{n}@library.example.ru",
        "new_library_name": "Сельская библиотека",
        **extra,
    }


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"], capacity=1)


def test_status_groups():
    assert Status.active() == {Status.PENDING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED}
    assert Proposal.Status.under_review() == {Proposal.Status.SUBMITTED}
    state = registrations.State
    assert state.taking() == {state.OPEN, state.FULL}
    assert all(registrations.is_open(s) for s in state.taking())
    assert not registrations.is_open(state.CLOSED)


@pytest.mark.parametrize(
    "status, approve_or_reject, cancel, check_in",
    [
        ("pending_approval", True, True, False),
        ("confirmed", False, True, True),
        ("waitlisted", False, True, False),
        ("cancelled", False, False, False),
        ("rejected", False, False, False),
    ],
)
def test_which_transitions_apply(conference, status, approve_or_reject, cancel, check_in):
    registration = RegistrationFactory.build(conference=conference, status=status)
    assert registrations.awaits_decision(registration) is approve_or_reject
    assert registrations.may_cancel(registration) is cancel
    assert registrations.may_check_in(registration) is check_in
    assert registration.is_active is cancel
    registration.attended = True
    assert not registrations.may_check_in(registration)  # once is enough


def test_register_keeps_the_full_name_in_the_applicant_fields(conference):
    registration = registrations.register(conference, data(1))
    registration.refresh_from_db()
    assert (registration.last_name, registration.first_name, registration.patronymic) == (
        "Иванова",
        "Мария",
        "Петровна 1",
    )
    assert registration.name == registration.full_name == "Иванова Мария Петровна 1"
    assert str(registration) == "Иванова Мария Петровна 1 <reader1@library.example.ru>"
    assert registration.status == Status.CONFIRMED
    assert registrations.register(conference, data(2)).status == Status.WAITLISTED


def test_split_full_name():
    assert split_full_name("  Иванова   Мария  ") == ("Иванова", "Мария", "")
    assert split_full_name("Ли") == ("Ли", "", "")
    assert split_full_name("") == ("", "", "")
    assert split_full_name("де ла Крус Мария Луиза") == ("де", "ла", "Крус Мария Луиза")


def test_refused_transitions_change_nothing(conference):
    confirmed = registrations.register(conference, data(1))
    assert registrations.approve(confirmed).status == Status.CONFIRMED
    assert registrations.reject(confirmed).status == Status.CONFIRMED
    assert registrations.cancel(confirmed) == []
    confirmed.refresh_from_db()
    assert confirmed.status == Status.CANCELLED and confirmed.cancelled_at is not None
    cancelled_at = confirmed.cancelled_at
    assert registrations.cancel(confirmed) == []  # twice: nothing more
    assert registrations.approve(confirmed).status == Status.CANCELLED
    confirmed.refresh_from_db()
    assert confirmed.cancelled_at == cancelled_at


def test_approval_waits_for_a_place(conference):
    conference.requires_approval = True
    conference.save()
    first = registrations.register(conference, data(1))
    second = registrations.register(conference, data(2))
    assert first.status == second.status == Status.PENDING_APPROVAL
    assert registrations.approve(first).status == Status.CONFIRMED
    assert registrations.approve(second).status == Status.WAITLISTED  # one place only
    assert registrations.cancel(first) == [second]
    second.refresh_from_db()
    assert second.status == Status.CONFIRMED


@pytest.fixture
def proposal(conference_tree):
    return Proposal.objects.create(
        conference=conference_tree["conference"],
        title="Доклад",
        abstract="Тезисы",
        last_name="Петрова",
        first_name="Анна",
        email="author@example.org",
        library=LibraryFactory(),
        consent_given_at=timezone.now(),
    )


def test_withdraw_only_under_review(proposal, admin_user):
    assert proposal.under_review
    assert proposals.withdraw(proposal) is True
    assert proposal.status == Proposal.Status.WITHDRAWN and not proposal.under_review
    assert proposals.withdraw(proposal) is False
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        proposals.reject(proposal, admin_user, "поздно")


def test_a_decided_proposal_cannot_be_withdrawn(proposal, admin_user):
    declined = proposals.reject(proposal, admin_user, "нет")
    assert declined.status == Proposal.Status.REJECTED and declined.decided_by == admin_user
    assert proposals.reject(proposal, admin_user, "ещё раз").decision_message == "нет"
    assert proposals.withdraw(proposal) is False
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
