"""The events part of the demo site, from ``shared/seeds/resolution-2008.md``
(``data/events.toml``): the calendar, the partnership's sections, the VIII session of 16 December
2008 with its plenary, seven section sessions, round table and dialogue with students, demo talks
(``is_demo``) and the resolution with every decided and recommended item; and a made-up next
session taking registrations and proposals today.

Each section gets a group «Руководители: …» that may edit only its section page and its sessions
(``load_leader_groups``). The resolution's text is the seed's; assignees follow its wording;
statuses, due dates, progress notes, talks and speakers are illustrative. Idempotent, like the
rest of ``load_demo``.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission

from events.leaders import LEADER_PERMISSIONS, repair_section_permissions
from events.models import (
    EVENT_TIMEZONE,
    ConferencePage,
    EventIndexPage,
    EventStatus,
    ResolutionItem,
    ResolutionItemNote,
    ResolutionPage,
    SectionIndexPage,
    SectionPage,
    SectionSessionPage,
    Talk,
    WorkingGroup,
)
from kuzbib_site.base.models import Library, Person

from .data import read
from .pictures import cover
from .site import ensure_child

DATA = read("events")
DAY = datetime.date(2008, 12, 16)
VENUE = DATA["venue"]["name"]
ADDRESS = DATA["venue"]["address"]


def at(hour):
    return datetime.datetime.combine(DAY, datetime.time(hour), tzinfo=EVENT_TIMEZONE)


def load_sections(home):
    index = ensure_child(
        home,
        SectionIndexPage,
        "sections",
        title="Секции",
        show_in_menus=True,
        intro="<p>Постоянные секции партнёрства ведут работу между сессиями конференции и "
        "выполняют поручения её резолюций.</p>",
    )
    sections = {}
    for slug, section in DATA["sections"].items():
        sections[slug] = ensure_child(
            index,
            SectionPage,
            slug,
            title=section["title"],
            description=f"<p>{section['description']}</p>",
            established=datetime.date(2008, 12, 16) if slug == "e-resources" else None,
        )
    # Item 4.2: the informatisation section became a round table, keeping its history.
    informatisation = sections["informatisation"]
    informatisation.status = SectionPage.Status.REORGANISED
    informatisation.history = (
        "<p>Реорганизована в Круглый стол по «Проблемам информационно-коммуникационных "
        "технологий» по п. 4.2 резолюции VIII сессии (16 декабря 2008 г.).</p>"
    )
    informatisation.save_revision().publish()
    # Item 4.3: a working group on librarians' working conditions.
    methodology = sections["methodology"]
    WorkingGroup.objects.update_or_create(
        section=methodology,
        name="Рабочая группа по изучению условий труда библиотекарей",
        defaults={"created_by": "Резолюция VIII сессии, п. 4.3"},
    )
    return sections


def load_people():
    libraries = list(Library.objects.order_by("pk")[:7])
    people = []
    for n, (last, first, patronymic, position) in enumerate(DATA["speakers"]):
        person, _ = Person.objects.update_or_create(
            last_name=last,
            first_name=first,
            patronymic=patronymic,
            defaults={
                "position": position,
                "library": libraries[n % len(libraries)] if libraries else None,
            },
        )
        people.append(person)
    return people


def load_conference(home, sections, people):
    index = ensure_child(
        home,
        EventIndexPage,
        "events",
        title="Мероприятия",
        show_in_menus=True,
        intro="<p>Конференции, заседания секций, конкурсы и фестивали партнёрства.</p>",
    )
    conference = ensure_child(
        index,
        ConferencePage,
        "viii-session-2008",
        title="VIII Ежегодная сессия конференции НП «Кузбасские библиотеки»",
        number=8,
        theme="Роль библиотек Кемеровской области в жизни кузбассовцев",
        intro="Ежегодная сессия конференции партнёрства: доклады, заседания секций, круглый стол "
        "и диалог со студентами.",
        start=at(10),
        end=at(17),
        venue=VENUE,
        address=ADDRESS,
        city="Кемерово",
        organisers="НП «Кузбасские библиотеки»",
        status=EventStatus.HELD,
        participants_count=165,
        libraries_count=33,
        reports_count=42,
        sections_count=7,
        cover_image=cover("VIII сессия конференции", "hall", "viii-session-2008"),
    )
    talk_titles = DATA["talk_titles"]
    for n, row in enumerate(DATA["session"]):
        session = ensure_child(
            conference,
            SectionSessionPage,
            row["slug"],
            title=row["title"],
            format=row["format"],
            section=sections[row["section"]] if "section" in row else None,
            start=at(row["start"]),
            end=at(row["end"]),
            room=row["room"],
            venue=VENUE,
            address=ADDRESS,
            city="Кемерово",
            organisers="НП «Кузбасские библиотеки»",
            status=EventStatus.HELD,
        )
        if not session.talks.exists():
            for k in range(2):
                talk = Talk(
                    session=session,
                    title=talk_titles[(n * 2 + k) % len(talk_titles)],
                    abstract="Демонстрационный доклад.",
                    is_demo=True,
                    sort_order=k,
                )
                talk.save()
                talk.speakers.set([people[(n + k) % len(people)]])
                talk.save()
        session.moderators.set([people[n % len(people)]])
        session.save_revision().publish()
    return conference


def load_resolution(conference, sections, contest=None):
    """The resolution and its items; item 5 is carried out by ``contest`` (the contests part of
    the demo), when given."""
    resolution = ensure_child(
        conference,
        ResolutionPage,
        "resolution",
        title="Резолюция VIII Ежегодной сессии конференции НП «Кузбасские библиотеки»",
        adopted_on=DAY,
        preamble="".join(f"<p>{paragraph}</p>" for paragraph in DATA["preamble"]),
    )
    due = datetime.date(2009, 12, 15)
    bodies = DATA["bodies"]
    for kind in ResolutionItem.Kind.DECIDED, ResolutionItem.Kind.RECOMMENDED:
        for row in DATA[kind.value]:
            body = row.get("body", "")
            item, _ = ResolutionItem.objects.update_or_create(
                resolution=resolution,
                kind=kind,
                number=row["number"],
                defaults={
                    "text": row["text"],
                    "assignee_section": sections[row["section"]] if "section" in row else None,
                    "assignee_body": bodies.get(body, body),
                    "status": row["status"],
                    "due_date": due,
                },
            )
            if row["status"] != ResolutionItem.Status.NOT_STARTED and not item.notes.exists():
                ResolutionItemNote.objects.create(
                    item=item,
                    date=datetime.date(2009, 3, 1),
                    text="Отметка о ходе выполнения (демонстрационная).",
                )
    carried = {
        (ResolutionItem.Kind.DECIDED, "4.1"): sections["e-resources"],
        (ResolutionItem.Kind.DECIDED, "4.3"): sections["methodology"],
        (ResolutionItem.Kind.RECOMMENDED, "5"): sections["reference"],
    }
    if contest is not None:
        carried[(ResolutionItem.Kind.DECIDED, "5")] = contest
    for (kind, number), page in carried.items():
        item = ResolutionItem.objects.get(resolution=resolution, kind=kind, number=number)
        item.carried_out_by.set([page])
        item.save()
    return resolution


def load_upcoming(home, sections):
    """A made-up next session, a month from the day the demo is loaded, so that the demo shows
    registration and the call for papers open. Its intro says it is demo content."""
    index = EventIndexPage.objects.child_of(home).get(slug="events")
    day = (timezone.localdate() + datetime.timedelta(days=30)).replace(day=15)
    start = datetime.datetime.combine(day, datetime.time(10), tzinfo=EVENT_TIMEZONE)
    conference = ensure_child(
        index,
        ConferencePage,
        "demo-next-session",
        title="Ежегодная сессия конференции НП «Кузбасские библиотеки» (демонстрация)",
        number=99,
        theme="Молодые специалисты в библиотеках Кузбасса",
        intro="Демонстрационная конференция: на ней можно попробовать регистрацию и подачу "
        "заявки на доклад.",
        start=start,
        end=start + datetime.timedelta(hours=7),
        venue=VENUE,
        address=ADDRESS,
        city="Кемерово",
        organisers="НП «Кузбасские библиотеки»",
        status=EventStatus.REGISTRATION_OPEN,
        registration_opens=timezone.now() - datetime.timedelta(days=1),
        registration_closes=start - datetime.timedelta(days=1),
        capacity=120,
        cfp_opens=timezone.now() - datetime.timedelta(days=1),
        cfp_closes=start - datetime.timedelta(days=10),
        cover_image=cover("Ежегодная сессия конференции", "hall", "demo-next-session"),
    )
    for slug, title, fmt, section, hour, capacity in (
        ("plenary", "Пленарное заседание", SectionSessionPage.Format.PLENARY, None, 10, None),
        (
            "methodology",
            "Заседание секции научно-методической работы",
            SectionSessionPage.Format.SECTION,
            "methodology",
            13,
            None,
        ),
        (
            "workshop",
            "Мастер-класс «Библиотечный блог: с чего начать»",
            SectionSessionPage.Format.WORKSHOP,
            "e-resources",
            15,
            20,
        ),
    ):
        session_start = start.replace(hour=hour)
        ensure_child(
            conference,
            SectionSessionPage,
            slug,
            title=title,
            format=fmt,
            section=sections[section] if section else None,
            start=session_start,
            end=session_start + datetime.timedelta(hours=2),
            room="Большой зал",
            venue=VENUE,
            address=ADDRESS,
            city="Кемерово",
            status=EventStatus.PLANNED,
            capacity=capacity,
        )
    return conference


def leader_group_name(section):
    return f"Руководители: {section.title}"[:150]


def load_leader_groups(sections):
    """One group per section whose members edit that section's page and its sessions in the
    conference, and nothing else. The demo gives each group its permissions on the section's page,
    as an administrator would; the sessions get them from the product (``events.leaders``)."""
    access_admin = Permission.objects.get(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    page_permissions = list(
        Permission.objects.filter(
            content_type__app_label="wagtailcore", codename__in=LEADER_PERMISSIONS
        )
    )
    for section in sections.values():
        group, _ = Group.objects.get_or_create(name=leader_group_name(section))
        group.permissions.add(access_admin)
        for permission in page_permissions:
            GroupPagePermission.objects.get_or_create(
                group=group, page=section, permission=permission
            )
    repair_section_permissions()


def load(home, contest=None):
    """Everything above under ``home``; ``contest`` carries out the resolution's item 5."""
    sections = load_sections(home)
    people = load_people()
    conference = load_conference(home, sections, people)
    load_resolution(conference, sections, contest)
    load_upcoming(home, sections)
    load_leader_groups(sections)
    return conference
