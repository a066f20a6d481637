"""The family tree of a dynasty: an SVG drawn on the server, and the same family as a nested list
for screen readers and phones.

``draw(family, figures, title=…)`` gives a ``Tree``: ``svg`` (safe markup, every name escaped by the
XML writer), its natural ``width`` and ``height`` in pixels, and ``outline`` (the list). The page
includes it with ``dynasties/includes/tree.html``; ``dynasties/static/dynasties/dynasties.css``
colours it with the page's own ink and paper, so the low-vision version and print apply.

Layout. One row per generation, the oldest on top, labelled on the left. Spouses of one generation
stand side by side joined by a marriage line (a remarried member between the earlier and the later
spouse); children hang from their parents' union by orthogonal lines. The order within a row is
chosen by the barycentre heuristic (sweeps down and up, keeping the order with fewest crossings),
and the positions by least squares: each couple or single member is a rigid block, pulled under
its parents' union (or over its children's centre) and kept in order, apart, by pool-adjacent
violators — so siblings come out centred under their parents wherever there is room. Everything
is deterministic: the same family draws the same tree.

Each box: the name on two lines (surname; given names), shortened with «…» if long; the years as
the page shows them (a year, «ок. 1920», «1920-е»; a living member only «р. 1975»); for those who
worked in libraries the years of service and a bookmark mark. Sex is told by the box's corners
(square for men, round for women) and a ♂/♀ mark, never by colour alone; a legend says so.
"""

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from kuzbib_site.base.partial_dates import DAY, DECADE, MONTH, RANGE, PartialDate

from . import family as kin
from .family import Link

# Sizes in pixels at the natural size (the SVG's width/height); the viewBox is the same, so print
# and narrow columns scale it as a whole.
BOX_W, BOX_H = 236, 96
SPOUSE_GAP = 32  # between spouses: room for the marriage line and the children's drop
GAP = 24  # between siblings who are not spouses
FAMILY_GAP = 48  # between neighbours of different parents: each family's children stay a group
PAD = 16
LABEL_W = 132  # the column of generation labels
ROW_GAP = 44  # between rows, plus a level per overlapping line of children (BUS_STEP)
BUS_STEP = 12
LEGEND_H = 56
NAME_SIZE, TEXT_SIZE = 15, 14
TEXT_X = 14  # text's left inset inside a box
BOOKMARK_W = 14  # the librarians' bookmark at the box's top right

SWEEPS = 4  # ordering sweeps (each down and up)
PLACEMENTS = 6  # coordinate passes (each down and up)

ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass
class Branch:
    """In the outline: a member's marriage (or the other parent of their children), and the
    children of the two; ``spouse`` is None for children with one known parent."""

    spouse: "Node | None"
    children: list = field(default_factory=list)


@dataclass
class Node:
    """A member in the outline. ``reference`` is True where the member is shown in full earlier in
    the list (a child of two members of the family, a spouse from another branch): the list then
    gives only the name and «см. выше»."""

    number: int
    name: str
    years: str = ""
    service: str = ""
    libraries: tuple = ()
    url: str = ""
    reference: bool = False
    branches: list = field(default_factory=list)


@dataclass(frozen=True)
class Box:
    """A member's box in the drawing: top left corner and their row."""

    number: int
    x: float
    y: float
    generation: int


@dataclass(frozen=True)
class Tree:
    svg: str
    width: int
    height: int
    outline: list
    boxes: dict

    @property
    def wide(self):
        """Wider than the page's column: the page says it scrolls sideways."""
        return self.width > 1088

    @property
    def start(self):
        """Where a reader's eye starts: the left edge of the oldest generation's first box (less
        the generation labels' column), in the drawing's pixels. A wide tree centres its founders
        over all their descendants, far to the right of the scroll region's first screen; the
        page's script scrolls there (``dynasties/js/tree.js``)."""
        if not self.boxes:
            return 0
        top = min(box.generation for box in self.boxes.values())
        first = min(box.x for box in self.boxes.values() if box.generation == top)
        return max(0, round(first - LABEL_W - PAD))


