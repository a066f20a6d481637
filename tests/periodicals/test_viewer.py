"""The issue reader: the page with its image, strip and text (hits marked in the text and
outlined on the image), the downloads (PDF, ALTO, text), clips with a stable URL and a GOST
citation, hostile parameters, and bounded queries."""

import datetime
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from periodicals import alto
from periodicals.models import Scan
from tests.factories.periodicals import PeriodicalsIndexPageFactory, TitlePageFactory
from tests.periodicals.reader_world import PAGE_HEIGHT, PAGE_WIDTH, reader_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def title(home_page):
    archive = PeriodicalsIndexPageFactory(parent=home_page)
    return TitlePageFactory(parent=archive, title="Кузнецкий рабочий", slug="kr")


@pytest.fixture
def issue(title):
    return reader_issue(title)


def test_issue_page_shows_the_first_page_with_its_text(client, issue):
    response = client.get(issue.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="reader-viewer"' in html
    assert "/info.json" in html
    assert 'id="alto-line_2" data-line="line_2">Шахтёры Кузбасса выполнили план <span' in html
    assert [line.text for line in response.context["lines"]][1] == "Шахтёры Кузбасса выполнили план"
    assert "openseadragon.min.js" in html and "viewer.js" in html
    assert "<script>" not in html.replace('<script type="application/json"', "")


def test_hits_are_marked_in_the_text_and_outlined_on_the_still_image(client, issue):
    response = client.get(f"{issue.url}?q=шахтёров")
    html = response.content.decode()
    assert "<mark>Шахтёры</mark>" in html
    assert html.count('class="reader__hit"') == 1
    hits = response.context["boxes"]
    scan = issue.scans.get(number=1)
    word = next(b for w, bs in alto.word_boxes(alto.parse(scan.alto)) for b in bs if w == "Шахтёры")
    assert hits == [[word.x, word.y, word.width, word.height]]
    # The page strip says where else the words are.
    assert [p["number"] for p in response.context["hit_pages"]] == [1]


def test_a_word_hyphenated_across_lines_is_outlined_on_both(client, issue):
    response = client.get(f"{issue.url}2/?q=городской")
    assert response.status_code == 200
    assert len(response.context["boxes"]) == 2
    assert "<mark>городской</mark>" in response.content.decode()


def test_pages_and_links(client, issue):
    response = client.get(f"{issue.url}2/")
    html = response.content.decode()
    assert response.context["current"].number == 2
    assert f'href="{issue.url}1/"' in html  # the strip and «previous»
    assert f"{issue.url}2/pdf/" in html and f"{issue.url}2/alto/" in html
    assert "full/150," in html  # thumbnails of the strip
    assert client.get(f"{issue.url}3/").status_code == 404
    assert client.get(f"{issue.url}99999999999/").status_code == 404


def test_the_archive_search_opens_the_page_of_the_hit(client, issue):
    from periodicals.search import hit_url

    response = client.get(hit_url(issue.url, issue.scans.get(number=2), "городской"))
    assert response.context["current"].number == 2
    assert len(response.context["boxes"]) == 2
    assert 'id="p2"' in response.content.decode()
    assert client.get(f"{issue.url}?page=2").context["current"].number == 2
    # A page the issue does not have, or no number: the first page.
    for query in ("?page=7", "?page=x", "?page=99999999999999"):
        response = client.get(f"{issue.url}{query}")
        assert response.status_code == 200 and response.context["current"].number == 1


def test_downloads(client, issue):
    text = client.get(f"{issue.url}2/text/")
    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode().splitlines() == [
        "Вести с полей",
        "Библиотека открыла городской",
        "читальный зал",
    ]
    xml = client.get(f"{issue.url}2/alto/")
    assert xml["Content-Type"] == "application/xml"
    assert alto.parse(xml.content).width == PAGE_WIDTH
    pdf = client.get(f"{issue.url}1/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert round(float(box.width) / float(box.height), 3) == round(PAGE_WIDTH / PAGE_HEIGHT, 3)
    image = next(iter(reader.pages[0].images))
    assert image.image.size == (PAGE_WIDTH, PAGE_HEIGHT)
    assert "Кузнецкий рабочий. — 1957. — 9 мая (№ 54). — С. 1." in reader.metadata.title


def test_a_clip_has_a_stable_url_an_image_and_a_citation(client, issue):
    response = client.get(f"{issue.url}klip/1/?x=80&y=140&w=300&h=40")
    assert response.status_code == 302
    assert response["Location"] == f"{issue.url}klip/1/80-140-300-40/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Кузнецкий рабочий. — 1957. — 9 мая (№ 54). — С. 1. — URL: http://testserver" in html
    assert "(дата обращения: " in html
    image = client.get(f"{issue.url}klip/1/80-140-300-40/image/")
    assert image["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(image.content)) as clip:
        assert clip.size == (300, 40)
        # The region holds the dark bars of the words «Шахтёры Кузбасса».
        assert min(clip.convert("L").getdata()) < 80


def test_clip_images_are_throttled_per_address(client, issue, settings):
    from django.core.cache import cache

    settings.KUZBIB_BASE = {
        **settings.KUZBIB_BASE,
        "THROTTLE": {
            "ENABLED": True,
            "WINDOW_SECONDS": 3600,
            "LIMITS": {"periodical_clip": {"ip": 2}},
        },
    }
    cache.clear()
    image_url = f"{issue.url}klip/1/80-140-300-40/image/"
    # Unknown regions are not counted: they cost nothing.
    assert client.get(f"{issue.url}klip/1/1200-0-10-10/image/").status_code == 404
    for _ in range(2):
        assert client.get(image_url).status_code == 200
    refused = client.get(image_url)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Слишком много фрагментов" in refused.content.decode()
    # The clip's page (no image cut) is not throttled.
    assert client.get(f"{issue.url}klip/1/80-140-300-40/").status_code == 200
    # Another address has its own count.
    assert client.get(image_url, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_region_over_the_edge_is_cut_to_the_page(client, issue):
    response = client.get(f"{issue.url}klip/1/1000-1600-5000-5000/")
    assert response.status_code == 302
    assert response["Location"].endswith("/klip/1/1000-1600-200-100/")


@pytest.mark.parametrize(
    "path",
    [
        "klip/1/0-0-0-10/",  # zero size
        "klip/1/1200-0-10-10/",  # outside the page
        "klip/1/0-0-10/",  # three numbers
        "klip/1/9999999-0-10-10/",
        "klip/1/a-b-c-d/",
        "klip/1/0-0-10-10/image/../",
        "klip/2000000000/0-0-10-10/",
        "klip/1/0-0-0-10/image/",
        "99999/pdf/",
        "99999/alto/",
        "0/text/",
    ],
)
def test_hostile_clip_and_page_paths_are_not_found(client, issue, path):
    assert client.get(f"{issue.url}{path}").status_code == 404


@pytest.mark.parametrize(
    "query", ["x=&y=&w=&h=", "x=-5&y=0&w=10&h=10", "x=1e9&y=0&w=1&h=1", "x=0&y=0&w=0&h=0", ""]
)
def test_a_bad_clip_form_says_what_is_wrong(client, issue, query):
    response = client.get(f"{issue.url}klip/1/?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_a_corrected_line_shows_the_readers_text(client, issue):
    from periodicals.models import Correction

    scan = issue.scans.get(number=1)
    Correction.objects.create(
        scan=scan,
        line="line_3",
        original="Новая шахта в посёлке Осинники",
        proposed="Новая шахта в посёлке Осинники сдана",
        status=Correction.Status.ACCEPTED,
    )
    response = client.get(f"{issue.url}?q=сдана")
    line = response.context["lines"][2]
    assert line.corrected and line.text == "Новая шахта в посёлке Осинники сдана"
    assert "<mark>сдана</mark>" in response.content.decode()
    assert f"{issue.url}istoriya/1/line_3/" in response.content.decode()
    # The download is the OCR's text, the master.
    assert "сдана" not in client.get(f"{issue.url}1/text/").content.decode()


def test_without_alto_the_text_comes_from_the_plain_text(client, issue):
    Scan.objects.filter(issue=issue, number=1).update(alto="", text="Первая строка\nВторая")
    response = client.get(issue.url)
    assert [line.text for line in response.context["lines"]] == ["Первая строка", "Вторая"]
    assert client.get(f"{issue.url}1/alto/").status_code == 404


def test_queries_are_bounded(client, title, django_assert_max_num_queries):
    small = reader_issue(title, date=datetime.date(1957, 5, 10), number="55")
    big = reader_issue(title, date=datetime.date(1957, 5, 11), number="56")
    for number in range(3, 31):
        Scan.objects.create(
            issue=big, number=number, width=PAGE_WIDTH, height=PAGE_HEIGHT, tiled=True
        )
    client.get(small.url)  # warm the site's caches
    with django_assert_max_num_queries(18) as small_queries:
        client.get(f"{small.url}?q=шахтёров")
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = client.get(f"{big.url}?q=шахтёров")
    assert len(response.context["pages"]) == 30
