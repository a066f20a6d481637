"""The heroes archive of the demo site: «Герои Социалистического Труда — кузбассовцы
(1943–1987)», the regional electronic resource that recommendation 3.3 of the VIII session's
resolution asks for, with ``COUNT`` invented heroes.

Every hero is fictional and says so in the first sentence of the summary and of the biography
(``DEMO_NOTE``). They are drawn from the tables of ``data/heroes.toml`` (names in male and female
forms, the region's settlements and enterprises, professions by industry) and worded from
``data/heroes_texts.toml`` by random generators seeded per hero, so that every run makes the same
archive: the industries follow the table's quota (coal first), award years gather in the 1950s to
1970s, and the set holds what the archive must show — partial dates of every kind, twice-heroes,
women, the three relations to the region, orders and medals, books, newspaper articles, archival
files and a web page among the sources, busts, plaques, streets and graves, tags, and miners whose
biographies speak of «шахтёр» in several word forms (the search demo).

A few heroes' birthdays and award days are moved into the month the demo is loaded in, on round
anniversaries (``anniversaries``), so that «Памятные даты» is never empty on a fresh demo.

Pages go through Wagtail's tree API and are published with revisions; a hero is found again by
its identifier (GST-00001…), so running ``load_demo`` twice brings the records up to date
instead of adding copies.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import escape
from wagtail.rich_text import RichText

from events.models import ResolutionItem
from heroes_archive.models import (
    AwardKind,
    HeroAward,
    HeroIndexPage,
    HeroPage,
    Industry,
    Memorial,
    MemorialKind,
    Relation,
    Sex,
    Source,
    SourceKind,
)
from kuzbib_site.base import lemma_index, partial_dates
from kuzbib_site.base.models import Municipality

from .data import read
from .site import ensure_child

DATA = read("heroes")
TEXTS = read("heroes_texts")
SEED = "kuzbib-heroes-2008"
SLUG = "geroi"
TITLE = "Герои Социалистического Труда — кузбассовцы (1943–1987)"
INTRO = (
    "<p>Электронный архив о Героях Социалистического Труда, чья жизнь связана с Кузбассом: "
    "шахтёрах, металлургах, химиках, хлеборобах, строителях, транспортниках. Его создание "
    "рекомендовала VIII Ежегодная сессия конференции партнёрства (п. 3.3 рекомендаций).</p>"
    "<p><b>Это демонстрационная версия:</b> все записи архива вымышлены, совпадения с "
    "реальными людьми случайны. Города, районы и предприятия названы настоящие.</p>"
)
DEMO_NOTE = "Демонстрационная запись: лицо вымышлено."
COUNT = sum(count for count, _women in DATA["quota"].values())
#: The first and last year of the Hero title in the archive, and the weight of each decade.
FIRST_YEAR, LAST_YEAR = 1943, 1987
DECADE_WEIGHTS = {1940: 2, 1950: 5, 1960: 6, 1970: 5, 1980: 3}
#: How many birth dates are known to the day, the month, the year, «около», as a range and as a
#: decade (the rest of ``COUNT`` are known to the day).
BIRTH_PRECISION = {"month": 10, "year": 8, "approximate": 5, "range": 3, "decade": 2}
#: The Hero title dates known only to the month or the year.
TITLE_PRECISION = {"month": 4, "year": 2}
#: Heroes with two titles, by the table's industry.
TWICE_INDUSTRIES = ("coal_mine", "metallurgy", "agriculture")
RELATIONS = {Relation.NATIVE: 8, Relation.MOVED: 8}
#: Anniversaries in the month of loading: which date, and the round anniversaries tried in turn.
ANNIVERSARIES = [
    ("birth", (100, 90, 110, 95, 105)),
    ("title", (60, 70, 50, 65, 55)),
    ("birth", (95, 90, 100, 85, 105)),
    ("title", (50, 60, 45, 55, 65)),
    ("title", (70, 75, 65, 60, 80)),
]
WEB_ACCESSED = datetime.date(2025, 11, 20)

MONTHS = TEXTS["months"]
FORMS = TEXTS["forms"]


@dataclass
class Hero:
    """One invented hero, everything a ``HeroPage`` needs, as plain values."""

    number: int
    industry_key: str
    sex: str
    relation: str
    twice: bool = False
    identifier: str = ""
    surname: str = ""
    given_name: str = ""
    patronymic: str = ""
    name_variants: str = ""
    birth_date: str = ""
    birth_place: str = ""
    birth_municipality: str | None = None
    death_date: str = ""
    death_place: str = ""
    death_municipality: str | None = None
    profession: str = ""
    enterprise: str = ""
    municipality: str | None = None
    summary: str = ""
    paragraphs: list = field(default_factory=list)
    awards: list = field(default_factory=list)
    memorials: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    tags: list = field(default_factory=list)

    @property
    def industry(self):
        return Industry.COAL if self.industry_key == "coal_mine" else self.industry_key

    @property
    def full_name(self):
        return " ".join(part for part in (self.surname, self.given_name, self.patronymic) if part)


# -- dates as a biography says them ---------------------------------------------------------


def date_text(day, precision):
    """The partial date's text as an editor would type it (``partial_dates`` tidies it)."""
    if precision == "day":
        return f"{day:%d.%m.%Y}"
    if precision == "month":
        # Not «октябрь 1972»: partial_dates reads its «ок» as «около» (reported to the lead).
        return f"{day:%m.%Y}"
    if precision == "year":
        return str(day.year)
    if precision == "approximate":
        return f"около {day.year}"
    if precision == "range":
        return f"{day.year - 1}–{day.year + 1}"
    return f"{day.year // 10 * 10}-е"


