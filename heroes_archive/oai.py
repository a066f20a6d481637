"""OAI-PMH 2.0 for the heroes archive: library aggregators harvest the live heroes of a site as
unqualified Dublin Core (``oai_dc``).

The protocol lives here, apart from HTTP, so that it can be tested and benchmarked without a
server: ``respond(arguments, repository)`` takes the request's arguments as (name, value) pairs
— repeats kept, since a repeated argument is an error the protocol must report — and returns the
response document as UTF-8 bytes. ``heroes_archive.views.oai.endpoint`` is the thin HTTP side.

What the repository serves:

- records: the live, public ``HeroPage`` pages of the requesting site, one record per hero,
  identified as ``oai:<repository identifier>:<HeroPage.identifier>`` (the setting
  ``OAI_REPOSITORY_IDENTIFIER``, else the site's hostname);
- datestamps: the page's ``last_published_at`` in UTC, to the second;
- sets: ``municipality:<id>`` and ``industry:<value>``, below the parent sets ``municipality``
  and ``industry``;
- list responses of ``OAI_BATCH`` records, continued by resumption tokens signed with
  ``django.core.signing``: a token carries the request's arguments and a keyset cursor (the last
  page id sent), so that every batch is an indexed ``id > cursor`` query rather than an OFFSET
  that grows with the harvest; it expires after ``OAI_TOKEN_SECONDS``.

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
from django.db.models import DateTimeField, Min, Prefetch, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from lxml import etree

from kuzbib_site.base import partial_dates

from . import citation
from .conf import setting
from .models import AwardKind, HeroAward, HeroIndexPage, HeroPage, HeroTag, Industry, Source

OAI_NS = "http://www.openarchives.org/OAI/2.0/"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

# The one metadata format: prefix → (schema, namespace).
METADATA_FORMATS = {"oai_dc": (OAI_DC_SCHEMA, OAI_DC_NS)}

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

SIGNING_SALT = "heroes_archive.oai.resumption"


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
    """The heroes of one Wagtail site as an OAI-PMH repository. ``base_url`` is the endpoint's
    absolute URL; ``request`` (optional) lets Wagtail build page URLs from its cached site
    paths."""

    def __init__(self, site, base_url, request=None):
        self.site = site
        self.base_url = base_url
        self.request = request

    @cached_property
    def identifier(self):
        """The repository identifier in record identifiers: the setting, else the hostname."""
        configured = setting("OAI_REPOSITORY_IDENTIFIER")
        return (configured or self.site.hostname).lower()

    def oai_identifier(self, hero):
        return f"oai:{self.identifier}:{hero.identifier}"

    def hero_identifier(self, oai_identifier):
        """The ``HeroPage.identifier`` that an OAI identifier names, or None when the identifier
        is not one of this repository's."""
        prefix = f"oai:{self.identifier}:"
        if oai_identifier.startswith(prefix):
            return oai_identifier[len(prefix) :] or None
        return None

    def records(self):
        """The live, public heroes of the site, each with its ``oai_datestamp``."""
        return (
            HeroPage.objects.live()
            .public()
            .descendant_of(self.site.root_page)
            .annotate(
                oai_datestamp=Coalesce(
                    "last_published_at",
                    "first_published_at",
                    "latest_revision_created_at",
                    Value(UNKNOWN_DATESTAMP, output_field=DateTimeField()),
                )
            )
        )

    def index_pages(self):
        return HeroIndexPage.objects.live().descendant_of(self.site.root_page)

    def name(self):
        archive = self.index_pages().order_by("path").only("title").first()
        name = archive.title if archive else _("Heroes archive")
        return f"{self.site.site_name}: {name}" if self.site.site_name else name

    def admin_emails(self):
        """Who answers for the repository: the setting ``OAI_ADMIN_EMAIL``, else the site's
        ``ADMINS``, else the address mail is sent from, whichever looks like an address."""
        candidates = [setting("OAI_ADMIN_EMAIL")]
        # ADMINS holds (name, address) pairs, or plain addresses from Django 6 on.
        candidates += [
            admin[-1] if isinstance(admin, (list, tuple)) else admin
            for admin in getattr(settings, "ADMINS", ())
        ]
        candidates.append(parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
        found = [email for email in candidates if email and EMAIL_RE.fullmatch(email)]
        return found[:1] or [f"webmaster@{self.identifier}.invalid"]


# -- the request ---------------------------------------------------------------------------


def _printable(text, limit=40):
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
            "badVerb", _("«%(verb)s» is not an OAI-PMH verb.") % {"verb": _printable(verb)}
        )
    rules = VERBS[verb]
    arguments = {}
    for name, value in pairs:
        if name == "verb":
            continue
        if not rules.allows(name):
            raise bad_argument(
                _("%(verb)s does not take the argument «%(name)s».")
                % {"verb": verb, "name": _printable(name)}
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
    """Where a list request stands: its arguments, the last page id sent (``after``), how many
    records were sent before (``cursor``) and how many the list has (``total``)."""

    verb: str
    prefix: str
    set_spec: str | None = None
    since: str | None = None
    until: str | None = None
    after: int = 0
    cursor: int = 0
    total: int | None = None

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
            salt=SIGNING_SALT,
            compress=True,
        )

    @classmethod
    def resume(cls, token, verb, site):
        """The harvest a token continues; badResumptionToken when it was not made here, for
        this verb and site, is tampered with or has expired."""
        try:
            state = signing.loads(token, salt=SIGNING_SALT, max_age=setting("OAI_TOKEN_SECONDS"))
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


