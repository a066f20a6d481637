"""A hero's page: what it shows (names, portrait, partial dates, places, work, awards with the
Hero title and «дважды», biography, pictures, memorials, tags as links to the index, sources per
GOST, «Как цитировать»), its schema.org Person JSON-LD read back with extruct, hostile text
escaped, where it may be created, how the archive routes to it, edits that show at once (nothing
of the record is cached), and a first visit in at most 15 queries whatever the record's size."""

import datetime
import html
import json
from urllib.parse import quote

import extruct
import pytest
import wagtail_factories
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import Page, PageViewRestriction, Site

from heroes_archive.citation import cite_record, gost_source
from heroes_archive.jsonld import person
from heroes_archive.models import (
    AwardKind,
    HeroAward,
    HeroImage,
    HeroIndexPage,
    HeroPage,
    Memorial,
    MemorialKind,
    Source,
    SourceKind,
)
from kuzbib_site.base.jsonld import jsonld_script
from kuzbib_site.home.models import HomePage, StandardPage
from tests.factories import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.django_db


def ru(msgid):
    with translation.override("ru"):
        return gettext(msgid)


@pytest.fixture(autouse=True)
def empty_cache():
    """Wagtail keeps renditions and the sites' root paths in the cache: each test starts
    without them."""
    cache.clear()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


def add_details(hero, *, sources=None):
    """Pictures, memorials, sources and tags of ``hero``, published as a revision."""
    hero.images.add(
        HeroImage(
            image=wagtail_factories.ImageFactory(title="IMG_0042.jpg"),
            caption="В забое шахты «Северная», 1957 год",
        )
    )
    hero.memorials.add(
        Memorial(
            kind=MemorialKind.PLAQUE,
            place="Кемерово, ул. Шахтёров, 12",
            year=1987,
            description="Открыта к 30-летию присвоения звания.",
        )
    )
    for source in sources or [
        Source(
            kind=SourceKind.ARTICLE,
            author="Петров П.",
            title="Шахтёрская слава",
            container="Кузбасс",
            year=1957,
            issue="№ 45 (12 марта)",
            pages="2",
        ),
        Source(
            kind=SourceKind.BOOK,
            author="Иванов И. И.",
            title="Герои угля",
            place="Кемерово",
            container="Кн. изд-во",
            year=1975,
            pages="120",
        ),
    ]:
        hero.sources.add(source)
    hero.tags.add("шахтёры", "Кемерово")
    hero.save_revision().publish()
    hero.refresh_from_db()
    return hero


@pytest.fixture
def hero(archive, media):
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    hero = HeroPageFactory(
        parent=archive,
        identifier="GST-00042",
        surname="Шахтёров",
        given_name="Иван",
        patronymic="Петрович",
        name_variants="Шахтеров; Шахтёрова (в девичестве)",
        birth_date="12.03.1923",
        birth_place="д. Ивановка Кемеровского р-на",
        birth_municipality=kemerovo,
        death_date="март 1985",
        death_place="Кемерово",
        municipality=kemerovo,
        profession="забойщик",
        enterprise="шахта «Северная»",
        summary="Забойщик, дважды Герой Социалистического Труда.",
        biography=[("paragraph", "<p>Родился в семье шахтёра.</p>")],
        portrait=wagtail_factories.ImageFactory(title="portrait.jpg", description=""),
        awards=[
            (AwardKind.HERO, "26.04.1957", 1),
            (AwardKind.HERO, "1966", 2),
            (AwardKind.ORDER_LENIN, "26.04.1957"),
            (AwardKind.MEDAL_LABOUR_VALOUR, "08.1948"),
        ],
    )
    award = hero.awards.get(number=1)
    award.decree = "Указ Президиума Верховного Совета СССР от 26.04.1957"
    award.save()
    return add_details(hero)


def page_text(response):
    return response.content.decode()


# --- Where heroes live ----------------------------------------------------------------------


def test_a_hero_can_be_created_only_under_the_archive(wagtail_asserts):
    wagtail_asserts.assertCanCreateAt(HeroIndexPage, HeroPage)
    wagtail_asserts.assertCanNotCreateAt(HomePage, HeroPage)
    wagtail_asserts.assertCanNotCreateAt(StandardPage, HeroPage)
    wagtail_asserts.assertCanNotCreateAt(HeroPage, HeroPage)
    wagtail_asserts.assertAllowedParentPageTypes(HeroPage, {HeroIndexPage})
    wagtail_asserts.assertAllowedSubpageTypes(HeroPage, {})
    wagtail_asserts.assertAllowedSubpageTypes(HeroIndexPage, {HeroPage})


