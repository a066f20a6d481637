"""A site of realistic size on top of the demo: ``python -m bench.dataset``.

Run after ``migrate`` and ``load_demo`` against the benchmark database (never the real one; the
caller sets DJANGO_SETTINGS_MODULE and DATABASE_URL). Adds:

* ``EXTRA_LIBRARIES`` libraries spread over the demo's municipalities, most of them members
  (some have left, some never joined), with their yearly dues;
* ``SECTIONS`` top-level sections in the menu, each with ``PAGES_PER_SECTION`` published
  StandardPages with a few paragraphs of Russian text, so that the home page lists the latest
  pages per section and search has many candidates to rank;
* ``EXTRA_SESSIONS`` sessions of ``TALKS_PER_SESSION`` talks each in the demo's VIII session.

Deterministic (fixed seed), so runs compare. Pages go through ``save_revision().publish()``
like an editor's would, which also fills the search and reference indexes.
"""

import datetime
import json
import os
import random
import sys
import time
from decimal import Decimal

import django

EXTRA_LIBRARIES = 300
SECTIONS = [
    ("bench-news", "Новости партнёрства"),
    ("bench-projects", "Проекты и программы"),
    ("bench-methodics", "Методическая работа"),
    ("bench-documents", "Документы"),
]
PAGES_PER_SECTION = 50
EXTRA_SESSIONS = 30
TALKS_PER_SESSION = 4
SEED = 2008

VOCABULARY = (
    "библиотеки библиотека библиотекарей читателей чтения книги фонд фонды каталог краеведение "
    "краеведческий конференция секция конкурс фестиваль династий партнёрство Кузбасс области "
    "района города сельской детской юношеской научной методической электронные ресурсы "
    "сводный каталог комплектование обслуживание молодых специалистов повышение квалификации "
    "семинар выставка презентация издания краеведческих шахтёрский край традиции история "
    "культура образование информационные технологии доступ населению программа проект итоги "
    "года резолюция сессии отчёт работы сотрудничество муниципальных учреждений"
)
WORDS = VOCABULARY.split()
TOPICS = (
    "Итоги",
    "Семинар",
    "Конкурс",
    "Выставка",
    "Презентация",
    "Отчёт",
    "Программа",
    "Проект",
    "Встреча",
    "Круглый стол",
)
BRANCH_KINDS = (
    "Центральная библиотека",
    "Детская библиотека",
    "Библиотека-филиал",
    "Сельская библиотека",
    "Модельная библиотека",
    "Библиотека семейного чтения",
)


def paragraph(rng, sentences):
    out = []
    for _ in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(8, 16))
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def add_libraries(rng):
    from django.db.models import Max

    from kuzbib_site.base.models import Library, MembershipFee, Municipality

    municipalities = list(Municipality.objects.order_by("name"))
    last_pk = Library.objects.aggregate(last=Max("pk"))["last"] or 0
    today = datetime.date.today()
    libraries = []
    for number in range(1, EXTRA_LIBRARIES + 1):
        municipality = rng.choice(municipalities)
        kind = rng.choice(BRANCH_KINDS)
        roll = rng.random()
        member_since = left_on = None
        if roll < 0.9:  # members, a tenth of whom have left since
            member_since = datetime.date(rng.randint(2001, 2024), rng.randint(1, 12), 15)
            if roll < 0.09:
                left_on = member_since + datetime.timedelta(days=rng.randint(400, 3000))
                left_on = min(left_on, today - datetime.timedelta(days=1))
                left_on = left_on if left_on >= member_since else None
        libraries.append(
            Library(
                full_name=f"{kind} № {number} ({municipality.name})",
                short_name=f"{kind.split()[0]} № {number}",
                legal_form=rng.choice(("МБУК", "МУК", "МАУК")),
                municipality=municipality,
                address=f"{municipality.name}, ул. Библиотечная, {rng.randint(1, 120)}",
                website=f"https://lib{number}.example.org/",
                email=f"lib{number}@example.org",
                phone=f"+7 3842 {rng.randint(100000, 999999)}",
                member_since=member_since,
                left_on=left_on,
            )
        )
    Library.objects.bulk_create(libraries, batch_size=500)
    fees = [
        MembershipFee(
            library=library,
            year=year,
            amount=Decimal("1500.00"),
            paid_on=datetime.date(year, 11, 1) if rng.random() < 0.95 else None,
        )
        for library in Library.objects.filter(pk__gt=last_pk)
        for year in library.membership_years()
    ]
    MembershipFee.objects.bulk_create(fees, batch_size=1000)
    return len(libraries), len(fees)


