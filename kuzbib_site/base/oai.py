"""OAI-PMH 2.0, the protocol's side, for every archive of the site: argument checking, error
conditions, from/until, keyset resumption tokens, the six verbs and the XML of the responses.
What an archive serves is its ``Repository`` (a subclass of the one here): its records, sets,
metadata formats and how a record's metadata is written. The heroes archive
(``heroes_archive.oai``) and the periodicals archive (``periodicals.oai``) are two.

The protocol lives apart from HTTP, so that it can be tested and benchmarked without a server:
``respond(arguments, repository)`` takes the request's arguments as (name, value) pairs —
repeats kept, since a repeated argument is an error the protocol must report — and returns the
response document as UTF-8 bytes. ``endpoint_response(request, repository)`` is the thin HTTP
side an app's view calls.

The repository's records are a queryset annotated with ``oai_datestamp`` (the datestamp of each
record); list responses send ``batch_size`` records, continued by resumption tokens signed with
``django.core.signing`` (each repository its own salt): a token carries the request's arguments
and a keyset cursor (the last primary key sent), so that every batch is an indexed ``pk >
cursor`` query rather than an OFFSET that grows with the harvest; it expires after
``token_seconds``.

No pyoai or django-oai-pmh: pyoai's server (last released 2017) imports ``cgi`` (gone in Python
3.13), pages by OFFSET with unsigned tokens and writes no ``cursor``/``completeListSize``;
django-oai-pmh keeps its own copy of every record in its own tables (GPL, beside a BSD project).
"""

import datetime
import re
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import cached_property

from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.db.models import DateTimeField, Min, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

GRANULARITY = "YYYY-MM-DDThh:mm:ssZ"
DATESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# A live page published by code that bypassed revisions has no publication time; it still gets
# a stable datestamp (the earliest possible) rather than none.
UNKNOWN_DATESTAMP = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)

# Argument values longer than this are refused before anything is parsed (a token is ~150).
MAX_ARGUMENT_LENGTH = 1000

# The syntax of arguments, from the OAI-PMH schema (metadataPrefixType, setSpecType).
PREFIX_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+")
SET_SPEC_RE = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(?::[A-Za-z0-9\-_.!~*'()]+)*")
DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
SECOND_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")
# An identifier is a URI, which the response repeats in an anyURI attribute: the characters of
# RFC 3986 with well-formed %-escapes, a scheme before the first colon of the first segment, and
# no "//" (an authority, which XML Schema validators check further). Our identifiers
# (oai:host:GST-00042) are all of this shape; anything else is refused as a bad argument.
URI_CHARS_RE = re.compile(r"(?:[A-Za-z0-9\-_.!~*'();/?:@&=+$,]|%[0-9A-Fa-f]{2})+")
SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*")
# The characters XML 1.0 cannot carry: text from the database is cleaned of them.
NOT_XML_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
EMAIL_RE = re.compile(r"\S+@(\S+\.)+\S+")
FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Verb:
    """The arguments a verb takes: ``required`` and ``optional`` ones, and an ``exclusive`` one
    (the resumption token) that may only come alone."""

    required: tuple = ()
    optional: tuple = ()
    exclusive: str | None = None

    def allows(self, name):
        return name in self.required or name in self.optional or name == self.exclusive


LIST_ARGUMENTS = Verb(("metadataPrefix",), ("from", "until", "set"), "resumptionToken")
VERBS = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=("identifier",)),
    "ListSets": Verb(exclusive="resumptionToken"),
    "GetRecord": Verb(("identifier", "metadataPrefix")),
    "ListIdentifiers": LIST_ARGUMENTS,
    "ListRecords": LIST_ARGUMENTS,
}