def test_the_hero_page_is_routable_and_renderable(wagtail_asserts, hero):
    wagtail_asserts.assertPageIsRoutable(hero)
    wagtail_asserts.assertPageIsRenderable(hero)


def test_a_preview_shows_the_edited_records_not_the_saved_ones(hero):
    """An editor's preview renders the revision in memory: an award and a source added in the
    form and not saved appear, read through the page's relations."""
    edited = hero.get_latest_revision_as_object()
    edited.awards.add(HeroAward(kind=AwardKind.STATE_PRIZE, date="1970"))
    edited.sources.add(Source(kind=SourceKind.BOOK, title="Несохранённая книга", year=1990))
    response = edited.make_preview_request()
    assert response.status_code == 200
    text = response.rendered_content if hasattr(response, "rendered_content") else ""
    text = text or response.content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        assert str(AwardKind.STATE_PRIZE.label) in text
    assert "Несохранённая книга. — 1990." in text
    assert HeroAward.objects.filter(kind=AwardKind.STATE_PRIZE).count() == 0
    # Not routed: the portrait, pictures and municipalities are read from the revision's ids.
    assert "max-400x520" in text and "max-800x600" in text
    assert "<figcaption>В забое шахты «Северная», 1957 год</figcaption>" in text
    assert "(Кемеровский городской округ)" in text


# --- What the page shows --------------------------------------------------------------------


def test_names_dates_places_and_work(client, hero):
    with translation.override("ru"):
        response = client.get(hero.url)
    assert response.status_code == 200
    text = page_text(response)
    assert '<h1 id="hero-name">Шахтёров Иван Петрович</h1>' in text
    assert "Шахтеров; Шахтёрова (в девичестве)" in text
    # Partial dates in Russian, with machine-readable forms where HTML can state them.
    with translation.override("ru"):
        born = hero.birth().display()
        died = hero.death().display()
    assert f'<time datetime="1923-03-12">{born}</time>' in text
    assert "12 марта 1923" in born
    assert f'<time datetime="1985-03">{died}</time>' in text
    assert died.startswith("март 1985")
    assert "д. Ивановка Кемеровского р-на (Кемеровский городской округ)" in text
    assert "забойщик" in text and "шахта «Северная»" in html.unescape(text)
    assert "Родился в семье шахтёра." in text
    assert "Забойщик, дважды Герой Социалистического Труда." in text
    assert f'{ru("Record identifier")}: <span translate="no">GST-00042</span>' in text


def test_facts_link_to_the_index_filtered_by_them(client, hero, archive):
    text = page_text(client.get(hero.url))
    municipality = hero.municipality_id
    for query in (
        "twice=1",
        "industry=coal",
        "relation=lived",
        f"municipality={municipality}",
        "year=1957",
    ):
        assert f'href="{archive.url}?{query}"' in text


def test_breadcrumbs_lead_to_the_archive(client, hero, archive):
    text = page_text(client.get(hero.url))
    crumbs = text.split('class="breadcrumbs')[1].split("</nav>")[0]
    assert f'<a href="{archive.url}">{archive.title}</a>' in crumbs
    assert f'<li aria-current="page">{hero.title}</li>' in crumbs


def test_twice_hero_with_decree_and_other_awards_with_dates(client, hero):
    with translation.override("ru"):
        response = client.get(hero.url)
        first = gettext("first award of the title")
        second = gettext("second award of the title")
        lenin = str(AwardKind.ORDER_LENIN.label)
        valour = str(AwardKind.MEDAL_LABOUR_VALOUR.label)
        from kuzbib_site.base.partial_dates import display

        first_date, valour_date = display("26.04.1957"), display("08.1948")
    text = page_text(response)
    awards = text.split('id="hero-awards"')[1].split("</section>")[0]
    assert ru("Twice Hero of Socialist Labour") in awards
    titles = awards.split('class="hero__titles"')[1].split("</ul>")[0]
    assert titles.index(first.capitalize()) < titles.index(second.capitalize())
    assert f'<time datetime="1957-04-26">{first_date}</time>' in titles
    assert "Указ Президиума Верховного Совета СССР от 26.04.1957" in titles
    others = awards.split('class="hero__other-awards"')[1].split("</ul>")[0]
    # Other awards by date: the medal of 1948 before the order of 1957.
    assert others.index(valour) < others.index(lenin)
    assert f'<time datetime="1948-08">{valour_date}</time>' in others


