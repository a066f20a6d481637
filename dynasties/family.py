"""A family as plain data, and everything computed from it: the checks of what a family or an
editor typed (kinship cycles, impossible years), the generations derived from parent–child links,
and the dynasty's figures (members, generations, years of library service).

No database here: ``DynastyPage.family()`` and the application form build a ``Family`` from rows,
and the page, the tree (``tree``), the GEDCOM export (``gedcom``) and the tests read it. Members
are known by their number (1…N within a family): kinship and work periods point at numbers.

- ``problems(family)``: what is wrong with it, as clear messages; the page form and the
  application form refuse a family with any, and the functions below assume there are none;
- ``generations(family)``: each member's generation, 1 the oldest;
- ``service_years(periods, today)`` and ``figures(family)``: years of service, each calendar year
  counted once per member, and the dynasty's totals;
- ``parents_of``, ``children_of``, ``spouses_of``, ``siblings_of`` and ``couples`` (the unions a
  tree draws and GEDCOM writes as ``FAM`` records).

Messages go through gettext, so this module needs Django's settings but never a database.
"""

from collections import deque
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kuzbib_site.base.partial_dates import PartialDate


@dataclass(frozen=True)
class Person:
    """One member of the family."""

    number: int
    last_name: str
    first_name: str
    patronymic: str = ""
    maiden_name: str = ""
    # "m", "f" or "" (not given).
    sex: str = ""
    # Partial dates (kuzbib_site.base.partial_dates) as typed; "" when unknown.
    birth: str = ""
    death: str = ""

    @property
    def full_name(self):
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)


@dataclass(frozen=True)
class Link:
    """A typed link between two members. For ``PARENT`` the person is a parent of the relative;
    spouses and siblings are links either way round. A marriage may have its years, so that a
    remarriage can be told from the first."""

    PARENT = "parent"
    SPOUSE = "spouse"
    SIBLING = "sibling"
    KINDS = (PARENT, SPOUSE, SIBLING)

    kind: str
    person: int
    relative: int
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Period:
    """A period of work in a library: years from ``start`` to ``end`` (None: still working)."""

    member: int
    start: int
    end: int | None
    library: str
    library_id: int | None = None
    position: str = ""


@dataclass(frozen=True)
class Family:
    people: tuple[Person, ...]
    links: tuple[Link, ...] = ()
    periods: tuple[Period, ...] = ()

    def to_data(self):
        """The family as JSON-ready lists (an application keeps it so)."""
        return {
            "people": [asdict(person) for person in self.people],
            "links": [asdict(link) for link in self.links],
            "periods": [asdict(period) for period in self.periods],
        }

    @classmethod
    def from_data(cls, data):
        return cls(
            people=tuple(Person(**row) for row in data.get("people", ())),
            links=tuple(Link(**row) for row in data.get("links", ())),
            periods=tuple(Period(**row) for row in data.get("periods", ())),
        )


# -- results and limits ---------------------------------------------------------------------------

# No dynasty of the region's libraries reaches further back; an earlier year is a typing slip.
EARLIEST_YEAR = 1800
# Work in a library before this age is refused as a typing slip (the birth or the start year).
WORKING_AGE = 14
MAX_PARENTS = 2


@dataclass(frozen=True)
class Union:
    """A family in the genealogical sense (a GEDCOM ``FAM``): one or two partners and their
    children, or — with no partners — members linked as siblings whose parents are not (all)
    in the family. ``start`` and ``end`` are the marriage's years."""

    partners: tuple[int, ...]
    children: tuple[int, ...] = ()
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class Figures:
    """The figures a dynasty's page shows and its listing sorts by."""

    members: int
    generations: int
    librarian_generations: int
    service_years: int
    by_member: dict[int, int]
    first_year: int | None
    libraries: tuple[str, ...]
    generation_of: dict[int, int]


class _Unsettled(ValueError):
    """The kinship links leave no consistent generation for ``members``."""

    def __init__(self, members):
        super().__init__(f"no consistent generations for members {sorted(members)}")
        self.members = tuple(sorted(members))


# -- relationships ---------------------------------------------------------------------------------


def _numbers(family):
    """Member numbers in the order given, each once."""
    return list(dict.fromkeys(person.number for person in family.people))