def date_phrase(day, precision):
    """«12 марта 1923 г.», «в марте 1923 г.», «в 1923 г.», «около 1920 г.»…"""
    if precision == "day":
        return f"{day.day} {MONTHS['genitive'][day.month - 1]} {day.year} г."
    if precision == "month":
        return f"в {MONTHS['prepositional'][day.month - 1]} {day.year} г."
    if precision == "year":
        return f"в {day.year} г."
    if precision == "approximate":
        return f"около {day.year} г."
    if precision == "range":
        return f"между {day.year - 1} и {day.year + 1} гг."
    return f"в {day.year // 10 * 10}-е гг."


def capitalised(text):
    return text[:1].upper() + text[1:]


def some_day(rng, year, month=None):
    return datetime.date(year, month or rng.randint(1, 12), rng.randint(1, 28))


def round_year(this_year, offsets, first, last):
    """The first ``this_year - offset`` within ``first``–``last``: a round anniversary."""
    for offset in offsets:
        if first <= this_year - offset <= last:
            return this_year - offset
    return first


# -- the plan: who is who, independent of the day ------------------------------------------


def plan():
    """The heroes' industries, sexes, relations and twice-heroes, the precision of their dates
    and who carries this month's anniversaries: positions fixed by ``SEED``."""
    rng = random.Random(SEED)  # noqa: S311 — invented people, not secrets
    heroes = []
    for key, (count, women) in DATA["quota"].items():
        for k in range(count):
            heroes.append((key, Sex.FEMALE if k < women else Sex.MALE))
    rng.shuffle(heroes)
    heroes = [
        Hero(number=n, industry_key=key, sex=sex, relation=Relation.LIVED)
        for n, (key, sex) in enumerate(heroes, start=1)
    ]
    abroad = {row["industry"] for row in DATA["enterprise"] if "municipality" not in row}
    candidates = [hero for hero in heroes if hero.industry_key in abroad]
    chosen = rng.sample(candidates, sum(RELATIONS.values()))
    for relation, count in RELATIONS.items():
        for hero in chosen[:count]:
            hero.relation = relation
        chosen = chosen[count:]
    for key in TWICE_INDUSTRIES:
        next(
            hero for hero in heroes if hero.industry_key == key and hero.relation == Relation.LIVED
        ).twice = True
    ordinary = [hero for hero in heroes if hero.relation == Relation.LIVED and not hero.twice]
    pinned = rng.sample(ordinary, len(ANNIVERSARIES))
    birth_precision = _spread(rng, heroes, BIRTH_PRECISION, exclude=pinned)
    title_precision = _spread(rng, heroes, TITLE_PRECISION, exclude=pinned)
    surnames = rng.sample(DATA["surnames"], len(heroes))
    return heroes, pinned, birth_precision, title_precision, surnames


