"""OAI-PMH 2.0 of the periodicals' titles (``/oai/periodicals/``, periodicals.oai on the site's
protocol, kuzbib_site.base.oai): every verb, oai_dc and MARCXML, sets, resumption tokens that
the heroes' endpoint refuses (and the other way round), bad requests answered with error
conditions, bounded queries.

oai_dc responses are validated against the official OAI-PMH 2.0 and oai_dc schemas
(tests/heroes_archive/schemas). For MARCXML the official MARC21slim.xsd is not kept here (no
network in tests): the envelope is validated with a stand-in schema that accepts a
``marc:record`` element only, and the record itself is read back by pymarc's MARCXML parser."""

import datetime
import io
from functools import cache
from urllib.parse import urlencode

import pytest
from lxml import etree
from pymarc import parse_xml_to_array
from wagtail.models import Site

from heroes_archive import oai as heroes_oai
from kuzbib_site.base import oai as protocol
from periodicals import oai
from periodicals.models import TitlePage
from tests.factories.heroes import HeroIndexPageFactory, HeroPageFactory
from tests.factories.periodicals import HoldingFactory, TitlePageFactory
from tests.heroes_archive.schemas import HERE as SCHEMAS
from tests.heroes_archive.schemas import validate

URL = "/oai/periodicals/"
NS = {"oai": protocol.OAI_NS, "dc": protocol.DC_NS, "marc": oai.MARC_NS}
MARC_STAND_IN = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
    targetNamespace="{oai.MARC_NS}" elementFormDefault="qualified">
  <xs:element name="record">
    <xs:complexType>
      <xs:sequence>
        <xs:any processContents="skip" minOccurs="0" maxOccurs="unbounded"/>
      </xs:sequence>
      <xs:anyAttribute processContents="skip"/>
    </xs:complexType>
  </xs:element>
</xs:schema>"""


@cache
def marc_envelope_schema():
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    root = etree.fromstring(
        b"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="OAI-PMH.xsd"/>
  <xs:import namespace="http://www.loc.gov/MARC21/slim" schemaLocation="marc-stand-in.xsd"/>
</xs:schema>""",
        parser,
        base_url=f"{SCHEMAS}/",
    )
    resolver_parser = etree.XMLParser(no_network=True, resolve_entities=False)

    class StandIn(etree.Resolver):
        def resolve(self, url, pubid, context):
            if url.endswith("marc-stand-in.xsd"):
                return self.resolve_string(MARC_STAND_IN, context)
            return None

    resolver_parser.resolvers.add(StandIn())
    root = etree.fromstring(etree.tostring(root), resolver_parser, base_url=f"{SCHEMAS}/")
    return etree.XMLSchema(root)


def harvest(client, **arguments):
    response = client.get(URL, arguments)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    if arguments.get("metadataPrefix") == "marc21" or "resumptionToken" in arguments:
        parser = etree.XMLParser(no_network=True, resolve_entities=False)
        root = etree.fromstring(response.content, parser)
        schema = marc_envelope_schema()
        if root.find(".//marc:record", NS) is not None:
            assert schema.validate(root), schema.error_log
            return root
    return validate(response.content)


def error_codes(root):
    return [error.get("code") for error in root.findall("oai:error", NS)]


def identifiers(root):
    return [element.text for element in root.iterfind(".//oai:header/oai:identifier", NS)]


@pytest.fixture
def titles(catalogue):
    """The catalogue's two titles published at known moments, the first held by both
    libraries, in a municipality, with an earlier name and a description."""
    title, other = catalogue["title"], catalogue["other"]
    title.municipality = catalogue["central"].municipality
    title.earlier_names = "Большевистская сталь (1930–1937)"
    title.description = "<p>Газета <b>Сталинска</b>.</p>"
    title.publisher = "Горком ВКП(б)"
    title.last_year = 1991
    title.save_revision().publish()
    HoldingFactory(title=title, library=catalogue["central"])
    HoldingFactory(title=title, library=catalogue["regional"])
    moments = {title.pk: (2024, 1, 10, 8, 0, 0), other.pk: (2024, 2, 1, 12, 0, 0)}
    for pk, parts in moments.items():
        moment = datetime.datetime(*parts, tzinfo=datetime.UTC)
        TitlePage.objects.filter(pk=pk).update(last_published_at=moment)
    return catalogue


def test_identify(client, titles):
    root = harvest(client, verb="Identify")
    identify = root.find("oai:Identify", NS)
    assert identify.findtext("oai:baseURL", namespaces=NS) == "http://testserver/oai/periodicals/"
    assert titles["archive"].title in identify.findtext("oai:repositoryName", namespaces=NS)
    assert identify.findtext("oai:earliestDatestamp", namespaces=NS) == "2024-01-10T08:00:00Z"


def test_list_metadata_formats_offers_oai_dc_and_marc21(client, titles):
    root = harvest(client, verb="ListMetadataFormats")
    prefixes = [e.text for e in root.iterfind(".//oai:metadataPrefix", NS)]
    assert prefixes == ["oai_dc", "marc21"]


