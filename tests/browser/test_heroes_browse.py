"""A visitor of the heroes archive, in chromium with axe-core: narrows the list by municipality
and by decade through the facets' links, searches «шахтёров» and finds the miners highlighted,
opens a twice-hero, copies the citation (and reads it without JavaScript too), goes back and
downloads the CSV of exactly the heroes chosen. On a phone (390 px): no page-wide horizontal
scroll on the index or a hero's page, the facets folded above the list, and a bar of the
timeline leads into the year facet.

The archive is made here with factories (not the demo data). Interface strings are compared
through gettext under ``translation.override("ru")`` or by structure (ids, classes, hrefs): the
catalogues are translated at the end.
"""

import csv
import datetime
import io
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext

from heroes_archive import columns
from heroes_archive.citation import cite_record
from heroes_archive.exports import CSV_DELIMITER
from heroes_archive.facets import decade_label
from heroes_archive.models import Industry, Source, SourceKind
from tests.factories import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
# A web source's address with no place to break a line: it must not widen a phone's page.
LONG_URL = "https://kuzbass-archive.example.org/" + "geroi-socialisticheskogo-truda-" * 6 + "1957"


def ru(msgid):
    with translation.override("ru"):
        return gettext(msgid)


@pytest.fixture
def archive(home_page):
    """Three municipalities; miners (their texts say «шахтёр», «шахтёров», «шахтёры») and
    heroes of other industries over the 1940s–1970s; a twice-hero miner with a source whose
    address is one long word."""
    index = HeroIndexPageFactory(parent=home_page)
    kemerovo = MunicipalityFactory(name="Кемерово")
    novokuznetsk = MunicipalityFactory(name="Новокузнецк")
    prokopyevsk = MunicipalityFactory(name="Прокопьевск")

    def hero(identifier, surname, given_name, municipality, industry, awards, **fields):
        return HeroPageFactory(
            parent=index,
            identifier=identifier,
            surname=surname,
            given_name=given_name,
            municipality=municipality,
            industry=industry,
            awards=awards,
            **fields,
        )

    heroes = {
        "ivanov": hero(
            "GST-00101",
            "Иванов",
            "Степан",
            kemerovo,
            Industry.COAL,
            [("hero", "26.04.1957")],
            profession="забойщик",
            summary="Шахтёр шахты «Северная», бригадир забойщиков.",
        ),
        "petrov": hero(
            "GST-00102",
            "Петров",
            "Михаил",
            kemerovo,
            Industry.COAL,
            [("hero", "1958")],
            profession="проходчик",
            summary="Проходчик; воспитал три поколения шахтёров.",
        ),
        "kuznetsov": hero(
            "GST-00103",
            "Кузнецов-Беловский",
            "Александр",
            kemerovo,
            Industry.COAL,
            [("hero", "12.03.1951", 1), ("hero", "04.09.1957", 2)],
            patronymic="Константинович",
            birth_date="март 1920",
            death_date="1999",
            profession="горный мастер",
            summary="Шахтёры его участка первыми в бассейне освоили комбайн.",
        ),
        "stroitelev": hero(
            "GST-00104",
            "Строителев",
            "Олег",
            kemerovo,
            Industry.CONSTRUCTION,
            [("hero", "1955")],
            profession="каменщик",
            enterprise="трест «Кемеровопромстрой»",
            summary="Каменщик, строил дома для горняков.",
        ),
        "sidorov": hero(
            "GST-00105",
            "Сидоров",
            "Павел",
            novokuznetsk,
            Industry.COAL,
            [("hero", "1966")],
            profession="машинист комбайна",
            summary="Машинист комбайна, лучший из шахтёров треста.",
        ),
        "stalevarova": hero(
            "GST-00106",
            "Сталеварова",
            "Анна",
            novokuznetsk,
            Industry.METALLURGY,
            [("hero", "1959")],
            sex="f",
            profession="сталевар",
            enterprise="Кузнецкий металлургический комбинат",
            summary="Первая женщина-сталевар комбината.",
        ),
        "khleborobov": hero(
            "GST-00107",
            "Хлеборобов",
            "Фёдор",
            prokopyevsk,
            Industry.AGRICULTURE,
            [("hero", "1948")],
            profession="комбайнёр",
            enterprise="совхоз «Заря»",
            summary="Комбайнёр совхоза.",
        ),
        "vodilov": hero(
            "GST-00108",
            "Водилов",
            "Иван",
            prokopyevsk,
            Industry.TRANSPORT,
            [("hero", "1971")],
            profession="машинист тепловоза",
            enterprise="станция Прокопьевск",
            summary="Машинист тепловоза.",
        ),
    }
    twice = heroes["kuznetsov"]
    twice.sources.add(
        Source(kind=SourceKind.WEB, title="Кузнецов-Беловский А. К.", url=LONG_URL, year=2020)
    )
    twice.save_revision().publish()
    return {"index": index, "kemerovo": kemerovo, **heroes}


