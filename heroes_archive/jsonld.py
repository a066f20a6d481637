"""schema.org ``Person`` JSON-LD of a hero, for search engines and aggregators that read a page's
structured data (``person``); the core's ``jsonld_script`` embeds it in the page.

Dates go out in ISO 8601 only when they are a day, a month or a year that the sources state;
«около 1920», a range or a decade is left out rather than given a precision it does not have.
"""

from django.utils.translation import gettext as _

from kuzbib_site.base.partial_dates import DAY, MONTH, YEAR

from .models import AwardKind, Sex

# The region's name as a postal address gives it, in Russian whatever the reader's language.
REGION = "Кемеровская область"
SCHEMA_GENDER = {Sex.MALE: "https://schema.org/Male", Sex.FEMALE: "https://schema.org/Female"}


def exact_iso(value):
    """The ISO form of a partial date that is exact enough for schema.org (a day, a month or a
    year, not «около»), else None."""
    if value is None or value.approximate or value.precision not in (DAY, MONTH, YEAR):
        return None
    return value.iso()


def title_ordinal(number):
    """«first/second award of the title» for the Hero title awarded ``number`` times, or ''."""
    return {
        1: _("first award of the title"),
        2: _("second award of the title"),
        3: _("third award of the title"),
    }.get(number, "")


def award_text(award):
    """One award as schema.org's ``award`` text in the reader's language: «Hero of Socialist
    Labour, 26 April 1957»; a twice-hero's second title says so."""
    parts = [str(award.get_kind_display())]
    if award.kind == AwardKind.HERO and award.number and award.number > 1:
        parts.append(title_ordinal(award.number))
    parts.append(award.display_date())
    return ", ".join(part for part in parts if part)


def _place(name, municipality):
    """A schema.org ``Place``: the place as the sources give it, with today's municipality of
    the Kemerovo region when it is one."""
    name = (name or "").strip()
    if not name and municipality is None:
        return None
    place = {"@type": "Place", "name": name or municipality.name}
    if municipality is not None:
        place["address"] = {
            "@type": "PostalAddress",
            "addressLocality": municipality.name,
            "addressRegion": REGION,
            "addressCountry": "RU",
        }
    return place


def _source(source):
    work = {"@type": "CreativeWork", "name": source.title}
    if source.author:
        work["author"] = source.author
    if source.container:
        work["publisher" if source.kind == "book" else "isPartOf"] = source.container
    if source.year:
        work["datePublished"] = str(source.year)
    if source.url:
        work["url"] = source.url
    return work


def person(
    page, request=None, *, url=None, awards=None, image="", sources=None, municipalities=None
):
    """The hero as a schema.org ``Person`` (a dict ready for JSON). What a page has already read
    (awards, the portrait's absolute URL, sources, the municipalities of birth, death and work)
    may be passed in; otherwise it is read from ``page``."""
    if awards is None:
        awards = list(page.awards.all())
    if sources is None:
        sources = list(page.sources.all())
    if municipalities is None:
        municipalities = (page.birth_municipality, page.death_municipality, page.municipality)
    birth_municipality, death_municipality, municipality = municipalities
    url = url if url is not None else page.get_full_url(request)

    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "@id": f"{url}#person" if url else None,
        "identifier": page.identifier or None,
        "name": page.full_name or page.title,
        "familyName": page.surname or None,
        "givenName": page.given_name or None,
        "additionalName": page.patronymic or None,
        "alternateName": page.variants() or None,
        "gender": SCHEMA_GENDER.get(page.sex),
        "birthDate": exact_iso(page.birth()),
        "deathDate": exact_iso(page.death()),
        "birthPlace": _place(page.birth_place, birth_municipality),
        "deathPlace": _place(page.death_place, death_municipality),
        "award": [award_text(award) for award in awards] or None,
        "hasOccupation": (
            {"@type": "Occupation", "name": page.profession} if page.profession else None
        ),
        "worksFor": {"@type": "Organization", "name": page.enterprise} if page.enterprise else None,
        "workLocation": _place("", municipality),
        "image": image or None,
        "description": page.summary or page.search_description or None,
        "url": url or None,
        "subjectOf": [_source(source) for source in sources] or None,
    }
    return {key: value for key, value in data.items() if value is not None}
