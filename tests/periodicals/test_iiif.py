"""IIIF: the issue's manifest, the title's and the archive's collections load in iiif-prezi3's
models (Presentation 3), the image service's info.json and files (level 0), and Content Search
1.0 and 2.0 answers checked against the specifications' text: an ``sc:AnnotationList`` of
``oa:Annotation`` painting ``cnt:ContentAsText`` on ``canvas#xywh=`` with ``search:Hit``s naming
them (1.0, §3.3–3.4), an ``AnnotationPage`` of ``Annotation`` with a ``TextualBody`` targeting
``canvas#xywh=``, paged through ``partOf`` (an ``AnnotationCollection`` with ``total``, ``first``,
``last``), ``next``/``prev``, ``startIndex`` and ``ignored`` (2.0, §3.3–3.4)."""

import json
import re

import pytest
from iiif_prezi3 import Collection, Manifest
from PIL import Image

from periodicals.models import Scan
from tests.factories.periodicals import PeriodicalsIndexPageFactory, TitlePageFactory
from tests.periodicals.reader_world import PAGE_HEIGHT, PAGE_WIDTH, reader_issue

pytestmark = pytest.mark.django_db

XYWH = re.compile(r"#xywh=(\d+),(\d+),(\d+),(\d+)$")


@pytest.fixture
def archive(home_page):
    return PeriodicalsIndexPageFactory(parent=home_page)


@pytest.fixture
def title(archive):
    return TitlePageFactory(parent=archive, title="Кузнецкий рабочий", slug="kr")


@pytest.fixture
def issue(title):
    return reader_issue(title)


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content[:300]
    assert response["Access-Control-Allow-Origin"] == "*"
    return json.loads(response.content)


# --- Presentation 3 -----------------------------------------------------------------------------


def test_the_manifest_loads_in_iiif_prezi3(client, issue):
    data = get_json(client, f"{issue.url}manifest/")
    manifest = Manifest(**data)
    assert manifest.id == f"http://testserver{issue.url}manifest/"
    assert data["navDate"] == "1957-05-09T00:00:00Z"
    assert data["label"]["ru"] == [f"Кузнецкий рабочий. {issue.title}"]
    assert len(manifest.items) == 2
    canvas = data["items"][0]
    assert (canvas["width"], canvas["height"]) == (PAGE_WIDTH, PAGE_HEIGHT)
    body = canvas["items"][0]["items"][0]["body"]
    assert body["service"][0]["type"] == "ImageService3"
    assert body["service"][0]["profile"] == "level0"
    assert canvas["seeAlso"][0]["format"] == "application/xml"
    assert {r["format"] for r in canvas["rendering"]} == {"application/pdf", "text/plain"}
    assert {s.get("type") or s.get("@type") for s in data["service"]} == {
        "SearchService2",
        "SearchService1",
    }
    metadata = {row["label"]["en"][0]: row["value"]["ru"][0] for row in data["metadata"]}
    assert metadata["Date of issue"] == "1957-05-09" and metadata["Number"] == "54"
    assert data["rights"].startswith("http://creativecommons.org/")
    # Every URL the manifest gives works.
    for url in [
        body["id"],
        canvas["thumbnail"][0]["id"],
        body["service"][0]["id"] + "/info.json",
        canvas["seeAlso"][0]["id"],
        *(r["id"] for r in canvas["rendering"]),
    ]:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200, url


def test_collections_load_in_iiif_prezi3(client, archive, title, issue):
    other = reader_issue(title, pages=[[("Одна", "строка")]], number="55")
    data = get_json(client, f"{title.url}collection/")
    Collection(**data)
    assert [item["id"] for item in data["items"]] == [
        f"http://testserver{issue.url}manifest/",
        f"http://testserver{other.url}manifest/",
    ]
    assert all(item["type"] == "Manifest" and item["navDate"] for item in data["items"])
    assert data["label"] == {"ru": ["Кузнецкий рабочий"]}
    top = get_json(client, f"{archive.url}collection/")
    Collection(**top)
    assert top["items"] == [
        {
            "id": f"http://testserver{title.url}collection/",
            "type": "Collection",
            "label": {"ru": ["Кузнецкий рабочий"]},
        }
    ]


def test_a_metadata_only_manifest_has_no_images(client, title):
    issue = reader_issue(title, access="metadata")
    data = get_json(client, f"{issue.url}manifest/")
    Manifest(**data)
    assert [set(canvas) for canvas in data["items"]] == [
        {"id", "type", "label", "width", "height"}
    ] * 2
    assert "service" not in data
    assert data["rights"] == "http://rightsstatements.org/vocab/InC/1.0/"
    assert "image" not in json.dumps(data["items"])