def listed(page):
    """The links of the heroes the list shows, in its order."""
    return page.locator(".hero-card__name a").evaluate_all(
        "links => links.map(link => link.getAttribute('href'))"
    )


def urls(*heroes):
    return sorted(hero.url for hero in heroes)


def facet_link(page, facet, label):
    return page.locator(f"section[aria-labelledby='hero-facet-{facet}']").get_by_role(
        "link", name=label, exact=True
    )


def query(url):
    return parse_qs(urlsplit(url).query)


def test_a_visitor_narrows_searches_cites_and_downloads_the_list(
    page, live_server, archive, axe_check
):
    kemerovo = archive["kemerovo"]
    miners = urls(archive["ivanov"], archive["petrov"], archive["kuznetsov"])
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(archive["index"].url)
    assert len(listed(page)) == 8
    axe_check(page)

    # The municipality, by its facet's link: the other facets keep it.
    facet_link(page, "municipality", "Кемерово").click()
    page.wait_for_url(f"**municipality={kemerovo.pk}**")
    assert sorted(listed(page)) == urls(
        archive["ivanov"], archive["petrov"], archive["kuznetsov"], archive["stroitelev"]
    )

    # The 1950s: the twice-hero counts by the year of his first title (1951).
    with translation.override("ru"):
        fifties = decade_label(1950)
    facet_link(page, "decade", fifties).click()
    page.wait_for_url("**decade=1950**")
    assert query(page.url) == {"municipality": [str(kemerovo.pk)], "decade": ["1950"]}
    assert sorted(listed(page)) == urls(
        archive["ivanov"], archive["petrov"], archive["kuznetsov"], archive["stroitelev"]
    )
    chosen = page.locator(".hero-facet__selected [aria-current]")
    assert chosen.count() == 2  # the municipality and the decade, marked in their facets

    # «шахтёров» finds «шахтёр», «шахтёры», «шахтёров» and keeps both filters; the builder of
    # houses for miners («горняков») is left out, as is Sidorov of Novokuznetsk.
    search = page.locator("form.hero-search")
    search.locator("#hero-search-query").fill("шахтёров")
    search.get_by_role("button", name=ru("Find")).click()
    page.wait_for_url("**q=**")
    assert query(page.url) == {
        "q": ["шахтёров"],
        "municipality": [str(kemerovo.pk)],
        "decade": ["1950"],
    }
    assert sorted(listed(page)) == miners
    with translation.override("ru"):
        count = translation.ngettext("%(counter)s hero", "%(counter)s heroes", 3) % {"counter": 3}
    assert page.locator(".hero-results__count").inner_text() == count
    cards = page.locator(".hero-card")
    for index in range(cards.count()):
        marks = cards.nth(index).locator(".hero-card__summary mark").all_inner_texts()
        assert marks, cards.nth(index).inner_text()
        assert all(mark.lower().replace("ё", "е").startswith("шахтер") for mark in marks)
    twice_card = page.locator(".hero-card", has=page.locator(".hero-twice"))
    assert twice_card.locator(".hero-card__name a").get_attribute("href") == (
        archive["kuznetsov"].url
    )
    axe_check(page)
    results_url = page.url

    # The twice-hero's page and its citation, copied by the button.
    twice_card.locator(".hero-card__name a").click()
    page.wait_for_url(f"**{archive['kuznetsov'].url}")
    assert page.locator("h1").inner_text() == archive["kuznetsov"].title
    with translation.override("ru"):
        expected = cite_record(
            archive["kuznetsov"], archive["kuznetsov"].get_full_url(), timezone.localdate()
        )
    citation = page.locator("#hero-citation")
    assert citation.input_value() == expected
    copy = page.locator("button.hero__copy")
    assert copy.inner_text() == ru("Copy the citation")
    copy.click()
    status = page.locator(".hero__copy-status")
    status.filter(has_text=ru("The citation is copied.")).wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == expected
    axe_check(page)

    # Back to the list, and the CSV of exactly the heroes it shows.
    page.go_back()
    page.wait_for_url(results_url)
    assert sorted(listed(page)) == miners
    csv_link = page.locator(".hero-exports a", has_text="CSV")
    assert query(csv_link.get_attribute("href")) == query(results_url)
    with page.expect_download() as download_info:
        csv_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as downloaded:
        table = list(csv.reader(io.StringIO(downloaded.read()), delimiter=CSV_DELIMITER))
    assert table[0] == list(columns.HEADERS)
    assert table[0][:3] == ["Идентификатор", "Фамилия", "Имя"]
    identifiers = [row[table[0].index("Идентификатор")] for row in table[1:]]
    assert sorted(identifiers) == ["GST-00101", "GST-00102", "GST-00103"]