def _valid_links(family, kind):
    """Links of ``kind`` between two different known members, each pair once, in the order given
    (for spouses, the earliest dated marriage of a pair first)."""
    known = set(_numbers(family))
    links = [
        link
        for link in family.links
        if link.kind == kind
        and link.person != link.relative
        and link.person in known
        and link.relative in known
    ]
    if kind == Link.SPOUSE:
        links.sort(key=_marriage_order)
    seen = set()
    kept = []
    for link in links:
        pair = (link.person, link.relative)
        if kind != Link.PARENT:
            pair = frozenset(pair)
        if pair not in seen:
            seen.add(pair)
            kept.append(link)
    return kept


def _marriage_order(link):
    # Undated marriages after the dated ones; the numbers decide among equals.
    return (link.start is None, link.start or 0, min(link.person, link.relative))


def parents_of(family):
    """Every member's parents in the family, by number (an empty tuple when none)."""
    parents = {number: set() for number in _numbers(family)}
    for link in _valid_links(family, Link.PARENT):
        parents[link.relative].add(link.person)
    return {number: tuple(sorted(found)) for number, found in parents.items()}


def children_of(family):
    """Every member's children in the family, by number."""
    children = {number: set() for number in _numbers(family)}
    for link in _valid_links(family, Link.PARENT):
        children[link.person].add(link.relative)
    return {number: tuple(sorted(found)) for number, found in children.items()}


def spouses_of(family):
    """Every member's spouses, in the order of the marriages' years (undated last), then by
    number."""
    spouses = {number: [] for number in _numbers(family)}
    for link in _valid_links(family, Link.SPOUSE):
        spouses[link.person].append((link, link.relative))
        spouses[link.relative].append((link, link.person))
    return {
        number: tuple(
            other
            for _link, other in sorted(
                found, key=lambda item: (item[0].start is None, item[0].start or 0, item[1])
            )
        )
        for number, found in spouses.items()
    }


def _sibling_groups(family):
    """The groups joined by explicit sibling links (linked through one another), each sorted,
    in the order of their first member."""
    group_of = {}
    for link in _valid_links(family, Link.SIBLING):
        first = group_of.get(link.person, {link.person})
        second = group_of.get(link.relative, {link.relative})
        if first is not second:
            first |= second
            for number in first:
                group_of[number] = first
    groups = {id(group): group for group in group_of.values()}
    return sorted((tuple(sorted(group)) for group in groups.values()), key=lambda g: g[0])


def siblings_of(family):
    """Every member's siblings: those joined by sibling links (through one another too) and
    those sharing a parent with them (half-siblings included), by number."""
    siblings = {number: set() for number in _numbers(family)}
    for group in _sibling_groups(family):
        for number in group:
            siblings[number].update(group)
    for children in children_of(family).values():
        for child in children:
            siblings[child].update(children)
    return {number: tuple(sorted(found - {number})) for number, found in siblings.items()}


def couples(family):
    """The family's unions: one per marriage (a pair married twice counts once, the earliest
    marriage) with the children both partners share; one for the two parents of a child who are
    not linked as spouses; one per parent for the children whose other parent is not in the
    family; and one without partners for each group of members linked as siblings whose parents
    in the family are not the same for all of them (none entered, or only for some: the whole
    group, so that a sibling whose parents were not entered stays a sibling of one whose parents
    were, who is then a child in two unions). So a remarried member has a union per marriage,
    each with its own children.

    Ordered by the first partner's number, then the marriage's year (undated last); the
    partnerless unions come last."""
    parents = parents_of(family)
    by_parents = {}
    for child, found in parents.items():
        if found:
            by_parents.setdefault(found, []).append(child)
    unions = []
    for link in _valid_links(family, Link.SPOUSE):
        partners = tuple(sorted((link.person, link.relative)))
        unions.append(
            Union(partners, tuple(by_parents.pop(partners, ())), start=link.start, end=link.end)
        )
    unions.extend(Union(partners, tuple(children)) for partners, children in by_parents.items())
    unions.sort(
        key=lambda union: (union.partners[0], union.start is None, union.start or 0, union.partners)
    )
    for group in _sibling_groups(family):
        if len({parents[number] for number in group}) > 1 or not parents[group[0]]:
            unions.append(Union((), group))
    return unions


# -- generations -----------------------------------------------------------------------------------


def generations(family):
    """Each member's generation, 1 the oldest: a child is one below the younger of its parents
    (the longest line of descent); a member without parents in the family takes the generation
    of a spouse or sibling (the youngest of them, when several), repeated until nothing changes;
    a member without parents, spouses or siblings is in generation 1. A married-in member whose
    own parents are in the family keeps the generation their parents give them.

    Call ``problems`` first: a cycle of parents, or marriages that contradict the parent links,
    raise ``ValueError``."""
    return _layout(family)


