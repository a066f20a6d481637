"""The demo site of the base app, built from ``shared/seeds/resolution-2008.md``: the home page,
«О партнёрстве», the library directory, the region's municipalities, member libraries and dues.

Every function is idempotent: running ``load_demo`` twice leaves one copy of everything. Domain
apps add their part through the ``kuzbib_load_demo`` hook (called after this, with the home page).
"""

import datetime
from decimal import Decimal

from django.db import transaction
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from kuzbib_site.home.models import HomePage, LibraryIndexPage, StandardPage

from .models import Library, MembershipFee, Municipality

URBAN = Municipality.Kind.URBAN_OKRUG
DISTRICT = Municipality.Kind.MUNICIPAL_DISTRICT

MUNICIPALITIES = [
    *[
        (name, URBAN)
        for name in (
            "Кемерово",
            "Новокузнецк",
            "Прокопьевск",
            "Ленинск-Кузнецкий",
            "Междуреченск",
            "Киселёвск",
            "Белово",
            "Юрга",
            "Анжеро-Судженск",
            "Берёзовский",
            "Осинники",
            "Мыски",
            "Калтан",
            "Полысаево",
            "Тайга",
            "Краснобродский",
        )
    ],
    *[
        (f"{name} муниципальный район", DISTRICT)
        for name in (
            "Беловский",
            "Гурьевский",
            "Ижморский",
            "Кемеровский",
            "Крапивинский",
            "Ленинск-Кузнецкий",
            "Мариинский",
            "Новокузнецкий",
            "Прокопьевский",
            "Промышленновский",
            "Таштагольский",
            "Тисульский",
            "Топкинский",
            "Тяжинский",
            "Чебулинский",
            "Юргинский",
            "Яйский",
            "Яшкинский",
        )
    ],
]

# (full name, short name, legal form, municipality, member since). The date for Ижморская МЦРБ
# is the seed's (accepted by the VIII session on 16 December 2008); the others are illustrative.
FOUNDED = datetime.date(2001, 12, 14)
LIBRARIES = [
    (
        "Кемеровская областная научная библиотека им. В. Д. Фёдорова",
        "КОНБ им. В. Д. Фёдорова",
        "ГУК",
        "Кемерово",
        FOUNDED,
    ),
    ("Кемеровская областная библиотека для детей и юношества", "КОБДЮ", "ГУК", "Кемерово", FOUNDED),
    (
        "Кемеровская областная специальная библиотека для незрячих и слабовидящих",
        "КОСБ",
        "ГУК",
        "Кемерово",
        datetime.date(2003, 12, 10),
    ),
    (
        "Научная библиотека Кемеровского государственного университета",
        "НБ КемГУ",
        "ГОУ ВПО",
        "Кемерово",
        FOUNDED,
    ),
    (
        "Библиотека Кемеровского государственного университета культуры и искусств",
        "Библиотека КемГУКИ",
        "ГОУ ВПО",
        "Кемерово",
        FOUNDED,
    ),
    (
        "Муниципальная информационно-библиотечная система г. Новокузнецка",
        "МИБС Новокузнецка",
        "МУК",
        "Новокузнецк",
        datetime.date(2002, 12, 12),
    ),
    (
        "Централизованная библиотечная система г. Прокопьевска",
        "ЦБС Прокопьевска",
        "МУК",
        "Прокопьевск",
        datetime.date(2004, 12, 9),
    ),
    (
        "Централизованная библиотечная система г. Междуреченска",
        "ЦБС Междуреченска",
        "МУК",
        "Междуреченск",
        datetime.date(2005, 12, 15),
    ),
    (
        "Централизованная библиотечная система г. Белово",
        "ЦБС Белово",
        "МУК",
        "Белово",
        datetime.date(2006, 12, 14),
    ),
    (
        "Централизованная библиотечная система г. Юрги",
        "ЦБС Юрги",
        "МУК",
        "Юрга",
        datetime.date(2006, 12, 14),
    ),
    (
        "Централизованная библиотечная система г. Анжеро-Судженска",
        "ЦБС Анжеро-Судженска",
        "МУК",
        "Анжеро-Судженск",
        datetime.date(2007, 12, 13),
    ),
    (
        "Централизованная библиотечная система Кемеровского района",
        "ЦБС Кемеровского района",
        "МУК",
        "Кемеровский муниципальный район",
        datetime.date(2007, 12, 13),
    ),
    (
        "Межпоселенческая центральная районная библиотека",
        "Ижморская МЦРБ",
        "МУК",
        "Ижморский муниципальный район",
        datetime.date(2008, 12, 16),
    ),
]
ANNUAL_FEE = Decimal("1500.00")
# Illustrative arrears (resolution item 2 asks members to pay them off).
UNPAID = {("ЦБС Белово", 2008), ("ЦБС Юрги", 2007), ("ЦБС Юрги", 2008)}

