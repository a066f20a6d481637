"""The lemmatised index (kuzbib_site.base.lemma_index): Russian word forms and surnames in any
case on both databases, AND semantics, freshness through Wagtail's signals, bulk updates in a
constant number of queries, the GIN index PostgreSQL really uses, and hostile queries."""

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page

from heroes_archive.models import HeroPage
from kuzbib_site.base import lemma_index
from kuzbib_site.base.models import LemmaEntry
from kuzbib_site.home.models import StandardPage
from tests.factories import MunicipalityFactory, StandardPageFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def made_here():
    """The pages the tests make: those below the site's own pages (site_tree's «О партнёрстве»
    speaks of «шахтёрского края», which a search for «шахтёр» rightly finds)."""
    return Page.objects.filter(depth__gt=3)


def found(query, queryset=None):
    queryset = made_here() if queryset is None else queryset
    return set(lemma_index.matching(queryset, query).values_list("title", flat=True))


@pytest.fixture
def miners(site_tree):
    return StandardPageFactory(
        parent=site_tree["about"],
        title="Трудовая слава",
        intro="Шахтёры Кузбасса и их библиотеки.",
    )


@pytest.fixture
def ivanov(site_tree):
    return StandardPageFactory(
        parent=site_tree["about"],
        title="Забойщик",
        intro="Иванов Иван Петрович, забойщик шахты «Северная».",
    )


# --- Lemmas ---------------------------------------------------------------------------------


def test_lemmas_are_distinct_lower_case_and_in_order():
    words = lemma_index.lemmas("Шахтёры, шахтёров и ШАХТЕРЫ — в 1957 г. на шахте")
    assert words[0] == "шахтер"
    assert words.count("шахтер") == 1
    assert "1957" in words and "шахта" in words
    assert words.index("шахтер") < words.index("1957") < words.index("шахта")
    assert all(word == word.lower() and "ё" not in word for word in words)


def test_function_words_and_single_letters_are_left_out():
    assert lemma_index.lemmas("и в на не а же г") == []
    assert lemma_index.lemmas("школа № 5") == ["школа", "5"]


def test_lemmas_are_letters_and_digits_only():
    # The has_lemmas lookup puts lemmas into LIKE patterns and tsqueries without escaping.
    text = "İstanbul ǅ x²y ٣ a_b C++ 'кавычки' \\путь\\ 100% ½ ❤ шахт\x00ёр"
    words = lemma_index.lemmas(text)
    assert words and all(word.isalnum() for word in words), words
    assert "istanbul" in words and "кавычка" in words and "путь" in words


def test_stress_marks_do_not_split_words():
    assert lemma_index.lemmas("Шахтё\u0301ры") == lemma_index.lemmas("шахтёры")


# --- Matching -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["шахтёров", "шахтеры", "шахтёр", "ШАХТЁРАМ", "шахтер"])
def test_word_forms_find_the_page(miners, query):
    assert miners.title in found(query)


@pytest.mark.parametrize(
    "query", ["Иванов", "Иванова", "Ивановым", "Иванову", "иванове", "ивановых", "ИВАНОВА"]
)
def test_a_surname_in_any_case_finds_the_page(ivanov, query):
    assert ivanov.title in found(query)


@pytest.mark.parametrize(
    ("text", "queries"),
    [
        # Surnames pymorphy3 does not know: its first guess differs from case to case.
        ("Мазикин Пётр", ["Мазикина", "Мазикину", "Мазикиным", "мазикине", "Мазикиной"]),
        ("Шипилов Олег", ["Шипилова", "Шипилову", "Шипиловым", "Шипиловых"]),
        ("Шипиловой Анне", ["Шипилова", "Шипилов", "Шипиловой"]),
        ("о Шарыпове", ["Шарыпов", "Шарыпова", "Шарыповым"]),
    ],
)
def test_unknown_surnames_in_any_case_find_the_page(site_tree, text, queries):
    page = StandardPageFactory(parent=site_tree["about"], title="Герой", intro=text)
    for query in queries:
        assert page.pk in lemma_index.matching(Page.objects, query).values_list("pk", flat=True), (
            query
        )


