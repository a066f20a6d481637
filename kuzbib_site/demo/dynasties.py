"""The festival of library dynasties of the demo site, which recommendation 4 of the VIII session's
resolution («Принять участие в проведении областного фестиваля библиотечных династий») asks for.

Two festivals: the coming one (``SLUG``), whose applications are open from a week before the day
the demo is loaded to two months after it, so that a visitor can try the form, with the demo
dynasties taking part and its nominations still to be decided; and the first one, held on 27 May
2009, whose nominations were awarded to some of the same families. Both are linked from the
recommendation.

The eight dynasties are invented (``DEMO_NOTE`` opens each summary and story; ``is_demo``) and
drawn from ``data/dynasties.toml`` by a generator seeded per family (``family_of``): founders
born «около 1900» or in «1920-е», married-in spouses with their maiden names, a remarriage, a
sister, members who never worked in a library, periods that overlap or go on today, in the
directory's libraries or named ones; one family of five generations and over thirty members.
Their gallery pictures (and each founder's portrait) are drawn with Pillow, sepia placeholders
labelled as demo pictures, created once and found again by title. Four applications (two
submitted, one returned with a message, one rejected) wait in the admin.

Running ``load_demo`` again brings everything up to date instead of adding copies; a dynasty is
published anew only when the demo's version differs from the page.
"""

import datetime
import random
import re

from django.utils import timezone
from django.utils.html import escape
from wagtail.rich_text import RichText

from dynasties.domain.application import rows_of
from dynasties.family import Family, Link, Period, Person, problems
from dynasties.models import (
    Application,
    DynastyPage,
    DynastyPhoto,
    FestivalNomination,
    FestivalPage,
)
from events.models import EVENT_TIMEZONE, EventStatus, ResolutionItem
from kuzbib_site.base import lemma_index, partial_dates
from kuzbib_site.base.models import Library, Municipality

from .data import read
from .pictures import PICTURE_NOTE, PICTURES, cover, demo_image
from .site import ensure_child

DATA = read("dynasties")
SEED = "kuzbib-dynasties-2009"
SLUG = "festival-dinastiy"
DEMO_NOTE = "Демонстрационная запись: семья вымышлена."
#: When the coming festival's applications open and close, and when it is held, from today.
OPENS_BEFORE = datetime.timedelta(days=7)
CLOSES_AFTER = datetime.timedelta(days=60)
HELD_AFTER = datetime.timedelta(days=75)
NAMES = DATA["names"]
PATRONYMICS = {name: (male, female) for name, male, female in NAMES["male"]}
MALE_OLD = [name for name, *_forms in NAMES["male"][:20]]


# -- a family --------------------------------------------------------------------------------


def year_of(text):
    """The year a birth text stands for: «около 1900» → 1900, «1920-е» → 1925."""
    year = int(re.search(r"\d{4}", text).group())
    return year + 5 if text.endswith("-е") else year