def test_list_records_in_oai_dc(client, titles):
    root = harvest(client, verb="ListRecords", metadataPrefix="oai_dc")
    title = titles["title"]
    assert identifiers(root) == [
        f"oai:localhost:periodical-{title.pk}",
        f"oai:localhost:periodical-{titles['other'].pk}",
    ]
    record = root.find(".//oai:record", NS)
    dc_titles = [e.text for e in record.iterfind(".//dc:title", NS)]
    assert dc_titles == [title.title, "Большевистская сталь (1930–1937)"]
    assert "urn:ISSN:0235-8867" in [e.text for e in record.iterfind(".//dc:identifier", NS)]
    assert "Газета Сталинска." in [e.text for e in record.iterfind(".//dc:description", NS)]
    assert record.findtext(".//oai:setSpec", namespaces=NS) == (
        f"municipality:{title.municipality_id}"
    )


def test_get_record_in_marcxml_reads_back_in_pymarc(client, titles):
    title = titles["title"]
    root = harvest(
        client,
        verb="GetRecord",
        metadataPrefix="marc21",
        identifier=f"oai:localhost:periodical-{title.pk}",
    )
    marc = root.find(".//marc:record", NS)
    records = parse_xml_to_array(io.BytesIO(etree.tostring(marc)))
    assert len(records) == 1
    record = records[0]
    assert record["245"]["a"] == title.title
    assert record["022"]["a"] == "0235-8867"
    assert record["246"]["a"] == "Большевистская сталь (1930–1937)"
    assert record.get_fields("850")[0].get_subfields("a") == [
        titles["regional"].full_name,
        titles["central"].full_name,
    ]
    assert record["008"].data[6:15] == "d19301991"


def test_sets_and_a_set_harvest(client, titles):
    root = harvest(client, verb="ListSets")
    specs = [e.text for e in root.iterfind(".//oai:setSpec", NS)]
    municipality = titles["title"].municipality_id
    assert specs == ["municipality", f"municipality:{municipality}"]
    root = harvest(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=f"municipality:{municipality}"
    )
    assert identifiers(root) == [f"oai:localhost:periodical-{titles['title'].pk}"]


def test_batches_with_tokens_that_only_this_repository_honours(client, titles, settings, home_page):
    settings.KUZBIB_PERIODICALS = {"OAI_BATCH": 1}
    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    token = root.find(".//oai:resumptionToken", NS)
    assert token.get("completeListSize") == "2" and token.get("cursor") == "0"
    root = harvest(client, verb="ListIdentifiers", resumptionToken=token.text)
    assert identifiers(root) == [f"oai:localhost:periodical-{titles['other'].pk}"]
    # A token of this repository means nothing to the heroes' endpoint, and the other way round.
    heroes = HeroIndexPageFactory(parent=home_page)
    HeroPageFactory(parent=heroes, identifier="GST-00001")
    response = client.get("/oai/", {"verb": "ListIdentifiers", "resumptionToken": token.text})
    assert b'code="badResumptionToken"' in response.content
    site = Site.objects.get(is_default_site=True)
    heroes_token = heroes_oai.Harvest(verb="ListIdentifiers", prefix="oai_dc", total=3).token(site)
    root = harvest(client, verb="ListIdentifiers", resumptionToken=heroes_token)
    assert error_codes(root) == ["badResumptionToken"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"verb": "Nonsense"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "marcxml"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:localhost:x"},
            "idDoesNotExist",
        ),
        (
            {
                "verb": "GetRecord",
                "metadataPrefix": "oai_dc",
                "identifier": "oai:localhost:periodical-99999999",
            },
            "idDoesNotExist",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2030-01-01"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "set": "municipality:1:2"},
            "noRecordsMatch",
        ),
        ({"verb": "ListRecords", "resumptionToken": "forged"}, "badResumptionToken"),
        ({"verb": "Identify", "x": "\x00"}, "badArgument"),
    ],
)
def test_bad_requests_get_error_conditions(client, titles, query, code):
    response = client.get(f"{URL}?{urlencode(query)}")
    assert response.status_code == 200
    assert error_codes(validate(response.content)) == [code]


def test_unpublished_titles_are_not_harvested(client, titles):
    titles["other"].unpublish()
    root = harvest(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert identifiers(root) == [f"oai:localhost:periodical-{titles['title'].pk}"]


def test_queries_do_not_grow_with_the_titles(client, titles, django_assert_max_num_queries):
    arguments = {"verb": "ListRecords", "metadataPrefix": "marc21"}
    client.get(URL, arguments)
    with django_assert_max_num_queries(12) as few:
        client.get(URL, arguments)
    for n in range(10):
        title = TitlePageFactory(parent=titles["archive"], identifier=f"x{n}", issn="")
        HoldingFactory(title=title, library=titles["central"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        root = harvest(client, **arguments)
    assert len(root.findall(".//marc:record", NS)) == 12