def test_yo_and_ye_are_one_letter(site_tree):
    written_yo = StandardPageFactory(parent=site_tree["about"], title="Алфёров Пётр Семёнович")
    written_ye = StandardPageFactory(parent=site_tree["about"], title="Алферов Петр Семенович")
    for query in ("Алфёрова", "алферова", "Семёновича", "семеновича"):
        assert {written_yo.title, written_ye.title} <= found(query), query


def test_every_word_of_the_query_must_match(miners, ivanov):
    assert found("шахтёров Кузбасса") == {miners.title}
    assert found("шахтёров Иванову") == set()
    assert found("Иванов забойщик") == {ivanov.title}
    # A preposition in the query asks for nothing.
    assert found("шахтёры из Кузбасса") == {miners.title}


def test_matching_keeps_the_queryset_and_runs_no_query(miners, django_assert_num_queries):
    specific = StandardPage.objects.live().filter(title__startswith="Трудовая")
    with django_assert_num_queries(0):
        results = lemma_index.matching(specific, "шахтёров")
    assert results.model is StandardPage
    assert list(results) == [miners]
    with django_assert_num_queries(0):
        assert lemma_index.matching(specific, "") is specific
        assert lemma_index.matching(specific, " — ! ") is specific


def test_ranked_puts_title_hits_first(site_tree):
    body_only = StandardPageFactory(
        parent=site_tree["about"], title="А-отчёт", intro="Письмо шахтёров библиотеке."
    )
    some_words = StandardPageFactory(
        parent=site_tree["about"], title="Б-шахтёры", intro="Их письмо библиотеке."
    )
    all_words = StandardPageFactory(
        parent=site_tree["about"], title="В-письмо шахтёров", intro="Текст."
    )
    results = lemma_index.ranked(Page.objects.all(), "письма шахтёра")
    assert [page.pk for page in results] == [all_words.pk, some_words.pk, body_only.pk]


# --- Derived words --------------------------------------------------------------------------


@pytest.fixture
def derived(site_tree):
    """Pages that say a word only in a form derived from another: an adjective of a noun, the
    noun of an adjective."""
    about = site_tree["about"]
    return {
        "adjective": StandardPageFactory(
            parent=about, title="Чтения", intro="Шахтёрский край и его угольный бассейн."
        ),
        "noun": StandardPageFactory(
            parent=about, title="Встреча", intro="Встреча шахтёров с историками."
        ),
        "world": StandardPageFactory(parent=about, title="Конференция", intro="Мировой опыт."),
        "village": StandardPageFactory(parent=about, title="Поездка", intro="Посёлок Ивановка."),
    }


@pytest.mark.parametrize("query", ["шахтёр", "Шахтёров", "шахтерам"])
def test_a_noun_finds_its_adjective(derived, query):
    assert found(query) == {derived["adjective"].title, derived["noun"].title}


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("шахтёрский", {"Чтения", "Встреча"}),
        ("шахтёрских", {"Чтения", "Встреча"}),
        ("исторического", {"Встреча"}),  # «историками»: история, историк
        ("уголь", {"Чтения"}),
        ("угольного", {"Чтения"}),
    ],
)
def test_an_adjective_finds_its_noun_and_back(derived, query, titles):
    assert found(query) == titles


def test_short_words_and_names_find_only_their_own_forms(derived, ivanov):
    # «мир» is too short for a stem: the world's «мировой» is another word to it.
    assert found("мир") == set()
    assert found("мировой") == {derived["world"].title}
    # A surname finds its own forms (the page about Иванов), not the village of Ивановка.
    assert found("Иванов") == {ivanov.title}
    assert found("Ивановка") == {derived["village"].title}


