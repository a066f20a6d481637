"""The family tree (dynasties.tree): the SVG read back with lxml — every member drawn once, no
boxes overlapping, children below their parents, a remarried member's children under the right
marriage, names escaped — and the nested list that stands for it."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from lxml import etree

from dynasties.family import Family, Link, Period, Person, figures
from dynasties.tree import BOX_H, BOX_W, LABEL_W, PAD, draw

TODAY = datetime.date(2024, 6, 1)
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def drawn(family, **options):
    return draw(family, figures(family, today=TODAY), title="The tree", **options)


def parse(tree):
    return etree.fromstring(str(tree.svg).encode())


def boxes(root):
    """{member number: (x, y)} of each drawn box, and the number of boxes per member."""
    found, counts = {}, {}
    for group in root.iter(f"{SVG}g"):
        number = group.get("data-member")
        if number is None:
            continue
        rect = group.find(f"{SVG}rect")
        found[int(number)] = (float(rect.get("x")), float(rect.get("y")))
        counts[int(number)] = counts.get(int(number), 0) + 1
    return found, counts


def walk(nodes):
    """Every node of the outline, depth first."""
    for node in nodes:
        yield node
        for branch in node.branches:
            if branch.spouse is not None:
                yield from walk([branch.spouse])
            yield from walk(branch.children)


def large_family():
    """Five generations, forty members: a first couple; per generation, how many children each
    couple has and how many of the children marry someone from outside the family."""
    people, links, periods = [], [], []
    plan = {1: ((3,), 2), 2: ((3, 2), 3), 3: ((3, 3, 3), 5), 4: ((3, 2, 2, 2, 2), 0)}

    def add(generation, sex):
        number = len(people) + 1
        people.append(
            Person(
                number,
                "Длинноимённая-Константинопольская" if number % 7 == 0 else f"Фамилия{number}",
                "Александра" if sex == "f" else "Константин",
                "Владимировна" if sex == "f" else "Владимирович",
                sex=sex,
                birth=str(1880 + 25 * generation + number % 5),
            )
        )
        if number % 3 == 0:
            periods.append(Period(number, 1900 + 25 * generation, 1930 + 25 * generation, "ЦБС"))
        return number

    first, second = add(0, "m"), add(0, "f")
    links.append(Link(Link.SPOUSE, first, second))
    couples = [(first, second)]
    for generation, (children, marrying) in plan.items():
        next_couples = []
        for (father, mother), count in zip(couples, children, strict=True):
            for child_index in range(count):
                child = add(generation, "mf"[child_index % 2])
                links += [Link(Link.PARENT, father, child), Link(Link.PARENT, mother, child)]
                if len(next_couples) < marrying:
                    spouse = add(generation, "fm"[child_index % 2])
                    links.append(Link(Link.SPOUSE, child, spouse))
                    next_couples.append((child, spouse))
        couples = next_couples
    return Family(tuple(people), tuple(links), tuple(periods))


def test_html_in_names_is_escaped():
    family = Family(
        (
            Person(1, "<script>x()</script>", "<b>Иван</b>", sex="m"),
            Person(2, "Петрова", 'Анна" onload="x', sex="f"),
        ),
        (Link(Link.SPOUSE, 1, 2),),
    )
    tree = drawn(family)

    assert "<script" not in tree.svg
    assert "<b>" not in tree.svg
    root = parse(tree)
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "<script>x()</script>" in texts
    assert all(element.get("onload") is None for element in root.iter())
    page = render_to_string("dynasties/includes/tree.html", {"tree": tree})
    assert "<script" not in page
    assert "&lt;script&gt;" in page


def test_a_large_family_is_drawn_legibly():
    family = large_family()
    assert len(family.people) == 40
    assert figures(family, today=TODAY).generations == 5

    tree = drawn(family)
    root = parse(tree)
    found, counts = boxes(root)

    assert set(found) == set(range(1, 41))
    assert set(counts.values()) == {1}
    placed = sorted(found.items())
    for index, (number, (x, y)) in enumerate(placed):
        for other, (other_x, other_y) in placed[index + 1 :]:
            apart = x + BOX_W <= other_x or other_x + BOX_W <= x
            apart = apart or y + BOX_H <= other_y or other_y + BOX_H <= y
            assert apart, (number, other)
    for link in family.links:
        if link.kind == Link.PARENT:
            assert found[link.relative][1] >= found[link.person][1] + BOX_H + 24
    assert tree.width <= 40 * BOX_W
    assert tree.height <= 5 * (BOX_H + 120) + 100
    assert root.get("viewBox") == f"0 0 {tree.width} {tree.height}"
    for size in root.xpath("//@font-size"):
        assert float(size) >= 14
    labels = [
        text.text for text in root.iter(f"{SVG}text") if "generation" in text.get("class", "")
    ]
    assert labels == [f"Generation {roman}" for roman in ("I", "II", "III", "IV", "V")]

    nodes = list(walk(tree.outline))
    full = [node.number for node in nodes if not node.reference]
    assert sorted(full) == list(range(1, 41))


def test_the_svg_is_an_accessible_image():
    family = large_family()
    root = parse(drawn(family, prefix="tree-7"))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "tree-7-title tree-7-desc"
    assert root.find(f"{SVG}title").text == "The tree"
    assert "40 members in 5 generations" in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}style") is None


def test_a_box_says_years_service_and_librarian():
    family = Family(
        (
            Person(
                1, "Иванова", "Мария", "Петровна", sex="f", birth="12.03.1921", death="ок. 1998"
            ),
            Person(2, "Иванов", "Пётр", sex="m", birth="05.1975"),
            Person(3, "Смирнов", "Олег"),
        ),
        (Link(Link.PARENT, 1, 2),),
        (Period(1, 1950, 1983, "Кемеровская областная библиотека"),),
    )
    root = parse(drawn(family))
    groups = {
        int(group.get("data-member")): group
        for group in root.iter(f"{SVG}g")
        if group.get("data-member")
    }

    def texts(number):
        return [text.text for text in groups[number].iter(f"{SVG}text")]

    assert "1921–c. 1921" not in texts(1)
    assert "1921–c. 1998" in texts(1)
    assert "34 years of service" in texts(1)
    assert "librarian" in groups[1].get("class")
    assert groups[1].find(f"{SVG}path").get("class") == "family-tree__bookmark"
    # A living member: the year of birth only, never the day or month.
    assert "b. 1975" in texts(2)
    assert "05.1975" not in "".join(root.itertext())
    assert "librarian" not in groups[2].get("class")
    assert groups[1].find(f"{SVG}rect").get("rx") != groups[2].find(f"{SVG}rect").get("rx")
    assert "♂" in texts(2) and "♀" in texts(1)
    assert texts(3)[:2] == ["Смирнов", "Олег"]


def test_long_names_are_shortened_with_an_ellipsis():
    long_name = "Константинопольская-Старорусская-Длиннофамильная"
    family = Family((Person(1, long_name, "Александра", "Владимировна", sex="f"),))
    tree = drawn(family)
    texts = [text.text for text in parse(tree).iter(f"{SVG}text")]

    shortened = [text for text in texts if text.startswith("Константинопол")]
    assert shortened and shortened[0].endswith("…") and len(shortened[0]) < len(long_name)
    assert tree.outline[0].name.startswith(long_name)


def test_a_remarried_members_children_stand_under_the_right_marriage():
    family = Family(
        (
            Person(1, "Иванов", "Иван", sex="m", birth="1920"),
            Person(2, "Иванова", "Анна", sex="f", birth="1922"),
            Person(3, "Иванова", "Вера", sex="f", birth="1930"),
            Person(4, "Иванов", "Пётр", sex="m", birth="1946"),
            Person(5, "Иванова", "Ольга", sex="f", birth="1948"),
            Person(6, "Иванов", "Сергей", sex="m", birth="1965"),
        ),
        (
            Link(Link.SPOUSE, 1, 3, start=1962),
            Link(Link.SPOUSE, 1, 2, start=1945, end=1960),
            Link(Link.PARENT, 1, 4),
            Link(Link.PARENT, 2, 4),
            Link(Link.PARENT, 1, 5),
            Link(Link.PARENT, 2, 5),
            Link(Link.PARENT, 1, 6),
            Link(Link.PARENT, 3, 6),
        ),
    )
    tree = drawn(family)
    root = parse(tree)
    found, _counts = boxes(root)

    def centre(number):
        return found[number][0] + BOX_W / 2

    # The first wife, the husband, the second wife, side by side.
    assert found[2][0] < found[1][0] < found[3][0]
    first_union = (centre(1) + centre(2)) / 2
    second_union = (centre(1) + centre(3)) / 2
    for child in (4, 5):
        assert abs(centre(child) - first_union) < abs(centre(child) - second_union)
    assert centre(4) < centre(5) < centre(6)
    assert abs((centre(4) + centre(5)) / 2 - first_union) < BOX_W / 2
    assert abs(centre(6) - second_union) < BOX_W / 2
    descents = {
        path.get("data-parents"): path
        for path in root.iter(f"{SVG}path")
        if path.get("data-parents")
    }
    assert set(descents) == {"1 2", "1 3"}
    ended = [path for path in root.iter(f"{SVG}path") if "ended" in (path.get("class") or "")]
    assert len(ended) == 1

    (root_node,) = tree.outline
    assert root_node.number == 1
    assert [
        (branch.spouse.number, [child.number for child in branch.children])
        for branch in root_node.branches
    ] == [
        (2, [4, 5]),
        (3, [6]),
    ]


def test_parentless_siblings_stand_together_and_an_unlinked_member_is_drawn():
    family = Family(
        (
            Person(1, "Петров", "Алексей", sex="m"),
            Person(2, "Сидорова", "Нина", sex="f"),
            Person(3, "Петрова", "Елена", sex="f"),
            Person(4, "Одинокий", "Кузьма", sex="m"),
        ),
        (Link(Link.SIBLING, 1, 3),),
    )
    tree = drawn(family)
    found, _counts = boxes(parse(tree))

    assert {y for _x, y in found.values()} == {found[1][1]}
    order = sorted(found, key=lambda number: found[number][0])
    assert abs(order.index(1) - order.index(3)) == 1
    assert sorted(node.number for node in tree.outline) == [1, 2, 3, 4]
    assert not any(node.reference for node in walk(tree.outline))


def test_a_member_reached_twice_is_a_reference_the_second_time():
    # Two families joined by a marriage: 5 is a child of 1 and 2 and married to 6, a child of
    # 3 and 4; their daughter 7 has both lines.
    family = Family(
        tuple(
            Person(number, f"Фамилия{number}", "Имя", sex="mf"[number % 2])
            for number in range(1, 8)
        ),
        (
            Link(Link.SPOUSE, 1, 2),
            Link(Link.SPOUSE, 3, 4),
            Link(Link.PARENT, 1, 5),
            Link(Link.PARENT, 2, 5),
            Link(Link.PARENT, 3, 6),
            Link(Link.PARENT, 4, 6),
            Link(Link.SPOUSE, 5, 6),
            Link(Link.PARENT, 5, 7),
            Link(Link.PARENT, 6, 7),
        ),
    )
    tree = drawn(family)
    nodes = list(walk(tree.outline))

    assert sorted(node.number for node in nodes if not node.reference) == list(range(1, 8))
    references = [node.number for node in nodes if node.reference]
    assert references and set(references) <= {5, 6}
    page = render_to_string("dynasties/includes/tree.html", {"tree": tree})
    assert "see above" in page
    outline = page[page.index("<details") :]
    assert outline.count("Фамилия7") == 1
    found, _counts = boxes(parse(tree))
    assert found[7][1] > found[5][1] > found[1][1]


def test_the_include_wraps_the_tree_in_a_scrollable_region_with_the_list():
    family = large_family()
    tree = drawn(family, links={1: "/dynasty/#member-1"})
    page = render_to_string("dynasties/includes/tree.html", {"tree": tree})
    html = etree.fromstring(page, etree.HTMLParser())

    (region,) = html.xpath("//*[@role='region']")
    assert region.get("tabindex") == "0"
    assert region.get("aria-label")
    assert html.xpath("//details/summary")
    assert (
        len(html.xpath("//ul[@class='family-tree__outline']//li/*[@class='family-tree__member']"))
        == 40
    )
    assert html.xpath("//a[@href='/dynasty/#member-1']")
    assert parse(tree).get("role") == "group"


def test_an_empty_family_draws_nothing():
    tree = drawn(Family(()))

    assert (tree.svg, tree.width, tree.height, tree.outline) == ("", 0, 0, [])
    assert render_to_string("dynasties/includes/tree.html", {"tree": tree}).strip() == ""


def test_the_drawing_is_deterministic():
    family = large_family()
    assert drawn(family).svg == drawn(family).svg


def test_a_wide_tree_starts_at_its_founders():
    """The founders are centred over all their descendants: the scroll region starts where the
    oldest generation's first box is (the page's script scrolls there), never before the
    drawing's left edge."""
    tree = drawn(large_family())
    founders = [box for box in tree.boxes.values() if box.generation == 1]
    assert tree.start == round(min(box.x for box in founders) - LABEL_W - PAD) > 0
    html = render_to_string("dynasties/includes/tree.html", {"tree": tree})
    assert f'data-start="{tree.start}"' in html


def test_the_legend_labels_never_overlap_in_russian():
    with translation.override("ru"):
        tree = drawn(large_family())
    legend = parse(tree).find(".//{http://www.w3.org/2000/svg}g[@class='family-tree__legend']")
    rects = [float(rect.get("x")) for rect in legend.iter("{http://www.w3.org/2000/svg}rect")]
    labels = [text for text in legend.iter("{http://www.w3.org/2000/svg}text") if text.text]
    words = [text for text in labels if text.text not in ("♂", "♀")]
    assert len(rects) == len(words) == 4
    # Each label ends (at 0.65 em a letter, wider than DejaVu Sans' Cyrillic) before the next
    # sample's box begins.
    for word, next_box in zip(words, rects[1:], strict=False):
        assert float(word.get("x")) + 0.65 * 14 * len(word.text) <= next_box