def draw(family, figures, *, title, links=None, prefix="family-tree"):
    """The tree of ``family`` (``dynasties.family.Family``) with its ``figures``
    (``family.figures``). ``links`` maps member numbers to URLs for their names; ``prefix`` makes
    the ids of the SVG's title and description unique on the page."""
    if not family.people:
        return Tree(mark_safe(""), 0, 0, [], {})
    layout = _Layout(family, figures)
    members = {person.number: _Member(person, family, figures) for person in family.people}
    links = links or {}
    outline = _outline(layout, members, links)
    svg = _svg(layout, members, links, title, prefix, figures)
    return Tree(svg, layout.width, layout.height, outline, layout.boxes)


# -- what a box says ---------------------------------------------------------------------------


class _Member:
    """A member's texts: name lines, years, service, libraries."""

    def __init__(self, person, family, figures):
        self.person = person
        self.number = person.number
        periods = sorted(
            (period for period in family.periods if period.member == person.number),
            key=lambda period: (period.start, period.end or 9999),
        )
        self.librarian = bool(periods)
        self.libraries = tuple(
            dict.fromkeys(period.library for period in periods if period.library)
        )
        years = figures.by_member.get(person.number, 0)
        self.service = (
            ngettext("%(n)s year of service", "%(n)s years of service", years) % {"n": years}
            if self.librarian
            else ""
        )
        self.years = life_years(person.birth, person.death)
        self.name = person.full_name or _("Member %(number)s") % {"number": person.number}
        if person.maiden_name:
            self.name = _("%(name)s (née %(maiden)s)") % {
                "name": self.name,
                "maiden": person.maiden_name,
            }

    def name_lines(self):
        """Surname on the first line, given names on the second; each shortened to the box."""
        person = self.person
        if person.last_name:
            first = person.last_name
            if person.maiden_name:
                with_maiden = f"{person.last_name} ({person.maiden_name})"
                if _text_width(with_maiden, NAME_SIZE, bold=True) <= _line_room(0):
                    first = with_maiden
            second = " ".join(part for part in (person.first_name, person.patronymic) if part)
        else:
            first, second = person.first_name, person.patronymic
        if not first and not second:
            first = self.name
        return _fit(first, _line_room(0), bold=True), _fit(second, _line_room(1), bold=False)


def _line_room(line):
    """The width a text line may take: the first line leaves room for the bookmark."""
    room = BOX_W - TEXT_X - 10
    return room - BOOKMARK_W - 6 if line == 0 else room


def life_years(birth, death):
    """A member's years of life from two partial dates, as every dynasty page writes them (the
    tree's boxes, the members' list, the applicant's status page): «1925–2001», «ок. 1920–1985»,
    «род. 1950», «ум. 2001» or ''."""
    born, died = _short_date(birth), _short_date(death)
    if born and died:
        return f"{born}–{died}"
    if born:
        return pgettext("life years", "b. %(year)s") % {"year": born}
    if died:
        return pgettext("life years", "d. %(year)s") % {"year": died}
    return ""


def _short_date(text):
    """A partial date as a box has room for: the year (a day or a month shows only its year),
    «ок. 1920», «1920-е гг.», a range as «1920/1925» (a dash would read as birth–death)."""
    if not text:
        return ""
    try:
        value = PartialDate.parse(text)
    except (ValidationError, ValueError):
        return text.strip()[:16]
    if value is None:
        return ""
    if value.precision == DECADE:
        return pgettext("partial date", "the %(decade)ss") % {"decade": value.start.year}
    if value.precision == RANGE:
        return value.iso()
    year = str(value.start.year)
    if value.approximate and value.precision not in (DAY, MONTH):
        return pgettext("partial date", "c. %(date)s") % {"date": year}
    return year


# Widths of characters relative to the font size, as DejaVu Sans draws them (the widest of the
# fonts the page may fall back to; PT Sans and Arial are narrower), to decide where a name is
# shortened: the browser's own measure is not available on the server.
_NARROW = set(" .,:;!'|()[]iIlj")
_SLIM = set("-–rtf1гзсэ")
_WIDE = set("mwжмфшщыюMWЖМФШЩЫЮ…")


def _text_width(text, size, bold=False):
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 0.32
        elif char in _SLIM:
            width += 0.55
        elif char in _WIDE:
            width += 1.0 if char.isupper() else 0.9
        elif char.isupper():
            width += 0.75
        else:
            width += 0.64
    return width * size * (1.1 if bold else 1.0)


