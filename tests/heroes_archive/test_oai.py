"""The heroes archive's OAI-PMH 2.0 endpoint through HTTP: every verb, sets, from/until by day and
by second, resumption tokens, only the live public heroes of the requesting site, and each error
condition for each kind of bad request. Every response is validated against the official
OAI-PMH 2.0 and oai_dc schemas (tests/heroes_archive/schemas)."""

import datetime
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from wagtail.models import Page, PageViewRestriction, Site

from heroes_archive import citation, oai
from heroes_archive.models import AwardKind, HeroPage, Industry, Source
from kuzbib_site.base import partial_dates
from tests.factories import MunicipalityFactory
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory
from tests.heroes_archive.schemas import validate

URL = "/oai/"
NS = {"oai": oai.OAI_NS, "oai_dc": oai.OAI_DC_NS, "dc": oai.DC_NS}


def utc(*parts):
    return datetime.datetime(*parts, tzinfo=datetime.UTC)


def published_at(hero, moment):
    """What publishing the hero's revision at ``moment`` records."""
    HeroPage.objects.filter(pk=hero.pk).update(first_published_at=moment, last_published_at=moment)


def harvest(client, query="", method="get", **arguments):
    """One request (a raw query string or arguments); the response is checked to be 200,
    text/xml in UTF-8 and valid against the schemas, and returned as its root element."""
    if method == "get":
        response = client.get(f"{URL}?{query}" if query else URL, arguments)
    else:
        body = urlencode(arguments)
        response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return validate(response.content)


def error_codes(root):
    return [error.get("code") for error in root.findall("oai:error", NS)]


def identifiers(root):
    return [element.text for element in root.iterfind(".//oai:header/oai:identifier", NS)]


def dc(record, name):
    return [element.text for element in record.iterfind(f".//dc:{name}", NS)]


def token_of(root):
    return root.find(".//oai:resumptionToken", NS)


@pytest.fixture
def oai_settings(settings):
    """The archive's settings with overrides: ``oai_settings(OAI_BATCH=2)``."""

    def override(**values):
        current = getattr(settings, "KUZBIB_HEROES_ARCHIVE", {})
        settings.KUZBIB_HEROES_ARCHIVE = {**current, **values}

    return override


@pytest.fixture
def archive(home_page):
    """Three heroes published at known moments: a twice-hero miner of Prokopyevsk with a tag and
    a source, a steelworker of Novokuznetsk and a farmer with no municipality."""
    index = HeroIndexPageFactory(parent=home_page)
    prokopyevsk = MunicipalityFactory(name="Прокопьевский городской округ")
    novokuznetsk = MunicipalityFactory(name="Новокузнецкий городской округ")
    miner = HeroPageFactory(
        parent=index,
        identifier="GST-00001",
        surname="Шахтёров",
        municipality=prokopyevsk,
        birth_place="д. Ивановка Прокопьевского района",
        summary="Забойщик шахты «Северная», дважды Герой Социалистического Труда.",
        awards=[
            (AwardKind.HERO, "26.04.1957", 1),
            (AwardKind.HERO, "1971", 2),
            (AwardKind.ORDER_LENIN, "26.04.1957"),
        ],
    )
    miner.tags.add("шахтёры")
    miner.sources.add(
        Source(
            author="Петров П. П.",
            title="Забойщик из Прокопьевска",
            container="Кузбасс",
            year=1957,
            issue="№ 98",
        )
    )
    miner.save()
    steelworker = HeroPageFactory(
        parent=index,
        identifier="GST-00002",
        surname="Сталеваров",
        industry=Industry.METALLURGY,
        profession="сталевар",
        municipality=novokuznetsk,
    )
    farmer = HeroPageFactory(
        parent=index,
        identifier="GST-00003",
        surname="Хлеборобова",
        given_name="Мария",
        patronymic="Ивановна",
        sex="f",
        industry=Industry.AGRICULTURE,
        profession="доярка",
    )
    published_at(miner, utc(2024, 1, 10, 8, 0, 0, 500_000))
    published_at(steelworker, utc(2024, 2, 1, 12, 0, 0))
    published_at(farmer, utc(2024, 3, 5, 23, 59, 59))
    return SimpleNamespace(
        index=index,
        miner=miner,
        steelworker=steelworker,
        farmer=farmer,
        prokopyevsk=prokopyevsk,
        novokuznetsk=novokuznetsk,
    )


# -- the verbs -----------------------------------------------------------------------------


