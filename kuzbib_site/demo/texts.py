"""The text of the demo's contest documents: sentences put together from the pools in
``data/texts.toml`` by a random generator seeded with the entry and the file, so that every run
makes the same documents and no two entries read alike.

``DOCUMENTS`` maps a file's label to what the document is and the function writing its body;
``slides`` writes a presentation. Each takes the entry's facts (``ctx``: its name, audience,
town, library and nomination) and a seeded ``rng``; they return blocks and slides for
``kuzbib_site.demo.documents``.
"""

import datetime
import random

from .data import read

_POOLS = read("texts")
MONTHS = _POOLS["months"]
ACTIVITIES = _POOLS["activities"]
THEMES = _POOLS["themes"]
PLACES = _POOLS["places"]
PARTNERS = _POOLS["partners"]
BOOKS = _POOLS["books"]
ACTUALITY = _POOLS["actuality"]
GOALS = _POOLS["goals"]
TASKS = _POOLS["tasks"]
RESULTS = _POOLS["results"]
OPENINGS = _POOLS["openings"]
FORMS = _POOLS["forms"]
GUESTS = _POOLS["guests"]
DEDICATIONS = _POOLS["dedications"]
QUESTIONS = _POOLS["questions"]
CONTESTS = _POOLS["contests"]
SONGS = _POOLS["songs"]
GUEST_SPEAKERS = _POOLS["guest_speakers"]
QUOTES = _POOLS["quotes"]
IMPROVEMENTS = _POOLS["improvements"]
MEDIA = _POOLS["media"]
SERVICES = _POOLS["services"]
STEPS = _POOLS["steps"]
NOTE_LINES = _POOLS["note_lines"]
DEPARTMENTS = _POOLS["departments"]
TRIED = _POOLS["tried"]
BUDGET = _POOLS["budget"]


def seeded(position, label):
    """The random generator of the file ``label`` of the entry at ``position``: the same on every
    run."""
    return random.Random(f"{position}-{label}")  # noqa: S311 - reproducible demo text, not secrets


def _number(value):
    return f"{value:,}".replace(",", "\u00a0")


def _date(day, year=True):
    return f"{day.day} {MONTHS[day.month - 1]}" + (f" {day.year} г." if year else "")


def _say(rng, template, ctx):
    """One sentence of ``template`` with the entry's facts and fresh random details."""
    surname, initials, title = rng.choice(BOOKS)
    return template.format(
        year=rng.choice((2007, 2008)),
        month=MONTHS[rng.randrange(12)],
        pct=rng.randint(12, 68),
        pct2=rng.randint(8, 40),
        few=rng.randint(2, 4),
        few_meetings=rng.randint(5, 20),
        small=rng.randint(5, 20),
        copies=rng.randint(50, 600),
        stock=_number(rng.randint(1200, 48000)),
        people=_number(rng.randint(300, 9000)),
        crowd=rng.randint(80, 600),
        print_run=rng.randint(5, 30) * 10,
        book=title,
        theme=rng.choice(THEMES),
        period=rng.choice(("неделю", "две недели", "месяц")),
        partner=", ".join(rng.sample(PARTNERS, 2)),
        place=rng.choice(PLACES),
        region=rng.choice(("района", "города", "области")),
        guests=rng.choice(GUESTS),
        dedication=rng.choice(DEDICATIONS),
        department=rng.choice(DEPARTMENTS),
        tried=rng.choice(TRIED),
        **ctx,
    )


def _sentences(rng, templates, count, ctx):
    return [_say(rng, template, ctx) for template in rng.sample(templates, count)]


def _list_items(items):
    """List items end with «;», the last one with a full stop."""
    return [*items[:-1], items[-1].rstrip(";") + "."]


def reading_list(rng, count):
    return [
        f"{surname} {initials} {title}." for surname, initials, title in rng.sample(BOOKS, count)
    ]


def _days(rng, count, year=2009, first_month=3):
    start = datetime.date(year, first_month, 1).toordinal()
    end = datetime.date(year, 12, 20).toordinal()
    return [datetime.date.fromordinal(day) for day in sorted(rng.sample(range(start, end), count))]