def _spread(rng, heroes, quota, exclude):
    """Precision by hero number: ``quota`` of each kind, the rest "day"; twice-heroes and
    pinned heroes keep "day"."""
    free = [hero.number for hero in heroes if not hero.twice and hero not in exclude]
    picked = rng.sample(free, sum(quota.values()))
    precision = {}
    for kind, count in quota.items():
        for number in picked[:count]:
            precision[number] = kind
        picked = picked[count:]
    return precision


# -- one hero ------------------------------------------------------------------------------


def enterprises(industry_key, inside):
    return [
        row
        for row in DATA["enterprise"]
        if row["industry"] == industry_key and ("municipality" in row) == inside
    ]


def settlement(rng, municipality):
    return rng.choice(DATA["settlements"][municipality])


def place_in(rng, municipality):
    """A settlement of ``municipality`` as a record gives it: «г. Прокопьевск», «с. Елыкаево,
    Кемеровский район»."""
    town = settlement(rng, municipality)
    if municipality.endswith(" муниципальный район"):
        return f"{town}, {municipality.removesuffix(' муниципальный район')} район"
    return town


def town(place):
    """The settlement of a place «с. Елыкаево, Кемеровский район»: what a sentence names."""
    return place.split(",")[0]


def say(rng, templates, hero, **facts):
    forms = {key: pair[hero.sex == Sex.FEMALE] for key, pair in FORMS.items()}
    return rng.choice(templates).format(**forms, **facts)


def genitive_surname(surname, sex):
    """A street's name «улица Иванова»: the surname in the genitive, for the regular endings."""
    if sex == Sex.MALE and surname.endswith(("ов", "ев", "ёв", "ин")):
        return f"{surname}а"
    if sex == Sex.FEMALE and surname.endswith(("ова", "ева", "ёва", "ина")):
        return f"{surname[:-1]}ой"
    return None