def test_a_hero_once_is_not_called_twice(client, archive):
    once = HeroPageFactory(parent=archive, awards=[(AwardKind.HERO, "1957")])
    with translation.override("ru"):
        text = page_text(client.get(once.url))
    assert ru("Twice Hero of Socialist Labour") not in text
    assert ru("Hero of Socialist Labour") in text


def test_approximate_and_decade_dates_read_as_such(client, archive):
    hero = HeroPageFactory(parent=archive, birth_date="около 1920", death_date="1980-е")
    with translation.override("ru"):
        text = page_text(client.get(hero.url))
        approximate = hero.birth().display()
        decade = hero.death().display()
    # «ок. 1920» is a year HTML can state; a decade is not given a <time> it cannot hold.
    assert f'<time datetime="1920">{approximate}</time>' in text
    assert f"<dd>{decade}" in text


def test_portrait_and_pictures_have_renditions_and_alternative_text(client, hero):
    with translation.override("ru"):
        text = page_text(client.get(hero.url))
        portrait_alt = gettext("Portrait: %(name)s") % {"name": hero.title}
    portrait = text.split('class="figure hero__portrait"')[1].split("</figure>")[0]
    assert f'alt="{portrait_alt}"' in portrait
    assert "max-400x520" in portrait  # a rendition, never the original upload
    pictures = text.split('id="hero-pictures"')[1].split("</section>")[0]
    assert 'alt="В забое шахты «Северная», 1957 год"' in pictures
    assert "max-800x600" in pictures
    assert "<figcaption>В забое шахты «Северная», 1957 год</figcaption>" in pictures


def test_the_portrait_description_is_its_alternative_text(client, hero):
    hero.portrait.description = "Иван Петрович в каске с лампой"
    hero.portrait.save()
    text = page_text(client.get(hero.url))
    assert 'alt="Иван Петрович в каске с лампой"' in text


def test_memorials_tags_and_sources(client, hero, archive):
    text = page_text(client.get(hero.url))
    memorials = text.split('id="hero-memorials"')[1].split("</section>")[0]
    assert "Кемерово, ул. Шахтёров, 12, 1987" in memorials
    assert "Открыта к 30-летию присвоения звания." in memorials
    tags = text.split('id="hero-tags"')[1].split("</section>")[0]
    for tag in hero.tags.all():
        href = f"{archive.url}?tag={quote(tag.slug)}"
        assert f'<a class="tag" href="{href}" rel="tag">{tag.name}</a>' in tags
    sources = text.split('id="hero-sources"')[1].split("</section>")[0]
    assert html.escape(
        "Петров, П. Шахтёрская слава / П. Петров // Кузбасс. — 1957. — № 45 (12 марта). — С. 2.",
        quote=False,
    ) in html.escape(html.unescape(sources), quote=False)
    assert (
        "Иванов, И. И. Герои угля / И. И. Иванов. — Кемерово : Кн. изд-во, 1975. — 120 с."
        in html.unescape(sources)
    )


def test_how_to_cite_is_selectable_text_with_a_script_enhanced_button(client, hero):
    response = client.get(hero.url)
    text = page_text(response)
    block = text.split('id="hero-cite"')[1].split("</section>")[0]
    expected = cite_record(
        hero, hero.get_full_url(), timezone.localdate(), archive_title=hero.get_parent().title
    )
    textarea = block.split("<textarea")[1].split("</textarea>")[0]
    assert " readonly " in textarea and 'id="hero-citation"' in textarea
    assert html.unescape(textarea.split(">", 1)[1]) == expected
    assert '<label class="visually-hidden" for="hero-citation">' in block
    # The button is hidden until the (static, external) script shows it: no inline script.
    assert (
        'class="button button--secondary hero__copy" data-copy="hero-citation"' in block
        and " hidden>" in block
    )
    assert 'src="/static/heroes_archive/js/hero-cite.js"' in text
    scripts = [part.split(">", 1)[0] for part in text.split("<script")[1:]]
    assert all('type="application/ld+json"' in tag or "src=" in tag for tag in scripts)