def test_derived_words_keep_every_word_required(derived):
    assert found("шахтёрский бассейн") == {derived["adjective"].title}
    assert found("шахтёрский историк") == {derived["noun"].title}
    assert found("шахтёр металлург") == set()


def test_stems(db):
    assert lemma_index.stems("шахтёров") == ("шахтер",)
    assert lemma_index.stems("шахтёрская") == ("шахтер",)
    assert lemma_index.stems("библиотеки") == ("библиотек",)
    assert lemma_index.stems("Кемерово") == ("кемеров",)
    # Too short, a verb, a person's name, a word made of other letters: no stem.
    for word in ("мир", "мировой", "шахта", "статья", "стать", "Иванову", "Петровой", "2008"):
        assert lemma_index.stems(word) == (), word


def test_ranked_counts_derived_words_in_the_title(site_tree):
    body_only = StandardPageFactory(
        parent=site_tree["about"], title="А-отчёт", intro="Шахтёрский посёлок."
    )
    in_title = StandardPageFactory(parent=site_tree["about"], title="Б-шахтёрский посёлок")
    results = lemma_index.ranked(Page.objects.child_of(site_tree["about"]), "шахтёр")
    assert [page.pk for page in results] == [in_title.pk, body_only.pk]


# --- Keeping the index fresh ----------------------------------------------------------------


def test_a_new_live_page_is_indexed_a_draft_is_not(site_tree):
    draft = StandardPageFactory(parent=site_tree["about"], title="Черновик", live=False)
    live = StandardPageFactory(parent=site_tree["about"], title="Опубликовано")
    assert not LemmaEntry.objects.filter(page=draft).exists()
    entry = LemmaEntry.objects.get(page=live)
    assert entry.title_lemmas == " опубликовать опубликовано "
    assert entry.lemmas.startswith(" ") and entry.lemmas.endswith(" ")


def test_publishing_a_revision_reindexes_and_a_draft_revision_does_not(miners):
    miners.intro = "Металлурги Новокузнецка."
    miners.save_revision()  # a draft: the site still shows the miners
    assert found("шахтёров") == {miners.title}
    assert found("металлургов") == set()
    miners.get_latest_revision().publish()
    assert found("металлургов") == {miners.title}
    assert found("шахтёров") == set()


def test_unpublished_and_deleted_pages_leave_the_index(miners, ivanov):
    miners.unpublish()
    assert not LemmaEntry.objects.filter(page=miners).exists()
    assert found("шахтёров") == set()
    ivanov_pk = ivanov.pk
    ivanov.delete()
    assert not LemmaEntry.objects.filter(page_id=ivanov_pk).exists()
    miners.save_revision().publish()
    assert found("шахтёров") == {miners.title}


def test_deleting_a_section_removes_its_pages_entries(site_tree, miners, ivanov):
    site_tree["about"].delete()
    assert not LemmaEntry.objects.filter(page_id__in=[miners.pk, ivanov.pk]).exists()


def test_a_moved_page_is_indexed_again(site_tree, miners):
    LemmaEntry.objects.filter(page=miners).update(lemmas=" ", title_lemmas=" ")
    miners.move(site_tree["directory"], pos="last-child")
    assert found("шахтёров") == {miners.title}
    assert Page.objects.get(pk=miners.pk).get_parent().pk == site_tree["directory"].pk


def test_update_takes_a_constant_number_of_queries(site_tree, django_assert_num_queries):
    pages = [
        StandardPageFactory(parent=site_tree["about"], title=f"Шахта № {n}", intro="Уголь.")
        for n in range(30)
    ]
    LemmaEntry.objects.all().delete()
    with django_assert_num_queries(2):  # which are live, one upsert
        lemma_index.update(pages[:3])
    with django_assert_num_queries(2):
        lemma_index.update(pages)
    assert LemmaEntry.objects.filter(page__in=pages).count() == 30
    pages[0].live = False
    Page.objects.filter(pk=pages[0].pk).update(live=False)
    # Which are live, one delete (the rows are read first: a post_delete receiver listens to
    # every model), one upsert.
    with django_assert_num_queries(4):
        lemma_index.update(pages)
    assert LemmaEntry.objects.filter(page__in=pages).count() == 29