def _fit(text, room, bold):
    size = NAME_SIZE if bold else TEXT_SIZE
    if _text_width(text, size, bold) <= room:
        return text
    while text and _text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…"


# -- layout ------------------------------------------------------------------------------------


class _Layout:
    """Rows, their order and the boxes' coordinates."""

    def __init__(self, family, figures):
        self.family = family
        self.numbers = [person.number for person in family.people]
        self.generation = {number: figures.generation_of.get(number, 1) for number in self.numbers}
        self.parents = {
            number: tuple(sorted(parents))
            for number, parents in kin.parents_of(family).items()
            if parents
        }
        self.children = {
            number: list(children) for number, children in kin.children_of(family).items()
        }
        self.marriages = self._marriages()
        self.spouses = {
            number: list(partners) for number, partners in kin.spouses_of(family).items()
        }
        self.generations = sorted(set(self.generation.values()))
        self.rows = self._units()
        self._order()
        self._coordinates()

    def _marriages(self):
        """{frozenset(pair): sort key} for spouse links, the earlier marriage first."""
        known = set(self.numbers)
        spouse_links = [
            (index, link)
            for index, link in enumerate(self.family.links)
            if link.kind == Link.SPOUSE
            and link.person != link.relative
            and {link.person, link.relative} <= known
        ]
        marriages = {}
        for index, link in spouse_links:
            pair = frozenset((link.person, link.relative))
            key = (link.start if link.start is not None else 9999, index)
            marriages[pair] = min(marriages.get(pair, key), key)
        self.ended = {
            frozenset((link.person, link.relative))
            for _index, link in spouse_links
            if link.end is not None
        }
        return marriages

    def _units(self):
        """Per generation, the blocks that move as one: a member alone, or spouses of the same
        generation in a line (the remarried in the middle, the earlier marriage on the left)."""
        rows = {generation: [] for generation in self.generations}
        seen = set()
        for number in self.numbers:
            if number in seen:
                continue
            generation = self.generation[number]
            component = self._same_row_spouses(number, generation)
            unit = self._line_up(component, generation)
            seen.update(unit)
            rows[generation].append(unit)
        return {generation: self._siblings_together(units) for generation, units in rows.items()}

    def _same_row_spouses(self, number, generation):
        component, stack = {number}, [number]
        while stack:
            current = stack.pop()
            for partner in self.spouses.get(current, ()):
                if partner not in component and self.generation[partner] == generation:
                    component.add(partner)
                    stack.append(partner)
        return component

    def _line_up(self, component, generation):
        if len(component) == 1:
            return list(component)

        def partners(number):
            return [
                partner
                for partner in self.spouses.get(number, ())
                if partner in component and self.generation[partner] == generation
            ]

        ends = [number for number in component if len(partners(number)) == 1]
        if ends and all(len(partners(number)) <= 2 for number in component):
            # A chain: begin at the end whose marriage is the earlier.
            start = min(ends, key=lambda n: self.marriages[frozenset((n, partners(n)[0]))])
            line, previous = [start], None
            while True:
                following = [n for n in partners(line[-1]) if n != previous and n not in line]
                if not following:
                    break
                previous = line[-1]
                line.append(following[0])
            return line
        # Someone married three times or more (or a ring): the most married in the middle,
        # spouses alternately left and right in the order of the marriages.
        centre = max(sorted(component), key=lambda n: len(partners(n)))
        left, right = [], []
        for index, partner in enumerate(partners(centre)):
            (left if index % 2 == 0 else right).append(partner)
        line = [*reversed(left), centre, *right]
        line += sorted(component - set(line))
        return line

    # ordering ---------------------------------------------------------------------------------
    def _slots(self):
        """Each member's index within its row, counted in members."""
        slots = {}
        for units in self.rows.values():
            index = 0
            for unit in units:
                for number in unit:
                    slots[number] = index
                    index += 1
        return slots

    def _order(self):
        for generation in self.generations[1:]:
            self._sort_row(generation, self._slots(), downward=True)
        best, best_crossings = self._snapshot(), self._crossings()
        for _sweep in range(SWEEPS):
            for generation in self.generations[1:]:
                self._sort_row(generation, self._slots(), downward=True)
            for generation in reversed(self.generations[:-1]):
                self._sort_row(generation, self._slots(), downward=False)
            crossings = self._crossings()
            if crossings < best_crossings:
                best, best_crossings = self._snapshot(), crossings
        self.rows = best

    def _snapshot(self):
        return {
            generation: [list(unit) for unit in units] for generation, units in self.rows.items()
        }

    def _sort_row(self, generation, slots, downward):
        units = self.rows[generation]
        keyed = []
        for index, unit in enumerate(units):
            relatives = []
            for number in unit:
                if downward:
                    relatives += self.parents.get(number, ())
                else:
                    relatives += self.children.get(number, ())
            own = sum(slots[number] for number in unit) / len(unit)
            if relatives:
                key = sum(slots[relative] for relative in relatives) / len(relatives)
            else:
                key = own
            keyed.append((key, own, index, unit))
        keyed.sort(key=lambda item: item[:3])
        self.rows[generation] = self._siblings_together([item[3] for item in keyed])

    def _siblings_together(self, units):
        """Members linked as siblings but without parents in the family stand side by side."""
        group = {}
        for link in self.family.links:
            if link.kind == Link.SIBLING:
                first = group.get(link.person, link.person)
                second = group.get(link.relative, link.relative)
                merged = min(first, second)
                for number, value in list(group.items()):
                    if value in (first, second):
                        group[number] = merged
                group[link.person] = group[link.relative] = merged
        ordered, placed = [], set()
        for index, unit in enumerate(units):
            if index in placed:
                continue
            ordered.append(unit)
            placed.add(index)
            mine = {group[n] for n in unit if n in group and not self.parents.get(n)}
            if not mine:
                continue
            for later, other in enumerate(units):
                if later in placed:
                    continue
                theirs = {group[n] for n in other if n in group and not self.parents.get(n)}
                if mine & theirs:
                    ordered.append(other)
                    placed.add(later)
        return ordered

    def _crossings(self):
        """Crossings of parent–child lines between neighbouring rows, by their slots."""
        slots = self._slots()
        edges = {}
        for child, parents in self.parents.items():
            for parent in parents:
                edges.setdefault(self.generation[child], []).append((slots[parent], slots[child]))
        count = 0
        for row in edges.values():
            for index, (top, bottom) in enumerate(row):
                for other_top, other_bottom in row[index + 1 :]:
                    if (top - other_top) * (bottom - other_bottom) < 0:
                        count += 1
        return count

    # coordinates -------------------------------------------------------------------------------
    @staticmethod
    def _unit_width(unit):
        return len(unit) * BOX_W + (len(unit) - 1) * SPOUSE_GAP

    @staticmethod
    def _offset(unit, number):
        """The centre of ``number``'s box from its unit's left edge."""
        return unit.index(number) * (BOX_W + SPOUSE_GAP) + BOX_W / 2

    def _centres(self, lefts):
        centres = {}
        for generation, units in self.rows.items():
            for unit, left in zip(units, lefts[generation], strict=True):
                for number in unit:
                    centres[number] = left + self._offset(unit, number)
        return centres

    def _coordinates(self):
        lefts = {}
        for generation, units in self.rows.items():
            x, lefts[generation] = 0.0, []
            for unit, gap in zip(units, [*self._gaps(units), 0], strict=True):
                lefts[generation].append(x)
                x += self._unit_width(unit) + gap
        for _pass in range(PLACEMENTS):
            for generation in self.generations[1:]:
                self._place_row(generation, lefts, downward=True)
            for generation in reversed(self.generations[:-1]):
                self._place_row(generation, lefts, downward=False)
        for generation in self.generations[1:]:
            self._place_row(generation, lefts, downward=True)
        self._position(lefts)

    def _place_row(self, generation, lefts, downward):
        centres = self._centres(lefts)
        units = self.rows[generation]
        targets, weights = [], []
        for unit, left in zip(units, lefts[generation], strict=True):
            wishes = []
            if downward:
                for number in unit:
                    parents = self.parents.get(number, ())
                    if parents:
                        union = sum(centres[parent] for parent in parents) / len(parents)
                        wishes.append(union - self._offset(unit, number))
            else:
                for union, children in self._unions_of(unit).items():
                    middle = sum(self._offset(unit, parent) for parent in union if parent in unit)
                    middle /= sum(1 for parent in union if parent in unit)
                    below = sum(centres[child] for child in children) / len(children)
                    wishes.append(below - middle)
            if wishes:
                targets.append(sum(wishes) / len(wishes))
                weights.append(len(wishes))
            else:
                targets.append(left)
                weights.append(0.05)
        widths = [self._unit_width(unit) for unit in units]
        lefts[generation] = _ordered_positions(targets, weights, widths, self._gaps(units))

    def _gaps(self, units):
        """The least room between each unit and the next."""
        gaps = []
        for unit, following in pairwise(units):
            mine = {self.parents.get(number) for number in unit} - {None}
            theirs = {self.parents.get(number) for number in following} - {None}
            gaps.append(GAP if mine & theirs else FAMILY_GAP)
        return gaps

    def _unions_of(self, unit):
        """{parents (sorted tuple): children} for the children of the unit's members."""
        unions = {}
        for number in unit:
            for child in self.children.get(number, ()):
                unions.setdefault(self.parents[child], []).append(child)
        return {union: sorted(set(children)) for union, children in unions.items()}

    def _position(self, lefts):
        """Absolute boxes: shift right of the labels, rows down with room for the lines."""
        smallest = min((values[0] for values in lefts.values() if values), default=0)
        shift = LABEL_W + PAD - smallest
        lefts = {
            generation: [round(left + shift) for left in values]
            for generation, values in lefts.items()
        }
        centres = self._centres(lefts)
        self.buses = self._buses(centres)
        self.row_top = {}
        y = PAD
        self.boxes = {}
        for generation in self.generations:
            if generation != self.generations[0]:
                y += ROW_GAP + BUS_STEP * len(self._levels(generation))
            self.row_top[generation] = y
            for unit, left in zip(self.rows[generation], lefts[generation], strict=True):
                for index, number in enumerate(unit):
                    x = left + index * (BOX_W + SPOUSE_GAP)
                    self.boxes[number] = Box(number, x, y, generation)
            y += BOX_H
        self.legend_top = y + ROW_GAP / 2
        self.height = round(self.legend_top + LEGEND_H + PAD)
        right = max(box.x + BOX_W for box in self.boxes.values())
        self.width = round(max(right + PAD, LABEL_W + PAD + _legend_width()))

    def _buses(self, centres):
        """Per row of children, the horizontal lines from their parents' unions: (union,
        children, left, right), given levels so that overlapping lines do not share a height."""
        buses = {}
        for child in self.numbers:
            parents = self.parents.get(child)
            if parents:
                buses.setdefault((self.generation[child], parents), []).append(child)
        by_row = {}
        for (generation, parents), children in sorted(buses.items()):
            xs = [centres[child] for child in children] + [self._drop_x(parents, centres)]
            if not self._adjacent(parents):
                xs += [centres[parent] for parent in parents]
            by_row.setdefault(generation, []).append([parents, children, min(xs), max(xs), 0])
        for lines in by_row.values():
            lines.sort(key=lambda line: (line[2], line[3]))
            ends = []  # the right end of each level so far
            for line in lines:
                for level, end in enumerate(ends):
                    if end + 10 < line[2]:
                        line[4], ends[level] = level, line[3]
                        break
                else:
                    line[4] = len(ends)
                    ends.append(line[3])
        return by_row

    def _levels(self, generation):
        return {line[4] for line in self.buses.get(generation, ())}

    def _adjacent(self, parents):
        if len(parents) != 2:
            return False
        for units in self.rows.values():
            for unit in units:
                if parents[0] in unit and parents[1] in unit:
                    return abs(unit.index(parents[0]) - unit.index(parents[1])) == 1
        return False

    def _drop_x(self, parents, centres):
        return sum(centres[parent] for parent in parents) / len(parents)