def test_low_vision_replaces_images_with_their_alternative_text(client, hero):
    from kuzbib_site.base.conf import setting

    client.cookies[setting("LOW_VISION_COOKIE")] = "1"
    text = page_text(client.get(hero.url))
    assert "<img" not in text.split("<main")[1]
    assert 'class="image-alt"' in text


# --- JSON-LD ----------------------------------------------------------------------------------


def jsonld(client, url):
    response = client.get(url)
    assert response.status_code == 200
    data = extruct.extract(
        response.content.decode(), base_url="http://testserver", syntaxes=["json-ld"]
    )
    (person,) = data["json-ld"]
    return person


def test_jsonld_is_a_schema_org_person(client, hero):
    with translation.override("ru"):
        person = jsonld(client, hero.url)
    assert person["@context"] == "https://schema.org"
    assert person["@type"] == "Person"
    # The page's canonical address on its site, whatever host the request came by.
    assert person["url"] == hero.get_full_url() == f"http://localhost{hero.url}"
    assert person["@id"] == f"{hero.get_full_url()}#person"
    assert person["identifier"] == "GST-00042"
    assert person["name"] == "Шахтёров Иван Петрович"
    assert (person["familyName"], person["givenName"], person["additionalName"]) == (
        "Шахтёров",
        "Иван",
        "Петрович",
    )
    assert person["alternateName"] == ["Шахтеров", "Шахтёрова (в девичестве)"]
    assert person["gender"] == "https://schema.org/Male"
    assert person["birthDate"] == "1923-03-12"
    assert person["deathDate"] == "1985-03"
    assert person["birthPlace"]["@type"] == "Place"
    assert person["birthPlace"]["name"] == "д. Ивановка Кемеровского р-на"
    assert person["birthPlace"]["address"]["addressLocality"] == "Кемеровский городской округ"
    assert person["deathPlace"] == {"@type": "Place", "name": "Кемерово"}
    assert person["hasOccupation"] == {"@type": "Occupation", "name": "забойщик"}
    assert person["worksFor"] == {"@type": "Organization", "name": "шахта «Северная»"}
    assert person["workLocation"]["name"] == "Кемеровский городской округ"
    assert person["description"] == "Забойщик, дважды Герой Социалистического Труда."
    assert person["image"].startswith("http://localhost/")
    assert "max-400x520" in person["image"]
    with translation.override("ru"):
        hero_label = str(AwardKind.HERO.label)
    assert len(person["award"]) == 4
    assert person["award"][0].startswith(hero_label)
    assert all(isinstance(award, str) for award in person["award"])
    assert {work["name"] for work in person["subjectOf"]} == {"Шахтёрская слава", "Герои угля"}
    assert all(work["@type"] == "CreativeWork" for work in person["subjectOf"])


@pytest.mark.parametrize(
    ("birth", "expected"),
    [("около 1920", None), ("1920–1925", None), ("1920-е", None), ("1920", "1920")],
)
def test_jsonld_gives_a_birth_date_only_when_it_is_exact_enough(client, archive, birth, expected):
    hero = HeroPageFactory(parent=archive, birth_date=birth, sex="f")
    person = jsonld(client, hero.url)
    assert person.get("birthDate") == expected
    assert "deathDate" not in person
    assert person["gender"] == "https://schema.org/Female"