def _layout(family):
    numbers = _numbers(family)
    parents = parents_of(family)
    children = children_of(family)
    partners = {number: set() for number in numbers}
    for link in _valid_links(family, Link.SPOUSE) + _valid_links(family, Link.SIBLING):
        partners[link.person].add(link.relative)
        partners[link.relative].add(link.person)

    # Parents before their children (Kahn); what is left over sits on a cycle.
    waiting = {number: len(parents[number]) for number in numbers}
    queue = deque(number for number in numbers if not waiting[number])
    order = []
    while queue:
        number = queue.popleft()
        order.append(number)
        for child in children[number]:
            waiting[child] -= 1
            if not waiting[child]:
                queue.append(child)
    if len(order) < len(numbers):
        raise _Unsettled(set(numbers) - set(order))

    # Parentless members start in generation 1 and move down to their spouses' and siblings'
    # generation; every move only lowers generations, and a consistent family needs no more
    # than one generation per member, so a generation past that means the links contradict.
    start = {number: 1 for number in order if not parents[number]}
    movable = [number for number in start if partners[number]]
    while True:
        generation = {}
        for number in order:
            if number in start:
                generation[number] = start[number]
            else:
                generation[number] = max(generation[parent] for parent in parents[number]) + 1
        moved = []
        for number in movable:
            wanted = max(generation[other] for other in partners[number])
            if wanted > start[number]:
                start[number] = wanted
                moved.append(number)
        if not moved:
            break
        if max(start.values()) > len(numbers):
            raise _Unsettled(moved)
    shift = min(generation.values(), default=1) - 1
    return {number: generation[number] - shift for number in numbers}


# -- service ---------------------------------------------------------------------------------------


def service_years(periods, today, until=None):
    """One member's years of library service: the calendar years of the periods, each year once
    (1980–1985 and 1983–1990 give 11; 1980–1980 gives 1). A period still open counts to
    ``today``'s year; no year after ``today``'s year or after ``until`` (the year of death)
    counts. A period ending before it begins counts nothing."""
    last_year = today.year if until is None else min(today.year, until)
    spans = sorted(
        (period.start, min(last_year if period.end is None else period.end, last_year))
        for period in periods
    )
    total = 0
    covered_to = None  # the last year already counted
    for first, last in spans:
        if covered_to is not None:
            first = max(first, covered_to + 1)
        if last >= first:
            total += last - first + 1
            covered_to = last
    return total


def figures(family, today=None):
    """The dynasty's figures. Each member's service is ``service_years`` of their periods, open
    periods ending at the year of death when it is known; libraries are listed by the first
    year anyone of the family worked there, then by name. Call ``problems`` first (see
    ``generations``)."""
    today = today or timezone.localdate()
    generation_of = generations(family)
    numbers = _numbers(family)
    periods = {number: [] for number in numbers}
    for period in family.periods:
        if period.member in periods:
            periods[period.member].append(period)
    deaths = {person.number: _parsed(person.death) for person in reversed(family.people)}
    by_member = {
        number: service_years(
            periods[number],
            today,
            until=deaths[number].end.year if deaths[number] else None,
        )
        for number in numbers
    }
    worked = [period for number in numbers for period in periods[number]]
    first_at = {}
    for period in worked:
        first_at[period.library] = min(first_at.get(period.library, period.start), period.start)
    return Figures(
        members=len(numbers),
        generations=len(set(generation_of.values())),
        librarian_generations=len({generation_of[number] for number in numbers if periods[number]}),
        service_years=sum(by_member.values()),
        by_member=by_member,
        first_year=min((period.start for period in worked), default=None),
        libraries=tuple(sorted(first_at, key=lambda name: (first_at[name], name))),
        generation_of=generation_of,
    )


def _parsed(text):
    """The partial date of ``text``, None when empty or not a date (``problems`` says so)."""
    try:
        return PartialDate.parse(text)
    except ValidationError:
        return None


# -- checks ----------------------------------------------------------------------------------------