def publish_child(parent, page, published_at):
    from django.utils import timezone

    page.first_published_at = timezone.make_aware(published_at)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def add_pages(rng):
    from wagtail.models import Site
    from wagtail.rich_text import RichText

    from kuzbib_site.home.models import StandardPage

    home = Site.objects.get(is_default_site=True).root_page.specific
    start = datetime.datetime(2009, 1, 1, 10, 0)
    count = 0
    for slug, title in SECTIONS:
        section = publish_child(
            home,
            StandardPage(
                slug=slug,
                title=title,
                intro=paragraph(rng, 2),
                show_in_menus=True,
            ),
            start,
        )
        count += 1
        for number in range(1, PAGES_PER_SECTION + 1):
            body = [("heading", {"text": paragraph(rng, 1)[:120], "level": "h2"})]
            body += [
                ("paragraph", RichText(f"<p>{paragraph(rng, rng.randint(3, 6))}</p>"))
                for _ in range(rng.randint(2, 4))
            ]
            topic = rng.choice(TOPICS)
            publish_child(
                section,
                StandardPage(
                    slug=f"{slug}-{number}",
                    title=f"{topic}: {' '.join(rng.choices(WORDS, k=4))}",
                    intro=paragraph(rng, 2),
                    body=body,
                ),
                start + datetime.timedelta(days=rng.randint(0, 6000), hours=rng.randint(0, 8)),
            )
            count += 1
    return count


def add_programme(rng):
    """Thirty more sessions with four talks each in the VIII session, so that the conference
    page, its programme and the calendar show a full-size conference."""
    from events.models import ConferencePage, SectionPage, SectionSessionPage, Talk
    from kuzbib_site.base.models import Person

    conference = ConferencePage.objects.get(slug="viii-session-2008")
    sections = list(SectionPage.objects.all())
    people = list(Person.objects.all())
    day = conference.start.replace(hour=3)  # 10:00 in Kemerovo
    for number in range(1, EXTRA_SESSIONS + 1):
        start = day + datetime.timedelta(hours=number % 6)
        session = SectionSessionPage(
            slug=f"bench-session-{number}",
            title=f"Заседание {number}: {' '.join(rng.choices(WORDS, k=3))}",
            section=rng.choice(sections),
            start=start,
            end=start + datetime.timedelta(hours=1),
            room=f"Ауд. {100 + number % 8}",
            city="Кемерово",
        )
        conference.add_child(instance=session)
        for order in range(TALKS_PER_SESSION):
            talk = Talk(
                session=session,
                title=paragraph(rng, 1)[:200],
                sort_order=order,
                abstract=paragraph(rng, 4),
                is_demo=True,
            )
            talk.save()
            talk.speakers.set(rng.sample(people, k=min(2, len(people))))
            talk.save()
        session.save_revision().publish()
    return EXTRA_SESSIONS


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.db import transaction

    rng = random.Random(SEED)  # noqa: S311 - reproducible test data, not secrets
    started = time.monotonic()
    with transaction.atomic():
        libraries, fees = add_libraries(rng)
        pages = add_pages(rng)
        sessions = add_programme(rng)
    summary = {
        "extra_libraries": libraries,
        "extra_fees": fees,
        "extra_pages": pages,
        "extra_sessions": sessions,
    }
    summary["seconds"] = round(time.monotonic() - started, 1)
    json.dump(summary, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
