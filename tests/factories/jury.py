"""Factories for judging: users, entries ready for judging (made directly, without the
processing pipeline), jury members, and ``judged_contest``, a contest with nominations,
weighted criteria, entries and a jury in one call."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contests.models import (
    Criterion,
    Entry,
    EntryFile,
    JuryMember,
    Nomination,
    Stage,
)
from tests.factories.base import LibraryFactory, MunicipalityFactory
from tests.factories.contests import ContestPageFactory, years_before


class UserFactory(factory.django.DjangoModelFactory):
    """A site user without admin access (a juror), with a usable password «password»."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"juror{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.ru")
    first_name = factory.Sequence(lambda n: ["Анна", "Ольга", "Пётр", "Ирина", "Сергей"][n % 5])
    last_name = factory.Sequence(lambda n: f"Судьина{n}")
    password = factory.PostGenerationMethodCall("set_password", "password")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805 — factory-boy's hook signature
        if create:
            obj.save()


class EntryFactory(factory.django.DjangoModelFactory):
    """An entry ready for judging, numbered after the contest's last one."""

    class Meta:
        model = Entry

    contest = None
    number = factory.LazyAttribute(
        lambda entry: (
            (
                Entry.objects.filter(contest=entry.contest)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
                or 0
            )
            + 1
        )
    )
    nomination = factory.LazyAttribute(lambda entry: entry.contest.nominations.first())
    last_name = factory.Sequence(lambda n: f"Участникова{n}")
    first_name = "Мария"
    patronymic = "Ивановна"
    email = factory.Sequence(lambda n: f"participant{n}@example.ru")
    library = factory.SubFactory(LibraryFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    birth_date = factory.LazyFunction(lambda: years_before(timezone.localdate(), 25))
    consent_given_at = factory.LazyFunction(timezone.now)
    title = factory.Sequence(lambda n: f"Конкурсная работа {n}")
    description = "Проект клуба чтения для подростков."
    status = Entry.Status.READY


class EntryFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntryFile

    entry = factory.SubFactory(EntryFactory)
    file = factory.django.FileField(filename="work.pdf", data=b"%PDF-1.4\n%%EOF\n")
    original_name = "работа.pdf"
    kind = "pdf"
    size = 15
    text = "Текст конкурсной работы."


class JuryMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JuryMember

    contest = None
    user = factory.SubFactory(UserFactory)
    role = JuryMember.Role.MEMBER
    library = factory.SubFactory(LibraryFactory)


def judged_contest(parent, entries=4, jurors=3, nominations=1, criteria=((2, 10), (1, 5)), **page):
    """A contest in its judging stage under ``parent`` (a contests index): ``nominations``
    nominations, a criterion per (weight, max score) for every nomination, ``entries`` ready
    entries per nomination and ``jurors`` jurors, the first of them the chair. Returns the page;
    its jurors are ``contest.jury.all()``."""
    now = timezone.now()
    contest = ContestPageFactory(
        parent=parent,
        start=now - datetime.timedelta(days=60),
        end=now + datetime.timedelta(days=30),
        **page,
    )
    Stage.objects.create(
        contest=contest,
        kind=Stage.Kind.JUDGING,
        title="Оценка работ",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=10),
    )
    for number in range(nominations):
        nomination = Nomination.objects.create(
            contest=contest, title=f"Номинация {number + 1}", sort_order=number
        )
        for _ in range(entries):
            EntryFactory(contest=contest, nomination=nomination)
    for number, (weight, max_score) in enumerate(criteria):
        Criterion.objects.create(
            contest=contest,
            name=f"Критерий {number + 1}",
            weight=weight,
            max_score=max_score,
            sort_order=number,
        )
    for number in range(jurors):
        role = JuryMember.Role.CHAIR if number == 0 else JuryMember.Role.MEMBER
        JuryMemberFactory(contest=contest, role=role)
    return contest