_DATE_MESSAGES = {
    "birth": {
        "invalid": gettext_noop("The birth date of %(who)s: %(error)s"),
        "future": gettext_noop("The birth date of %(who)s, %(date)s, is in the future."),
        "early": gettext_noop("The birth date of %(who)s, %(date)s, is before %(year)s."),
    },
    "death": {
        "invalid": gettext_noop("The date of death of %(who)s: %(error)s"),
        "future": gettext_noop("The date of death of %(who)s, %(date)s, is in the future."),
        "early": gettext_noop("The date of death of %(who)s, %(date)s, is before %(year)s."),
    },
}


def problems(family, today=None):
    """What is wrong with a family as typed, as messages for the person who typed it, naming
    the members by name and number; [] when nothing is.

    Members: a number given twice; a birth or death date that is not a date, in the future or
    before ``EARLIEST_YEAR``; a birth after the death. Kinship links: an unknown kind, a number
    that is no member's, a member linked to themselves; a marriage dated in the future, before
    ``EARLIEST_YEAR`` or ending before it begins. The family's shape: more than two parents; a
    parent certainly born after the child; a parent who is also the child's spouse or sibling;
    a member who would be their own ancestor (a parent of themselves, or through a chain of
    parents); a spouse or sibling who is also a descendant; marriages that leave no consistent
    generations. Work periods: a number that is no member's; a year in the future or before
    ``EARLIEST_YEAR``; an end before the start; a start before the birth or before the age of
    ``WORKING_AGE``; a year after the death.

    Partial dates are compared cautiously: only what is certain whatever day they stand for is
    refused. Messages come in a fixed order: members, links, the family's shape, periods."""
    today = today or timezone.localdate()
    people = {}
    for person in family.people:
        people.setdefault(person.number, person)
    births, deaths = {}, {}
    found = _duplicate_problems(family)
    for person in family.people:
        found += _person_problems(person, today, births, deaths)
    found += _link_problems(family, people, today)
    found += _shape_problems(family, people, births)
    found += _period_problems(family, people, births, deaths, today)
    return list(dict.fromkeys(found))


def who(person):
    """How a message names a member: «Иванов Иван Петрович (№ 3)»."""
    if not person.full_name:
        return _("No. %(number)s") % {"number": person.number}
    return _("%(name)s (No. %(number)s)") % {"name": person.full_name, "number": person.number}


def _duplicate_problems(family):
    named = {}
    for person in family.people:
        named.setdefault(person.number, []).append(person)
    return [
        _("No. %(number)s is given to more than one member: %(names)s.")
        % {"number": number, "names": "; ".join(person.full_name or "—" for person in group)}
        for number, group in named.items()
        if len(group) > 1
    ]


def _person_problems(person, today, births, deaths):
    found = []
    dates = {}
    for kind, text in (("birth", person.birth), ("death", person.death)):
        messages = _DATE_MESSAGES[kind]
        try:
            value = PartialDate.parse(text)
        except ValidationError as error:
            found.append(
                _(messages["invalid"]) % {"who": who(person), "error": " ".join(error.messages)}
            )
            continue
        if value is None:
            continue
        dates[kind] = value
        if value.start > today:
            found.append(_(messages["future"]) % {"who": who(person), "date": value.display()})
        elif value.end.year < EARLIEST_YEAR:
            found.append(
                _(messages["early"])
                % {"who": who(person), "date": value.display(), "year": EARLIEST_YEAR}
            )
    birth, death = dates.get("birth"), dates.get("death")
    if birth and death and birth.start > death.end:
        found.append(
            _("%(who)s is given as born %(birth)s, after their death %(death)s.")
            % {"who": who(person), "birth": birth.display(), "death": death.display()}
        )
    births.setdefault(person.number, birth)
    deaths.setdefault(person.number, death)
    return found


def _link_problems(family, people, today):
    found = []
    for link in family.links:
        if link.kind not in Link.KINDS:
            found.append(
                _(
                    "A kinship link between No. %(person)s and No. %(relative)s is of an unknown "
                    "kind «%(kind)s»."
                )
                % {"person": link.person, "relative": link.relative, "kind": link.kind}
            )
            continue
        unknown = [number for number in (link.person, link.relative) if number not in people]
        for number in dict.fromkeys(unknown):
            found.append(
                _("A kinship link points at No. %(number)s, but no member has that number.")
                % {"number": number}
            )
        if unknown:
            continue
        if link.person == link.relative:
            # A parent of oneself is reported with the other cycles of ancestry.
            named = {"who": who(people[link.person])}
            if link.kind == Link.SPOUSE:
                found.append(_("%(who)s is given as their own spouse.") % named)
            elif link.kind == Link.SIBLING:
                found.append(_("%(who)s is given as their own sibling.") % named)
            continue
        if link.kind == Link.SPOUSE:
            found += _marriage_problems(link, people, today)
    return found


