"""The official XML schemas of OAI-PMH 2.0 and oai_dc, kept here so that tests validate every
response without the network (see README.md for where each file comes from).

``validate(document)`` checks an OAI-PMH response (bytes or an lxml tree) against OAI-PMH.xsd
and, inside its records, oai_dc.xsd with the simple Dublin Core it imports; it returns the
parsed root element and fails with the validator's messages."""

from functools import cache
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent

# One schema document that imports both: the envelope's <metadata> takes any element of another
# namespace with processContents="strict", so the oai_dc schema must be loaded beside it.
HARVEST = """<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/" schemaLocation="OAI-PMH.xsd"/>
  <xs:import namespace="http://www.openarchives.org/OAI/2.0/oai_dc/"
             schemaLocation="oai_dc.xsd"/>
</xs:schema>"""


@cache
def harvest_schema():
    # no_network: a schemaLocation left pointing at the web fails here instead of fetching.
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.XMLSchema(etree.fromstring(HARVEST, parser, base_url=f"{HERE}/"))


def validate(document):
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    root = etree.fromstring(document, parser) if isinstance(document, bytes) else document
    schema = harvest_schema()
    if not schema.validate(root):
        errors = "\n".join(f"line {error.line}: {error.message}" for error in schema.error_log)
        raise AssertionError(f"The response is not valid OAI-PMH 2.0 / oai_dc:\n{errors}")
    return root