def _plan_rows(rng, count):
    return [
        (
            _date(day, year=False),
            f"{activity[0].upper()}{activity[1:]} «{rng.choice(THEMES)}»",
            rng.choice(PLACES),
            str(rng.randint(8, 60)),
        )
        for day, activity in zip(_days(rng, count), rng.sample(ACTIVITIES, count), strict=True)
    ]


def _project(ctx, rng):
    return [
        ("h3", "Актуальность"),
        ("p", " ".join(_sentences(rng, ACTUALITY, 4, ctx))),
        ("h3", "Цель и задачи"),
        ("p", _say(rng, rng.choice(GOALS), ctx)),
        ("ul", _list_items(_sentences(rng, TASKS, 6, ctx))),
        ("h3", "Сроки и место"),
        (
            "p",
            f"Сроки: март — декабрь 2009 г. Территория: {ctx['town']}. Площадка: {ctx['library']}.",
        ),
        ("h3", "План мероприятий"),
        ("table", [("Дата", "Мероприятие", "Место", "Участники"), *_plan_rows(rng, 10)]),
        ("h3", "Партнёры"),
        ("p", f"Партнёры проекта: {', '.join(rng.sample(PARTNERS, 3))}."),
        ("h3", "Ожидаемые результаты"),
        ("ul", _list_items(_sentences(rng, RESULTS, 4, ctx))),
        ("h3", "Литература"),
        ("ol", reading_list(rng, 6)),
    ]


def _plan(ctx, rng):
    return [
        ("p", f"План работы «{ctx['name']}» на 2009 год."),
        ("table", [("Дата", "Мероприятие", "Место", "Участники"), *_plan_rows(rng, 12)]),
        ("p", "План может уточняться по погоде и пожеланиям участников."),
    ]


def _budget(ctx, rng):
    rows, total = [], 0
    for number, (item, low, high) in enumerate(rng.sample(BUDGET, 6), start=1):
        count, price = rng.randint(1, 10), rng.randint(low, high)
        total += count * price
        rows.append((str(number), item, str(count), _number(price), _number(count * price)))
    return [
        ("p", f"Смета расходов на «{ctx['name']}», в рублях."),
        ("table", [("№", "Статья расходов", "Кол-во", "Цена", "Сумма"), *rows]),
        ("p", f"Итого: {_number(total)} руб."),
        (
            "p",
            "Источники: "
            + rng.choice(("бюджет учреждения", "средства библиотеки", "грант главы района"))
            + " и помощь партнёров ("
            + ", ".join(rng.sample(PARTNERS, 2))
            + ").",
        ),
    ]


def _script(ctx, rng):
    questions = rng.sample(QUESTIONS, 4)
    contests = rng.sample(CONTESTS, 2)
    parts = [
        *(
            f"Ведущий: Вопрос викторины. {question} (Ответ: {answer}.)"
            for question, answer in questions
        ),
        *(f"Ведущий: Конкурс «{name}»: {rule}" for name, rule in contests),
        *(
            f"Чтец: {initials} {surname}, «{title}» (отрывок)."
            for surname, initials, title in rng.sample(BOOKS, 2)
        ),
        f"Звучит песня «{rng.choice(SONGS)}».",
        f"Слово гостю: {rng.choice(GUEST_SPEAKERS)}.",
    ]
    rng.shuffle(parts)
    return [
        ("p", f"Форма проведения: {rng.choice(FORMS)}. Место: {rng.choice(PLACES)}."),
        (
            "p",
            f"Для кого: для {ctx['aud']}. Продолжительность: "
            f"{rng.choice((40, 45, 50, 60, 70, 80, 90))} минут.",
        ),
        ("p", f"Оформление: книжная выставка «{rng.choice(THEMES)}», плакаты, воздушные шары."),
        ("h3", "Ход мероприятия"),
        ("p", _say(rng, rng.choice(OPENINGS), ctx)),
        *(("p", part) for part in parts),
        (
            "p",
            f"Ведущий: Подведём итоги. Победителям вручаются книги и грамоты, всем участникам — "
            f"закладки «{rng.choice(THEMES)}». До новых встреч в библиотеке!",
        ),
    ]