def _text(value):
    return NOT_XML_RE.sub("", str(value))


def _add(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {name: _text(v) for name, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _oai(name):
    return f"{{{OAI_NS}}}{name}"


def _dc(name):
    return f"{{{DC_NS}}}{name}"


def respond(pairs, repository, now=None):
    """The response document (UTF-8 bytes) to a request with these (name, value) arguments;
    ``pairs`` of None stands for a request whose arguments could not even be read."""
    now = now or timezone.now()
    with translation.override(settings.LANGUAGE_CODE):
        root = etree.Element(_oai("OAI-PMH"), nsmap={None: OAI_NS, "xsi": XSI_NS})
        root.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_NS} {OAI_SCHEMA}")
        _add(root, _oai("responseDate"), datestamp(now))
        echo = _add(root, _oai("request"), repository.base_url)
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
    _add(root, _oai("error"), error.message, code=error.code)


def identify(root, repository, request, now):
    earliest = repository.records().aggregate(earliest=Min("oai_datestamp"))["earliest"]
    element = _add(root, _oai("Identify"))
    _add(element, _oai("repositoryName"), repository.name())
    _add(element, _oai("baseURL"), repository.base_url)
    _add(element, _oai("protocolVersion"), "2.0")
    for email in repository.admin_emails():
        _add(element, _oai("adminEmail"), email)
    _add(element, _oai("earliestDatestamp"), datestamp(earliest or now))
    # Deleted heroes leave no trace to report.
    _add(element, _oai("deletedRecord"), "no")
    _add(element, _oai("granularity"), GRANULARITY)


def list_metadata_formats(root, repository, request, now):
    if "identifier" in request.arguments:
        _find(repository, request.arguments["identifier"])
    element = _add(root, _oai("ListMetadataFormats"))
    for prefix, (schema, namespace) in METADATA_FORMATS.items():
        entry = _add(element, _oai("metadataFormat"))
        _add(entry, _oai("metadataPrefix"), prefix)
        _add(entry, _oai("schema"), schema)
        _add(entry, _oai("metadataNamespace"), namespace)


def list_sets(root, repository, request, now):
    if "resumptionToken" in request.arguments:
        # The sets fit in one response: no token was ever given out for them.
        raise OAIError("badResumptionToken", _("The resumption token is not valid."))
    records = repository.records()
    from kuzbib_site.base.models import Municipality  # noqa: PLC0415 — the core's directory

    municipalities = Municipality.objects.filter(
        pk__in=records.filter(municipality__isnull=False).values("municipality")
    ).order_by("name")
    industries = set(records.order_by().values_list("industry", flat=True).distinct())
    element = _add(root, _oai("ListSets"))
    _set(element, "municipality", _("Heroes by municipality"))
    for municipality in municipalities:
        _set(element, f"municipality:{municipality.pk}", municipality.name)
    _set(element, "industry", _("Heroes by industry"))
    for value, label in Industry.choices:
        if value in industries:
            _set(element, f"industry:{value}", capfirst(label))


def _set(parent, spec, name):
    entry = _add(parent, _oai("set"))
    _add(entry, _oai("setSpec"), spec)
    _add(entry, _oai("setName"), name)


def get_record(root, repository, request, now):
    _check_prefix(request.arguments["metadataPrefix"])
    hero = _find(repository, request.arguments["identifier"], full=True)
    element = _add(root, _oai("GetRecord"))
    _record(element, repository, hero, _index_pages(repository, [hero]))


def list_headers(root, repository, request, now):
    _list(root, repository, request, now, records=False)


def list_records(root, repository, request, now):
    _list(root, repository, request, now, records=True)


def _check_prefix(prefix):
    if prefix not in METADATA_FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            _("The repository does not disseminate «%(prefix)s»; it offers oai_dc.")
            % {"prefix": prefix},
        )


