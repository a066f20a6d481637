"""A real harvester against a real server: the ``sickle`` library harvests every hero of the
archive from the live test server through resumption tokens, by GET and by POST, and each
response it received is valid OAI-PMH 2.0 with valid oai_dc."""

from collections import Counter
from urllib.parse import urlsplit

import pytest
from sickle import Sickle
from wagtail.models import Site

from heroes_archive.models import HeroPage, Industry
from tests.factories import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory
from tests.heroes_archive.schemas import validate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

HEROES = 250
BATCH = 100


@pytest.fixture
def archive(home_page, live_server, settings):
    """250 heroes in three municipalities and every industry, on a site whose port is the live
    server's, so that the page URLs in the records are the server's own."""
    settings.KUZBIB_HEROES_ARCHIVE = {
        **getattr(settings, "KUZBIB_HEROES_ARCHIVE", {}),
        "OAI_BATCH": BATCH,
    }
    Site.objects.filter(is_default_site=True).update(port=urlsplit(live_server.url).port)
    Site.clear_site_root_paths_cache()
    index = HeroIndexPageFactory(parent=home_page)
    municipalities = [
        MunicipalityFactory(name=name)
        for name in ("Беловский городской округ", "Кемеровский городской округ", "Юргинский")
    ]
    industries = Industry.values
    for n in range(HEROES):
        HeroPageFactory(
            parent=index,
            municipality=municipalities[n % 3],
            industry=industries[n % len(industries)],
        )
    return municipalities


def harvester(live_server, responses, **options):
    """Sickle on the live server, keeping every HTTP response it gets."""

    def keep(response, *args, **kwargs):
        responses.append(response)

    # Connection: close lets each of the server's request threads end, closing its database
    # connection, as soon as it has answered; a kept-alive one outlives the test and keeps the
    # test database from being dropped at the end of the run.
    return Sickle(
        f"{live_server.url}/oai/",
        hooks={"response": [keep]},
        headers={"Connection": "close"},
        **options,
    )


def test_sickle_harvests_every_record_through_resumption_tokens(live_server, archive):
    responses = []
    records = list(harvester(live_server, responses).ListRecords(metadataPrefix="oai_dc"))

    assert len(responses) == 3  # 100 + 100 + 50
    for response in responses:
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/xml; charset=utf-8"
        validate(response.content)
    seen = Counter(record.header.identifier for record in records)
    assert len(seen) == HEROES
    assert set(seen.values()) == {1}
    expected = {
        f"oai:localhost:{identifier}"
        for identifier in HeroPage.objects.values_list("identifier", flat=True)
    }
    assert set(seen) == expected
    first = HeroPage.objects.order_by("pk").first()
    [url] = records[0].metadata["identifier"]
    # The page's address on the server the harvester talked to, from the site's host and port.
    assert url == f"{live_server.url}/geroi/{first.slug}/"
    assert records[0].metadata["title"] == [first.title]


def test_sickle_harvests_a_set_by_post(live_server, archive):
    responses = []
    sickle = harvester(live_server, responses, http_method="POST")
    municipality = archive[1]
    headers = list(
        sickle.ListIdentifiers(metadataPrefix="oai_dc", set=f"municipality:{municipality.pk}")
    )
    in_set = HeroPage.objects.filter(municipality=municipality)
    assert sorted(header.identifier for header in headers) == sorted(
        f"oai:localhost:{hero.identifier}" for hero in in_set
    )
    assert len(headers) == 83  # heroes 1, 4, 7 … 247
    assert len(responses) == 1
    assert all(f"municipality:{municipality.pk}" in header.setSpecs for header in headers)

    sets = {item.setSpec for item in sickle.ListSets()}
    assert {f"municipality:{m.pk}" for m in archive} <= sets
    assert {f"industry:{value}" for value in Industry.values} <= sets
    for response in responses:
        validate(response.content)