def make(hero, rng, surname_pair, birth_precision, title_precision, pin=None):
    """Fill ``hero`` from the tables. ``pin`` is ("birth" or "title", date) for a hero who
    carries an anniversary of this month."""
    female = hero.sex == Sex.FEMALE
    hero.identifier = f"GST-{hero.number:05d}"
    hero.surname = surname_pair[female]
    hero.given_name = rng.choice(DATA["given_names_female"] if female else DATA["given_names_male"])
    hero.patronymic = rng.choice(DATA["patronymics"])[female]
    variants = []
    if hero.surname in DATA["spellings"]:
        variants.append(DATA["spellings"][hero.surname])
    if female and rng.random() < 0.5:
        maiden = rng.choice(DATA["surnames"])[1]
        if maiden != hero.surname:
            variants.append(f"{maiden} (в девичестве)")
    hero.name_variants = "; ".join(variants)

    # Dates: the first Hero title, then the birth from an age, the second title, the death.
    if pin and pin[0] == "title":
        title_day = pin[1]
    else:
        decade = rng.choices(list(DECADE_WEIGHTS), weights=list(DECADE_WEIGHTS.values()))[0]
        year = rng.randint(max(decade, FIRST_YEAR), min(decade + 9, LAST_YEAR))
        if hero.twice:
            year = min(year, 1972)
        title_day = some_day(rng, year)
    if pin and pin[0] == "birth":
        birth_day = pin[1]
        title_day = some_day(
            rng, min(max(birth_day.year + rng.randint(28, 45), FIRST_YEAR), LAST_YEAR)
        )
    else:
        low, high = (20, 45) if female else (24, 52)
        birth_day = some_day(rng, title_day.year - rng.randint(low, high))
    second_day = (
        some_day(rng, min(title_day.year + rng.randint(6, 12), LAST_YEAR)) if hero.twice else None
    )
    last_title = second_day or title_day
    precision = birth_precision.get(hero.number, "day")
    hero.birth_date = date_text(birth_day, precision)
    dead = birth_day.year < 1925 or rng.random() < 0.6
    death_day = None
    if dead:
        death_year = min(max(birth_day.year + rng.randint(58, 90), last_title.year + 3), 2023)
        death_day = some_day(rng, death_year)
        hero.death_date = date_text(death_day, "day" if rng.random() < 0.8 else "year")

    # Where: the enterprise decides the municipality of those who lived in Kuzbass.
    inside = hero.relation == Relation.LIVED
    enterprise = rng.choice(enterprises(hero.industry_key, inside))
    hero.enterprise = enterprise["name"]
    hero.municipality = enterprise.get("municipality")
    kuzbass = sorted(DATA["settlements"])
    born_here = hero.relation == Relation.NATIVE or (inside and rng.random() < 0.55)
    if born_here:
        hero.birth_municipality = (
            hero.municipality if hero.municipality and rng.random() < 0.5 else rng.choice(kuzbass)
        )
        hero.birth_place = place_in(rng, hero.birth_municipality)
    else:
        hero.birth_place = rng.choice(DATA["elsewhere"])
    moved_to = rng.choice(kuzbass) if hero.relation == Relation.MOVED else None
    if dead:
        home = hero.municipality or moved_to
        if hero.relation == Relation.NATIVE and rng.random() < 0.5:
            home = hero.birth_municipality
        if home:
            hero.death_municipality = home
            hero.death_place = place_in(rng, home)

    professions = DATA["professions_female" if female else "professions"].get(hero.industry_key)
    profession, job, *trade = rng.choice(
        [
            row
            for row in professions or DATA["professions"][hero.industry_key]
            if len(row) < 4 or hero.enterprise.startswith(row[3])
        ]
    )
    hero.profession = profession

    # The Hero titles, the Order of Lenin that came with each, and other awards.
    title_precision = title_precision.get(hero.number, "day")
    titles = [(title_day, title_precision, 1 if hero.twice else None)]
    if second_day:
        titles.append((second_day, "day", 2))
    for day, known, number in titles:
        text = date_text(day, known)
        hero.awards.append((AwardKind.HERO, text, decree(day, known), number))
        hero.awards.append((AwardKind.ORDER_LENIN, text, "", None))
    started = max(birth_day.year + rng.randint(16, 20), 1928)
    started = min(started, title_day.year - 2)
    hero.awards.extend(other_awards(rng, hero, birth_day, started, title_day, death_day))

    # The biography.
    facts = {
        "name": f"{hero.given_name} {hero.patronymic}",
        "birth": date_phrase(birth_day, precision),
        "birthplace": f"в {town(hero.birth_place)}",
        "job": job,
        "at": enterprise["at"],
        "start": started,
    }
    first = [say(rng, TEXTS["origin"], hero, **facts)]
    front = not female and birth_day.year <= 1925 and title_day.year >= 1946 and rng.random() < 0.5
    if front:
        first.append(say(rng, TEXTS["war_front"], hero))
    elif birth_day.year <= 1928 and title_day.year >= 1945:
        first.append(say(rng, TEXTS["war_home"], hero))
    deeds = (
        (TEXTS["deeds"][trade[0]] if trade else None)
        or (TEXTS["deeds_female"].get(hero.industry_key) if female else None)
        or TEXTS["deeds"][hero.industry_key]
    )
    work = TEXTS.get(f"work_{hero.industry_key}", TEXTS["work"])
    second = [say(rng, work, hero, **facts)] + [
        say(rng, [template], hero, **facts) for template in rng.sample(deeds, min(2, len(deeds)))
    ]
    phrase = date_phrase(title_day, title_precision)
    third = [say(rng, TEXTS["award"], hero, title=phrase, title_cap=capitalised(phrase))]
    if second_day:
        phrase = date_phrase(second_day, "day")
        third.append(say(rng, TEXTS["second_award"], hero, second_cap=capitalised(phrase)))
    if moved_to:
        third.append(
            f"В {last_title.year + rng.randint(2, 8)} году {FORMS['moved'][female]} в "
            f"{settlement(rng, moved_to)}, где прожил{'а' if female else ''} до конца жизни."
            if dead
            else f"В {last_title.year + rng.randint(2, 8)} году {FORMS['moved'][female]} в "
            f"{settlement(rng, moved_to)}."
        )
    if rng.random() < 0.7:
        third.append(say(rng, TEXTS["later"], hero))
    if death_day:
        death_phrase = date_phrase(death_day, "day" if "." in hero.death_date else "year")
        where = f" в {town(hero.death_place)}" if hero.death_place else ""
        sentence = say(rng, TEXTS["died"], hero, death=death_phrase, deathplace=where)
        third.append(sentence if sentence.endswith(".") else f"{sentence}.")
    hero.paragraphs = [" ".join(first), " ".join(second), " ".join(third)]

    hero.memorials = memorials(rng, hero, second_day, death_day, moved_to)
    if any(kind == MemorialKind.GRAVE for kind, *_rest in hero.memorials):
        hero.paragraphs[-1] += " " + say(
            rng, TEXTS["buried"], hero, grave=f"в {town(hero.death_place)}"
        )
    hero.sources = sources(rng, hero, title_day)

    years = ", ".join(str(day.year) for day in (title_day, second_day) if day)
    where = f" ({hero.municipality})" if hero.municipality else ""
    title = "дважды Герой" if hero.twice else "Герой"
    summary = (
        f"{DEMO_NOTE} {capitalised(profession)} {enterprise['at']}{where}, {title} "
        f"Социалистического Труда ({years})."
    )
    if hero.relation == Relation.NATIVE:
        summary += f" {'Уроженка' if female else 'Уроженец'} Кузбасса ({hero.birth_place})."
    if moved_to:
        summary += f" После награждения {FORMS['moved'][female]} в Кузбасс ({moved_to})."
    hero.summary = summary

    hero.tags = tags(hero, front)
    return hero