def test_person_reads_what_it_is_not_given_and_script_json_cannot_close_the_element(hero):
    data = person(hero)
    assert data["name"] == "Шахтёров Иван Петрович"
    assert data["birthPlace"]["address"]["addressLocality"] == "Кемеровский городской округ"
    assert len(data["award"]) == 4 and len(data["subjectOf"]) == 2
    assert "image" not in data  # the portrait's rendition is the page's to give
    hostile = {"name": "</script><!-- <script>alert(1)</script> & ©"}
    text = jsonld_script(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile


# --- Hostile text ---------------------------------------------------------------------------


def test_hostile_names_and_sources_are_escaped_and_jsonld_stays_valid(client, archive, media):
    hostile = "</script><script>alert(1)</script>"
    hero = HeroPageFactory(
        parent=archive,
        surname=f"Иванов{hostile}",
        name_variants="<img src=x onerror=alert(2)>",
        profession="<b>забойщик</b>",
        summary='"quoted" & </textarea><script>alert(3)</script>',
    )
    source = Source(
        kind=SourceKind.WEB,
        author="<script>alert(4)</script>",
        title=f"Слава {hostile}",
        container="</textarea>",
        url="https://example.org/?a=1&b=<x>",
        accessed=datetime.date(2024, 1, 2),
    )
    hero = add_details(hero, sources=[source])
    response = client.get(hero.url)
    text = page_text(response)
    assert "<script>alert" not in text
    assert "<img src=x" not in text
    assert "<b>забойщик</b>" not in text
    # The textarea cannot be closed early by a title: its content is escaped.
    block = text.split('id="hero-cite"')[1]
    assert block.count("</textarea>") == 1
    sources = text.split('id="hero-sources"')[1].split("</section>")[0]
    assert html.escape(gost_source(source), quote=False) in sources.replace("&#x27;", "'").replace(
        "&quot;", '"'
    )
    person = jsonld(client, hero.url)
    assert person["familyName"] == f"Иванов{hostile}"
    assert person["alternateName"] == ["<img src=x onerror=alert(2)>"]
    assert person["description"] == '"quoted" & </textarea><script>alert(3)</script>'
    assert person["subjectOf"][0]["name"] == f"Слава {hostile}"


# --- Queries --------------------------------------------------------------------------------


def more_records(archive, hero):
    """Five more heroes with everything, and more memorials, sources and pictures of ``hero``."""

    def add():
        for _ in range(5):
            other = HeroPageFactory(
                parent=archive,
                awards=[(AwardKind.HERO, "1960"), (AwardKind.ORDER_LENIN, "1960")],
            )
            add_details(other)
        for year in range(1970, 1975):
            hero.memorials.add(Memorial(kind=MemorialKind.STREET, place="Кемерово", year=year))
            hero.sources.add(Source(kind=SourceKind.BOOK, title=f"Книга {year}", year=year))
        for _ in range(3):
            hero.images.add(HeroImage(image=wagtail_factories.ImageFactory(), caption=""))
        hero.save_revision().publish()

    return add


def test_the_hero_page_reads_at_most_15_queries_however_many_records(
    client, hero, archive, django_assert_max_num_queries, assert_queries_bounded
):
    client.get(hero.url)
    with django_assert_max_num_queries(15):
        assert client.get(hero.url).status_code == 200
    (count,) = assert_queries_bounded(hero.url, more_records(archive, hero), cap=15)
    assert count <= 15


@pytest.fixture
def full_hero(archive, media):
    """A hero with everything the page shows: a portrait, two pictures, municipalities of
    birth, work and death, three awards, a memorial, two sources and two tags."""
    hero = HeroPageFactory(
        parent=archive,
        birth_municipality=MunicipalityFactory(name="Беловский муниципальный округ"),
        municipality=MunicipalityFactory(name="Кемеровский городской округ"),
        death_municipality=MunicipalityFactory(name="Новокузнецкий городской округ"),
        birth_place="д. Пестерево",
        death_place="Новокузнецк",
        portrait=wagtail_factories.ImageFactory(title="portrait.jpg"),
        awards=[
            (AwardKind.HERO, "26.04.1957", 1),
            (AwardKind.ORDER_LENIN, "26.04.1957"),
            (AwardKind.MEDAL_LABOUR_VALOUR, "08.1948"),
        ],
    )
    hero.images.add(HeroImage(image=wagtail_factories.ImageFactory(), caption="На шахте"))
    return add_details(hero)


def visit_queries(client, url, *, cap):
    """The queries of a visit to ``url`` with the cache emptied — no renditions, nothing of the
    record anywhere — except the sites' root paths, which Wagtail reads once for every page of
    a site and drops itself when a site or its root changes; at most ``cap`` of them. The
    renditions of new pictures are made first: Wagtail makes each once, ever, on the first
    visit that shows it."""
    client.get(url)
    cache.clear()
    Site.get_site_root_paths()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) <= cap, "\n".join(query["sql"][:160] for query in captured)
    return len(captured)