def test_identify_describes_the_repository(client, archive):
    root = harvest(client, verb="Identify")
    assert root.find("oai:request", NS).get("verb") == "Identify"
    assert root.find("oai:request", NS).text == "http://testserver/oai/"
    identify = root.find("oai:Identify", NS)
    assert archive.index.title in identify.findtext("oai:repositoryName", namespaces=NS)
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai/"
    assert identify.findtext("oai:protocolVersion", namespaces=NS) == "2.0"
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == "2024-01-10T08:00:00Z"
    assert identify.findtext("oai:deletedRecord", namespaces=NS) == "no"
    assert identify.findtext("oai:granularity", namespaces=NS) == "YYYY-MM-DDThh:mm:ssZ"
    assert "@" in identify.findtext("oai:adminEmail", namespaces=NS)


def test_identify_names_the_configured_administrator(client, archive, oai_settings, settings):
    settings.ADMINS = [("Администратор", "admin@kuzbib.example")]
    root = harvest(client, verb="Identify")
    assert root.findtext(".//oai:adminEmail", namespaces=NS) == "admin@kuzbib.example"
    oai_settings(OAI_ADMIN_EMAIL="oai@kuzbib.example")
    root = harvest(client, verb="Identify")
    assert root.findtext(".//oai:adminEmail", namespaces=NS) == "oai@kuzbib.example"
    # «noreply@localhost» is no address the schema takes: a placeholder that cannot be one.
    oai_settings(OAI_ADMIN_EMAIL=None)
    settings.ADMINS = []
    settings.DEFAULT_FROM_EMAIL = "Кузбасские библиотеки <noreply@localhost>"
    root = harvest(client, verb="Identify")
    assert root.findtext(".//oai:adminEmail", namespaces=NS) == "webmaster@localhost.invalid"


def test_list_metadata_formats_offers_oai_dc(client, archive):
    for arguments in ({}, {"identifier": "oai:localhost:GST-00001"}):
        root = harvest(client, verb="ListMetadataFormats", **arguments)
        formats = root.findall(".//oai:metadataFormat", NS)
        assert [f.findtext("oai:metadataPrefix", namespaces=NS) for f in formats] == ["oai_dc"]
        assert formats[0].findtext("oai:metadataNamespace", namespaces=NS) == oai.OAI_DC_NS
        assert formats[0].findtext("oai:schema", namespaces=NS) == oai.OAI_DC_SCHEMA


def test_list_sets_by_municipality_and_industry(client, archive):
    root = harvest(client, verb="ListSets")
    sets = {
        entry.findtext("oai:setSpec", namespaces=NS): entry.findtext("oai:setName", namespaces=NS)
        for entry in root.iterfind(".//oai:set", NS)
    }
    assert list(sets) == [
        "municipality",
        f"municipality:{archive.novokuznetsk.pk}",  # by name: Новокузнецкий before Прокопьевский
        f"municipality:{archive.prokopyevsk.pk}",
        "industry",
        "industry:coal",
        "industry:metallurgy",
        "industry:agriculture",
    ]
    assert sets[f"municipality:{archive.prokopyevsk.pk}"] == "Прокопьевский городской округ"
    with translation.override("ru"):
        assert sets["industry:coal"] == capfirst(gettext("coal industry"))
        assert sets["industry"] == gettext("Heroes by industry")


def test_get_record_gives_the_heros_dublin_core(client, archive):
    root = harvest(
        client, verb="GetRecord", identifier="oai:localhost:GST-00001", metadataPrefix="oai_dc"
    )
    request = root.find("oai:request", NS)
    assert request.get("identifier") == "oai:localhost:GST-00001"
    assert request.get("metadataPrefix") == "oai_dc"
    record = root.find("oai:GetRecord/oai:record", NS)
    header = record.find("oai:header", NS)
    assert header.findtext("oai:identifier", namespaces=NS) == "oai:localhost:GST-00001"
    # last_published_at in UTC, to the second.
    assert header.findtext("oai:datestamp", namespaces=NS) == "2024-01-10T08:00:00Z"
    assert [spec.text for spec in header.findall("oai:setSpec", NS)] == [
        f"municipality:{archive.prokopyevsk.pk}",
        "industry:coal",
    ]
    assert dc(record, "title") == ["Шахтёров Иван Петрович"]
    assert dc(record, "creator") == []  # the hero is the subject, not the author
    with translation.override("ru"):
        industry = capfirst(gettext("coal industry"))
        hero_title = gettext("Hero of Socialist Labour")
        titles = ", ".join(partial_dates.display(date) for date in ("26.04.1957", "1971"))
    assert dc(record, "subject") == [industry, "забойщик", "шахтёры"]
    summary, facts = dc(record, "description")
    assert summary == archive.miner.summary
    # Both Hero titles with their dates, in Russian; the Order of Lenin is not the title.
    assert f"{hero_title}: {titles}." in facts
    assert "д. Ивановка Прокопьевского района" in facts
    assert dc(record, "date") == ["2024-01-10"]
    assert dc(record, "type") == ["Text"]
    assert dc(record, "identifier") == ["http://localhost/geroi/gst-00001/"]
    assert dc(record, "relation") == ["http://localhost/geroi/"]
    assert dc(record, "coverage") == ["Прокопьевский городской округ"]
    assert dc(record, "language") == ["ru"]
    assert dc(record, "source") == [citation.gost_source(archive.miner.sources.get())]
    assert dc(record, "source")[0].startswith("Петров, П. П. Забойщик из Прокопьевска")
    assert dc(record, "rights")


