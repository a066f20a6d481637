"""Importing heroes (``heroes_archive.importer``): the dry run says row by row what would happen
and writes nothing; the import creates published heroes through Wagtail's tree with a revision,
updates by identifier (never by name), skips unchanged rows without a new revision, leaves rows
with problems out, and a row that fails in the database leaves nothing behind.

The helpers here (``spreadsheet``, ``hero_row``, ``dry_run``, ``imported``) are shared by the
other ``test_import*`` and ``test_export*`` modules."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page, PageLogEntry, Revision

from heroes_archive import columns, importer
from heroes_archive.models import (
    AwardKind,
    HeroImport,
    HeroPage,
    Industry,
    MemorialKind,
    Relation,
    Sex,
)
from tests.factories.base import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory

pytestmark = pytest.mark.django_db

HEADER = columns.HEADER


# --- Helpers (imported by the other import and export tests) ----------------------------------


def hero_row(identifier, **values):
    """The template's example row with ``identifier`` and ``values`` (record keys → cell text)."""
    row = dict(zip(columns.HEADERS, columns.example_row(), strict=True))
    row[HEADER["identifier"]] = identifier
    for key, value in values.items():
        row[HEADER[key]] = value
    return row


def spreadsheet(rows, headers=columns.HEADERS, delimiter=";", encoding="utf-8-sig"):
    """CSV bytes: ``headers`` and ``rows`` (dicts by header, or lists)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(
            [row.get(header, "") for header in headers] if isinstance(row, dict) else row
        )
    return out.getvalue().encode(encoding)


def dry_run(archive, data, name="heroes.csv", user=None):
    """Upload ``data`` and run its dry run as the worker would."""
    heroimport = importer.upload(archive, SimpleUploadedFile(name, data), user)
    importer.work(heroimport.pk)
    heroimport.refresh_from_db()
    return heroimport


def imported(heroimport, user=None):
    """Ask for the import of a checked spreadsheet and run it as the worker would."""
    assert importer.request_import(heroimport, user)
    importer.work(heroimport.pk)
    heroimport.refresh_from_db()
    return heroimport


def row_of(page):
    """The hero's row as an export writes it: {header: cell}."""
    return dict(zip(columns.HEADERS, columns.cells_of(page), strict=True))


def label(choice):
    with translation.override("ru"):
        return str(choice.label)


def rows_by_action(heroimport):
    found = {}
    for row in heroimport.report["rows"]:
        found.setdefault(row["action"], []).append(row)
    return found


@pytest.fixture
def archive(home_page):
    return HeroIndexPageFactory(parent=home_page)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="Импорт-2026")


# --- Tests --------------------------------------------------------------------------------------


def test_the_dry_run_says_what_each_row_would_do_and_writes_nothing(archive):
    HeroPageFactory(parent=archive, identifier="GST-00001", surname="Старожилов")
    changed = HeroPageFactory(parent=archive, identifier="GST-00003", profession="забойщик")
    unchanged_cells = row_of(HeroPage.objects.get(identifier="GST-00001"))
    data = spreadsheet(
        [
            unchanged_cells,
            hero_row("GST-00002"),
            {**row_of(changed), "Профессия": "бригадир"},
            hero_row("GST-00004", birth_date="31.02.1923"),
        ]
    )
    pages, revisions = Page.objects.count(), Revision.objects.count()

    heroimport = dry_run(archive, data)

    assert heroimport.phase == HeroImport.Phase.CHECKED
    assert heroimport.report["counts"] == {"create": 1, "update": 1, "skip": 1, "error": 1}
    actions = {row["id"]: row for row in heroimport.report["rows"]}
    assert actions["GST-00001"]["action"] == "skip"
    assert actions["GST-00002"]["action"] == "create"
    assert actions["GST-00003"]["action"] == "update"
    assert actions["GST-00003"]["changes"] == ["Профессия"]
    assert actions["GST-00004"]["action"] == "error"
    assert actions["GST-00004"]["problems"][0].startswith("Дата рождения: ")
    assert heroimport.rows_total == heroimport.rows_done == 4
    assert heroimport.can_import
    assert (Page.objects.count(), Revision.objects.count()) == (pages, revisions)
    assert HeroPage.objects.get(identifier="GST-00003").profession == "забойщик"