def _marriage_problems(link, people, today):
    found = []

    def names(**values):
        # Names only for a message written: most marriages have none.
        return {"who": who(people[link.person]), "whom": who(people[link.relative]), **values}

    for year in dict.fromkeys(year for year in (link.start, link.end) if year is not None):
        if year > today.year:
            found.append(
                _("The marriage of %(who)s and %(whom)s is dated %(year)s, in the future.")
                % names(year=year)
            )
        elif year < EARLIEST_YEAR:
            found.append(
                _("The marriage of %(who)s and %(whom)s is dated %(year)s, before %(earliest)s.")
                % names(year=year, earliest=EARLIEST_YEAR)
            )
    if link.start is not None and link.end is not None and link.end < link.start:
        found.append(
            _(
                "The marriage of %(who)s and %(whom)s ends in %(end)s, before it begins in "
                "%(start)s."
            )
            % names(start=link.start, end=link.end)
        )
    return found


def _shape_problems(family, people, births):
    found = []
    parent_links = _valid_links(family, Link.PARENT)
    for number, parents in parents_of(family).items():
        if len(parents) > MAX_PARENTS:
            found.append(
                _("%(who)s is given %(count)s parents (%(parents)s); a person has at most two.")
                % {
                    "who": who(people[number]),
                    "count": len(parents),
                    "parents": ", ".join(who(people[parent]) for parent in parents),
                }
            )
    for link in parent_links:
        parent_birth, child_birth = births.get(link.person), births.get(link.relative)
        if parent_birth and child_birth and parent_birth.start > child_birth.end:
            found.append(
                _("%(parent)s is given as a parent of %(child)s, but was born after them.")
                % {"parent": who(people[link.person]), "child": who(people[link.relative])}
            )
    spouses = {
        frozenset((link.person, link.relative)) for link in _valid_links(family, Link.SPOUSE)
    }
    siblings = {
        frozenset((link.person, link.relative)) for link in _valid_links(family, Link.SIBLING)
    }
    for link in parent_links:
        pair = frozenset((link.person, link.relative))
        if pair not in spouses and pair not in siblings:
            continue
        names = {"parent": who(people[link.person]), "child": who(people[link.relative])}
        if pair in spouses:
            found.append(
                _("%(parent)s is given both as a parent and as a spouse of %(child)s.") % names
            )
        if pair in siblings:
            found.append(
                _("%(parent)s is given both as a parent and as a sibling of %(child)s.") % names
            )

    cycles = _cycles(family)
    for cycle in cycles:
        first = who(people[cycle[0]])
        if len(cycle) == 2:
            found.append(
                _("%(who)s would be their own ancestor: they are given as their own parent.")
                % {"who": first}
            )
        else:
            found.append(
                _(
                    "%(who)s would be their own ancestor: %(chain)s (each given as a parent of "
                    "the next)."
                )
                % {"who": first, "chain": " → ".join(who(people[number]) for number in cycle)}
            )
    if cycles:
        return found

    found += _married_descendant_problems(family, people, parent_links)
    if not found:
        try:
            _layout(family)
        except _Unsettled as error:
            found.append(
                _(
                    "The generations of %(names)s cannot be worked out: their marriages and "
                    "sibling links contradict the parents given."
                )
                % {"names": ", ".join(who(people[number]) for number in error.members)}
            )
    return found


def _married_descendant_problems(family, people, parent_links):
    """Spouses or siblings one of whom descends from the other (a direct parent is reported
    before)."""
    children = children_of(family)
    parent_pairs = {frozenset((link.person, link.relative)) for link in parent_links}
    descendants = {}

    def descends(ancestor, number):
        if ancestor not in descendants:
            seen, queue = set(), deque(children[ancestor])
            while queue:
                child = queue.popleft()
                if child not in seen:
                    seen.add(child)
                    queue.extend(children[child])
            descendants[ancestor] = seen
        return number in descendants[ancestor]

    found = []
    for kind in (Link.SPOUSE, Link.SIBLING):
        for link in _valid_links(family, kind):
            if frozenset((link.person, link.relative)) in parent_pairs:
                continue
            for ancestor, descendant in (
                (link.person, link.relative),
                (link.relative, link.person),
            ):
                if not descends(ancestor, descendant):
                    continue
                names = {"ancestor": who(people[ancestor]), "descendant": who(people[descendant])}
                if kind == Link.SPOUSE:
                    found.append(
                        _(
                            "%(ancestor)s is given as a spouse of %(descendant)s, who is their "
                            "descendant."
                        )
                        % names
                    )
                else:
                    found.append(
                        _(
                            "%(ancestor)s is given as a sibling of %(descendant)s, who is their "
                            "descendant."
                        )
                        % names
                    )
    return found


