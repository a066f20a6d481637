"""Imports of the union catalogue (periodicals.holdings_import): MARC 21 Holdings, RUSMARC
issue-level records and CSV, checked in a dry run and applied all at once; bad files refused
with a message and nothing written."""

import codecs

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from periodicals import holdings_import
from periodicals.models import HeldIssue, Holding, HoldingsImport
from tests.factories.periodicals import HeldIssueFactory, HoldingFactory
from tests.periodicals.holdings_helpers import (
    ISSN,
    iso2709,
    marc21_holdings,
    rusmarc_issue,
)

MARC21 = HoldingsImport.Format.MARC21
RUSMARC = HoldingsImport.Format.RUSMARC
CSV = HoldingsImport.Format.CSV


@pytest.fixture(autouse=True)
def english(settings):
    """The import writes its report in the site's language (``LANGUAGE_CODE``): these tests read
    its messages in English; their Russian wording is the catalogue's."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def uploaded(
    data, name="holdings.mrc", file_format=MARC21, library=None, apply=False, capture=None
):
    """Upload ``data`` as an editor would and run the dry run (the task runs eagerly on
    commit); with ``apply`` the import too. Returns the import, fresh from the database."""
    item = holdings_import.upload(SimpleUploadedFile(name, data), file_format, library, None)
    holdings_import.check(item.pk)
    if apply:
        assert holdings_import.request_apply(item)
        holdings_import.apply(item.pk)
    item.refresh_from_db()
    return item


def problems(item):
    return [p for row in item.report.get("rows", []) for p in row["problems"]]


def test_marc21_holdings_dry_run_then_apply(catalogue):
    library = catalogue["central"]
    data = iso2709(
        marc21_holdings(
            library=str(library.pk),
            pairs=[("1957", "1-3"), ("1958", "1-2"), ("1960-1962", "")],
            shelf="Г-1957",
        )
    )
    item = uploaded(data)
    assert item.status == HoldingsImport.Status.CHECKED, item.report
    assert item.report["counts"] == {"create": 1, "update": 0, "skip": 0, "error": 0}
    row = item.report["rows"][0]
    assert (row["library"], row["years"], row["added"]) == (str(library), "1957–1962", 8)
    assert not Holding.objects.exists()  # a dry run writes nothing
    assert holdings_import.request_apply(item)
    holdings_import.apply(item.pk)
    item.refresh_from_db()
    assert item.status == HoldingsImport.Status.APPLIED and item.applied_at
    holding = Holding.objects.get()
    assert (holding.title, holding.library) == (catalogue["title"], library)
    assert holding.source == Holding.Source.MARC21 and holding.call_number == "Г-1957"
    assert sorted(holding.issues.values_list("year", "number")) == [
        (1957, "1"),
        (1957, "2"),
        (1957, "3"),
        (1958, "1"),
        (1958, "2"),
        (1960, ""),
        (1961, ""),
        (1962, ""),
    ]
    assert not holdings_import.request_apply(item)  # applied once


def test_marc21_textual_holdings_by_library_name(catalogue):
    data = iso2709(marc21_holdings(library="кемонб", textual="1956–1960; 1962–1991 (неполн.)"))
    item = uploaded(data, apply=True)
    assert item.status == HoldingsImport.Status.APPLIED, item.report
    holding = Holding.objects.get()
    assert holding.library == catalogue["regional"]
    assert holding.summary == "1956–1960; 1962–1991 (неполн.)"


def test_marc21_in_windows_1251_without_a_utf8_leader_is_read(catalogue):
    record = marc21_holdings(library="ЦГБ им. Гоголя", pairs=[("1957", "1")], utf8=False)
    item = uploaded(iso2709(record, encoding="cp1251"), apply=True)
    assert item.status == HoldingsImport.Status.APPLIED, item.report
    assert Holding.objects.get().library == catalogue["central"]


def test_a_marc_file_in_cp1251_whose_leader_says_utf8_is_refused(catalogue):
    record = marc21_holdings(library="ЦГБ им. Гоголя", pairs=[("1957", "1")], utf8=True)
    item = uploaded(iso2709(record, encoding="cp1251"))
    assert item.status == HoldingsImport.Status.FAILED
    assert "not in the encoding it declares" in problems(item)[0]
    assert not holdings_import.request_apply(item)
    assert not Holding.objects.exists()


def test_mojibake_is_refused(catalogue):
    garbled = "ЦГБ им. Гоголя".encode().decode("cp1251")  # «ЦГБ» read in the wrong encoding
    item = uploaded(iso2709(marc21_holdings(library=garbled, pairs=[("1957", "1")])))
    assert item.status == HoldingsImport.Status.FAILED
    assert "garbled" in problems(item)[0]


def test_holdings_of_an_unknown_title_refuse_the_whole_file(catalogue):
    known = marc21_holdings(library=str(catalogue["central"].pk), pairs=[("1957", "1")])
    unknown = marc21_holdings(
        issn="1234-5679", library=str(catalogue["central"].pk), pairs=[("1957", "1")]
    )
    item = uploaded(iso2709(known, unknown))
    assert item.status == HoldingsImport.Status.FAILED
    assert item.report["counts"]["error"] == 1 and item.report["counts"]["create"] == 1
    assert "Unknown title (1234-5679)" in problems(item)[0]
    assert "nothing was imported" in item.error
    assert not holdings_import.request_apply(item)
    assert not Holding.objects.exists()


def test_an_unknown_library_is_refused(catalogue):
    item = uploaded(iso2709(marc21_holdings(library="Библиотека на Луне", pairs=[("1957", "")])))
    assert item.status == HoldingsImport.Status.FAILED
    assert "Unknown library «Библиотека на Луне»" in problems(item)[0]


def test_rusmarc_issue_level_records(catalogue):
    data = iso2709(
        rusmarc_issue(number="1"),
        rusmarc_issue(number="2"),
        rusmarc_issue(number="3", issn=None, identifier="kr"),
    )
    item = uploaded(data, file_format=RUSMARC)
    assert item.status == HoldingsImport.Status.CHECKED, item.report
    assert item.report["counts"] == {"create": 1, "update": 2, "skip": 0, "error": 0}
    holdings_import.request_apply(item)
    holdings_import.apply(item.pk)
    holding = Holding.objects.get()
    assert holding.library == catalogue["regional"] and holding.source == Holding.Source.RUSMARC
    assert holding.call_number == "П-1957"
    assert sorted(holding.issues.values_list("number", flat=True)) == ["1", "2", "3"]


def test_rusmarc_in_windows_1251_is_read_and_a_false_unicode_claim_refused(catalogue):
    good = rusmarc_issue(number="5")
    good["100"]["a"] = good["100"]["a"][:26] + "89" + good["100"]["a"][28:]
    item = uploaded(iso2709(good, encoding="cp1251"), file_format=RUSMARC)
    assert item.status == HoldingsImport.Status.CHECKED, item.report
    HoldingsImport.objects.all().delete()
    claims_utf8 = rusmarc_issue(number="5")  # 100 $a/26-27 «50»: Unicode
    item = uploaded(iso2709(claims_utf8, encoding="cp1251"), file_format=RUSMARC)
    assert item.status == HoldingsImport.Status.FAILED
    assert "not in the encoding it declares" in problems(item)[0]


def test_rusmarc_without_a_link_or_a_year(catalogue):
    unlinked = rusmarc_issue(issn=None)
    no_year = rusmarc_issue()
    no_year.remove_fields("210")
    no_year["100"]["a"] = "20081216d        k  y0rusy50      ca"
    item = uploaded(iso2709(unlinked, no_year), file_format=RUSMARC)
    assert item.status == HoldingsImport.Status.FAILED
    found = problems(item)
    assert "no link to its title" in found[0] and "no year" in found[1]


def csv_bytes(text, encoding="utf-8", bom=False):
    data = text.encode(encoding)
    return codecs.BOM_UTF8 + data if bom else data


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [("utf-8", True, ";"), ("utf-8", False, ","), ("cp1251", False, ";")],
)
def test_csv_in_utf8_or_windows_1251(catalogue, encoding, bom, delimiter):
    regional = catalogue["regional"]
    lines = [
        ["ISSN", "Идентификатор", "Библиотека", "Год", "Номера", "Шифр"],
        [
            catalogue["title"].issn,
            "",
            "Кемеровская областная научная библиотека им. В. Д. Фёдорова",
            "1957",
            "1–3",
            "П-5",
        ],
        ["", "gv", str(regional.pk), "1890–1891", "", ""],
    ]
    text = "\n".join(delimiter.join(line) for line in lines)
    item = uploaded(
        csv_bytes(text, encoding, bom), name="holdings.csv", file_format=CSV, apply=True
    )
    assert item.status == HoldingsImport.Status.APPLIED, item.report
    assert item.report["encoding"] == encoding
    kr = Holding.objects.get(title=catalogue["title"])
    assert kr.library == regional and kr.call_number == "П-5"
    assert kr.issues.count() == 3
    gv = Holding.objects.get(title=catalogue["other"])
    assert sorted(gv.issues.values_list("year", flat=True)) == [1890, 1891]


def test_a_second_import_adds_and_skips_what_is_held(catalogue):
    holding = HoldingFactory(title=catalogue["title"], library=catalogue["central"])
    HeldIssueFactory(holding=holding, year=1957, number="1")
    text = f"issn;library;year;numbers\n0235-8867;{catalogue['central'].pk};1957;1\n"
    text += f"0235-8867;{catalogue['central'].pk};1957;1-2\n"
    item = uploaded(text.encode(), name="h.csv", file_format=CSV)
    assert [row["action"] for row in item.report["rows"]] == ["skip", "update"]
    assert [row["added"] for row in item.report["rows"]] == [0, 1]
    holdings_import.request_apply(item)
    holdings_import.apply(item.pk)
    assert sorted(holding.issues.values_list("number", flat=True)) == ["1", "2"]


def test_csv_rows_with_problems(catalogue):
    text = (
        "issn;library;year;numbers\n"
        f"0235-886X;{catalogue['central'].pk};1957;1\n"  # no such title
        f"0235-8867;{catalogue['central'].pk};57;1\n"
        f"0235-8867;{catalogue['central'].pk};1957;1-100000\n"
        f"0235-8867;;1957;1\n"
    )
    item = uploaded(text.encode(), name="h.csv", file_format=CSV)
    assert item.status == HoldingsImport.Status.FAILED
    assert item.report["counts"]["error"] == 4
    found = problems(item)
    assert "Unknown title" in found[0]
    assert "not a year" in found[1]
    assert "not a range of at most 1000" in found[2]
    assert "names no library" in found[3]


def test_the_default_library_is_used_when_the_file_names_none(catalogue):
    text = "issn;year\n0235-8867;1957\n"
    item = uploaded(
        text.encode(), name="h.csv", file_format=CSV, library=catalogue["central"], apply=True
    )
    assert item.status == HoldingsImport.Status.APPLIED
    assert Holding.objects.get().library == catalogue["central"]


@pytest.mark.parametrize(
    ("data", "file_format", "message"),
    [
        (b"\x00\xff\xfe garbage \x89PNG" * 20, MARC21, "not in MARC"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, CSV, "neither UTF-8 nor Windows-1251"),
        (b"issn;year\n0235-8867;1957\n", MARC21, "not in MARC"),
        (b"just some words\n", CSV, "none of the columns"),
        (b"   \n\n", CSV, "empty"),
        ("Ð\u0161Ñ\u0192Ð·;year\n".encode(), CSV, "garbled"),
    ],
)
def test_files_refused_as_a_whole(catalogue, data, file_format, message):
    item = uploaded(data, file_format=file_format)
    assert item.status == HoldingsImport.Status.FAILED
    assert message in " ".join(item.report["refused"]), item.report
    assert not Holding.objects.exists()


def test_a_damaged_record_among_good_ones(catalogue):
    good = iso2709(marc21_holdings(library=str(catalogue["central"].pk), pairs=[("1957", "")]))
    damaged = b"00099nx  a2200049   4500" + b"ZZZ" * 10 + b"\x1d"
    item = uploaded(good + damaged)
    assert item.status == HoldingsImport.Status.FAILED
    assert item.report["counts"]["error"] == 1
    assert "damaged" in problems(item)[0]


def test_an_empty_or_oversized_file_is_refused_at_upload(catalogue, settings):
    with pytest.raises(holdings_import.Refused, match="empty"):
        holdings_import.upload(SimpleUploadedFile("e.mrc", b""), MARC21, None, None)
    settings.KUZBIB_PERIODICALS = {"HOLDINGS_MAX_BYTES": 1000}
    with pytest.raises(holdings_import.Refused, match="at most"):
        holdings_import.upload(SimpleUploadedFile("big.mrc", b"0" * 1001), MARC21, None, None)
    assert not HoldingsImport.objects.exists()


def test_applying_is_all_or_nothing_when_the_catalogue_changed(catalogue):
    text = f"issn;library;year\n0235-8867;{catalogue['central'].pk};1957\n"
    text += f"issn;{catalogue['regional'].pk};1958\n".replace("issn", "0235-8867")
    item = uploaded(text.encode(), name="h.csv", file_format=CSV)
    assert item.status == HoldingsImport.Status.CHECKED
    holdings_import.request_apply(item)
    catalogue["regional"].delete()  # gone between the check and the import
    holdings_import.apply(item.pk)
    item.refresh_from_db()
    assert item.status == HoldingsImport.Status.FAILED
    assert not Holding.objects.exists() and not HeldIssue.objects.exists()


def test_the_tasks_return_quietly_for_a_gone_import(catalogue):
    from periodicals import tasks

    tasks.check_holdings_import(holdings_import_id=999999)
    tasks.apply_holdings_import(holdings_import_id=999999)


def test_the_sweeper_sends_again_what_was_left_checking(catalogue, settings):
    import datetime

    from django.utils import timezone

    item = holdings_import.upload(
        SimpleUploadedFile(
            "h.csv", f"issn;library;year\n{ISSN};{catalogue['central'].pk};1957\n".encode()
        ),
        CSV,
        None,
        None,
    )  # the message was lost: no worker ran the dry run
    assert item.status == HoldingsImport.Status.CHECKING
    now = timezone.now()
    assert holdings_import.sweep(now) == 0  # not stuck yet
    # Without a broker the tasks run at once (the embedded default).
    assert holdings_import.sweep(now + datetime.timedelta(minutes=11)) == 1
    item.refresh_from_db()
    assert item.status == HoldingsImport.Status.CHECKED


def test_files_that_would_name_too_many_issues_are_refused(catalogue, settings, monkeypatch):
    library = catalogue["central"].pk
    many = "; ".join(f"{n}-{n + 9}" for n in range(1, 2000, 10))  # 2,000 numbers in one year
    item = uploaded(
        f'issn;library;year;numbers\n{ISSN};{library};1957;"{many}"\n'.encode(),
        name="h.csv",
        file_format=CSV,
    )
    assert "More than 1000 numbers" in problems(item)[0]
    # The file's limit, made small here, is checked while the file is read.
    monkeypatch.setattr(holdings_import, "MAX_FILE_ISSUES", 150)
    spans = "".join(f"{ISSN};{library};1800–1899\n" for _n in range(2))
    item = uploaded(f"issn;library;year\n{spans}".encode(), name="h.csv", file_format=CSV)
    assert "more than 150 issues" in " ".join(item.report["refused"])
    huge = marc21_holdings(library=str(library), pairs=[("1700-1999", "")] * 1)
    monkeypatch.setattr(holdings_import, "MAX_RECORD_ISSUES", 100)
    item = uploaded(iso2709(huge))
    assert "more than 100 issues" in problems(item)[0]


def test_a_damaged_csv_is_refused(catalogue):
    item = uploaded(
        b'issn;year\n"0235-8867;' + b"x" * 200_000 + b"\n", name="h.csv", file_format=CSV
    )
    assert item.status == HoldingsImport.Status.FAILED
    assert "damaged" in " ".join(item.report["refused"])