def test_the_import_publishes_new_heroes_through_the_tree_with_a_revision(archive, editor):
    kemerovo = MunicipalityFactory(name="Кемеровский городской округ")
    hero = label(AwardKind.HERO)
    heroimport = dry_run(
        archive,
        spreadsheet(
            [
                hero_row(
                    "GST-00010",
                    surname="Шахтёрова",
                    given_name="Анна",
                    sex="Ж",
                    municipality="КЕМЕРОВСКИЙ ГОРОДСКОЙ ОКРУГ",
                    industry=label(Industry.AGRICULTURE).upper(),
                    relation="native",
                    awards=f"{hero} 26.04.1957; {hero} 12.03.1966 | номер: 2; order_lenin 1957",
                    tags="Доярки; Орденоносцы",
                    biography="Первый абзац <b>жирный</b>.\n\nВторой абзац.",
                ),
                hero_row("GST-00011", surname="Ёлкин"),
            ]
        ),
        user=editor,
    )
    imported(heroimport, editor)

    assert heroimport.phase == HeroImport.Phase.DONE
    assert heroimport.outcome["counts"] == {"create": 2, "update": 0, "skip": 0, "error": 0}
    assert heroimport.rows_done == heroimport.rows_total == 2
    anna = HeroPage.objects.get(identifier="GST-00010")
    assert anna.get_parent().pk == archive.pk
    assert anna.live and not anna.has_unpublished_changes
    assert anna.title == "Шахтёрова Анна Петрович"
    assert (anna.sex, anna.industry, anna.relation) == (Sex.FEMALE, Industry.AGRICULTURE, "native")
    assert anna.municipality == kemerovo
    assert (anna.title_year, anna.title_count, anna.initial) == (1957, 2, "Ш")
    assert [(a.kind, a.date, a.number) for a in anna.awards.order_by("sort_order")] == [
        (AwardKind.HERO, "26.04.1957", None),
        (AwardKind.HERO, "12.03.1966", 2),
        (AwardKind.ORDER_LENIN, "1957", None),
    ]
    assert anna.awards.get(kind=AwardKind.ORDER_LENIN).date_start.year == 1957
    assert sorted(tag.name for tag in anna.tags.all()) == ["Доярки", "Орденоносцы"]
    assert anna.memorials.get().kind == MemorialKind.PLAQUE
    assert "&lt;b&gt;" in anna.biography[0].value.source  # a cell's markup is text
    assert anna.owner == editor
    # One revision, the live one, made of the page as it is.
    revision = Revision.page_revisions.get(object_id=str(anna.pk))
    assert anna.live_revision == anna.latest_revision == revision
    assert revision.user == editor
    restored = revision.as_object()
    assert (restored.surname, restored.title_count) == ("Шахтёрова", 2)
    assert [award.kind for award in restored.awards.all()][:2] == [AwardKind.HERO] * 2
    assert set(PageLogEntry.objects.filter(page=anna).values_list("action", flat=True)) == {
        "wagtail.create",
        "wagtail.publish",
    }
    # The tree is sound and the site serves the new page.
    archive.refresh_from_db()
    assert archive.numchild == 2
    assert Page.find_problems() == ([], [], [], [], [])
    assert HeroPage.objects.get(identifier="GST-00011").url_path.endswith("/gst-00011/")


def test_reimporting_the_same_file_changes_nothing(archive, editor):
    data = spreadsheet([hero_row("GST-00020"), hero_row("GST-00021", surname="Ёлкин")])
    imported(dry_run(archive, data), editor)
    revisions, logs = Revision.objects.count(), PageLogEntry.objects.count()
    stamps = list(HeroPage.objects.order_by("pk").values_list("last_published_at", flat=True))

    again = dry_run(archive, data)

    assert again.report["counts"] == {"create": 0, "update": 0, "skip": 2, "error": 0}
    assert not again.can_import
    assert not importer.request_import(again, editor)
    assert (Revision.objects.count(), PageLogEntry.objects.count()) == (revisions, logs)
    assert (
        list(HeroPage.objects.order_by("pk").values_list("last_published_at", flat=True)) == stamps
    )


def test_rows_match_heroes_by_identifier_never_by_name(archive, editor):
    HeroPageFactory(parent=archive, identifier="GST-00030", surname="Иванов", given_name="Иван")
    heroimport = dry_run(
        archive,
        spreadsheet(
            [
                hero_row("GST-00031", surname="Иванов", given_name="Иван"),  # a namesake
                hero_row("GST-00030", surname="Иванов-Задонский", given_name="Иван"),
            ]
        ),
    )
    assert [row["action"] for row in heroimport.report["rows"]] == ["create", "update"]
    imported(heroimport, editor)
    assert HeroPage.objects.filter(surname="Иванов").count() == 1
    renamed = HeroPage.objects.get(identifier="GST-00030")
    assert renamed.surname == "Иванов-Задонский"
    assert renamed.title.startswith("Иванов-Задонский")
    assert renamed.live_revision == renamed.latest_revision
    assert renamed.live_revision.content["surname"] == "Иванов-Задонский"