def _report(ctx, rng):
    (day,) = _days(rng, 1, year=2008, first_month=2)
    people = rng.randint(25, 140)
    theme, contest = rng.choice(THEMES), rng.choice(CONTESTS)[0]
    return [
        (
            "table",
            [
                ("Показатель", "Значение"),
                ("Дата проведения", _date(day)),
                ("Место", rng.choice(PLACES)),
                ("Участники", str(people)),
                ("Из них впервые в библиотеке", str(rng.randint(3, people // 3))),
                ("Выдано книг после мероприятия", str(rng.randint(10, 90))),
                ("Фотографий в летописи библиотеки", str(rng.randint(12, 80))),
            ],
        ),
        ("h3", "Как это было"),
        (
            "p",
            f"Подготовка заняла {rng.randint(2, 4)} недели: библиотекари подобрали литературу, "
            f"оформили выставку «{theme}» и разослали приглашения. «{ctx['name']}» собрали и "
            f"постоянных читателей, и тех, кто раньше в библиотеке не бывал. Больше всего "
            f"участникам понравился конкурс «{contest}». Партнёр мероприятия — "
            f"{rng.choice(PARTNERS)}. О мероприятии рассказали "
            f"{' и '.join(rng.sample(MEDIA, 2))}.",
        ),
        ("h3", "Отзывы"),
        ("ul", [f"«{quote}»" for quote in rng.sample(QUOTES, 3)]),
        ("h3", "Что можно улучшить"),
        ("p", f"В следующий раз — {rng.choice(IMPROVEMENTS)}."),
    ]


def _note(ctx, rng):
    return [
        ("p", " ".join(_sentences(rng, NOTE_LINES, 4, ctx))),
        (
            "p",
            f"Для кого: для {ctx['aud']}. Время показа — около {rng.choice((15, 20, 25, 30))} "
            "минут.",
        ),
        ("h3", "Источники"),
        ("ol", reading_list(rng, 5)),
    ]


def _poster(ctx, rng):
    return [
        ("p", f"{ctx['library']} ({ctx['town']}) приглашает 27 марта 2009 г. с 19:00 до полуночи."),
        ("ul", [f"{activity[0].upper()}{activity[1:]}." for activity in rng.sample(ACTIVITIES, 4)]),
        ("p", "Вход свободный. Справки — у библиотекарей абонемента."),
    ]


# label: (what the document is, or None for no author line; what it says)
DOCUMENTS = {
    "проект": ("Описание проекта", _project),
    "описание-проекта": ("Описание проекта", _project),
    "смета": ("Смета", _budget),
    "план": ("План мероприятий", _plan),
    "сценарий": ("Сценарий", _script),
    "отчёт": ("Отчёт о проведении", _report),
    "пояснительная-записка": ("Пояснительная записка", _note),
    "текст-выступления": ("Текст выступления", _note),
    "афиша": (None, _poster),
}
DEMO_NOTE = (
    "Работа, её автор и все сведения в ней придуманы для демонстрации сайта; совпадения случайны."
)


def slides(demo, ctx, rng):
    """A presentation's slides as (title, lines)."""
    books = [
        f"{initials} {surname}. «{title}»" for surname, initials, title in rng.sample(BOOKS, 3)
    ]
    return [
        (
            demo.name,
            [
                "Демонстрационный материал",
                f"{demo.first_name} {demo.last_name}, {ctx['library']}, 2009"
                if ctx["named"]
                else "Конкурсная работа, 2009",
            ],
        ),
        ("О чём эта презентация", [demo.description]),
        ("Для кого", [f"Для {ctx['aud']}.", _say(rng, rng.choice(ACTUALITY), ctx)]),
        ("Что есть в библиотеке", [f"{s[0].upper()}{s[1:]}" for s in rng.sample(SERVICES, 4)]),
        ("Как это работает", [f"{s[0].upper()}{s[1:]}" for s in rng.sample(STEPS, 3)]),
        (
            "В цифрах",
            [
                f"Единиц хранения в фонде: {_number(rng.randint(8000, 250000))}",
                f"Читателей за 2008 год: {_number(rng.randint(900, 30000))}",
                f"Мероприятий за 2008 год: {rng.randint(40, 400)}",
            ],
        ),
        ("Советуем прочитать", books),
        ("Ждём вас!", [ctx["library"], ctx["town"], f"Выставка «{rng.choice(THEMES)}» открыта"]),
    ]