def _ordered_positions(targets, weights, widths, gaps):
    """Left edges as near their targets as can be (weighted least squares) while keeping the
    order and at least ``gaps[i]`` between block i and the next: pool-adjacent violators on the
    targets less each block's minimal offset."""
    offsets, total = [], 0.0
    for width, gap in zip(widths, [*gaps, 0], strict=True):
        offsets.append(total)
        total += width + gap
    blocks = []  # [mean, weight, count]
    for target, weight, offset in zip(targets, weights, offsets, strict=True):
        blocks.append([target - offset, weight, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            value, weight_b, count_b = blocks.pop()
            previous = blocks[-1]
            merged = previous[1] + weight_b
            previous[0] = (previous[0] * previous[1] + value * weight_b) / merged
            previous[1] = merged
            previous[2] += count_b
    values = []
    for value, _weight, count in blocks:
        values += [value] * count
    return [value + offset for value, offset in zip(values, offsets, strict=True)]


# -- the outline -------------------------------------------------------------------------------


def _outline(layout, members, links):
    """Roots (members without parents in the family, not married into it), each with their
    marriages and children, depth first; a member met again is a reference."""
    # Row by row, left to right; within spouses side by side the most married first, so that a
    # remarried member's marriages are listed under them.
    order = [
        number
        for generation in layout.generations
        for unit in layout.rows[generation]
        for number in sorted(unit, key=lambda n: -len(layout.spouses.get(n, ())))
    ]
    seen = set()

    def co_parents(number):
        partners = list(layout.spouses.get(number, ()))
        unions = {}
        for child in sorted(layout.children.get(number, ()), key=lambda c: layout.boxes[c].x):
            others = [parent for parent in layout.parents[child] if parent != number]
            other = others[0] if others else None
            unions.setdefault(other, []).append(child)
            if other is not None and other not in partners:
                partners.append(other)
        return [(partner, unions.get(partner, [])) for partner in partners] + (
            [(None, unions[None])] if None in unions else []
        )

    def node(number, skip=None):
        member = members[number]
        if number in seen:
            return Node(number, member.name, url=links.get(number, ""), reference=True)
        seen.add(number)
        result = Node(
            number,
            member.name,
            member.years,
            member.service,
            member.libraries,
            links.get(number, ""),
        )
        for partner, children in co_parents(number):
            if partner is not None and partner == skip:
                continue
            spouse = node(partner, skip=number) if partner is not None else None
            result.branches.append(Branch(spouse, [node(child) for child in children]))
        return result

    def married_in(number):
        return any(layout.parents.get(partner) for partner in layout.spouses.get(number, ()))

    roots = []
    for number in order:
        if number not in seen and not layout.parents.get(number) and not married_in(number):
            roots.append(node(number))
    for number in order:
        if number not in seen:
            roots.append(node(number))
    return roots


# -- the drawing -------------------------------------------------------------------------------


def roman(number):
    """``number`` (1 and more) in Roman numerals: the tree's and the member list's generation
    labels («I», «IV»)."""
    text = ""
    for value, letters in ROMAN:
        while number >= value:
            text += letters
            number -= value
    return text


def _legend_samples():
    return (
        ("librarian", _("worked in libraries")),
        ("relative", _("relative")),
        ("m", _("man")),
        ("f", _("woman")),
    )


#: A legend sample: its box, the gap before its label, and the space after the label.
LEGEND_BOX, LEGEND_GAP, LEGEND_SPACE = 40, 10, 32


def _legend_step(label):
    """How far the next legend sample starts: measured from the label in the reader's language
    (Russian labels are half as long again as English ones)."""
    return LEGEND_BOX + LEGEND_GAP + _text_width(label, TEXT_SIZE) + LEGEND_SPACE


def _legend_width():
    return sum(_legend_step(label) for _kind, label in _legend_samples())


def _svg(layout, members, links, title, prefix, figures):
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    svg = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "family-tree__svg",
            "role": "group" if links else "img",
            "aria-labelledby": f"{title_id} {desc_id}",
            "width": str(layout.width),
            "height": str(layout.height),
            "viewBox": f"0 0 {layout.width} {layout.height}",
            "font-size": str(TEXT_SIZE),
            "fill": "currentColor",
        },
    )
    ET.SubElement(svg, "title", {"id": title_id}).text = title
    ET.SubElement(svg, "desc", {"id": desc_id}).text = _description(layout, members, figures)

    labels = ET.SubElement(svg, "g", {"class": "family-tree__generations"})
    for generation in layout.generations:
        text = ET.SubElement(
            labels,
            "text",
            {
                "x": str(PAD),
                "y": f"{layout.row_top[generation] + BOX_H / 2 + 5:.0f}",
                "class": "family-tree__generation",
            },
        )
        text.text = _("Generation %(n)s") % {"n": roman(generation)}

    lines = ET.SubElement(
        svg,
        "g",
        {
            "class": "family-tree__lines",
            "fill": "none",
            "stroke": "currentColor",
            "stroke-width": "2",
        },
    )
    _marriage_lines(lines, layout)
    _child_lines(lines, layout)

    people = ET.SubElement(svg, "g", {"class": "family-tree__people"})
    for number in layout.numbers:
        _person(people, layout.boxes[number], members[number], links.get(number))
    _legend(svg, layout)
    return mark_safe(ET.tostring(svg, encoding="unicode", short_empty_elements=True))  # noqa: S308 — ElementTree escaped every text and attribute


