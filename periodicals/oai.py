"""OAI-PMH 2.0 for the periodicals archive: aggregators and union catalogues harvest the titles
(``TitlePage``) of a site as unqualified Dublin Core (``oai_dc``) and as MARC 21 bibliographic
records in MARCXML (``marc21``), with the libraries that hold each title in print (850). The
protocol is the site's (``kuzbib_site.base.oai``, as for the heroes archive); this is the
periodicals' repository, at ``/oai/periodicals/`` (``periodicals.oai_urls``).

- records: the live, public titles of the requesting site, identified as
  ``oai:<repository identifier>:periodical-<page id>`` (titles need not have a stable
  identifier; the page id never changes);
- datestamps: the page's ``last_published_at`` in UTC, to the second;
- sets: ``municipality:<id>`` below the parent set ``municipality``;
- settings: ``KUZBIB_PERIODICALS``'s ``OAI_*`` keys (``periodicals.conf``).
"""

import re
import xml.etree.ElementTree as ElementTree  # noqa: S405 — pymarc's output, not parsing input

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from lxml import etree

from kuzbib_site.base import oai as protocol

from .conf import setting
from .models import Holding, PeriodicalsIndexPage, TitlePage

MARC_NS = "http://www.loc.gov/MARC21/slim"
MARC_SCHEMA = "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"
IDENTIFIER_RE = re.compile(r"periodical-([1-9][0-9]{0,9})")


class Harvest(protocol.Harvest):
    """A list request of the periodicals' repository; its tokens mean nothing to the heroes'."""

    salt = "periodicals.oai.resumption"


class Repository(protocol.Repository):
    """The titles of one Wagtail site as an OAI-PMH repository."""

    harvest_class = Harvest
    metadata_formats = {
        "oai_dc": (protocol.OAI_DC_SCHEMA, protocol.OAI_DC_NS),
        "marc21": (MARC_SCHEMA, MARC_NS),
    }
    local_identifier = "pk"
    header_fields = ("pk", "path", "municipality")

    def setting(self, name):
        return setting(name)

    @property
    def default_name(self):
        return _("Periodicals archive")

    def oai_identifier(self, title):
        return f"oai:{self.identifier}:periodical-{title.pk}"

    def record_identifier(self, oai_identifier):
        local = super().record_identifier(oai_identifier)
        found = IDENTIFIER_RE.fullmatch(local or "")
        return int(found.group(1)) if found else None

    def records(self):
        return protocol.published_pages(TitlePage, self.site)

    def index_pages(self):
        return PeriodicalsIndexPage.objects.live().descendant_of(self.site.root_page)

    def sets(self):
        return protocol.municipality_sets(self.records(), _("Periodicals by municipality"))

    def in_set(self, queryset, spec):
        kind, _colon, value = spec.partition(":")
        if kind == "municipality":
            return protocol.in_municipality_set(queryset, value)
        return queryset.none()

    def set_specs(self, title):
        return [f"municipality:{title.municipality_id}"] if title.municipality_id else []

    def with_metadata(self, queryset):
        return queryset.select_related("municipality")

    def batch_context(self, titles):
        """The libraries holding each title in print: {title id: [names]}, one query."""
        holders = {}
        holdings = (
            Holding.objects.filter(title__in=[title.pk for title in titles])
            .select_related("library")
            .order_by("library__full_name")
        )
        for holding in holdings:
            holders.setdefault(holding.title_id, []).append(holding.library.full_name)
        return holders

    def write_metadata(self, parent, prefix, title, holders):
        if prefix == "marc21":
            parent.append(marcxml(self, title, holders.get(title.pk, [])))
        else:
            protocol.dublin_core(parent, oai_dc(self, title))


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def oai_dc(repository, title):
    """The title's Dublin Core as (element, value) pairs."""
    yield "title", title.title
    for name in _lines(title.earlier_names):
        yield "title", name
    if title.publisher:
        yield "publisher", title.publisher
    if title.years_label:
        yield "date", str(title.years_label)
    description = strip_tags(title.description or "").strip()
    if description:
        yield "description", description
    if title.frequency:
        yield "description", f"{_('Frequency')}: {title.frequency}"
    yield "type", "Text"
    yield "identifier", title.get_full_url(repository.request)
    if title.issn:
        yield "identifier", f"urn:ISSN:{title.issn}"
    yield "language", "ru"
    if title.place:
        yield "coverage", title.place
    if title.municipality:
        yield "coverage", title.municipality.name
    yield (
        "rights",
        setting("OAI_RIGHTS")
        or _("Free to read; when you use the record, cite it with its address."),
    )


def marc_record(repository, title, holders):
    """The title as a MARC 21 bibliographic record of a serial (pymarc)."""
    from pymarc import Field, Indicators, Leader, Record, Subfield  # noqa: PLC0415

    def text(value):
        return protocol.xml_text(value)

    record = Record(force_utf8=True)
    # n: new; a: language material; s: serial; a: UTF-8; 7: minimal level; i: ISBD punctuation.
    record.leader = Leader("00000nas a2200000 i 4500")
    record.add_field(Field(tag="001", data=repository.oai_identifier(title)))
    first = f"{title.first_year:04d}" if title.first_year else "uuuu"
    last = f"{title.last_year:04d}" if title.last_year else "9999"
    status = "d" if title.last_year else "c"
    # 008 of a continuing resource: status and years, place unknown, language Russian.
    record.add_field(
        Field(tag="008", data=f"000000{status}{first}{last}xx     p       0   a0rus d")
    )
    if title.issn:
        record.add_field(
            Field(tag="022", indicators=Indicators(" ", " "), subfields=[Subfield("a", title.issn)])
        )
    record.add_field(
        Field(
            tag="245", indicators=Indicators("0", "0"), subfields=[Subfield("a", text(title.title))]
        )
    )
    for name in _lines(title.earlier_names):
        record.add_field(
            Field(tag="246", indicators=Indicators("1", " "), subfields=[Subfield("a", text(name))])
        )
    published = []
    if title.place:
        published.append(Subfield("a", text(title.place)))
    if title.publisher:
        published.append(Subfield("b", text(title.publisher)))
    if title.years_label:
        published.append(Subfield("c", text(title.years_label)))
    if published:
        record.add_field(Field(tag="264", indicators=Indicators(" ", "1"), subfields=published))
    if title.frequency:
        record.add_field(
            Field(
                tag="310",
                indicators=Indicators(" ", " "),
                subfields=[Subfield("a", text(title.frequency))],
            )
        )
    description = strip_tags(title.description or "").strip()
    if description:
        record.add_field(
            Field(
                tag="520",
                indicators=Indicators(" ", " "),
                subfields=[Subfield("a", text(description))],
            )
        )
    if title.municipality:
        record.add_field(
            Field(
                tag="651",
                indicators=Indicators(" ", "4"),
                subfields=[Subfield("a", text(title.municipality.name))],
            )
        )
    if holders:
        record.add_field(
            Field(
                tag="850",
                indicators=Indicators(" ", " "),
                subfields=[Subfield("a", text(name)) for name in holders],
            )
        )
    url = title.get_full_url(repository.request)
    if url:
        record.add_field(
            Field(tag="856", indicators=Indicators("4", "0"), subfields=[Subfield("u", url)])
        )
    return record


def marcxml(repository, title, holders):
    """The title's MARCXML ``record`` element (MARC21slim), as lxml."""
    from pymarc import record_to_xml_node  # noqa: PLC0415

    node = record_to_xml_node(marc_record(repository, title, holders), namespace=True)
    return etree.fromstring(ElementTree.tostring(node, encoding="utf-8"))