def test_the_citation_is_there_to_select_without_javascript(browser, live_server, archive):
    hero = archive["kuznetsov"]
    context = browser.new_context(
        base_url=live_server.url,
        locale="ru-RU",
        viewport={"width": 1280, "height": 900},
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto(hero.url)
        with translation.override("ru"):
            expected = cite_record(hero, hero.get_full_url(), timezone.localdate())
        citation = page.locator("#hero-citation")
        assert citation.is_visible()
        assert citation.is_editable() is False  # read-only, yet focusable and selectable
        assert citation.is_enabled()
        assert citation.input_value() == expected
        # The hint tells what to do; the button that needs a script stays hidden.
        hint = page.locator("#hero-cite-hint").inner_text()
        assert hint == ru("A reference per GOST R 7.0.100-2018. Select the text and copy it.")
        assert citation.get_attribute("aria-describedby") == "hero-cite-hint"
        assert page.locator("button.hero__copy").is_hidden()
        # Selected by hand (the keyboard's «select all» in the focused field), all of it.
        citation.focus()
        page.keyboard.press("Control+A")
        selected = citation.evaluate(
            "field => field.value.slice(field.selectionStart, field.selectionEnd)"
        )
        assert selected == expected
    finally:
        context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ru-RU", viewport=PHONE)
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def no_horizontal_scroll(page):
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url} is {widths[0]} px wide at {widths[1]} px"


def test_on_a_phone(phone, archive, axe_check):
    page = phone
    page.goto(archive["index"].url)
    no_horizontal_scroll(page)

    # The facets come before the list, folded; unfolded, their links are there.
    fold = page.locator("details.hero-facets__fold")
    facets_top = page.locator(".hero-facets").bounding_box()["y"]
    assert facets_top < page.locator(".hero-results").bounding_box()["y"]
    assert fold.get_attribute("open") is None
    municipality = facet_link(page, "municipality", "Кемерово")
    assert municipality.is_hidden()
    fold.locator("summary").click()
    assert municipality.is_visible()
    axe_check(page)

    # A bar of the timeline leads into the year facet, where its own bar is the chosen one.
    bar = page.locator("svg.hero-timeline__chart a[href$='?year=1957']")
    assert bar.count() == 1
    bar.click()
    page.wait_for_url("**?year=1957")
    assert listed(page) == [archive["ivanov"].url]
    chosen = page.locator("svg.hero-timeline__chart a[aria-current='true']")
    assert chosen.count() == 1
    assert query(chosen.get_attribute("href")) == {}  # its link shows every year again
    # and so is its row in the table of the same numbers (folded: read its text, not its look)
    assert page.locator(".hero-timeline__table [aria-current]").text_content() == "1957"
    no_horizontal_scroll(page)

    # The twice-hero's page: a long hyphenated name, a source's long address, the citation.
    page.goto(archive["kuznetsov"].url)
    assert page.locator(".hero__source-list a[href]").get_attribute("href") == LONG_URL
    no_horizontal_scroll(page)
    citation = page.locator("#hero-citation").bounding_box()
    assert citation["x"] >= 0 and citation["x"] + citation["width"] <= PHONE["width"]
    axe_check(page)

    # «Памятные даты» of March 2023: on 12 March, seven heroes born in 1923 (the factories'
    # date) and the twice-hero's first title of 1951; a Sunday, which Russian writes in lower
    # case after the date.
    page.goto(archive["index"].url + "pamyatnye-daty/?month=3&year=2023")
    no_horizontal_scroll(page)
    day = page.locator(".anniversaries__day", has=page.locator("time[datetime='2023-03-12']"))
    assert day.locator(".anniversary").count() == 8
    with translation.override("ru"):
        sunday = dateformat.format(datetime.date(2023, 3, 12), "l")
    assert day.locator(".anniversaries__weekday").inner_text() == sunday.lower() != sunday
    axe_check(page)

    # The low-vision version's largest type (250 %) in white on black: still no sideways page.
    for url in (archive["index"].url, archive["kuznetsov"].url):
        page.goto(f"/low-vision/?size=3&scheme=wb&next={url}")
        assert "lv-size-3" in page.locator("html").get_attribute("class").split()
        no_horizontal_scroll(page)