def _description(layout, members, figures):
    librarians = sum(1 for member in members.values() if member.librarian)
    parts = [
        ngettext(
            "%(count)s member in %(generations)s generations",
            "%(count)s members in %(generations)s generations",
            len(members),
        )
        % {"count": len(members), "generations": len(layout.generations)},
        ngettext(
            "%(count)s of them worked in libraries",
            "%(count)s of them worked in libraries",
            librarians,
        )
        % {"count": librarians},
    ]
    return (
        "; ".join(parts)
        + ". "
        + _(
            "Rows are generations, the oldest on top; spouses stand side by side joined by a line, "
            "children below their parents. A bookmark marks those who worked in libraries; boxes "
            "with square corners are men, with round corners women. The same family is given as "
            "a list after the drawing."
        )
    )


def _marriage_lines(group, layout):
    for pair in sorted(layout.marriages, key=lambda pair: layout.marriages[pair]):
        first, second = sorted((layout.boxes[n] for n in pair), key=lambda box: (box.y, box.x))
        attributes = {"class": "family-tree__marriage"}
        if pair in layout.ended:
            attributes["class"] += " family-tree__marriage--ended"
            attributes["stroke-dasharray"] = "6 4"
        middle = BOX_H / 2
        if first.y == second.y and abs(second.x - first.x - BOX_W - SPOUSE_GAP) < 1:
            d = f"M{first.x + BOX_W:.0f} {first.y + middle:.0f}H{second.x:.0f}"
        elif first.y == second.y:
            # Spouses not side by side (a third marriage): over the boxes between them.
            top = first.y - 8
            d = (
                f"M{first.x + BOX_W / 2 + 20:.0f} {first.y:.0f}V{top:.0f}"
                f"H{second.x + BOX_W / 2 - 20:.0f}V{second.y:.0f}"
            )
        else:
            # Spouses of different generations: down from one, across, into the other's side.
            d = (
                f"M{first.x + BOX_W / 2:.0f} {first.y + BOX_H:.0f}"
                f"V{second.y + middle:.0f}"
                f"H{second.x if second.x > first.x else second.x + BOX_W:.0f}"
            )
        ET.SubElement(group, "path", {**attributes, "d": d})