class Builder:
    """Grows one invented family from its table: the founder, a spouse for those who marry,
    children a generation at a time; then deaths, dates as text and the work in libraries."""

    def __init__(self, spec, today, directory):
        self.spec = spec
        self.today = today
        self.directory = directory
        self.rng = random.Random(f"{SEED}-{spec.get('slug') or spec['family_name']}")  # noqa: S311 — invented people
        self.people = {}  # number -> dict of what the person will be
        self.links = []
        self.children = {}  # number -> [child numbers]

    # Names ----------------------------------------------------------------------------------

    def first_name(self, sex, born):
        if sex == "m":
            return self.rng.choice(NAMES["male_new"] if born >= 1975 else MALE_OLD)
        table = "female_old" if born < 1940 else "female_mid" if born < 1970 else "female_new"
        return self.rng.choice(NAMES[table])

    def patronymic(self, sex, father=None):
        name = self.people[father]["first"] if father else self.rng.choice(MALE_OLD)
        return PATRONYMICS[name][sex == "f"]

    def add(self, sex, surname, born, generation, *, father=None, first="", maiden="", **extra):
        number = len(self.people) + 1
        self.people[number] = {
            "sex": sex,
            "last": surname[sex == "f"],
            "first": first or self.first_name(sex, born),
            "patronymic": self.patronymic(sex, father),
            "maiden": maiden,
            "born": born,
            "generation": generation,
            "librarian": False,
            **extra,
        }
        self.children[number] = []
        return number

    # Shape ----------------------------------------------------------------------------------

    def marry(self, number, year=None, keep=None):
        """A married-in spouse of ``number`` and the year of the marriage. A wife takes her
        husband's surname, unless ``keep`` (the founders' surname, male and female forms) says
        the couple bears the founder's."""
        person = self.people[number]
        sex = "f" if person["sex"] == "m" else "m"
        born = min(person["born"] + self.rng.randint(-3, 3), self.today.year - 20)
        other = self.rng.choice(NAMES["surnames"])
        spouse = self.add(sex, other, born, person["generation"])
        if sex == "f":
            self.people[spouse]["last"] = f"{person['last']}а"
            self.people[spouse]["maiden"] = other[1]
        elif keep:
            self.people[spouse]["last"] = keep[0]
            person["maiden"] = self.rng.choice(NAMES["surnames"])[1]
        else:
            person["maiden"] = person["maiden"] or person["last"]
            person["last"] = other[1]
        self.people[spouse]["librarian"] = self.rng.random() < 0.25
        married = year or max(person["born"], born) + self.rng.randint(19, 24)
        return spouse, married

    def family_children(self, father, mother, married, count, generation, surname, heir=True):
        """``count`` children of a couple married in ``married``; the first is a librarian (the
        dynasty goes on), the others maybe; those of age marry when a generation follows."""
        youngest_mother = self.people[mother]["born"] + 42
        born = married + self.rng.randint(1, 3)
        made = []
        for index in range(count):
            if born > min(youngest_mother, self.today.year - 16):
                break
            sex = self.rng.choice("mf")
            child = self.add(sex, surname, born, generation, father=father)
            self.links += [Link(Link.PARENT, father, child), Link(Link.PARENT, mother, child)]
            self.children[father].append(child)
            self.children[mother].append(child)
            self.people[child]["librarian"] = (index == 0 and heir) or self.rng.random() < 0.5
            made.append(child)
            born += self.rng.randint(2, 5)
        return made

    def grow(self):
        spec, rng = self.spec, self.rng
        sex, first, birth_text = spec["founder"]
        surname = spec["surname"]
        born = year_of(birth_text)
        founder = self.add(sex, surname, born, 1, first=first, birth_text=birth_text)
        self.people[founder]["librarian"] = True
        if spec.get("sister"):
            sister = self.add("f", surname, born + rng.randint(2, 4), 1)
            self.people[sister]["patronymic"] = self.people[founder]["patronymic"]
            self.people[sister]["librarian"] = True
            self.links.append(Link(Link.SIBLING, founder, sister))
        if spec["generations"] < 2:
            return
        couples = [self.couple(founder, keep=surname)]
        for generation in range(2, spec["generations"] + 1):
            low, high = spec["children"][generation - 2]
            following = []
            for blood, spouse, married, fixed in couples:
                father, mother = (
                    (blood, spouse) if self.people[blood]["sex"] == "m" else (spouse, blood)
                )
                family_surname = self.surname_of(father)
                count = fixed or rng.randint(low, high)
                kids = self.family_children(
                    father, mother, married, count, generation, family_surname, heir=fixed is None
                )
                for index, child in enumerate(kids):
                    last = generation == spec["generations"]
                    of_age = self.people[child]["born"] <= self.today.year - 22
                    if not last and of_age and (index == 0 or rng.random() < 0.7):
                        remarried = spec.get("remarriage") and generation == 2 and index == 0
                        following += self.couples_of(child, remarried)
            couples = following

    def surname_of(self, father):
        last = self.people[father]["last"]
        return [last, last + "а"]

    def couple(self, blood, keep=None):
        spouse, married = self.marry(blood, keep=keep)
        self.links.append(Link(Link.SPOUSE, blood, spouse, start=married))
        return blood, spouse, married, None

    def couples_of(self, blood, remarried):
        if not remarried:
            return [self.couple(blood)]
        # A first marriage ended by the spouse's death, one child of it; then a second one.
        first, married = self.marry(blood)
        ended = married + self.rng.randint(5, 8)
        self.people[first]["died"] = ended
        self.people[first]["librarian"] = False
        second, again = self.marry(blood, year=ended + 2)
        self.links += [
            Link(Link.SPOUSE, blood, first, start=married, end=ended),
            Link(Link.SPOUSE, blood, second, start=again),
        ]
        return [(blood, first, married, 1), (blood, second, again, None)]

    # Lives ----------------------------------------------------------------------------------

    def deaths(self):
        """Who has died, never before their last child was born or their marriage began."""
        this_year = self.today.year
        for number, person in self.people.items():
            if "died" in person:
                continue
            age = this_year - person["born"]
            if age > 88 or (age > 72 and self.rng.random() < 0.4):
                latest = [self.people[child]["born"] for child in self.children[number]]
                earliest = max([person["born"] + 62, *(year + 1 for year in latest)])
                latest_death = min(person["born"] + 94, this_year - 1)
                person["died"] = self.rng.randint(earliest, max(earliest, latest_death))

    def date_text(self, year, old):
        """A birth or death as a family remembers it: to the day, the month, the year, «около»
        or the decade for the oldest."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.45:
            return f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.{year}"
        if roll < 0.75 or not old:
            return str(year) if roll < 0.9 else f"{rng.randint(1, 12):02d}.{year}"
        return f"около {year}" if roll < 0.9 else f"{year // 10 * 10}-е"

    def career(self, number):
        """The periods of work of a librarian: one to three, in the generation's libraries,
        sometimes overlapping (a second post taken before the first was left), the last going on
        today if they have not retired."""
        person, rng = self.people[number], self.rng
        start = person["born"] + rng.randint(18, 23)
        if start > self.today.year:
            return []
        end = person["born"] + rng.randint(55, 63)
        if person.get("died"):
            end = min(end, person["died"])
        if end >= self.today.year:
            end = None
        last = end or self.today.year
        count = max(1, min(rng.choice([1, 2, 2, 3]), (last - start) // 5 + 1))
        cuts = sorted(rng.sample(range(start + 2, last), count - 1)) if count > 1 else []
        libraries = self.spec["libraries"][
            min(person["generation"], len(self.spec["libraries"])) - 1
        ]
        positions = NAMES["positions"]
        periods, begins = [], start
        for index in range(count):
            finish = cuts[index] if index < len(cuts) else end
            if finish is not None and index < len(cuts) and rng.random() < 0.3:
                finish = min(finish + rng.randint(1, 2), last)  # overlaps the next one
            library = libraries[min(index, len(libraries) - 1)]
            library_id, name = self.directory.get(library, (None, library))
            position = positions[min(index * 2 + rng.randint(0, 1), len(positions) - 1)]
            periods.append(
                Period(
                    number,
                    begins,
                    finish,
                    name,
                    library_id=library_id,
                    position=position[person["sex"] == "f"],
                )
            )
            begins = cuts[index] if index < len(cuts) else begins
        return periods

    def family(self):
        self.grow()
        self.deaths()
        people, periods = [], []
        for number, person in self.people.items():
            old = person["generation"] <= 2
            birth = person.get("birth_text") or self.date_text(person["born"], old)
            death = self.date_text(person["died"], old) if person.get("died") else ""
            if person.get("died") and death.endswith("-е"):
                death = str(person["died"])
            people.append(
                Person(
                    number,
                    person["last"],
                    person["first"],
                    person["patronymic"],
                    maiden_name=person["maiden"] if person["maiden"] != person["last"] else "",
                    sex=person["sex"],
                    birth=partial_dates.normalise(birth),
                    death=partial_dates.normalise(death),
                )
            )
            if person["librarian"]:
                periods += self.career(number)
        return Family(people=tuple(people), links=tuple(self.links), periods=tuple(periods))


def family_of(spec, today, directory=None):
    """The invented family of ``spec`` (a table of ``data/dynasties.toml``), the same on every
    run of the same year. ``directory`` maps a directory library's short name to its id and full
    name; names not in it are named libraries."""
    made = Builder(spec, today, directory or {}).family()
    found = problems(made, today=today)
    if found:
        raise ValueError(f"{spec['family_name']}: {'; '.join(found)}")
    return made


def directory():
    return {
        library.short_name: (library.pk, library.full_name)
        for library in Library.objects.filter(short_name__in=_library_names())
    }


def _library_names():
    return {
        name
        for table in (*DATA["dynasty"], *DATA["application"])
        for names in table["libraries"]
        for name in names
    }


# -- pages -----------------------------------------------------------------------------------


def genitive(family_name):
    """«Петровы» → «Петровых»: the plural surnames of the table."""
    return f"{family_name[:-1]}ых"


def story(spec, made):
    founder = made.people[0]
    heirs = [link.relative for link in made.links if link.kind == Link.PARENT and link.person == 1]
    heir = next((p for p in made.people if heirs and p.number == heirs[0]), founder)
    facts = {
        "founder": founder.full_name,
        "heir": heir.full_name,
        "first_year": min(period.start for period in made.periods),
        "members": len(made.people),
    }
    return [
        ("paragraph", RichText(f"<p><i>{escape(DEMO_NOTE)}</i></p>")),
        *(
            ("paragraph", RichText(f"<p>{escape(text.format(**facts))}</p>"))
            for text in spec["story"]
        ),
    ]


MEMBER_FIELDS = (
    "number",
    "last_name",
    "first_name",
    "patronymic",
    "maiden_name",
    "sex",
    "birth_date",
    "death_date",
    "photo_id",
)
LINK_FIELDS = ("kind", "person", "relative", "start_year", "end_year")
PERIOD_FIELDS = ("member", "library_id", "library_name", "position", "start_year", "end_year")


def record(page):
    """What the demo sets on a dynasty's page, comparable between the page as it is and the
    page as the demo would make it."""

    def values(items, fields):
        return [tuple(getattr(item, name) for name in fields) for item in items]

    return (
        (page.title, page.family_name, page.municipality_id, page.summary, page.is_demo),
        [(block.block_type, block.value.source) for block in page.story],
        values(page.members.all(), MEMBER_FIELDS),
        values(page.links.all(), LINK_FIELDS),
        values(page.periods.all(), PERIOD_FIELDS),
        values(page.photos.all(), ("image_id", "caption")),
        sorted(tag.name for tag in page.tags.all()),
    )


def fill(page, spec, made, municipalities):
    title = f"Династия {genitive(spec['family_name'])}"
    page.title = title
    page.family_name = spec["family_name"]
    page.municipality = municipalities.get(spec["municipality"])
    page.summary = f"{DEMO_NOTE} {spec['summary']}"
    page.story = story(spec, made)
    page.is_demo = True
    page.live = True
    members, links, periods = rows_of(made)
    members[0].photo = demo_image(
        f"{PICTURE_NOTE}: {title} — {PICTURES['portrait']}", "portrait", f"{spec['slug']}-0"
    )
    page.members, page.links, page.periods = members, links, periods
    page.photos = [
        DynastyPhoto(
            image=demo_image(
                f"{PICTURE_NOTE}: {title} — {PICTURES[kind]}",
                kind,
                f"{spec['slug']}-{n}",
                people=min(len(made.people), 9),
            ),
            caption=f"{PICTURES[kind].capitalize()} (рисунок, {PICTURE_NOTE.lower()}).",
            sort_order=n,
        )
        for n, kind in enumerate(spec["photos"], start=1)
    ]
    page.tags.set(spec["tags"])


def load_dynasties(festival, today):
    """The demo dynasties under ``festival``, created, or published again where the demo's
    version differs; returns the pages by slug."""
    libraries = directory()
    municipalities = {m.name: m for m in Municipality.objects.all()}
    existing = {
        page.slug: page
        for page in DynastyPage.objects.child_of(festival).prefetch_related(
            "members", "links", "periods", "photos", "tagged_items__tag"
        )
    }
    pages = {}
    for spec in DATA["dynasty"]:
        made = family_of(spec, today, libraries)
        page = existing.get(spec["slug"])
        if page is not None:
            wanted = DynastyPage(pk=page.pk, slug=page.slug)
            fill(wanted, spec, made, municipalities)
            if record(wanted) == record(page):
                pages[spec["slug"]] = page
                continue
        page = page or DynastyPage(slug=spec["slug"])
        fill(page, spec, made, municipalities)
        if page.pk is None:
            festival.add_child(instance=page)
        page.save_revision().publish()
        pages[spec["slug"]] = page
    return pages


def at_ten(day):
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=EVENT_TIMEZONE)


def nominations(winners=None):
    return [
        FestivalNomination(
            title=row["title"],
            description=row["description"],
            sort_order=n,
            **({"winners": [winners[slug] for slug in row["winner_2009"]]} if winners else {}),
        )
        for n, row in enumerate(DATA["nomination"])
    ]


def load_festival(home, today):
    """The coming festival, its applications open around ``today``."""
    table = DATA["festival"]
    now = timezone.now()
    start = at_ten(today + HELD_AFTER)
    return ensure_child(
        home,
        FestivalPage,
        SLUG,
        title=table["title"],
        intro=table["intro"],
        body=[
            (
                kind,
                {"text": text, "level": "h2"} if kind == "heading" else RichText(f"<p>{text}</p>"),
            )
            for kind, text in table["programme"]
        ],
        start=start,
        end=start + datetime.timedelta(hours=7),
        venue=table["venue"],
        address=table["address"],
        city="Кемерово",
        organisers=table["organisers"],
        status=EventStatus.PLANNED,
        applications_open_from=now - OPENS_BEFORE,
        applications_close_at=now + CLOSES_AFTER,
        application_intro=table["application_intro"],
        nominations=nominations(),
        cover_image=cover(table["title"], "family", SLUG),
        show_in_menus=True,
        search_description="Демонстрационный фестиваль библиотечных династий Кузбасса.",
    )


def load_past(home, winners):
    """The festival of 2009, held, its nominations awarded."""
    table, festival = DATA["past"], DATA["festival"]
    start = at_ten(table["day"])
    return ensure_child(
        home,
        FestivalPage,
        table["slug"],
        title=table["title"],
        intro=table["intro"],
        start=start,
        end=start + datetime.timedelta(hours=7),
        venue=festival["venue"],
        address=festival["address"],
        city="Кемерово",
        organisers=festival["organisers"],
        status=EventStatus.HELD,
        applications_open_from=at_ten(datetime.date(2009, 2, 1)),
        applications_close_at=at_ten(datetime.date(2009, 5, 1)),
        nominations=nominations(winners),
        cover_image=cover(table["title"], "family", table["slug"]),
    )


def load_applications(festival, today):
    """The demo applications the editors can moderate, found again by their e-mail."""
    libraries = directory()
    municipalities = {m.name: m for m in Municipality.objects.all()}
    now = timezone.now()
    made = []
    for spec in DATA["application"]:
        last, first, patronymic, email = spec["contact"]
        status = spec["status"]
        values = {
            "last_name": last,
            "first_name": first,
            "patronymic": patronymic,
            "family_name": spec["family_name"],
            "municipality": municipalities[spec["municipality"]],
            "story": spec["story"],
            "family": family_of(spec, today, libraries).to_data(),
            "status": status,
            "message": spec.get("message", ""),
            "is_demo": True,
        }
        application, _ = Application.objects.update_or_create(
            festival=festival,
            email=email,
            defaults=values,
            # Told already: no e-mail goes to the invented contacts.
            create_defaults={
                **values,
                "consent_given_at": now,
                "receipt_sent_at": now,
                "notified_status": status if status in Application.Status.notified() else "",
                "decided_at": now if status in Application.Status.decided() else None,
            },
        )
        made.append(application)
    return made


def link_resolution(*festivals):
    """Recommendation 4 of the VIII session is carried out by the festivals."""
    for item in ResolutionItem.objects.filter(
        kind=ResolutionItem.Kind.RECOMMENDED,
        number="4",
        text__contains="фестиваля библиотечных династий",
    ):
        linked = {page.pk for page in item.carried_out_by.all()}
        missing = [page for page in festivals if page.pk not in linked]
        if missing:
            item.carried_out_by.add(*missing)
            item.save()


def load(home, today=None):
    """Both festivals under ``home`` with the demo dynasties and applications, linked from the
    resolution; returns the coming festival."""
    today = today or timezone.localdate()
    festival = load_festival(home, today)
    pages = load_dynasties(festival, today)
    past = load_past(home, pages)
    load_applications(festival, today)
    link_resolution(past, festival)
    lemma_index.update([festival, past, *pages.values()])
    return festival
