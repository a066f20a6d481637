"""«КНИГИНЯ-2009» in the demo site: the contest the VIII session's resolution (item 5) decided to
hold. The nominations, criteria, weights and dates are illustrative; the seed names only the
contest. Idempotent."""

import datetime
from decimal import Decimal

from events.models import EVENT_TIMEZONE, EventStatus
from kuzbib_site.base.demo import ensure_child

from .models import ContestIndexPage, ContestPage, Criterion, Nomination, Stage

SLUG = "knyaginya-2009"

NOMINATIONS = [
    ("Библиотечный проект", "Проект, реализованный или готовый к реализации в библиотеке."),
    ("Массовое мероприятие", "Сценарий и отчёт о проведённом мероприятии для читателей."),
    ("Электронная презентация", "Презентация библиотеки, фонда или услуги."),
]
CRITERIA = [
    ("Актуальность и новизна", Decimal("3"), 10),
    ("Практическая значимость", Decimal("3"), 10),
    ("Качество оформления", Decimal("2"), 10),
    ("Представление работы", Decimal("2"), 10),
]
STAGES = [
    (Stage.Kind.SUBMISSIONS, "Приём конкурсных работ", (2009, 2, 1), (2009, 4, 30)),
    (Stage.Kind.JUDGING, "Работа жюри", (2009, 5, 4), (2009, 5, 22)),
    (Stage.Kind.RESULTS, "Подведение итогов и награждение", (2009, 5, 27), None),
]


def at(day, hour=10):
    return datetime.datetime(*day, hour, tzinfo=EVENT_TIMEZONE)


def load(home):
    index = ensure_child(
        home,
        ContestIndexPage,
        "contests",
        title="Конкурсы",
        show_in_menus=True,
        intro="<p>Конкурсы профессионального мастерства партнёрства.</p>",
    )
    contest = ensure_child(
        index,
        ContestPage,
        SLUG,
        title="КНИГИНЯ-2009",
        intro="Межведомственный конкурс профессионального мастерства молодых библиотекарей, "
        "проводимый по решению VIII сессии конференции (п. 5 резолюции).",
        start=at((2009, 2, 1)),
        end=at((2009, 5, 27), 17),
        city="Кемерово",
        organisers="НП «Кузбасские библиотеки»",
        status=EventStatus.HELD,
        entry_prefix="КНИГИНЯ-2009",
        max_age=35,
        age_reference_date=datetime.date(2009, 2, 1),
    )
    for order, (title, description) in enumerate(NOMINATIONS):
        Nomination.objects.update_or_create(
            contest=contest,
            title=title,
            defaults={"description": description, "sort_order": order},
        )
    for order, (name, weight, max_score) in enumerate(CRITERIA):
        Criterion.objects.update_or_create(
            contest=contest,
            name=name,
            defaults={"weight": weight, "max_score": max_score, "sort_order": order},
        )
    for order, (kind, title, start, end) in enumerate(STAGES):
        Stage.objects.update_or_create(
            contest=contest,
            kind=kind,
            defaults={
                "title": title,
                "start": at(start),
                "end": at(end, 17) if end else None,
                "sort_order": order,
            },
        )
    contest.refresh_from_db()
    contest.save_revision().publish()  # the stages go into the calendar
    return contest