def _find(repository, oai_identifier, full=False):
    identifier = repository.hero_identifier(oai_identifier)
    records = _with_metadata(repository.records()) if full else repository.records()
    hero = records.filter(identifier=identifier).first() if identifier else None
    if hero is None:
        raise OAIError(
            "idDoesNotExist",
            _("There is no record «%(identifier)s» in this repository.")
            % {"identifier": _printable(oai_identifier, 120)},
        )
    return hero


def _in_set(queryset, spec):
    """The records of a set; none for a set the repository does not have."""
    kind, _colon, value = spec.partition(":")
    if kind == "municipality":
        if not value:
            return queryset.filter(municipality__isnull=False)
        if re.fullmatch(r"[1-9][0-9]{0,9}", value):
            return queryset.filter(municipality_id=int(value))
    elif kind == "industry":
        if not value:
            return queryset.exclude(industry="")
        if value in Industry.values:
            return queryset.filter(industry=value)
    return queryset.none()


def _list(root, repository, request, now, records):
    if "resumptionToken" in request.arguments:
        harvest = Harvest.resume(
            request.arguments["resumptionToken"], request.verb, repository.site
        )
    else:
        harvest = Harvest(
            verb=request.verb,
            prefix=request.arguments["metadataPrefix"],
            set_spec=request.arguments.get("set"),
            since=request.arguments.get("from"),
            until=request.arguments.get("until"),
        )
    _check_prefix(harvest.prefix)
    queryset = DateRange.parse(harvest.since, harvest.until).filter(repository.records())
    if harvest.set_spec:
        queryset = _in_set(queryset, harvest.set_spec)
    if harvest.total is None:
        harvest.total = queryset.count()
    size = setting("OAI_BATCH")
    batch = queryset.filter(pk__gt=harvest.after).order_by("pk")
    if records:
        batch = _with_metadata(batch)
    else:
        batch = batch.only("pk", "path", "identifier", "municipality", "industry")
    batch = list(batch[: size + 1])
    more = len(batch) > size
    batch = batch[:size]
    if not batch:
        raise OAIError("noRecordsMatch", _("No records match the request."))
    element = _add(root, _oai(request.verb))
    if records:
        indexes = _index_pages(repository, batch)
        for hero in batch:
            _record(element, repository, hero, indexes)
    else:
        for hero in batch:
            _header(element, repository, hero)
    sent = harvest.cursor
    if more:
        harvest.after = batch[-1].pk
        harvest.cursor += len(batch)
        expires = now + datetime.timedelta(seconds=setting("OAI_TOKEN_SECONDS"))
        _add(
            element,
            _oai("resumptionToken"),
            harvest.token(repository.site),
            expirationDate=datestamp(expires),
            completeListSize=str(max(harvest.total, harvest.cursor + 1)),
            cursor=str(sent),
        )
    elif "resumptionToken" in request.arguments:
        # The last batch of a list sent in parts ends with an empty token.
        _add(
            element,
            _oai("resumptionToken"),
            completeListSize=str(max(harvest.total, sent + len(batch))),
            cursor=str(sent),
        )


# -- records -------------------------------------------------------------------------------