def test_a_first_visit_reads_at_most_15_queries_however_many_records(
    client, full_hero, archive, django_assert_max_num_queries
):
    """Wagtail's site, home page and archive (4), the hero with its municipalities, portrait and
    the portrait's rendition (1), view restrictions (2), awards, memorials, sources, tags, the
    pictures with their images and renditions (5), the menu and breadcrumbs (3)."""
    text = page_text(client.get(full_hero.url))  # the renditions are made on the first visit
    assert text.count("max-800x600") == 2 and "max-400x520" in text
    for name in ("Беловский", "Кемеровский", "Новокузнецкий"):
        assert f"{name} " in text
    cache.clear()
    Site.get_site_root_paths()
    with django_assert_max_num_queries(15):
        assert client.get(full_hero.url).status_code == 200
    before = visit_queries(client, full_hero.url, cap=15)
    more_records(archive, full_hero)()
    after = visit_queries(client, full_hero.url, cap=15)
    assert before == after
    # With even Wagtail's site root paths gone, one query more.
    cache.clear()
    with django_assert_max_num_queries(16):
        assert client.get(full_hero.url).status_code == 200


def test_a_publication_shows_at_once(client, hero):
    client.get(hero.url)
    hero.enterprise = "разрез «Кедровский»"
    hero.save_revision().publish()
    text = html.unescape(page_text(client.get(hero.url)))
    assert "разрез «Кедровский»" in text
    assert "шахта «Северная»" not in text


def test_edits_outside_the_hero_show_at_once(client, hero, archive):
    """A renamed municipality, an image's new description and the archive's new title need no
    publication of the hero, and nothing of the record is kept to hide them."""
    client.get(hero.url)
    municipality = hero.municipality
    municipality.name = "Кемерово (городской округ)"
    municipality.save()
    picture = hero.images.get().image
    picture.description = "Забойщик у отбойного молотка"
    picture.save()
    archive.title = "Герои Труда Кузбасса"
    archive.save_revision().publish()
    text = html.unescape(page_text(client.get(hero.url)))
    assert "д. Ивановка Кемеровского р-на (Кемерово (городской округ))" in text
    assert "Кемеровский городской округ" not in text
    assert 'alt="Забойщик у отбойного молотка"' in text
    citation = text.split('id="hero-citation"')[1].split("</textarea>")[0]
    assert "Герои Труда Кузбасса" in citation


# --- Routing --------------------------------------------------------------------------------


def test_the_archive_routes_to_a_hero_in_one_query_with_what_the_page_shows(
    rf, client, hero, archive, django_assert_num_queries
):
    client.get(hero.url)  # makes the portrait's rendition
    archive = HeroIndexPage.objects.get(pk=archive.pk)
    request = rf.get(hero.url)
    with django_assert_num_queries(1):
        page, args, kwargs = archive.route(request, [hero.slug])
    assert type(page) is HeroPage and page.pk == hero.pk
    assert (args, kwargs) == ([], {})
    with django_assert_num_queries(0):
        assert page.get_parent() is archive
        assert page.municipality.name == "Кемеровский городской округ"
        assert page.birth_municipality.pk == hero.birth_municipality_id
        assert page.death_municipality is None
        assert page.portrait.pk == hero.portrait_id
        assert page.portrait_rendition.filter_spec == "max-400x520"


def test_the_archive_keeps_its_own_routes_before_its_heroes(client, archive):
    """«Памятные даты» is the archive's route even when a hero's slug is the same, as
    RoutablePageMixin has it; the calendar feed and exports, two segments deep, too."""
    HeroPageFactory(parent=archive, slug="pamyatnye-daty")
    response = client.get(f"{archive.url}pamyatnye-daty/")
    assert response.status_code == 200
    assert response.templates[0].name == "heroes_archive/anniversaries.html"
    assert client.get(f"{archive.url}pamyatnye-daty/ics/")["Content-Type"].startswith(
        "text/calendar"
    )
    assert client.get(archive.url).status_code == 200


def test_what_is_no_hero_gets_wagtails_answers(client, hero, archive):
    assert client.get(f"{archive.url}no-such-hero/").status_code == 404
    assert client.get(f"{hero.url}deeper/").status_code == 404
    assert client.get(f"{archive.url}export/").status_code == 404


def test_a_restricted_hero_is_still_restricted(client, hero):
    PageViewRestriction.objects.create(page=hero, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(hero.url)
    assert response.status_code == 302
    assert "Шахтёров" not in page_text(response)


def test_a_page_under_the_archive_that_is_not_live_is_not_shown(client, hero):
    hero.unpublish()
    assert client.get(hero.url).status_code == 404
    assert Page.objects.live().filter(pk=hero.pk).count() == 0