def test_update_indexes_plain_pages_by_their_own_text(miners):
    LemmaEntry.objects.all().delete()
    lemma_index.update([Page.objects.get(pk=miners.pk)])  # not a StandardPage: loaded
    assert found("Кузбасс") == {miners.title}


@pytest.fixture
def heroes(home_page):
    index = HeroIndexPageFactory(parent=home_page)
    town = MunicipalityFactory(name="Прокопьевск")
    return [
        HeroPageFactory(parent=index, surname=surname, given_name="Анна", municipality=town)
        for surname in ("Мазикина", "Шипилова", "Вахрушева", "Стаханова", "Ядыкина", "Зюзюкина")
    ]


def test_heroes_are_indexed_by_their_lemma_text(heroes):
    hero = heroes[0]
    hero.tags.add("горняки")
    hero.save_revision().publish()
    assert found("Мазикиной Прокопьевска", HeroPage.objects.all()) == {hero.title}
    assert found("горняков Мазикину", HeroPage.objects.all()) == {hero.title}
    assert found("Шипиловой", HeroPage.objects.all()) == {heroes[1].title}


def test_update_prefetches_what_lemma_text_reads(heroes, monkeypatch, django_assert_num_queries):
    # What the heroes archive declares (or should) for its lemma_text(): its municipalities and
    # tags, read once for the whole batch.
    monkeypatch.setattr(
        HeroPage,
        "lemma_prefetch",
        ("municipality", "birth_municipality", "death_municipality", "tags"),
        raising=False,
    )
    ids = [hero.pk for hero in heroes]
    # The heroes, which are live, their municipalities, their tags, one upsert.
    with django_assert_num_queries(5):
        lemma_index.update(HeroPage.objects.filter(pk__in=ids[:2]))
    with django_assert_num_queries(5):
        lemma_index.update(HeroPage.objects.filter(pk__in=ids))
    assert found("Стахановой", HeroPage.objects.all()) == {heroes[3].title}


def test_rebuild_restores_the_index(site_tree, miners, ivanov):
    draft = StandardPageFactory(parent=site_tree["about"], title="Шахтёры: черновик", live=False)
    LemmaEntry.objects.all().delete()
    LemmaEntry.objects.create(page=draft, lemmas=" шахтер ", title_lemmas=" шахтер ")
    out = io.StringIO()
    call_command("rebuild_lemma_index", "--chunk-size", "2", stdout=out)
    assert f"{Page.objects.live().count()} live pages indexed" in out.getvalue()
    assert found("шахтёров") == {miners.title}
    assert found("Иванову") == {ivanov.title}
    assert not LemmaEntry.objects.filter(page=draft).exists()
    assert LemmaEntry.objects.count() == Page.objects.live().count()


# --- Hostile queries ------------------------------------------------------------------------