def decree(day, precision):
    """The decree of a title whose day is known; sources without the day do not name it."""
    return f"Указ Президиума Верховного Совета СССР от {day:%d.%m.%Y}" if precision == "day" else ""


def tags(hero, front):
    """The industry's tags and those the biography's facts earn."""
    text = " ".join([hero.profession, *hero.paragraphs])
    found = set(DATA["industry_tags"][hero.industry_key])
    for words, tag in (
        (("бригадир", "руководил"), "бригадиры"),
        (("депутатом",), "депутаты"),
        (("поколение", "наставник"), "наставники"),
        (("рационализатор",), "рационализаторы"),
    ):
        if any(word in text for word in words):
            found.add(tag)
    if front:
        found.add("фронтовики")
    if hero.twice:
        found.add("дважды Герои")
    return sorted(found)


def other_awards(rng, hero, birth_day, started, title_day, death_day):
    """Orders and medals before and after the title, each within the years it existed."""
    end = min(death_day.year if death_day else 1991, 1991)
    awards = []

    def add(kind, first, last, exact=False):
        first, last = max(first, started), min(last, end)
        if first > last:
            return
        day = some_day(rng, rng.randint(first, last))
        awards.append((kind, date_text(day, "day" if exact else "year"), "", None))

    if birth_day.year <= 1930:
        add(AwardKind.MEDAL_VALIANT_LABOUR, 1945, 1946)
    pool = [
        (AwardKind.ORDER_RED_BANNER_LABOUR, 1940, title_day.year),
        (AwardKind.ORDER_BADGE_OF_HONOUR, 1940, title_day.year),
        (AwardKind.MEDAL_LABOUR_VALOUR, 1940, title_day.year),
        (AwardKind.ORDER_OCTOBER_REVOLUTION, max(1967, title_day.year + 3), 1987),
        (AwardKind.ORDER_LABOUR_GLORY_3, max(1975, title_day.year + 2), 1987),
    ]
    for kind, first, last in rng.sample(pool, rng.randint(1, 3)):
        add(kind, first, last, exact=rng.random() < 0.3)
    if hero.industry_key == "coal_mine":
        add(AwardKind.MINERS_GLORY, 1948, title_day.year + 5)
    if birth_day.year <= 1930 and rng.random() < 0.5:
        add(AwardKind.MEDAL_VETERAN, 1975, 1985)
    if hero.twice or (hero.industry_key in ("metallurgy", "chemistry") and rng.random() < 0.3):
        add(AwardKind.STATE_PRIZE, 1967, 1985)
    return awards