def _child_lines(group, layout):
    boxes = layout.boxes
    for generation, buses in layout.buses.items():
        row_top = layout.row_top[generation]
        levels = len(layout._levels(generation))
        for parents, children, left, right, level in buses:
            # The lowest level nearest the children; higher levels above it.
            bus_y = row_top - ROW_GAP / 2 - (levels - 1 - level) * BUS_STEP
            parts = []
            centres = [boxes[parent].x + BOX_W / 2 for parent in parents]
            if layout._adjacent(parents):
                drop = sum(centres) / 2
                start = max(boxes[parent].y for parent in parents) + BOX_H / 2
                parts.append(f"M{drop:.0f} {start:.0f}V{bus_y:.0f}")
            else:
                for parent, centre in zip(parents, centres, strict=True):
                    parts.append(f"M{centre:.0f} {boxes[parent].y + BOX_H:.0f}V{bus_y:.0f}")
            if right - left > 0.5:
                parts.append(f"M{left:.0f} {bus_y:.0f}H{right:.0f}")
            for child in children:
                centre = boxes[child].x + BOX_W / 2
                parts.append(f"M{centre:.0f} {bus_y:.0f}V{boxes[child].y:.0f}")
            ET.SubElement(
                group,
                "path",
                {
                    "class": "family-tree__descent",
                    "d": "".join(parts),
                    "data-parents": " ".join(str(parent) for parent in parents),
                },
            )