def test_an_update_changes_only_the_columns_the_file_has(archive, editor):
    hero = HeroPageFactory(parent=archive, identifier="GST-00040", profession="забойщик")
    hero.sources.create(title="Герой из забоя", year=1957)
    hero.tags.add("шахтёры")
    hero.save_revision().publish()
    headers = ("Идентификатор", "Фамилия", "Имя", "Пол", "Связь с Кузбассом", "Отрасль",
               "Награды", "Теги")  # fmt: skip
    row = {
        "Идентификатор": "GST-00040",
        "Фамилия": hero.surname,
        "Имя": hero.given_name,
        "Пол": "м",
        "Связь с Кузбассом": "lived",
        "Отрасль": "coal",
        "Награды": "hero 26.04.1957",
        "Теги": "ШАХТЕРЫ; Орденоносцы",
    }
    heroimport = dry_run(archive, spreadsheet([row], headers=headers))
    assert heroimport.report["rows"][0]["changes"] == ["Теги"]  # «ШАХТЕРЫ» is «шахтёры»
    imported(heroimport, editor)

    hero = HeroPage.objects.get(identifier="GST-00040")
    assert sorted(tag.name for tag in hero.tags.all()) == ["Орденоносцы", "шахтёры"]
    assert hero.profession == "забойщик"
    assert list(hero.sources.values_list("title", flat=True)) == ["Герой из забоя"]
    assert hero.live_revision.content["profession"] == "забойщик"
    assert len(hero.live_revision.content["tagged_items"]) == 2


def test_an_unpublished_hero_stays_a_draft(archive, editor):
    draft = HeroPageFactory(parent=archive, identifier="GST-00045", live=False)
    heroimport = dry_run(archive, spreadsheet([hero_row("GST-00045", profession="горновой")]))
    imported(heroimport, editor)
    draft = HeroPage.objects.get(pk=draft.pk)
    assert not draft.live and draft.live_revision is None
    assert draft.has_unpublished_changes
    assert draft.latest_revision.content["profession"] == "горновой"


def test_a_biography_with_more_than_text_is_never_flattened(archive, editor):
    hero = HeroPageFactory(parent=archive, identifier="GST-00050")
    hero.biography = [
        ("heading", {"text": "Детство", "level": "h2"}),
        ("paragraph", "<p>Родился в <a href='https://example.org'>деревне</a>.</p>"),
    ]
    hero.save_revision().publish()
    hero = HeroPage.objects.get(pk=hero.pk)
    as_exported = columns.biography_text(hero.biography)
    assert as_exported == "Детство\n\nРодился в деревне."

    exported = row_of(hero)
    assert exported["Биография"] == as_exported
    unchanged = dry_run(archive, spreadsheet([exported]))
    assert unchanged.report["rows"][0]["action"] == "skip"
    changed = dry_run(archive, spreadsheet([{**exported, "Биография": "Другой текст"}]))
    assert changed.report["rows"][0]["action"] == "error"
    assert changed.report["rows"][0]["problems"][0].startswith("Биография: ")


def test_identifiers_repeated_in_the_file_are_left_out(archive, editor):
    heroimport = dry_run(
        archive,
        spreadsheet([hero_row("GST-00060"), hero_row("GST-00061"), hero_row("GST-00060")]),
    )
    assert heroimport.report["duplicates"] == ["GST-00060"]
    actions = [(row["id"], row["action"]) for row in heroimport.report["rows"]]
    assert actions == [("GST-00060", "error"), ("GST-00061", "create"), ("GST-00060", "error")]
    assert "GST-00060" in heroimport.report["rows"][0]["problems"][0]
    imported(heroimport, editor)
    assert list(HeroPage.objects.values_list("identifier", flat=True)) == ["GST-00061"]
    assert heroimport.outcome["counts"]["error"] == 2