def memorials(rng, hero, second_day, death_day, moved_to):
    """(kind, place, year, description): a bust for a twice-hero, as the law of the time had it
    in their home town; plaques, streets and graves for some of the others."""
    found = []
    home = hero.municipality or moved_to
    if hero.twice and home:
        found.append(
            (
                MemorialKind.BUST,
                f"{settlement(rng, home)}, {rng.choice(TEXTS['memorials']['bust'])}",
                second_day.year + rng.randint(1, 3),
                "Бронзовый бюст дважды Героя Социалистического Труда.",
            )
        )
    if death_day and home and rng.random() < 0.35:
        found.append(
            (
                MemorialKind.PLAQUE,
                f"{settlement(rng, home)}, {rng.choice(TEXTS['memorials']['plaque'])}, "
                f"{rng.randint(1, 60)}",
                min(death_day.year + rng.randint(1, 4), 2024),
                f"Мемориальная доска на доме, где {FORMS['lived'][hero.sex == Sex.FEMALE]} Герой.",
            )
        )
    street = genitive_surname(hero.surname, hero.sex)
    if street and home and (hero.twice or rng.random() < 0.15):
        found.append(
            (
                MemorialKind.STREET,
                f"{settlement(rng, home)}, улица {street}",
                (death_day.year + rng.randint(1, 5)) if death_day else 1985,
                "Улица названа в честь Героя Социалистического Труда.",
            )
        )
    if death_day and hero.death_municipality and rng.random() < 0.5:
        found.append(
            (
                MemorialKind.GRAVE,
                f"{town(hero.death_place)}, {rng.choice(TEXTS['memorials']['cemetery'])}",
                death_day.year,
                "",
            )
        )
    return found


def author(rng):
    return f"{rng.choice(DATA['surnames'])[0]} {rng.choice(TEXTS['sources']['author_initials'])}"