def _person(parent, box, member, url):
    classes = ["family-tree__person"]
    if member.librarian:
        classes.append("family-tree__person--librarian")
    sex = member.person.sex
    if sex in ("m", "f"):
        classes.append(f"family-tree__person--{sex}")
    holder = parent
    if url:
        holder = ET.SubElement(parent, "a", {"href": url, "aria-label": member.name})
    group = ET.SubElement(
        holder,
        "g",
        {"class": " ".join(classes), "data-member": str(member.number)},
    )
    ET.SubElement(group, "title").text = ", ".join(
        part for part in (member.name, member.years, member.service) if part
    )
    ET.SubElement(
        group,
        "rect",
        {
            "class": "family-tree__box",
            "x": f"{box.x:.0f}",
            "y": f"{box.y:.0f}",
            "width": str(BOX_W),
            "height": str(BOX_H),
            "rx": "16" if sex == "f" else "2",
            "fill": "#ffffff",
            "stroke": "currentColor",
            "stroke-width": "2.5" if member.librarian else "1",
        },
    )
    if member.librarian:
        ET.SubElement(
            group,
            "path",
            {
                "class": "family-tree__bookmark",
                "d": _bookmark(box.x + BOX_W - BOOKMARK_W - 12, box.y),
            },
        )
    left = box.x + TEXT_X
    first, second = member.name_lines()
    _text(group, left, box.y + 24, first, "family-tree__name family-tree__surname", bold=True)
    _text(group, left, box.y + 44, second, "family-tree__name")
    _text(group, left, box.y + 66, member.years, "family-tree__years")
    _text(group, left, box.y + 86, member.service, "family-tree__service")
    if sex in ("m", "f"):
        mark = ET.SubElement(
            group,
            "text",
            {
                "class": "family-tree__sex",
                "x": f"{box.x + BOX_W - 10:.0f}",
                "y": f"{box.y + BOX_H - 10:.0f}",
                "text-anchor": "end",
                "aria-hidden": "true",
            },
        )
        mark.text = "♂" if sex == "m" else "♀"