def test_impossible_values_are_explained_in_russian(archive):
    hero = label(AwardKind.HERO)
    heroimport = dry_run(
        archive,
        spreadsheet(
            [
                hero_row("GST-00070", birth_date="31.02.1923"),
                hero_row("GST-00071", birth_date="1930", death_date="1925"),
                hero_row("GST-00072", awards=f"{hero} 1935"),
                hero_row("GST-00073", industry="алхимия", municipality="Атлантида"),
                hero_row("GST 00074"),
                hero_row("GST-00075", sex=""),
            ]
        ),
    )
    with translation.override("ru"):
        before = gettext("The date of death is before the date of birth.")
        title_years = gettext(
            "The Hero of Socialist Labour title was awarded from %(first)s to %(last)s."
        ) % {"first": 1938, "last": 1991}
    problems = {row["id"]: row.get("problems", []) for row in heroimport.report["rows"]}
    assert heroimport.report["counts"]["error"] == 6
    assert problems["GST-00070"][0].startswith("Дата рождения: ")
    assert problems["GST-00071"] == [f"Дата смерти: {before}"]
    assert problems["GST-00072"] == [f"Награды: {title_years}"]
    assert [problem.split(":")[0] for problem in problems["GST-00073"]] == [
        "Отрасль",
        "Муниципалитет",
    ]
    assert "Атлантида" in problems["GST-00073"][1]
    assert problems["GST 00074"][0].startswith("Идентификатор: ")
    assert problems["GST-00075"][0].startswith("Пол: ")
    assert not heroimport.can_import


def test_a_row_that_fails_in_the_database_leaves_nothing_behind(archive, editor):
    """A database trigger refuses one hero: its page, revision, awards and log are rolled back
    with its savepoint, the other rows are imported and the tree stays sound."""
    if connection.vendor == "postgresql":
        statements = [
            """CREATE FUNCTION refuse_hero() RETURNS trigger AS $$
               BEGIN IF NEW.surname = 'Отказов' THEN RAISE EXCEPTION 'refused'; END IF;
               RETURN NEW; END $$ LANGUAGE plpgsql""",
            """CREATE TRIGGER refuse_hero BEFORE INSERT ON heroes_archive_heropage
               FOR EACH ROW EXECUTE FUNCTION refuse_hero()""",
        ]
    else:
        statements = [
            """CREATE TRIGGER refuse_hero BEFORE INSERT ON heroes_archive_heropage
               WHEN NEW.surname = 'Отказов' BEGIN SELECT RAISE(ABORT, 'refused'); END"""
        ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    heroimport = dry_run(
        archive,
        spreadsheet(
            [
                hero_row("GST-00080"),
                hero_row("GST-00081", surname="Отказов"),
                hero_row("GST-00082"),
            ]
        ),
    )
    pages = Page.objects.count()
    imported(heroimport, editor)

    assert heroimport.phase == HeroImport.Phase.DONE
    assert heroimport.outcome["counts"] == {"create": 2, "update": 0, "skip": 0, "error": 1}
    failed = heroimport.outcome["rows"][0]
    assert (failed["line"], failed["id"]) == (3, "GST-00081")
    assert list(HeroPage.objects.order_by("identifier").values_list("identifier", flat=True)) == [
        "GST-00080",
        "GST-00082",
    ]
    assert Page.objects.count() == pages + 2
    assert not Page.objects.filter(title__startswith="Отказов").exists()
    assert not Revision.objects.filter(object_str__startswith="Отказов").exists()
    assert not PageLogEntry.objects.filter(label__startswith="Отказов").exists()
    archive.refresh_from_db()
    assert archive.numchild == 2
    assert Page.find_problems() == ([], [], [], [], [])


def test_heroes_imported_with_relation_and_industry_labels_in_any_case(archive, editor):
    heroimport = dry_run(
        archive,
        spreadsheet(
            [
                hero_row(
                    "GST-00090",
                    relation=label(Relation.MOVED).upper(),
                    industry=label(Industry.METALLURGY).lower(),
                )
            ]
        ),
    )
    imported(heroimport, editor)
    hero = HeroPage.objects.get(identifier="GST-00090")
    assert (hero.relation, hero.industry) == (Relation.MOVED, Industry.METALLURGY)


def test_the_file_is_kept_privately_and_deleted_with_its_import(
    archive, private_media, django_capture_on_commit_callbacks
):
    heroimport = dry_run(archive, spreadsheet([hero_row("GST-00095")]))
    path = Path(heroimport.source.path)
    assert private_media in path.parents
    assert heroimport.original_name == "heroes.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with django_capture_on_commit_callbacks(execute=True):
        heroimport.delete()
    assert not path.exists()