ABOUT_BODY = [
    ("heading", {"text": "Партнёрство", "level": "h2"}),
    (
        "paragraph",
        RichText(
            "<p>Некоммерческое библиотечное партнёрство «Кузбасские библиотеки» объединяет "
            "библиотеки различных организационно-правовых форм и форм собственности Кемеровской "
            "области. Ежегодная сессия конференции партнёрства подводит итоги года и принимает "
            "резолюцию, поручая работу постоянным секциям.</p>"
        ),
    ),
    (
        "quote",
        {
            "text": "Участники конференции, заслушав и обсудив доклады и выступления, отметили "
            "многогранную роль библиотек Кемеровской области в жизни кузбассовцев.",
            "attribution": "Резолюция VIII Ежегодной сессии конференции, 16 декабря 2008 г.",
        },
    ),
    ("heading", {"text": "Кадровая ситуация", "level": "h2"}),
    (
        "paragraph",
        RichText(
            "<p>Партнёрство проявляет озабоченность кадровой ситуацией в библиотечной отрасли "
            "региона: снижается количество и удельный вес молодых специалистов с базовым "
            "библиотечным образованием, трудоустроенных в библиотеках. Поэтому партнёрство "
            "проводит конкурс профессионального мастерства молодых библиотекарей и фестиваль "
            "библиотечных династий, а шахтёрский край получает новых библиотекарей.</p>"
        ),
    ),
]


def ensure_child(parent, model, slug, **fields):
    """The live child page of ``parent`` with this slug, created or brought up to date."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
    else:
        for name, value in fields.items():
            setattr(page, name, value)
    page.live = True
    page.save_revision().publish()
    return page


def load_home():
    root = Page.get_first_root_node()
    home = ensure_child(
        root,
        HomePage,
        "kuzbib",
        title="Кузбасские библиотеки",
        intro="<p>Некоммерческое библиотечное партнёрство библиотек Кемеровской области: "
        "ежегодные конференции, секции, конкурсы молодых библиотекарей, фестиваль "
        "библиотечных династий и региональные электронные ресурсы.</p>",
    )
    # The default site serves whatever host asks; point it at our home page and drop
    # Wagtail's placeholder "Welcome" page.
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            root_page=home,
            is_default_site=True,
            site_name="Кузбасские библиотеки",
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Кузбасские библиотеки"
        site.save()
        if old_root.depth == 2 and old_root.slug == "home" and not old_root.get_children():
            old_root.delete()
    return home


def load_directory():
    municipalities = {}
    for name, kind in MUNICIPALITIES:
        municipalities[name], _ = Municipality.objects.update_or_create(
            name=name, defaults={"kind": kind}
        )
    libraries = []
    for full_name, short_name, legal_form, municipality, since in LIBRARIES:
        library, _ = Library.objects.update_or_create(
            short_name=short_name,
            defaults={
                "full_name": full_name,
                "legal_form": legal_form,
                "municipality": municipalities[municipality],
                "member_since": since,
                "address": municipalities[municipality].name,
            },
        )
        libraries.append(library)
    for library in libraries:
        for year in library.membership_years(until=datetime.date(2008, 12, 31)):
            paid = (library.short_name, year) not in UNPAID
            MembershipFee.objects.update_or_create(
                library=library,
                year=year,
                defaults={
                    "amount": ANNUAL_FEE,
                    "paid_on": datetime.date(year, 11, 1) if paid else None,
                },
            )
    return libraries


def load_pages(home):
    ensure_child(
        home,
        StandardPage,
        "about",
        title="О партнёрстве",
        intro="Библиотечное партнёрство Кемеровской области: кто мы и чем занимаемся.",
        body=ABOUT_BODY,
        show_in_menus=True,
    )
    ensure_child(
        home,
        LibraryIndexPage,
        "libraries",
        title="Библиотеки",
        intro="<p>Библиотеки — члены партнёрства по городам и районам Кемеровской области. "
        "Даты вступления, кроме указанных в резолюциях конференций, приведены для "
        "демонстрации.</p>",
        show_in_menus=True,
    )


@transaction.atomic
def load():
    home = load_home()
    load_directory()
    load_pages(home)
    return home