class OAIError(Exception):
    """An OAI-PMH error condition: ``code`` as the protocol names it, ``message`` for people."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def bad_argument(message):
    return OAIError("badArgument", message)


@dataclass
class Request:
    """A checked request: its verb and arguments (each given once, syntax valid)."""

    verb: str
    arguments: dict = field(default_factory=dict)


# -- the repository ------------------------------------------------------------------------


class Repository:
    """One archive of one Wagtail site as an OAI-PMH repository. ``base_url`` is the endpoint's
    absolute URL; ``request`` (optional) lets Wagtail build page URLs from its cached site
    paths. A subclass says what it serves:

    - ``setting(name)``: the archive's ``OAI_BATCH``, ``OAI_TOKEN_SECONDS``,
      ``OAI_REPOSITORY_IDENTIFIER`` and ``OAI_ADMIN_EMAIL``;
    - ``metadata_formats``: prefix → (schema, namespace);
    - ``records()``: the queryset of its records, each annotated with ``oai_datestamp``, and
      ``local_identifier`` (the field of a record's identifier after ``oai:<repository>:``);
    - ``default_name``, ``index_pages()``: the repository's name;
    - ``sets()``, ``in_set(queryset, spec)``, ``set_specs(record)``;
    - ``with_metadata(queryset)`` and ``header_fields``: what a batch of records or of headers
      reads; ``batch_context(records)``: what writing a batch's metadata needs beside the
      records (looked up once per batch);
    - ``write_metadata(parent, prefix, record, context)``: the record's metadata in ``prefix``.
    """

    metadata_formats = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}
    local_identifier = "identifier"
    header_fields = ("pk",)
    default_name = "OAI-PMH"
    harvest_class = None  # a Harvest subclass with the repository's signing salt

    def __init__(self, site, base_url, request=None):
        self.site = site
        self.base_url = base_url
        self.request = request

    def setting(self, name):
        raise NotImplementedError

    @cached_property
    def identifier(self):
        """The repository identifier in record identifiers: the setting, else the hostname."""
        configured = self.setting("OAI_REPOSITORY_IDENTIFIER")
        return (configured or self.site.hostname).lower()

    def oai_identifier(self, record):
        return f"oai:{self.identifier}:{getattr(record, self.local_identifier)}"

    def record_identifier(self, oai_identifier):
        """The local identifier that an OAI identifier names, or None when the identifier is
        not one of this repository's."""
        prefix = f"oai:{self.identifier}:"
        if oai_identifier.startswith(prefix):
            return oai_identifier[len(prefix) :] or None
        return None

    def records(self):
        raise NotImplementedError

    def index_pages(self):
        raise NotImplementedError

    def name(self):
        archive = self.index_pages().order_by("path").only("title").first()
        name = archive.title if archive else self.default_name
        return f"{self.site.site_name}: {name}" if self.site.site_name else name

    def admin_emails(self):
        """Who answers for the repository: the setting ``OAI_ADMIN_EMAIL``, else the site's
        ``ADMINS``, else the address mail is sent from, whichever looks like an address."""
        candidates = [self.setting("OAI_ADMIN_EMAIL")]
        # ADMINS holds (name, address) pairs, or plain addresses from Django 6 on.
        candidates += [
            admin[-1] if isinstance(admin, (list, tuple)) else admin
            for admin in getattr(settings, "ADMINS", ())
        ]
        candidates.append(parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
        found = [email for email in candidates if email and EMAIL_RE.fullmatch(email)]
        return found[:1] or [f"webmaster@{self.identifier}.invalid"]

    def sets(self):
        """(setSpec, setName) of every set, parents before their children."""
        return []

    def in_set(self, queryset, spec):
        """The records of a set; none for a set the repository does not have."""
        return queryset.none()

    def set_specs(self, record):
        return []

    def with_metadata(self, queryset):
        return queryset

    def batch_context(self, records):
        return None

    def write_metadata(self, parent, prefix, record, context):
        raise NotImplementedError

    def batch_size(self):
        return self.setting("OAI_BATCH")

    def token_seconds(self):
        return self.setting("OAI_TOKEN_SECONDS")


# -- What repositories of pages share -------------------------------------------------------------


def published_pages(model, site):
    """The live, public pages of ``model`` on ``site``, each with its ``oai_datestamp``: when it
    was last published (the epoch for a page that never was)."""
    return (
        model.objects.live()
        .public()
        .descendant_of(site.root_page)
        .annotate(
            oai_datestamp=Coalesce(
                "last_published_at",
                "first_published_at",
                "latest_revision_created_at",
                Value(UNKNOWN_DATESTAMP, output_field=DateTimeField()),
            )
        )
    )


def municipality_sets(records, name):
    """The set «municipality» (named ``name``) and one set per municipality ``records`` (with a
    ``municipality`` of the core's directory) name, by the municipality's name."""
    from .models import Municipality  # noqa: PLC0415 — the models import the protocol's users

    municipalities = Municipality.objects.filter(
        pk__in=records.filter(municipality__isnull=False).values("municipality")
    ).order_by("name")
    return [("municipality", name), *((f"municipality:{m.pk}", m.name) for m in municipalities)]


def in_municipality_set(queryset, value):
    """The records of set «municipality» (``value`` empty) or «municipality:<pk>»; none for a
    value that is not a directory number."""
    if not value:
        return queryset.filter(municipality__isnull=False)
    if re.fullmatch(r"[1-9][0-9]{0,9}", value):
        return queryset.filter(municipality_id=int(value))
    return queryset.none()


def dublin_core(parent, pairs):
    """An ``oai_dc:dc`` element under ``parent`` with (element, value) pairs; empty values are
    left out (a page outside every site's tree has no URL)."""
    dc = etree.SubElement(
        parent, f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for name, value in pairs:
        if value:
            add(dc, f"{{{DC_NS}}}{name}", value)
    return dc


# -- the request ---------------------------------------------------------------------------


def printable(text, limit=40):
    """A piece of what a harvester sent, safe to quote in an error message."""
    text = NOT_XML_RE.sub("", str(text)).replace("\x7f", "")
    return text if len(text) <= limit else text[:limit] + "…"


def parse(pairs):
    """Check the arguments of a request against the verb's rules: the verb is given once and
    known (else badVerb), every other argument is the verb's, given once, of the right syntax,
    the required ones are there and an exclusive one comes alone (else badArgument)."""
    verbs = [value for name, value in pairs if name == "verb"]
    if not verbs:
        raise OAIError("badVerb", _("The verb argument is missing."))
    if len(verbs) > 1:
        raise OAIError("badVerb", _("The verb argument is repeated."))
    verb = verbs[0]
    if verb not in VERBS:
        raise OAIError(
            "badVerb", _("«%(verb)s» is not an OAI-PMH verb.") % {"verb": printable(verb)}
        )
    rules = VERBS[verb]
    arguments = {}
    for name, value in pairs:
        if name == "verb":
            continue
        if not rules.allows(name):
            raise bad_argument(
                _("%(verb)s does not take the argument «%(name)s».")
                % {"verb": verb, "name": printable(name)}
            )
        if name in arguments:
            raise bad_argument(_("The argument «%(name)s» is repeated.") % {"name": name})
        if len(value) > MAX_ARGUMENT_LENGTH or NOT_XML_RE.search(value):
            raise bad_argument(
                _("The value of «%(name)s» is too long or holds control characters.")
                % {"name": name}
            )
        arguments[name] = value
    if rules.exclusive in arguments:
        if len(arguments) > 1:
            raise bad_argument(
                _("The argument «%(name)s» must come alone.") % {"name": rules.exclusive}
            )
        return Request(verb, arguments)
    missing = [name for name in rules.required if name not in arguments]
    if missing:
        raise bad_argument(
            _("%(verb)s needs the argument «%(name)s».") % {"verb": verb, "name": missing[0]}
        )
    _check_syntax(arguments)
    return Request(verb, arguments)


def _check_syntax(arguments):
    if "metadataPrefix" in arguments and not PREFIX_RE.fullmatch(arguments["metadataPrefix"]):
        raise bad_argument(_("The metadataPrefix is not a valid metadata prefix."))
    if "set" in arguments and not SET_SPEC_RE.fullmatch(arguments["set"]):
        raise bad_argument(_("The set is not a valid setSpec."))
    if "identifier" in arguments and not _is_uri(arguments["identifier"]):
        raise bad_argument(_("The identifier is not a valid identifier."))
    DateRange.parse(arguments.get("from"), arguments.get("until"))


def _is_uri(value):
    if not URI_CHARS_RE.fullmatch(value) or "//" in value:
        return False
    first_segment = re.split(r"[/?]", value, maxsplit=1)[0]
    return ":" not in first_segment or bool(SCHEME_RE.fullmatch(first_segment.split(":")[0]))


@dataclass(frozen=True)
class DateRange:
    """The from/until of a request as datetimes: ``start`` inclusive, ``end`` exclusive (an
    ``until`` of a day or a second includes all of that day or second)."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    @classmethod
    def parse(cls, since=None, until=None):
        start = _datestamp(since, "from")
        last = _datestamp(until, "until")
        if start and last and start[1] != last[1]:
            raise bad_argument(_("The from and until arguments have different granularities."))
        if start and last and start[0] > last[0]:
            raise bad_argument(_("The from argument is later than the until argument."))
        return cls(start[0] if start else None, last[0] + last[1] if last else None)

    def filter(self, queryset):
        if self.start:
            queryset = queryset.filter(oai_datestamp__gte=self.start)
        if self.end:
            queryset = queryset.filter(oai_datestamp__lt=self.end)
        return queryset


def _datestamp(value, name):
    """(the moment, the length of its granularity) of a from/until value, or None."""
    if value is None:
        return None
    try:
        if DAY_RE.fullmatch(value):
            moment = datetime.datetime.strptime(value, "%Y-%m-%d")
            return moment.replace(tzinfo=datetime.UTC), datetime.timedelta(days=1)
        if SECOND_RE.fullmatch(value):
            moment = datetime.datetime.strptime(value, DATESTAMP_FORMAT)
            return moment.replace(tzinfo=datetime.UTC), datetime.timedelta(seconds=1)
    except ValueError:
        pass  # 2023-02-30 has the shape of a date but is none
    raise bad_argument(
        _("The %(name)s argument is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")
        % {"name": name}
    )


def datestamp(moment):
    """A datestamp in the repository's granularity, in UTC."""
    return moment.astimezone(datetime.UTC).strftime(DATESTAMP_FORMAT)


# -- resumption tokens ---------------------------------------------------------------------


@dataclass
class Harvest:
    """Where a list request stands: its arguments, the last primary key sent (``after``), how
    many records were sent before (``cursor``) and how many the list has (``total``). A
    repository's subclass sets ``salt``, so that a token of one repository means nothing to
    another; ``token_seconds`` is how long a token is honoured."""

    verb: str
    prefix: str
    set_spec: str | None = None
    since: str | None = None
    until: str | None = None
    after: int = 0
    cursor: int = 0
    total: int | None = None

    salt = "kuzbib.oai.resumption"
    token_seconds = None  # read from the repository when resuming

    def token(self, site):
        return signing.dumps(
            {
                "site": site.pk,
                "verb": self.verb,
                "prefix": self.prefix,
                "set": self.set_spec,
                "from": self.since,
                "until": self.until,
                "after": self.after,
                "cursor": self.cursor,
                "total": self.total,
            },
            salt=self.salt,
            compress=True,
        )

    @classmethod
    def resume(cls, token, verb, site, max_age):
        """The harvest a token continues; badResumptionToken when it was not made here, for
        this verb and site, is tampered with or has expired."""
        try:
            state = signing.loads(token, salt=cls.salt, max_age=max_age)
        except signing.SignatureExpired:
            raise OAIError("badResumptionToken", _("The resumption token has expired.")) from None
        except (signing.BadSignature, ValueError):
            raise OAIError("badResumptionToken", _("The resumption token is not valid.")) from None
        if not isinstance(state, dict) or state.get("site") != site.pk or state.get("verb") != verb:
            raise OAIError("badResumptionToken", _("The resumption token is not for this request."))
        harvest = cls(
            verb=verb,
            prefix=state.get("prefix"),
            set_spec=state.get("set"),
            since=state.get("from"),
            until=state.get("until"),
            after=state.get("after"),
            cursor=state.get("cursor"),
            total=state.get("total"),
        )
        # Signed tokens are ours; a token of an older shape is refused rather than trusted.
        numbers = (harvest.after, harvest.cursor, harvest.total)
        if not isinstance(harvest.prefix, str) or not all(type(n) is int for n in numbers):
            raise OAIError("badResumptionToken", _("The resumption token is not valid."))
        return harvest


# -- the response --------------------------------------------------------------------------


def xml_text(value):
    return NOT_XML_RE.sub("", str(value))


def add(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {name: xml_text(v) for name, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _oai(name):
    return f"{{{OAI_NS}}}{name}"


def respond(pairs, repository, now=None):
    """The response document (UTF-8 bytes) to a request with these (name, value) arguments;
    ``pairs`` of None stands for a request whose arguments could not even be read."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        root = etree.Element(_oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
        add(root, _oai("responseDate"), datestamp(now))
        echo = add(root, _oai("request"), repository.base_url)
        try:
            if pairs is None:
                raise bad_argument(_("The request's arguments could not be read."))
            request = parse(pairs)
        except OAIError as error:
            # After badVerb or badArgument the request element carries no attributes.
            _error(root, error)
        else:
            echo.set("verb", request.verb)
            for name, value in request.arguments.items():
                echo.set(name, value)
            try:
                HANDLERS[request.verb](root, repository, request, now)
            except OAIError as error:
                _error(root, error)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _error(root, error):
    # A handler may have begun its element before it found the error.
    for child in root[2:]:
        root.remove(child)
    add(root, _oai("error"), error.message, code=error.code)


def identify(root, repository, request, now):
    earliest = repository.records().aggregate(earliest=Min("oai_datestamp"))["earliest"]
    element = add(root, _oai("Identify"))
    add(element, _oai("repositoryName"), repository.name())
    add(element, _oai("baseURL"), repository.base_url)
    add(element, _oai("protocolVersion"), "2.0")
    for email in repository.admin_emails():
        add(element, _oai("adminEmail"), email)
    add(element, _oai("earliestDatestamp"), datestamp(earliest or now))
    # Deleted records leave no trace to report.
    add(element, _oai("deletedRecord"), "no")
    add(element, _oai("granularity"), GRANULARITY)


def list_metadata_formats(root, repository, request, now):
    if "identifier" in request.arguments:
        _find(repository, request.arguments["identifier"])
    element = add(root, _oai("ListMetadataFormats"))
    for prefix, (schema, namespace) in repository.metadata_formats.items():
        entry = add(element, _oai("metadataFormat"))
        add(entry, _oai("metadataPrefix"), prefix)
        add(entry, _oai("schema"), schema)
        add(entry, _oai("metadataNamespace"), namespace)


def list_sets(root, repository, request, now):
    if "resumptionToken" in request.arguments:
        # The sets fit in one response: no token was ever given out for them.
        raise OAIError("badResumptionToken", _("The resumption token is not valid."))
    sets = repository.sets()
    if not sets:
        raise OAIError("noSetHierarchy", _("This repository has no sets."))
    element = add(root, _oai("ListSets"))
    for spec, name in sets:
        entry = add(element, _oai("set"))
        add(entry, _oai("setSpec"), spec)
        add(entry, _oai("setName"), name)


def get_record(root, repository, request, now):
    prefix = request.arguments["metadataPrefix"]
    _check_prefix(repository, prefix)
    record = _find(repository, request.arguments["identifier"], full=True)
    element = add(root, _oai("GetRecord"))
    _record(element, repository, prefix, record, repository.batch_context([record]))


def list_headers(root, repository, request, now):
    _list(root, repository, request, now, records=False)


def list_records(root, repository, request, now):
    _list(root, repository, request, now, records=True)


def _check_prefix(repository, prefix):
    if prefix not in repository.metadata_formats:
        raise OAIError(
            "cannotDisseminateFormat",
            _("The repository does not disseminate «%(prefix)s»; it offers %(formats)s.")
            % {"prefix": prefix, "formats": ", ".join(repository.metadata_formats)},
        )


def _find(repository, oai_identifier, full=False):
    identifier = repository.record_identifier(oai_identifier)
    records = repository.with_metadata(repository.records()) if full else repository.records()
    found = (
        records.filter(**{repository.local_identifier: identifier}).first() if identifier else None
    )
    if found is None:
        raise OAIError(
            "idDoesNotExist",
            _("There is no record «%(identifier)s» in this repository.")
            % {"identifier": printable(oai_identifier, 120)},
        )
    return found


def _list(root, repository, request, now, records):
    harvest_class = repository.harvest_class or Harvest
    if "resumptionToken" in request.arguments:
        harvest = harvest_class.resume(
            request.arguments["resumptionToken"],
            request.verb,
            repository.site,
            repository.token_seconds(),
        )
    else:
        harvest = harvest_class(
            verb=request.verb,
            prefix=request.arguments["metadataPrefix"],
            set_spec=request.arguments.get("set"),
            since=request.arguments.get("from"),
            until=request.arguments.get("until"),
        )
    _check_prefix(repository, harvest.prefix)
    queryset = DateRange.parse(harvest.since, harvest.until).filter(repository.records())
    if harvest.set_spec:
        queryset = repository.in_set(queryset, harvest.set_spec)
    if harvest.total is None:
        harvest.total = queryset.count()
    size = repository.batch_size()
    batch = queryset.filter(pk__gt=harvest.after).order_by("pk")
    batch = repository.with_metadata(batch) if records else batch.only(*repository.header_fields)
    batch = list(batch[: size + 1])
    more = len(batch) > size
    batch = batch[:size]
    if not batch:
        raise OAIError("noRecordsMatch", _("No records match the request."))
    element = add(root, _oai(request.verb))
    if records:
        context = repository.batch_context(batch)
        for record in batch:
            _record(element, repository, harvest.prefix, record, context)
    else:
        for record in batch:
            _header(element, repository, record)
    sent = harvest.cursor
    if more:
        harvest.after = batch[-1].pk
        harvest.cursor += len(batch)
        expires = now + datetime.timedelta(seconds=repository.token_seconds())
        add(
            element,
            _oai("resumptionToken"),
            harvest.token(repository.site),
            expirationDate=datestamp(expires),
            completeListSize=str(max(harvest.total, harvest.cursor + 1)),
            cursor=str(sent),
        )
    elif "resumptionToken" in request.arguments:
        # The last batch of a list sent in parts ends with an empty token.
        add(
            element,
            _oai("resumptionToken"),
            completeListSize=str(max(harvest.total, sent + len(batch))),
            cursor=str(sent),
        )


def _header(parent, repository, record):
    header = add(parent, _oai("header"))
    add(header, _oai("identifier"), repository.oai_identifier(record))
    add(header, _oai("datestamp"), datestamp(record.oai_datestamp))
    for spec in repository.set_specs(record):
        add(header, _oai("setSpec"), spec)
    return header


def _record(parent, repository, prefix, record, context):
    element = add(parent, _oai("record"))
    _header(element, repository, record)
    metadata = add(element, _oai("metadata"))
    repository.write_metadata(metadata, prefix, record, context)


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_headers,
    "ListRecords": list_records,
}


# -- HTTP ----------------------------------------------------------------------------------


def endpoint_response(request, repository):
    """The HTTP response to a harvester's request: whatever it sends — unknown verbs, repeated
    or huge arguments, NUL bytes, more fields than Django parses — is answered with an OAI-PMH
    document (an error condition where needed), never a server error."""
    response = HttpResponse(
        respond(request_arguments(request), repository), content_type="text/xml; charset=utf-8"
    )
    # Responses are for harvesters, not for search engines' results.
    response["X-Robots-Tag"] = "noindex"
    return response


def request_arguments(request):
    """The request's arguments as (name, value) pairs with repeats kept, or None when they
    cannot be read: a POST that is not a form, more fields or bytes than Django accepts."""
    try:
        if request.method == "POST":
            if request.content_type != FORM:
                return None
            query = request.POST
        else:
            query = request.GET
        return [(name, value) for name, values in query.lists() for value in values]
    except (RequestDataTooBig, TooManyFieldsSent, SuspiciousOperation):
        return None