HOSTILE = [
    "шахт\x00ёр",
    "\x00\x00\x00",
    "шахтёр " * 1500,
    "x" * 10_000,
    "!!! ??? ... — «»",
    "a & b | !c :*",
    "шахтёр & | !:* <-> (",
    "шахтёр:* & !иванов",
    "'шахтёр' \"шахтёр\"",
    "\\ \\\\ \\' шахтёр\\",
    "%_% шахтёр%",
    "'; DROP TABLE base_lemmaentry; --",
    "😀 шахтёр 👷‍♂️",
    "\u202eрётхаш",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_give_sane_results(miners, ivanov, query):
    results = found(query)
    if lemma_index.has_words(query):
        assert results <= {miners.title, ivanov.title}
    else:  # nothing to search for: the queryset as it was (the site search shows nothing)
        assert results == set(made_here().values_list("title", flat=True))
    if "шахтёр" in query and "иванов" not in query:
        assert results == {miners.title}, query
    assert LemmaEntry.objects.filter(page__in=[miners, ivanov]).count() == 2


# --- The databases --------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_searches_through_the_gin_index(miners):
    # The lookup that matching() puts in its subquery. With a handful of rows the planner may
    # read them any way it likes; with plain scans and index scans off, the only way left to
    # answer it is a bitmap scan, which only the GIN index can give: the lookup must be written
    # in the index's very expression for that plan to exist at all.
    entries = LemmaEntry.objects.filter(
        lemmas__has_lemmas=lemma_index.query_groups("шахтёров Кузбасса")
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = entries.explain()
    assert "base_lemmaentry_lemmas_gin" in plan, plan
    assert list(lemma_index.matching(Page.objects.all(), "шахтёров Кузбасса"))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index is PostgreSQL's")
def test_postgresql_serves_stems_from_the_gin_index_too(miners):
    groups = lemma_index.query_groups("шахтёрский")
    assert groups == (("шахтер*",),)
    entries = LemmaEntry.objects.filter(lemmas__has_lemmas=groups)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = entries.explain()
    assert "base_lemmaentry_lemmas_gin" in plan, plan
    assert found("шахтёрский") == {miners.title}


SQLITE_SCRIPT = textwrap.dedent(
    """
    import django
    from django.test.utils import setup_test_environment

    django.setup()
    from django.db import connection
    from django.test import Client
    from wagtail.models import Page, Site

    from kuzbib_site.base import lemma_index
    from kuzbib_site.home.models import StandardPage

    assert connection.vendor == "sqlite", connection.vendor
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        home = Site.objects.get(is_default_site=True).root_page
        page = home.add_child(
            instance=StandardPage(title="Трудовая слава", intro="Шахтёры и Иванов Иван.")
        )
        found = lemma_index.matching(Page.objects.all(), "шахтёр")
        assert list(found.values_list("pk", flat=True)) == [page.pk], list(found)
        assert lemma_index.matching(Page.objects.all(), "Ивановым").get().pk == page.pk
        assert not lemma_index.matching(Page.objects.all(), "шахтёр металлург").exists()
        # Derived words: a noun finds its adjective, an adjective its noun; «мир» is too short.
        derived = home.add_child(
            instance=StandardPage(title="Чтения", intro="Шахтёрский край, мировой опыт.")
        )
        found = lemma_index.matching(Page.objects.all(), "шахтёр")
        assert set(found.values_list("pk", flat=True)) == {page.pk, derived.pk}, list(found)
        found = lemma_index.matching(Page.objects.all(), "шахтёрских")
        assert set(found.values_list("pk", flat=True)) == {page.pk, derived.pk}, list(found)
        assert not lemma_index.matching(Page.objects.all(), "мир").exists()
        response = Client().get("/search/", {"q": "шахтёров"})
        assert response.status_code == 200, response.status_code
        hits = response.context["results"].hits
        assert {hit["page"].pk for hit in hits} == {page.pk, derived.pk}
        assert "<mark>Шахтёрский</mark>" in response.content.decode()
        print("sqlite ok")
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    """
)


@pytest.mark.services  # a fresh interpreter
@pytest.mark.slow
def test_the_sqlite_default_finds_word_forms_too(tmp_path):
    """The suite runs on PostgreSQL; the embedded default (DATABASE_URL unset: SQLite) gets its
    own process, which migrates a test database and searches it."""
    drop = {"DATABASE_URL", "REDIS_URL", "KUZBIB_TEST_CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {key: value for key, value in os.environ.items() if key not in drop}
    env["DJANGO_SETTINGS_MODULE"] = "kuzbib_site.settings.test"
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "sqlite ok" in result.stdout