def sources(rng, hero, title_day):
    """Source field dicts: a newspaper article on the decree for most, a book, an archival
    file, a web page for some."""
    found = []
    texts = TEXTS["sources"]
    if rng.random() < 0.8:
        published = title_day + datetime.timedelta(days=rng.randint(2, 6))
        newspapers = list(texts["newspapers"])
        found.append(
            {
                "kind": SourceKind.ARTICLE,
                "author": author(rng) if rng.random() < 0.7 else "",
                "title": rng.choice(texts["article_titles"]).format(name=hero.full_name),
                "container": rng.choice(newspapers),
                "year": published.year,
                "issue": f"№ {rng.randint(20, 250)} ({published.day} "
                f"{MONTHS['genitive'][published.month - 1]})",
                "pages": str(rng.randint(1, 4)),
            }
        )
    if rng.random() < 0.55:
        title, publisher, place = rng.choice(texts["books"])
        first = rng.randint(10, 300)
        found.append(
            {
                "kind": SourceKind.BOOK,
                "author": author(rng),
                "title": title,
                "container": publisher,
                "place": place,
                "year": rng.randint(max(title_day.year + 5, 1965), 2015),
                "pages": f"{first}–{first + rng.randint(1, 3)}",
            }
        )
    if rng.random() < 0.4 or not found:
        sheet = rng.randint(1, 90)
        found.append(
            {
                "kind": SourceKind.ARCHIVE,
                "title": rng.choice(texts["archive_titles"]),
                "year": title_day.year,
                "archive_reference": f"{rng.choice(texts['archives'])}. "
                f"Ф. Р-{rng.randint(10, 999)}. Оп. {rng.randint(1, 12)}. "
                f"Д. {rng.randint(1, 800)}. Л. {sheet}–{sheet + 2}.",
            }
        )
    if rng.random() < 0.25:
        found.append(
            {
                "kind": SourceKind.WEB,
                "title": hero.full_name,
                "container": "Герои Кузбасса: демонстрационный справочник",
                "url": f"https://example.org/geroi/{hero.identifier.lower()}/",
                "accessed": WEB_ACCESSED,
            }
        )
    return found


def anniversaries(pinned, today):
    """{hero number: ("birth" or "title", date)}: round anniversaries in ``today``'s month."""
    found = {}
    for position, (hero, (what, offsets)) in enumerate(zip(pinned, ANNIVERSARIES, strict=True)):
        first, last = (1895, 1960) if what == "birth" else (FIRST_YEAR, LAST_YEAR)
        year = round_year(today.year, offsets, first, last)
        found[hero.number] = (what, datetime.date(year, today.month, 3 + position * 5))
    return found


def generate(today=None):
    """The demo's heroes, the same on every run but for this month's anniversaries."""
    today = today or timezone.localdate()
    heroes, pinned, birth_precision, title_precision, surnames = plan()
    pins = anniversaries(pinned, today)
    for hero, surname_pair in zip(heroes, surnames, strict=True):
        rng = random.Random(f"{SEED}-{hero.number}")  # noqa: S311 — invented people
        make(hero, rng, surname_pair, birth_precision, title_precision, pins.get(hero.number))
    return heroes


# -- pages ---------------------------------------------------------------------------------


FIELDS = (
    "identifier",
    "slug",
    "title",
    "surname",
    "given_name",
    "patronymic",
    "name_variants",
    "sex",
    "birth_date",
    "birth_place",
    "birth_municipality_id",
    "death_date",
    "death_place",
    "death_municipality_id",
    "relation",
    "industry",
    "profession",
    "enterprise",
    "municipality_id",
    "summary",
    "live",
)
AWARD_FIELDS = ("kind", "date", "decree", "number")
MEMORIAL_FIELDS = ("kind", "place", "year", "description")
SOURCE_FIELDS = (
    "kind",
    "author",
    "title",
    "container",
    "place",
    "year",
    "issue",
    "pages",
    "url",
    "accessed",
    "archive_reference",
)


def record(page):
    """What the demo sets on a hero's page, comparable between the page as it is (with its
    inline records prefetched) and the page as the demo would make it."""

    def rows(items, fields):
        return [tuple(getattr(item, name) for name in fields) for item in items]

    return (
        tuple(getattr(page, name) for name in FIELDS),
        [(block.block_type, block.value.source) for block in page.biography],
        rows(page.awards.all(), AWARD_FIELDS),
        rows(page.memorials.all(), MEMORIAL_FIELDS),
        rows(page.sources.all(), SOURCE_FIELDS),
        sorted(tag.name for tag in page.tags.all()),
    )