def test_list_records_in_batches_with_resumption_tokens(client, archive, oai_settings):
    oai_settings(OAI_BATCH=2, OAI_TOKEN_SECONDS=3600)
    before = timezone.now().replace(microsecond=0)
    first = harvest(client, verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(first) == ["oai:localhost:GST-00001", "oai:localhost:GST-00002"]
    assert len(first.findall(".//oai:record/oai:metadata/oai_dc:dc", NS)) == 2
    token = token_of(first)
    assert token.get("cursor") == "0"
    assert token.get("completeListSize") == "3"
    expires = datetime.datetime.strptime(token.get("expirationDate"), oai.DATESTAMP_FORMAT)
    expires = expires.replace(tzinfo=datetime.UTC)
    assert before + datetime.timedelta(seconds=3600) <= expires
    assert expires <= timezone.now() + datetime.timedelta(seconds=3600)

    last = harvest(client, verb="ListRecords", resumptionToken=token.text)
    assert last.find("oai:request", NS).get("resumptionToken") == token.text
    assert identifiers(last) == ["oai:localhost:GST-00003"]
    # The last part of a list ends with an empty token.
    assert token_of(last).text is None
    assert token_of(last).get("cursor") == "2"
    assert token_of(last).get("completeListSize") == "3"


def test_a_list_that_fits_one_response_has_no_token(client, archive):
    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(identifiers(root)) == 3
    assert token_of(root) is None
    assert root.findall(".//oai:record", NS) == []  # headers only


def test_sets_select_records(client, archive):
    def listed(set_spec):
        root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=set_spec)
        return [identifier.rsplit(":", 1)[1] for identifier in identifiers(root)]

    assert listed("industry:coal") == ["GST-00001"]
    assert listed("industry:agriculture") == ["GST-00003"]
    assert listed(f"municipality:{archive.novokuznetsk.pk}") == ["GST-00002"]
    assert listed("municipality") == ["GST-00001", "GST-00002"]
    assert listed("industry") == ["GST-00001", "GST-00002", "GST-00003"]


def test_from_and_until_by_day_and_by_second(client, archive, oai_settings):
    oai_settings(OAI_BATCH=2)  # a token keeps the dates of the request

    def listed(**dates):
        root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        found = identifiers(root)
        while token_of(root) is not None and token_of(root).text:
            root = harvest(client, verb="ListIdentifiers", resumptionToken=token_of(root).text)
            found += identifiers(root)
        return [identifier.rsplit(":", 1)[1] for identifier in found]

    assert listed(**{"from": "2024-02-01"}) == ["GST-00002", "GST-00003"]
    # A day's until takes in the whole day.
    assert listed(until="2024-02-01") == ["GST-00001", "GST-00002"]
    assert listed(**{"from": "2024-01-11", "until": "2024-03-05"}) == ["GST-00002", "GST-00003"]
    # A second's until takes in the whole second: published at 08:00:00.5, datestamp 08:00:00.
    assert listed(**{"from": "2024-01-10T08:00:00Z", "until": "2024-01-10T08:00:00Z"}) == [
        "GST-00001"
    ]
    assert listed(**{"from": "2024-03-05T23:59:59Z"}) == ["GST-00003"]
    assert listed(until="2024-03-05T23:59:58Z") == ["GST-00001", "GST-00002"]