def _bookmark(x, y):
    """A bookmark ribbon hanging from the box's top edge, notched at the bottom."""
    return f"M{x:.0f} {y - 3:.0f}h{BOOKMARK_W}v28l-{BOOKMARK_W / 2:.0f}-6l-{BOOKMARK_W / 2:.0f} 6z"


def _text(group, x, y, text, classes, bold=False):
    if not text:
        return
    attributes = {"x": f"{x:.0f}", "y": f"{y:.0f}", "class": classes}
    if bold:
        attributes.update({"font-size": str(NAME_SIZE), "font-weight": "bold"})
    ET.SubElement(group, "text", attributes).text = text


def _legend(svg, layout):
    y = layout.legend_top
    group = ET.SubElement(svg, "g", {"class": "family-tree__legend", "aria-hidden": "true"})
    x = LABEL_W + PAD
    for kind, label in _legend_samples():
        classes = "family-tree__box"
        ET.SubElement(
            group,
            "rect",
            {
                "class": classes,
                "x": f"{x:.0f}",
                "y": f"{y:.0f}",
                "width": "40",
                "height": "28",
                "rx": "8" if kind == "f" else "2",
                "fill": "#ffffff",
                "stroke": "currentColor",
                "stroke-width": "2.5" if kind == "librarian" else "1",
            },
        )
        if kind == "librarian":
            ET.SubElement(
                group, "path", {"class": "family-tree__bookmark", "d": _bookmark(x + 20, y)}
            )
        if kind in ("m", "f"):
            mark = ET.SubElement(
                group,
                "text",
                {
                    "x": f"{x + 20:.0f}",
                    "y": f"{y + 20:.0f}",
                    "text-anchor": "middle",
                    "class": "family-tree__sex",
                },
            )
            mark.text = "♂" if kind == "m" else "♀"
        text = ET.SubElement(
            group, "text", {"x": f"{x + LEGEND_BOX + LEGEND_GAP:.0f}", "y": f"{y + 19:.0f}"}
        )
        text.text = label
        x += _legend_step(label)