def fill(page, hero, municipalities):
    """Copy ``hero`` onto ``page`` (new or existing), replacing its inline records. Dates are
    stored in their canonical text, as the page's own save would leave them."""
    page.identifier = hero.identifier
    page.slug = hero.identifier.lower()
    page.title = hero.full_name
    page.live = True
    for name in (
        "surname",
        "given_name",
        "patronymic",
        "name_variants",
        "sex",
        "birth_place",
        "death_place",
        "relation",
        "industry",
        "profession",
        "enterprise",
        "summary",
    ):
        setattr(page, name, getattr(hero, name))
    page.birth_date = partial_dates.normalise(hero.birth_date)
    page.death_date = partial_dates.normalise(hero.death_date)
    page.municipality = municipalities.get(hero.municipality)
    page.birth_municipality = municipalities.get(hero.birth_municipality)
    page.death_municipality = municipalities.get(hero.death_municipality)
    page.biography = [
        ("paragraph", RichText(f"<p><i>{escape(DEMO_NOTE)}</i></p>")),
        *(("paragraph", RichText(f"<p>{escape(text)}</p>")) for text in hero.paragraphs),
    ]
    page.awards = [
        HeroAward(
            kind=kind,
            date=partial_dates.normalise(date),
            decree=decree_text,
            number=number,
            sort_order=n,
        )
        for n, (kind, date, decree_text, number) in enumerate(hero.awards)
    ]
    page.memorials = [
        Memorial(kind=kind, place=place, year=year, description=description, sort_order=n)
        for n, (kind, place, year, description) in enumerate(hero.memorials)
    ]
    page.sources = [Source(sort_order=n, **fields) for n, fields in enumerate(hero.sources)]
    page.tags.set(hero.tags)


def load_archive(home):
    return ensure_child(
        home,
        HeroIndexPage,
        SLUG,
        title=TITLE,
        intro=INTRO,
        show_in_menus=True,
        search_description="Демонстрационный электронный архив о Героях Социалистического "
        "Труда — кузбассовцах.",
    )


def load_heroes(archive, today=None):
    """The demo heroes under ``archive``, created, or published again where the demo's version
    differs from the page (a new month's anniversaries, edited tables); returns the pages and
    how many were written."""
    heroes = generate(today)
    municipalities = {
        municipality.name: municipality for municipality in Municipality.objects.all()
    }
    existing = {
        page.identifier: page
        for page in HeroPage.objects.filter(
            identifier__in=[hero.identifier for hero in heroes]
        ).prefetch_related("awards", "memorials", "sources", "tagged_items__tag")
    }
    pages, written = [], 0
    for hero in heroes:
        page = existing.get(hero.identifier)
        if page is not None:
            wanted = HeroPage(pk=page.pk)
            fill(wanted, hero, municipalities)
            if record(wanted) == record(page):
                pages.append(page)
                continue
        page = page or HeroPage()
        fill(page, hero, municipalities)
        if page.pk is None:
            archive.add_child(instance=page)
        page.save_revision().publish()
        pages.append(page)
        written += 1
    return pages, written


def link_resolution(archive):
    """Recommendation 3.3 of the VIII session («Герои Социалистического Труда – кузбассовцы»)
    is carried out by the archive."""
    for item in ResolutionItem.objects.filter(
        kind=ResolutionItem.Kind.RECOMMENDED,
        number="3.3",
        text__contains="Герои Социалистического Труда",
    ):
        if archive.pk not in {page.pk for page in item.carried_out_by.all()}:
            item.carried_out_by.add(archive)
            item.save()


def load(home, today=None):
    """The archive under ``home`` with its demo heroes, linked from the resolution; returns the
    archive page. ``today`` decides the month of the anniversaries."""
    archive = load_archive(home)
    pages, _written = load_heroes(archive, today)
    link_resolution(archive)
    # Publishing indexes each page through the signals; one bulk pass more makes sure the
    # search demo («шахтёров») finds every miner even if a signal's update failed quietly.
    lemma_index.update([archive, *pages])
    return archive