def _cycles(family):
    """The cycles of parent links (a member their own parent included), one per strongly
    connected group of members: the shortest cycle through its lowest number, given as numbers
    from that member back to them, in the order of those numbers."""
    known = set(_numbers(family))
    edges = {number: set() for number in known}
    for link in family.links:
        if link.kind == Link.PARENT and link.person in known and link.relative in known:
            edges[link.person].add(link.relative)
    edges = {number: sorted(children) for number, children in edges.items()}

    # Tarjan's strongly connected components, iterative so that a long line of descent does
    # not reach Python's recursion limit.
    index, low, stack, on_stack, groups = {}, {}, [], set(), []
    for root in sorted(known):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            for offset, child in enumerate(edges[node][position:], start=position):
                if child not in index:
                    work.append((node, offset + 1))
                    work.append((child, 0))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                if low[node] == index[node]:
                    group = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        group.add(member)
                        if member == node:
                            break
                    groups.append(group)
                if work:
                    caller = work[-1][0]
                    low[caller] = min(low[caller], low[node])

    cycles = []
    for group in groups:
        first = min(group)
        if len(group) == 1 and first not in edges[first]:
            continue
        cycles.append(_shortest_cycle(first, group, edges))
    return sorted(cycles)


def _shortest_cycle(first, group, edges):
    """The shortest path of parent links from ``first`` back to ``first`` inside ``group``."""
    previous = {first: None}
    queue = deque([first])
    while queue:
        node = queue.popleft()
        for child in edges[node]:
            if child == first:
                path = [node]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return [*reversed(path), first]
            if child in group and child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError("a strongly connected group always has a cycle")


def _period_problems(family, people, births, deaths, today):
    found = []
    for period in family.periods:
        if period.member in people:
            found += _work_problems(
                period,
                people[period.member],
                births.get(period.member),
                deaths.get(period.member),
                today,
            )
        else:
            found.append(
                _(
                    "A work period at «%(library)s» belongs to No. %(number)s, but no member has "
                    "that number."
                )
                % {"library": period.library or "—", "number": period.member}
            )
    return found


def _work_problems(period, person, birth, death, today):
    found = []

    def names(**values):
        # Names only for a message written: most periods have none.
        return {"who": who(person), "library": period.library or "—", **values}

    for year in dict.fromkeys(year for year in (period.start, period.end) if year is not None):
        if year > today.year:
            found.append(
                _(
                    "Work of %(who)s at «%(library)s» is dated %(year)s, in the future; leave "
                    "the end empty while the work goes on."
                )
                % names(year=year)
            )
        elif year < EARLIEST_YEAR:
            found.append(
                _("Work of %(who)s at «%(library)s» is dated %(year)s, before %(earliest)s.")
                % names(year=year, earliest=EARLIEST_YEAR)
            )
    if period.end is not None and period.end < period.start:
        found.append(
            _("Work of %(who)s at «%(library)s» ends in %(end)s, before it begins in %(start)s.")
            % names(start=period.start, end=period.end)
        )
    if birth:
        # The oldest they can have been in the first year of work.
        age = period.start - birth.start.year
        if age < 0:
            found.append(
                _(
                    "Work of %(who)s at «%(library)s» begins in %(year)s, before they were "
                    "born (%(birth)s)."
                )
                % names(year=period.start, birth=birth.display())
            )
        elif age < WORKING_AGE:
            found.append(
                _(
                    "Work of %(who)s at «%(library)s» begins in %(year)s, before the age of "
                    "%(age)s (born %(birth)s)."
                )
                % names(year=period.start, age=WORKING_AGE, birth=birth.display())
            )
    if death:
        last = max(year for year in (period.start, period.end) if year is not None)
        if last > death.end.year:
            found.append(
                _(
                    "Work of %(who)s at «%(library)s» is dated %(year)s, after their death "
                    "(%(death)s)."
                )
                % names(year=last, death=death.display())
            )

    return found