def test_only_the_live_public_heroes_of_the_requesting_site(client, archive):
    draft = HeroPageFactory(parent=archive.index, identifier="GST-00010", live=False)
    private_index = HeroIndexPageFactory(parent=archive.index.get_parent(), slug="zakrytye")
    PageViewRestriction.objects.create(
        page=private_index, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    hidden = HeroPageFactory(parent=private_index, identifier="GST-00011")
    other_root = Page.get_first_root_node().add_child(
        instance=Page(title="Соседняя библиотека", slug="sosedi")
    )
    other_index = HeroIndexPageFactory(parent=other_root)
    neighbour = HeroPageFactory(parent=other_index, identifier="GST-00012")
    Site.objects.create(hostname="sosedi.example", port=80, root_page=other_root)

    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert identifiers(root) == [f"oai:localhost:GST-0000{n}" for n in (1, 2, 3)]
    for hero in (draft, hidden, neighbour):
        root = harvest(
            client,
            verb="GetRecord",
            metadataPrefix="oai_dc",
            identifier=f"oai:localhost:{hero.identifier}",
        )
        assert error_codes(root) == ["idDoesNotExist"]

    neighbours = Client(HTTP_HOST="sosedi.example")
    root = harvest(neighbours, verb="ListRecords", metadataPrefix="oai_dc")
    assert identifiers(root) == ["oai:sosedi.example:GST-00012"]
    assert dc(root, "identifier") == ["http://sosedi.example/geroi/gst-00012/"]


def test_the_repository_identifier_may_be_set(client, archive, oai_settings):
    oai_settings(OAI_REPOSITORY_IDENTIFIER="kuzbib.example")
    root = harvest(
        client, verb="GetRecord", identifier="oai:kuzbib.example:GST-00002", metadataPrefix="oai_dc"
    )
    assert identifiers(root) == ["oai:kuzbib.example:GST-00002"]
    root = harvest(
        client, verb="GetRecord", identifier="oai:localhost:GST-00002", metadataPrefix="oai_dc"
    )
    assert error_codes(root) == ["idDoesNotExist"]


def test_text_the_xml_cannot_carry_is_left_out(client, archive):
    HeroPage.objects.filter(pk=archive.farmer.pk).update(summary="Доярка\x0b колхоза\x1b «Заря»")
    root = harvest(
        client, verb="GetRecord", identifier="oai:localhost:GST-00003", metadataPrefix="oai_dc"
    )
    assert dc(root, "description")[0] == "Доярка колхоза «Заря»"


def test_the_protocol_answers_without_http(archive):
    site = Site.objects.get(is_default_site=True)
    repository = oai.Repository(site, "https://kuzbib.example/oai/")
    root = validate(oai.respond([("verb", "ListSets")], repository))
    assert root.find("oai:request", NS).text == "https://kuzbib.example/oai/"
    assert len(root.findall(".//oai:set", NS)) == 7
    root = validate(oai.respond(None, repository))
    assert error_codes(root) == ["badArgument"]


# -- HTTP ----------------------------------------------------------------------------------


def test_a_form_post_is_answered_like_get_without_a_csrf_token(archive):
    harvester = Client(enforce_csrf_checks=True)
    root = harvest(harvester, method="post", verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(identifiers(root)) == 3


def test_other_methods_and_bodies(client, archive):
    assert client.put(URL, "verb=Identify").status_code == 405
    assert client.head(f"{URL}?verb=Identify").status_code == 200
    response = client.post(URL, {"verb": "Identify"}, content_type="application/json")
    assert response.status_code == 200
    assert error_codes(validate(response.content)) == ["badArgument"]


def test_more_fields_or_bytes_than_django_reads(client, archive, settings):
    many = "&".join(f"a{n}=1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    assert error_codes(harvest(client, f"verb=Identify&{many}")) == ["badArgument"]
    response = client.post(URL, many, content_type="application/x-www-form-urlencoded")
    assert error_codes(validate(response.content)) == ["badArgument"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = urlencode({"verb": "Identify", "padding": "x" * 2000})
    response = client.post(URL, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert error_codes(validate(response.content)) == ["badArgument"]


# -- errors --------------------------------------------------------------------------------

HUGE = "x" * 100_000
LIST = "verb=ListRecords&metadataPrefix=oai_dc"
GET = "verb=GetRecord&metadataPrefix=oai_dc&identifier="
FORGED = ".eJyrVkrOzytJzSvRs1QoyU_OTs1L0VFQKkotLs0pUbJSKi1OLVKqBQC_cQwP:1:x"

BAD_REQUESTS = [
    # badVerb: no verb, an unknown one, a repeated one, garbage.
    ("", "badVerb"),
    ("verb=Frobnicate", "badVerb"),
    ("verb=identify", "badVerb"),
    ("verb=Identify&verb=Identify", "badVerb"),
    ("verb=Identify&verb=ListSets", "badVerb"),
    ("verb=%00", "badVerb"),
    ("verb=" + HUGE, "badVerb"),
    ("verb=%D0%93%D0%B5%D1%80%D0%BE%D0%B9", "badVerb"),
    ("verb=%FF%FE", "badVerb"),
    # badArgument: arguments the verb does not take, missing, repeated or malformed.
    ("verb=Identify&set=industry", "badArgument"),
    ("verb=Identify&%00=1", "badArgument"),
    ("verb=ListSets&metadataPrefix=oai_dc", "badArgument"),
    ("verb=ListRecords", "badArgument"),
    ("verb=ListIdentifiers&set=industry", "badArgument"),
    ("verb=GetRecord&metadataPrefix=oai_dc", "badArgument"),
    ("verb=GetRecord&identifier=oai:localhost:GST-00001", "badArgument"),
    (LIST + "&metadataPrefix=oai_dc", "badArgument"),
    (LIST + "&set=industry&set=municipality", "badArgument"),
    (LIST + "&resumptionToken=abc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=oai%20dc", "badArgument"),
    ("verb=ListRecords&metadataPrefix=", "badArgument"),
    (LIST + "&set=", "badArgument"),
    (LIST + "&set=industry:%00", "badArgument"),
    (LIST + "&set=%D1%83%D0%B3%D0%BE%D0%BB%D1%8C", "badArgument"),
    (LIST + "&set=industry::coal", "badArgument"),
    (LIST + "&from=2024-13-01", "badArgument"),
    (LIST + "&from=2024-02-30", "badArgument"),
    (LIST + "&from=0000-01-01", "badArgument"),
    (LIST + "&from=2024-01-01T00:00:00", "badArgument"),
    (LIST + "&from=2024-01-01T00:00:00%2B07:00", "badArgument"),
    (LIST + "&from=2024-01-01T25:00:00Z", "badArgument"),
    (LIST + "&from=%EF%BC%92024-01-01", "badArgument"),
    (LIST + "&from=2024-01-01%0A", "badArgument"),
    (LIST + "&from=yesterday", "badArgument"),
    (LIST + "&from=2024-01-01&until=2024-01-02T00:00:00Z", "badArgument"),
    (LIST + "&from=2024-02-01&until=2024-01-01", "badArgument"),
    (GET + "oai:localhost:GST%0A00001", "badArgument"),
    (GET + "oai:localhost:GST%2000001", "badArgument"),
    (GET + "" + HUGE, "badArgument"),
    ("verb=ListRecords&resumptionToken=" + HUGE, "badArgument"),
    ("verb=ListMetadataFormats&identifier=", "badArgument"),
    # cannotDisseminateFormat: a format the repository does not have.
    ("verb=ListRecords&metadataPrefix=marc21", "cannotDisseminateFormat"),
    ("verb=ListIdentifiers&metadataPrefix=oai_DC", "cannotDisseminateFormat"),
    ("verb=GetRecord&metadataPrefix=mods&identifier=oai:x:GST-1", "cannotDisseminateFormat"),
    # idDoesNotExist: not a record of this repository.
    (GET + "oai:localhost:GST-99999", "idDoesNotExist"),
    (GET + "oai:elsewhere.example:GST-00001", "idDoesNotExist"),
    (GET + "GST-00001", "idDoesNotExist"),
    (GET + "oai:localhost:", "idDoesNotExist"),
    (GET + "oai:localhost:GST%2500001", "idDoesNotExist"),
    (GET + "oai:localhost:%D0%AF%25%25", "badArgument"),
    (GET + "oai:localhost:%D0%AF", "badArgument"),
    (GET + "oai:localhost:a%23b%23c", "badArgument"),
    (GET + "::", "badArgument"),
    (GET + "http://[x]/", "badArgument"),
    ("verb=ListMetadataFormats&identifier=oai:localhost:nobody", "idDoesNotExist"),
    # noRecordsMatch: a set or dates with nothing in them.
    (LIST + "&set=municipality:999999", "noRecordsMatch"),
    (LIST + "&set=municipality:99999999999999", "noRecordsMatch"),
    (LIST + "&set=municipality:abc", "noRecordsMatch"),
    (LIST + "&set=industry:uranium", "noRecordsMatch"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=dynasties", "noRecordsMatch"),
    ("verb=ListIdentifiers&metadataPrefix=oai_dc&set=industry:coal:deep", "noRecordsMatch"),
    (LIST + "&from=2030-01-01", "noRecordsMatch"),
    (LIST + "&until=1990-01-01T00:00:00Z", "noRecordsMatch"),
    # badResumptionToken: not one of ours.
    ("verb=ListRecords&resumptionToken=garbage", "badResumptionToken"),
    ("verb=ListIdentifiers&resumptionToken=", "badResumptionToken"),
    ("verb=ListIdentifiers&resumptionToken=" + FORGED, "badResumptionToken"),
    ("verb=ListSets&resumptionToken=anything", "badResumptionToken"),
]  # fmt: skip


@pytest.mark.parametrize(("query", "code"), BAD_REQUESTS)
def test_each_bad_request_gets_its_error_code(client, archive, query, code):
    root = harvest(client, query)
    assert error_codes(root) == [code]
    assert root.find("oai:error", NS).text
    request = root.find("oai:request", NS)
    assert request.text == "http://testserver/oai/"
    if code in {"badVerb", "badArgument"}:
        # The protocol: after these two the request is echoed without its arguments.
        assert dict(request.attrib) == {}
    else:
        assert request.get("verb")


def test_a_tampered_token_is_refused(client, archive, oai_settings):
    oai_settings(OAI_BATCH=1)
    token = token_of(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")).text
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    root = harvest(client, verb="ListIdentifiers", resumptionToken=tampered)
    assert error_codes(root) == ["badResumptionToken"]


def test_a_token_for_another_verb_is_refused(client, archive, oai_settings):
    oai_settings(OAI_BATCH=1)
    token = token_of(harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")).text
    root = harvest(client, verb="ListRecords", resumptionToken=token)
    assert error_codes(root) == ["badResumptionToken"]


def test_an_expired_token_is_refused(client, archive, oai_settings):
    oai_settings(OAI_BATCH=1)
    token = token_of(harvest(client, verb="ListRecords", metadataPrefix="oai_dc")).text
    oai_settings(OAI_TOKEN_SECONDS=-1)  # every token is older than that
    root = harvest(client, verb="ListRecords", resumptionToken=token)
    assert error_codes(root) == ["badResumptionToken"]


def test_a_token_of_another_site_is_refused(client, archive, oai_settings):
    oai_settings(OAI_BATCH=1)
    token = token_of(harvest(client, verb="ListRecords", metadataPrefix="oai_dc")).text
    other_root = Page.get_first_root_node().add_child(instance=Page(title="Сосед", slug="sosed"))
    Site.objects.create(hostname="sosedi.example", port=80, root_page=other_root)
    root = harvest(Client(HTTP_HOST="sosedi.example"), verb="ListRecords", resumptionToken=token)
    assert error_codes(root) == ["badResumptionToken"]


# -- queries -------------------------------------------------------------------------------


def test_queries_do_not_grow_with_the_heroes(client, archive, assert_queries_bounded):
    site = Site.objects.get(is_default_site=True)
    resumed = oai.Harvest(verb="ListRecords", prefix="oai_dc", total=3).token(site)
    urls = [
        f"{URL}?verb=ListRecords&metadataPrefix=oai_dc",
        f"{URL}?{urlencode({'verb': 'ListRecords', 'resumptionToken': resumed})}",
        f"{URL}?verb=ListIdentifiers&metadataPrefix=oai_dc&set=industry:coal",
        f"{URL}?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:localhost:GST-00001",
        f"{URL}?verb=ListSets",
        f"{URL}?verb=Identify",
    ]

    def add():
        for n in range(12):
            hero = HeroPageFactory(
                parent=archive.index,
                municipality=MunicipalityFactory(),
                awards=[(AwardKind.HERO, "1960"), (AwardKind.HERO, "1970", 2)],
            )
            hero.tags.add(f"метка {n}", "шахтёры")
            hero.sources.add(Source(title=f"Очерк {n}"), Source(title=f"Книга {n}"))
            hero.save()

    counts = assert_queries_bounded(urls, add, cap=10)
    # A batch: the site, the count, the heroes, tags, titles, sources, the archive pages.
    assert counts[0] <= 9
