"""A family as plain data, and everything computed from it: the checks of what a family or an
editor typed (kinship cycles, impossible years), the generations derived from parent–child links,
and the dynasty's figures (members, generations, years of library service).

No database here: ``DynastyPage.family()`` and the application form build a ``Family`` from rows,
and the page, the tree (``tree``), the GEDCOM export (``gedcom``) and the tests read it. Members
are known by their number (1…N within a family): kinship and work periods point at numbers.
"""

from dataclasses import asdict, dataclass


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