def test_the_manifest_takes_bounded_queries(client, title, django_assert_max_num_queries):
    small = reader_issue(title, pages=[[("Одна", "строка")]])
    big = reader_issue(title, pages=[[("Одна", "строка")]], number="55")
    for number in range(2, 41):
        Scan.objects.create(
            issue=big, number=number, width=PAGE_WIDTH, height=PAGE_HEIGHT, tiled=True
        )
    get_json(client, f"{small.url}manifest/")  # warm the site's caches
    with django_assert_max_num_queries(12) as counted:
        get_json(client, f"{small.url}manifest/")
    with django_assert_max_num_queries(len(counted.captured_queries)):
        data = get_json(client, f"{big.url}manifest/")
    assert len(data["items"]) == 40


# --- Image API (level 0) ------------------------------------------------------------------------


def test_info_json(client, issue):
    scan = issue.scans.get(number=1)
    info = get_json(client, f"/iiif/periodicals/{scan.pk}/info.json")
    assert info["@context"] == "http://iiif.io/api/image/3/context.json"
    assert info["id"] == f"http://testserver/iiif/periodicals/{scan.pk}"
    assert info["type"] == "ImageService3" and info["profile"] == "level0"
    assert (info["width"], info["height"]) == (PAGE_WIDTH, PAGE_HEIGHT)
    # Every size and every tile it announces exists.
    for size in info["sizes"]:
        w, h = size["width"], size["height"]
        path = "full/max" if (w, h) == (PAGE_WIDTH, PAGE_HEIGHT) else f"full/{w},{h}"
        response = client.get(f"/iiif/periodicals/{scan.pk}/{path}/0/default.jpg")
        assert response.status_code == 200, path
        with Image.open(io_of(response)) as image:
            assert image.size == (w, h)
    tile = info["tiles"][0]
    for factor in tile["scaleFactors"][:-1]:  # the last level is the whole page, under full/
        edge = tile["width"] * factor
        w, h = min(edge, PAGE_WIDTH), min(edge, PAGE_HEIGHT)
        shown = (-(-w // factor), -(-h // factor))
        url = f"/iiif/periodicals/{scan.pk}/0,0,{w},{h}/{shown[0]},{shown[1]}/0/default.jpg"
        assert client.get(url).status_code == 200, url
    assert client.get(f"/iiif/periodicals/{scan.pk}")["Location"].endswith("/info.json")


def io_of(response):
    import io

    return io.BytesIO(b"".join(response.streaming_content))


@pytest.mark.parametrize(
    "path",
    [
        "../../../etc/passwd",
        "full/max/0/../../../info.json",
        "full/max/0/default.png",
        "full/max/90/default.jpg",
        "full/!100,100/0/default.jpg",
        "pct:10,10,10,10/max/0/default.jpg",
        "0,0,512,512/512,512/0/gray.jpg",
        "99999,99999,1,1/1,1/0/default.jpg",
        "full/1,1/0/default.jpg",
        "info.json/..",
        "%2e%2e/%2e%2e/secret",
    ],
)
def test_hostile_image_paths_are_not_found(client, issue, path):
    scan = issue.scans.get(number=1)
    assert client.get(f"/iiif/periodicals/{scan.pk}/{path}").status_code == 404


def test_unknown_scans_are_not_found(client, issue):
    assert client.get("/iiif/periodicals/99999999/info.json").status_code == 404
    assert client.get("/iiif/periodicals/9999999999/info.json").status_code == 404
    assert client.get("/iiif/periodicals/99999999999/info.json").status_code == 404
    issue.unpublish()
    scan = issue.scans.get(number=1)
    assert client.get(f"/iiif/periodicals/{scan.pk}/info.json").status_code == 404


# --- Content Search -----------------------------------------------------------------------------


def test_search_v1_follows_the_specification(client, issue):
    data = get_json(client, f"{issue.url}search/?q=шахтёров+полей&motivation=painting")
    assert "http://iiif.io/api/search/1/context.json" in data["@context"]
    assert data["@type"] == "sc:AnnotationList"
    assert data["@id"].startswith(f"http://testserver{issue.url}search/?q=")
    # No page has both words; each word is searched on the pages that have every word.
    assert data["resources"] == [] and data["within"]["total"] == 0
    assert data["within"]["ignored"] == ["motivation"]

    data = get_json(client, f"{issue.url}search/?q=городской")
    assert len(data["hits"]) == 1
    hit = data["hits"][0]
    assert hit["@type"] == "search:Hit"
    assert hit["match"] == "городской"
    assert hit["before"] == "Вести с полей Библиотека открыла"
    assert hit["after"] == "читальный зал"
    # The hyphenated word has a box on each line: two annotations, one hit.
    assert len(hit["annotations"]) == 2
    by_id = {annotation["@id"]: annotation for annotation in data["resources"]}
    assert set(hit["annotations"]) == set(by_id)
    canvas = f"http://testserver{issue.url}manifest/canvas/2"
    for annotation in by_id.values():
        assert annotation["@type"] == "oa:Annotation"
        assert annotation["motivation"] == "sc:painting"
        assert annotation["resource"] == {"@type": "cnt:ContentAsText", "chars": "городской"}
        assert annotation["on"].startswith(canvas + "#xywh=")
    (x1, y1, *_), (x2, y2, *_) = (
        map(int, XYWH.search(a["on"]).groups()) for a in data["resources"]
    )
    assert y2 > y1 and x2 < x1  # «го-» at the end of a line, «родской» at the next's start


def test_search_v2_follows_the_specification(client, issue):
    data = get_json(client, f"{issue.url}search2/?q=шахтёров&user=someone")
    assert data["@context"] == "http://iiif.io/api/search/2/context.json"
    assert data["type"] == "AnnotationPage"
    assert data["ignored"] == ["user"]
    assert data["partOf"]["type"] == "AnnotationCollection"
    assert data["partOf"]["total"] == 1
    assert data["startIndex"] == 0 and "next" not in data
    (annotation,) = data["items"]
    assert annotation["type"] == "Annotation"
    assert annotation["body"]["type"] == "TextualBody"
    assert annotation["body"]["value"] == "Шахтёры"
    assert annotation["target"].startswith(f"http://testserver{issue.url}manifest/canvas/1#xywh=")
    (highlight,) = data["annotations"][0]["items"]
    assert highlight["motivation"] == "highlighting"
    selector = highlight["target"][0]["selector"][0]
    assert selector["type"] == "TextQuoteSelector"
    assert (
        selector["exact"] == "Шахтёры"
        and selector["suffix"] == " Кузбасса выполнили план Новая шахта"
    )


def test_search_v2_pages_many_hits(client, title):
    lines = [("слово",) * 10] * 25  # 250 hits on one page
    issue = reader_issue(title, pages=[lines])
    first = get_json(client, f"{issue.url}search2/?q=слово")
    assert first["partOf"]["total"] == 250
    assert len(first["items"]) == 100
    assert first["next"]["id"].endswith("page=2")
    last_url = first["partOf"]["last"]["id"].removeprefix("http://testserver")
    last = get_json(client, last_url)
    assert last["startIndex"] == 200 and len(last["items"]) == 50
    assert "next" not in last and last["prev"]["id"].endswith("page=2")
    get_json(client, f"{issue.url}search2/?q=слово&page=4", status=404) if False else None
    assert client.get(f"{issue.url}search2/?q=слово&page=4").status_code == 404
    for bad in ("0", "-1", "abc", "9" * 30):
        assert client.get(f"{issue.url}search2/?q=слово&page={bad}").status_code == 400


def test_an_empty_query_finds_nothing(client, issue):
    for url in (f"{issue.url}search/?q=", f"{issue.url}search2/", f"{issue.url}search/?q=и"):
        data = get_json(client, url)
        assert data.get("resources", data.get("items")) == []
    long = "шахта " * 500
    assert client.get(f"{issue.url}search2/?q={long}").status_code == 200


def test_a_title_collection_takes_bounded_queries(client, title, django_assert_max_num_queries):
    from tests.factories.periodicals import IssuePageFactory

    IssuePageFactory(parent=title)
    get_json(client, f"{title.url}collection/")  # warm the site's caches
    with django_assert_max_num_queries(10) as counted:
        get_json(client, f"{title.url}collection/")
    for _ in range(30):
        IssuePageFactory(parent=title)
    with django_assert_max_num_queries(len(counted.captured_queries)):
        data = get_json(client, f"{title.url}collection/")
    assert len(data["items"]) == 31
    assert [item["navDate"] for item in data["items"]] == sorted(
        item["navDate"] for item in data["items"]
    )


@pytest.mark.parametrize("q", ["%00шахта", "шахта%00", "%F0%9F%92%A9", "a" * 3000, "%25%27%22<>"])
def test_hostile_queries_answer_without_error(client, issue, q):
    for route in ("search/", "search2/"):
        assert client.get(f"{issue.url}{route}?q={q}").status_code == 200
    assert client.get(f"{issue.url}?q={q}").status_code == 200
