"""The events part of the demo site, from ``shared/seeds/resolution-2008.md``: the calendar, the
partnership's sections, the VIII session of 16 December 2008 with its plenary, seven section
sessions, round table and dialogue with students, demo talks (``is_demo``) and the resolution
with every decided and recommended item.

Each section gets a group «Руководители: …» that may edit only its section page and its
sessions. The resolution's text is the seed's; assignees follow its wording; statuses, due
dates, progress notes, talks and speakers are illustrative. Idempotent, like the rest of
``load_demo``.
"""

import datetime

from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import GroupPagePermission, Page

from kuzbib_site.base.demo import ensure_child
from kuzbib_site.base.models import Library, Person

from .models import (
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

DAY = datetime.date(2008, 12, 16)
COUNCIL = "Совет НБП «Кузбасские библиотеки»"
MEMBERS = "Члены партнёрства"
YOUNG = "Общественная организация «Молодые профессионалы»"
VENUE = "Кемеровская областная научная библиотека им. В. Д. Фёдорова"
ADDRESS = "ул. Дзержинского, 19"

# slug: (title, description, status)
SECTIONS = {
    "methodology": (
        "Секция научно-методической работы",
        "Методическое сопровождение "
        "деятельности библиотек области, изучение кадров и условий труда.",
    ),
    "info-culture": (
        "Секция по формированию информационной культуры личности",
        "Обучение пользователей и библиотекарей основам информационной культуры.",
    ),
    "local-history": (
        "Секция краеведческой работы",
        "Краеведческие ресурсы, издания и исследования библиотек Кузбасса.",
    ),
    "user-services": (
        "Секция по обслуживанию пользователей",
        "Организация обслуживания читателей всех категорий.",
    ),
    "reference": (
        "Секция справочно-информационной работы",
        "Справочно-библиографическое обслуживание и библиографическая компетентность.",
    ),
    "children": (
        "Секция детских и юношеских библиотек",
        "Название секции приведено для демонстрации: резолюция его не называет.",
    ),
    "informatisation": (
        "Секция по информатизации библиотечных процессов",
        "Автоматизация библиотечных процессов.",
    ),
    "e-resources": ("Секция по электронным ресурсам", "Создана по п. 4.1 резолюции VIII сессии."),
}

# (slug, title, format, section slug, start hour, end hour, room)
SESSIONS = [
    (
        "plenary",
        "Пленарное заседание",
        SectionSessionPage.Format.PLENARY,
        None,
        10,
        12,
        "Большой зал",
    ),
    (
        "methodology",
        "Заседание секции научно-методической работы",
        SectionSessionPage.Format.SECTION,
        "methodology",
        13,
        15,
        "Ауд. 201",
    ),
    (
        "info-culture",
        "Заседание секции по формированию информационной культуры личности",
        SectionSessionPage.Format.SECTION,
        "info-culture",
        13,
        15,
        "Ауд. 202",
    ),
    (
        "local-history",
        "Заседание секции краеведческой работы",
        SectionSessionPage.Format.SECTION,
        "local-history",
        13,
        15,
        "Ауд. 203",
    ),
    (
        "user-services",
        "Заседание секции по обслуживанию пользователей",
        SectionSessionPage.Format.SECTION,
        "user-services",
        13,
        15,
        "Ауд. 204",
    ),
    (
        "reference",
        "Заседание секции справочно-информационной работы",
        SectionSessionPage.Format.SECTION,
        "reference",
        13,
        15,
        "Ауд. 301",
    ),
    (
        "children",
        "Заседание секции детских и юношеских библиотек",
        SectionSessionPage.Format.SECTION,
        "children",
        13,
        15,
        "Ауд. 302",
    ),
    (
        "informatisation",
        "Заседание секции по информатизации библиотечных процессов",
        SectionSessionPage.Format.SECTION,
        "informatisation",
        13,
        15,
        "Ауд. 303",
    ),
    (
        "round-table",
        "Круглый стол «Библиотека как среда формирования информационной культуры личности»",
        SectionSessionPage.Format.ROUND_TABLE,
        "info-culture",
        15,
        17,
        "Большой зал",
    ),
    (
        "dialogue",
        "Проблемно-творческий диалог со студентами «Методическая деятельность: "
        "настоящее и будущее»",
        SectionSessionPage.Format.DIALOGUE,
        "methodology",
        15,
        17,
        "Ауд. 201",
    ),
]

SPEAKERS = [
    ("Андреева", "Ольга", "Викторовна", "заведующая научно-методическим отделом"),
    ("Белова", "Наталья", "Ивановна", "главный библиограф"),
    ("Васильева", "Елена", "Петровна", "заведующая отделом краеведения"),
    ("Григорьева", "Татьяна", "Николаевна", "директор"),
    ("Дмитриева", "Светлана", "Александровна", "ведущий библиотекарь"),
    ("Егорова", "Марина", "Сергеевна", "заведующая отделом обслуживания"),
    ("Жукова", "Ирина", "Владимировна", "методист"),
]

TALK_TITLES = [
    "Итоги работы партнёрства за 2008 год",
    "Кадровая ситуация в библиотеках Кузбасса: данные исследования",
    "Методическая служба муниципальной библиотеки: опыт и проблемы",
    "Уроки информационной культуры для старшеклассников",
    "Краеведческие базы данных библиотек области",
    "Обслуживание удалённых пользователей",
    "Библиографическая компетентность библиотекаря",
    "Чтение детей и подростков: результаты опроса",
    "Автоматизированная книговыдача: первый год",
    "Молодой библиотекарь глазами читателя",
]

DECIDED = [
    (
        "1",
        "Считать принятыми в члены некоммерческого библиотечного партнерства «Кузбасские "
        "библиотеки»: МУК «Межпоселенческая центральная районная библиотека» п. Ижморский.",
        None,
        COUNCIL,
        ResolutionItem.Status.DONE,
    ),
    (
        "2",
        "Погасить задолженность по уплате членских взносов всем членам партнерства, не "
        "уплатившим членские взносы.",
        None,
        MEMBERS,
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "3",
        "Продолжить и совершенствовать работу секций: научно-методической работы, по "
        "формированию информационной культуры личности, краеведческой работы, по обслуживанию "
        "пользователей.",
        None,
        "Руководители секций",
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "4",
        "Внести изменения в форму и в связи с этим в содержание работы секций:",
        None,
        COUNCIL,
        ResolutionItem.Status.DONE,
    ),
    ("4.1", "Создать секцию по электронным ресурсам.", None, COUNCIL, ResolutionItem.Status.DONE),
    (
        "4.2",
        "Реорганизовать секцию по информатизации библиотечных процессов в Круглый стол по "
        "«Проблемам информационно-коммуникационных технологий».",
        None,
        COUNCIL,
        ResolutionItem.Status.DONE,
    ),
    (
        "4.3",
        "Поручить секции научно-методической работы ввести в состав своей секции рабочую "
        "группу по изучению условий труда библиотекарей.",
        "methodology",
        "",
        ResolutionItem.Status.DONE,
    ),
    (
        "5",
        "Провести межведомственный конкурс профессионального мастерства молодых "
        "библиотекарей «КНИГИНЯ - 2009».",
        None,
        COUNCIL,
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "6",
        "Секции научно методической работы поручить издать:",
        "methodology",
        "",
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "6.1",
        "Сборник материалов конкурсных работ молодых библиотекарей-победителей "
        "межведомственного конкурса профессионального мастерства молодых библиотекарей "
        "«КНИГИНЯ - 2009».",
        "methodology",
        "",
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "6.2",
        "Издать сборник материалов VIII Конференции.",
        "methodology",
        "",
        ResolutionItem.Status.IN_PROGRESS,
    ),
]

RECOMMENDED = [
    (
        "1",
        "Совету НБП «Кузбасские библиотеки» создать рабочую группу для разработки стратегии "
        "(программы) кадровой библиотечной политики в Кемеровской области.",
        None,
        COUNCIL,
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "2",
        "Общественной организации «Молодые профессионалы», созданной при областной "
        "библиотеке для детей и юношества, выработать предложения для формирования позитивного "
        "имиджа молодого библиотекаря в средствах массовой информации и общественном сознании "
        "жителей Кузбасса.",
        None,
        YOUNG,
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "3",
        "Формирование региональных корпоративных электронных ресурсов:",
        None,
        MEMBERS,
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "3.1",
        "«Электронного архива краеведческих периодических изданий».",
        "local-history",
        "",
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "3.2",
        "«Сводного каталога периодических изданий в Сибирском регионе».",
        "e-resources",
        "",
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "3.3",
        "«Герои Социалистического Труда – кузбассовцы (1943-1987 гг.)».",
        "local-history",
        "",
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "3.4",
        "«Сводный каталог периодических изданий».",
        "e-resources",
        "",
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "3.5",
        "«Региональная электронная библиотека».",
        "e-resources",
        "",
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "4",
        "Принять участие в проведении областного фестиваля библиотечных династий.",
        None,
        MEMBERS,
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "5",
        "Поручить секции справочно-информационной работы создать обучающий проект "
        "«Библиотекарь в системе непрерывного образования. Повышение библиографической "
        "компетентности».",
        "reference",
        "",
        ResolutionItem.Status.IN_PROGRESS,
    ),
    (
        "6",
        "Поручить секции по информационной культуре личности разработать новый вариант "
        "практико-ориентированных учебных программ курсов повышения квалификации с акцентом на "
        "овладение библиотекарями знаниями основ психолого-педагогического обеспечения курса "
        "«Основы информационной культуры личности».",
        "info-culture",
        "",
        ResolutionItem.Status.NOT_STARTED,
    ),
    (
        "7",
        "Поручить секции научно-методической работы опубликовать материалы библиотечных "
        "исследований молодежной кадровой политики в общероссийском журнале «Молодые в "
        "библиотечном деле» (гл. редактор Макаренко Т.С.).",
        "methodology",
        "",
        ResolutionItem.Status.NOT_STARTED,
    ),
]

PREAMBLE = (
    "<p>16 декабря 2008 г. в г. Кемерово состоялась VIII Ежегодная сессия конференции "
    "некоммерческого библиотечного партнерства «Кузбасские библиотеки».</p>"
    "<p>В работе Конференции приняли участие 165 специалистов из 33 библиотек различных "
    "организационно-правовых форм и форм собственности Кемеровской области, творческая "
    "интеллигенция, представители Департамента культуры и национальной политики Кемеровской "
    "области, Управления культуры, молодежной политики и спорта г. Кемерово, преподаватели "
    "Кемеровского государственного университета культуры и искусств и Областного колледжа "
    "культуры и искусств. В рамках сессии состоялось заседания семи секций. В ходе работы были "
    "заслушаны 42 доклада и выступления, состоялся проблемно-творческий диалог со студентами "
    "«Методическая деятельность: настоящее и будущее», прошел Круглый стол «Библиотека как "
    "среда формирования информационной культуры личности».</p>"
    "<p>Участники конференции, заслушав и обсудив доклады и выступления, отметили многогранную "
    "роль библиотек Кемеровской области в жизни кузбассовцев.</p>"
    "<p>Партнерство «Кузбасские библиотеки» проявляет озабоченность кадровой ситуацией в "
    "библиотечной отрасли региона. Снижается количество и удельный вес молодых специалистов с "
    "базовым библиотечным образованием, трудоустроенных в библиотеках.</p>"
    "<p>С учетом предложений, поступивших в результате обсуждения докладов и выступлений, "
    "Конференция постановляет:</p>"
)


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
    for slug, (title, description) in SECTIONS.items():
        sections[slug] = ensure_child(
            index,
            SectionPage,
            slug,
            title=title,
            description=f"<p>{description}</p>",
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
    for n, (last, first, patronymic, position) in enumerate(SPEAKERS):
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
    )
    for n, (slug, title, fmt, section, start, end, room) in enumerate(SESSIONS):
        session = ensure_child(
            conference,
            SectionSessionPage,
            slug,
            title=title,
            format=fmt,
            section=sections[section] if section else None,
            start=at(start),
            end=at(end),
            room=room,
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
                    title=TALK_TITLES[(n * 2 + k) % len(TALK_TITLES)],
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


def load_resolution(conference, sections):
    resolution = ensure_child(
        conference,
        ResolutionPage,
        "resolution",
        title="Резолюция VIII Ежегодной сессии конференции НП «Кузбасские библиотеки»",
        adopted_on=DAY,
        preamble=PREAMBLE,
    )
    due = datetime.date(2009, 12, 15)
    for kind, items in (
        (ResolutionItem.Kind.DECIDED, DECIDED),
        (ResolutionItem.Kind.RECOMMENDED, RECOMMENDED),
    ):
        for number, text, section, body, status in items:
            item, _ = ResolutionItem.objects.update_or_create(
                resolution=resolution,
                kind=kind,
                number=number,
                defaults={
                    "text": text,
                    "assignee_section": sections[section] if section else None,
                    "assignee_body": body,
                    "status": status,
                    "due_date": due,
                },
            )
            if status != ResolutionItem.Status.NOT_STARTED and not item.notes.exists():
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
    # Item 5 is carried out by the contest page, when the contests app has made it.
    contest = Page.objects.filter(slug="knyaginya-2009").first()
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


LEADER_PERMISSIONS = ("add_page", "change_page", "publish_page")


def leader_group_name(section):
    return f"Руководители: {section.title}"[:150]


def load_leader_groups(sections):
    """One group per section whose members edit that section's page and its sessions in the
    conference, and nothing else (Wagtail's page permissions apply to a page and its subtree)."""
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
        pages = [section, *SectionSessionPage.objects.filter(section=section)]
        for page in pages:
            for permission in page_permissions:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=permission
                )


def load(home):
    sections = load_sections(home)
    people = load_people()
    conference = load_conference(home, sections, people)
    load_resolution(conference, sections)
    load_upcoming(home, sections)
    load_leader_groups(sections)
    return conference