def _with_metadata(queryset):
    """What the oai_dc of a batch reads, in a constant number of queries."""
    return (
        queryset.defer_streamfields()
        .select_related("municipality")
        .prefetch_related(
            Prefetch("tagged_items", queryset=HeroTag.objects.select_related("tag")),
            Prefetch("awards", queryset=HeroAward.objects.filter(kind=AwardKind.HERO)),
            Prefetch("sources", queryset=Source.objects.order_by("sort_order")),
        )
    )


def _index_pages(repository, heroes):
    """The archive pages the heroes belong to, by their tree path, in one query."""
    paths = {hero.path[: -HeroPage.steplen] for hero in heroes}
    return {index.path: index for index in HeroIndexPage.objects.filter(path__in=paths)}


def _header(parent, repository, hero):
    header = _add(parent, _oai("header"))
    _add(header, _oai("identifier"), repository.oai_identifier(hero))
    _add(header, _oai("datestamp"), datestamp(hero.oai_datestamp))
    if hero.municipality_id:
        _add(header, _oai("setSpec"), f"municipality:{hero.municipality_id}")
    if hero.industry:
        _add(header, _oai("setSpec"), f"industry:{hero.industry}")
    return header


def _record(parent, repository, hero, indexes):
    record = _add(parent, _oai("record"))
    _header(record, repository, hero)
    metadata = _add(record, _oai("metadata"))
    dc = etree.SubElement(
        metadata, f"{{{OAI_DC_NS}}}dc", nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI_NS}
    )
    dc.set(f"{{{XSI_NS}}}schemaLocation", f"{OAI_DC_NS} {OAI_DC_SCHEMA}")
    for name, value in oai_dc(repository, hero, indexes.get(hero.path[: -HeroPage.steplen])):
        if value:  # a page outside every site's tree has no URL
            _add(dc, _dc(name), value)


def oai_dc(repository, hero, index=None):
    """The hero's Dublin Core as (element, value) pairs. The hero is the subject of the record,
    not its creator, so there is no dc:creator; dc:date is the record's publication."""
    yield "title", hero.title
    if hero.industry:
        yield "subject", capfirst(hero.get_industry_display())
    if hero.profession:
        yield "subject", hero.profession
    for item in hero.tagged_items.all():
        yield "subject", item.tag.name
    if hero.summary:
        yield "description", hero.summary
    facts = _facts(hero)
    if facts:
        yield "description", facts
    if repository.site.site_name:
        yield "publisher", repository.site.site_name
    yield "date", hero.oai_datestamp.astimezone(datetime.UTC).date().isoformat()
    # DCMI Type Vocabulary: a biographical article.
    yield "type", "Text"
    yield "identifier", hero.get_full_url(repository.request)
    for source in hero.sources.all():
        # The bibliographic references the record is written from, per GOST R 7.0.100-2018.
        yield "source", citation.gost_source(source)
    yield "language", "ru"
    if index is not None:
        yield "relation", index.get_full_url(repository.request)
    if hero.municipality:
        yield "coverage", hero.municipality.name
    yield (
        "rights",
        setting("OAI_RIGHTS")
        or _("Free to read; when you use the record, cite it with its address."),
    )


def _facts(hero):
    """One sentence of facts a harvester's reader looks for: the Hero title's dates, birth,
    death, profession and enterprise, each after its label."""
    fields = HeroPage._meta
    parts = []
    titles = [award.display_date() for award in hero.awards.all() if award.date]
    if titles:
        parts.append(f"{AwardKind.HERO.label}: {', '.join(titles)}")
    for date_name, place_name in (("birth_date", "birth_place"), ("death_date", "death_place")):
        date = getattr(hero, date_name)
        if date:
            parts.append(
                f"{capfirst(fields.get_field(date_name).verbose_name)}: "
                f"{partial_dates.display(date)}"
            )
        place = getattr(hero, place_name)
        if place:
            parts.append(f"{capfirst(fields.get_field(place_name).verbose_name)}: {place}")
    for name in ("profession", "enterprise"):
        value = getattr(hero, name)
        if value:
            parts.append(f"{capfirst(fields.get_field(name).verbose_name)}: {value}")
    return ". ".join(parts) + "." if parts else ""


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_headers,
    "ListRecords": list_records,
}
