"""Our site in the demo, from ``shared/seeds/resolution-2008.md``: the home page, «О партнёрстве»,
the library directory, the region's municipalities, member libraries and their dues
(``data/directory.toml``); and ``ensure_child``, how every part of the demo makes its pages.

Every function is idempotent: running ``load_demo`` twice leaves one copy of everything.
"""

import datetime
from decimal import Decimal

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from kuzbib_site.base.models import Library, MembershipFee, Municipality
from kuzbib_site.home.models import HomePage, LibraryIndexPage, StandardPage

from .data import read
from .pictures import cover

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


def ensure_moved(parent, model, old_slug, slug):
    """A page an older demo made under ``old_slug`` takes its new ``slug`` (one page, not two)."""
    old = model.objects.child_of(parent).filter(slug=old_slug).first()
    if old is not None and not model.objects.child_of(parent).filter(slug=slug).exists():
        old.slug = slug
        old.save_revision().publish()


def keep_old_address(page, old_slug):
    """A permanent redirect from the address ``page`` had under ``old_slug``: links to it
    elsewhere keep working."""
    old_path = Redirect.normalise_path(f"{page.get_parent().get_url()}{old_slug}/")
    Redirect.objects.update_or_create(
        old_path=old_path, site=None, defaults={"redirect_page": page, "is_permanent": True}
    )


def load_home(hostname="127.0.0.1", port=8000):
    """The home page, made the default site's root (Wagtail's «Welcome» page goes), at
    ``hostname`` and ``port``: where the demo is served, so that links in e-mails reach it."""
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
            hostname=hostname,
            port=port,
            root_page=home,
            is_default_site=True,
            site_name="Кузбасские библиотеки",
        )
    else:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Кузбасские библиотеки"
        site.hostname, site.port = hostname, port
        site.save()
        if old_root.depth == 2 and old_root.slug == "home" and not old_root.get_children():
            old_root.delete()
    return home


def load_directory():
    """Municipalities, member libraries and their dues up to 2008, from ``directory.toml``."""
    directory = read("directory")
    kinds = Municipality.Kind
    municipalities = {}
    for name, kind in [
        *((name, kinds.URBAN_OKRUG) for name in directory["urban_okrugs"]),
        *(
            (f"{name} муниципальный район", kinds.MUNICIPAL_DISTRICT)
            for name in directory["municipal_districts"]
        ),
    ]:
        municipalities[name], _ = Municipality.objects.update_or_create(
            name=name, defaults={"kind": kind}
        )
    libraries = []
    for row in directory["library"]:
        municipality = municipalities[row["municipality"]]
        library, _ = Library.objects.update_or_create(
            short_name=row["short_name"],
            defaults={
                "full_name": row["full_name"],
                "legal_form": row["legal_form"],
                "municipality": municipality,
                "member_since": row["member_since"],
                "address": municipality.name,
                "image": cover(row["short_name"], "building", f"library-{row['short_name']}"),
            },
        )
        libraries.append(library)
    fee = Decimal(directory["annual_fee"])
    unpaid = {tuple(arrear) for arrear in directory["unpaid"]}
    for library in libraries:
        for year in library.membership_years(until=datetime.date(2008, 12, 31)):
            paid = (library.short_name, year) not in unpaid
            MembershipFee.objects.update_or_create(
                library=library,
                year=year,
                defaults={
                    "amount": fee,
                    "paid_on": datetime.date(year, 11, 1) if paid else None,
                },
            )
    return libraries


def load_pages(home):
    """«О партнёрстве» and the library directory's page."""
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


def load(hostname="127.0.0.1", port=8000):
    """Our own pages and the directory; returns the home page."""
    home = load_home(hostname, port)
    load_directory()
    load_pages(home)
    return home
