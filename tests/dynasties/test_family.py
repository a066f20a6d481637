"""The family computations (``dynasties.family``) on hand-computed families: the checks of what
was typed, the generations, the years of service and the unions the tree and GEDCOM write."""

import datetime

import pytest
from django.utils import translation

from dynasties.family import (
    Family,
    Figures,
    Link,
    Period,
    Person,
    Union,
    children_of,
    couples,
    figures,
    generations,
    parents_of,
    problems,
    service_years,
    siblings_of,
    spouses_of,
)

TODAY = datetime.date(2025, 6, 1)


@pytest.fixture(autouse=True)
def english():
    # Messages are compared in their English source; the Russian catalogue comes later.
    with translation.override("en"):
        yield


def person(number, first_name=None, **fields):
    return Person(number, "Иванов", first_name or f"Имя{number}", **fields)


def parent(person_number, child_number):
    return Link(Link.PARENT, person_number, child_number)


def spouse(first, second, start=None, end=None):
    return Link(Link.SPOUSE, first, second, start, end)


def sibling(first, second):
    return Link(Link.SIBLING, first, second)


def work(member, start, end, library="Центральная библиотека"):
    return Period(member, start, end, library)


# -- years of service ------------------------------------------------------------------------------


def test_overlapping_periods_count_each_year_once():
    assert service_years([work(1, 1980, 1985), work(1, 1983, 1990)], TODAY) == 11


def test_a_single_year_counts_one():
    assert service_years([work(1, 1980, 1980)], TODAY) == 1


def test_a_period_inside_another_adds_nothing():
    assert service_years([work(1, 1980, 1990), work(1, 1982, 1984)], TODAY) == 11


def test_separate_periods_add_up():
    assert service_years([work(1, 1980, 1981), work(1, 1970, 1972)], TODAY) == 5


def test_adjacent_periods_share_no_year():
    assert service_years([work(1, 1980, 1985), work(1, 1985, 1990)], TODAY) == 11


def test_an_open_period_counts_to_this_year():
    assert service_years([work(1, 2020, None)], TODAY) == 6


def test_an_open_period_stops_at_the_year_of_death():
    assert service_years([work(1, 2010, None), work(1, 2005, 2012)], TODAY, until=2015) == 11


def test_no_periods_no_years():
    assert service_years([], TODAY) == 0


# -- figures ---------------------------------------------------------------------------------------


def small_family():
    """Пётр and Мария; their children Анна and Сергей; Анна's daughter Ольга."""
    return Family(
        people=(
            person(1, "Пётр", birth="1920", death="1990"),
            person(2, "Мария", maiden_name="Петрова"),
            person(3, "Анна", birth="1950"),
            person(4, "Сергей"),
            person(5, "Ольга", birth="1975"),
        ),
        links=(spouse(1, 2, 1948), parent(1, 3), parent(2, 3), parent(1, 4), parent(2, 4)),
        periods=(
            work(1, 1945, 1960, "Библиотека А"),
            # Open, but Пётр died in 1990: counts 1958–1990.
            work(1, 1958, None, "Библиотека Б"),
            work(3, 1972, 1980, "Библиотека А"),
            work(3, 1985, 2000, "Библиотека В"),
            work(5, 2000, None, "Библиотека В"),
        ),
    )


def test_figures_of_a_small_family():
    family = Family(
        small_family().people, (*small_family().links, parent(3, 5)), small_family().periods
    )
    assert problems(family, TODAY) == []
    assert figures(family, TODAY) == Figures(
        members=5,
        generations=3,
        librarian_generations=3,
        # 1945–1990: 46; 1972–1980 and 1985–2000: 9 + 16; 2000–2025: 26.
        service_years=97,
        by_member={1: 46, 2: 0, 3: 25, 4: 0, 5: 26},
        first_year=1945,
        libraries=("Библиотека А", "Библиотека Б", "Библиотека В"),
        generation_of={1: 1, 2: 1, 3: 2, 4: 2, 5: 3},
    )


def test_a_family_nobody_of_which_worked_in_a_library():
    family = Family(people=(person(1), person(2)), links=(parent(1, 2),))
    result = figures(family, TODAY)
    assert (result.service_years, result.first_year, result.libraries) == (0, None, ())
    assert (result.generations, result.librarian_generations) == (2, 0)


def test_libraries_first_worked_in_the_same_year_go_by_name():
    family = Family(
        people=(person(1), person(2)),
        periods=(work(2, 1990, 1995, "Детская"), work(1, 1990, 1991, "Городская")),
    )
    assert figures(family, TODAY).libraries == ("Городская", "Детская")


def five_generations():
    """40 members: a founding couple; 4 children, each married; 8 grandchildren, 4 of them
    married; 3 children of each of those 4 couples; 3 children of two of those, whose other
    parent is not in the family. Each member before the fifth generation worked 1900 + 20 ×
    (generation − 1) + number % 5 to 14 years later in two overlapping periods; the fifth
    generation works since 2015."""
    people, links, levels = [], [], {}
    numbers = iter(range(1, 41))

    def add(level, parents=()):
        number = next(numbers)
        people.append(person(number, birth=str(1880 + 20 * (level - 1))))
        levels[number] = level
        links.extend(parent(one, number) for one in parents)
        return number

    founder, founder_wife = add(1), add(1)
    links.append(spouse(founder, founder_wife))
    couples_2 = []
    for _ in range(4):
        child = add(2, (founder, founder_wife))
        wife = add(2)
        links.append(spouse(child, wife))
        couples_2.append((child, wife))
    couples_3 = []
    for pair in couples_2:
        married = add(3, pair)
        add(3, pair)  # an unmarried sibling
        wife = add(3)
        links.append(spouse(married, wife))
        couples_3.append((married, wife))
    fourth = [add(4, pair) for pair in couples_3 for _ in range(3)]
    for single in fourth[:2]:
        for _ in range(3):
            add(5, (single,))
    periods = []
    for number, level in levels.items():
        if level == 5:
            periods.append(work(number, 2015, None, "Библиотека 5"))
        else:
            start = 1900 + 20 * (level - 1) + number % 5
            periods += [
                work(number, start, start + 9, f"Библиотека {level}"),
                work(number, start + 5, start + 14, f"Библиотека {level}"),
            ]
    return Family(tuple(people), tuple(links), tuple(periods)), levels


def test_five_generations_of_forty_members():
    family, levels = five_generations()
    assert len(family.people) == 40
    assert problems(family, TODAY) == []
    assert generations(family) == levels
    counts = {level: list(levels.values()).count(level) for level in range(1, 6)}
    assert counts == {1: 2, 2: 8, 3: 12, 4: 12, 5: 6}
    result = figures(family, TODAY)
    assert (result.members, result.generations, result.librarian_generations) == (40, 5, 5)
    # 34 members × 15 years (start … start + 14) and 6 × 2015–2025.
    assert result.service_years == 34 * 15 + 6 * 11 == 576
    assert result.first_year == 1901
    assert result.libraries == tuple(f"Библиотека {level}" for level in range(1, 6))


# -- generations -----------------------------------------------------------------------------------


def test_a_married_in_spouse_takes_the_partners_generation():
    # 1 → 2; 3 married 2 and has no parents here; their child 4.
    family = Family(
        people=(person(1), person(2), person(3), person(4)),
        links=(parent(1, 2), spouse(3, 2), parent(2, 4), parent(3, 4)),
    )
    assert generations(family) == {1: 1, 2: 2, 3: 2, 4: 3}


def test_a_married_in_spouse_whose_parents_are_here_keeps_their_generation():
    # 1 → 2 → 3; 5 → 4; 4 married 3: 4's own parent puts 4 in generation 2.
    family = Family(
        people=tuple(person(number) for number in range(1, 6)),
        links=(parent(1, 2), parent(2, 3), parent(5, 4), spouse(3, 4)),
    )
    assert generations(family) == {1: 1, 2: 2, 3: 3, 4: 2, 5: 1}


def test_a_married_in_spouse_moves_their_own_children_down_too():
    # 1 → 2 → 3; 4 married 3; 5 is 4's child from a marriage outside the family.
    family = Family(
        people=tuple(person(number) for number in range(1, 6)),
        links=(parent(1, 2), parent(2, 3), spouse(4, 3), parent(4, 5)),
    )
    assert generations(family) == {1: 1, 2: 2, 3: 3, 4: 3, 5: 4}


def test_siblings_without_parents():
    # 3 → 4; 5 is 4's sibling, parents not given; 6 and 7 are siblings with nobody else.
    family = Family(
        people=tuple(person(number) for number in range(3, 8)),
        links=(parent(3, 4), sibling(5, 4), sibling(6, 7)),
    )
    assert generations(family) == {3: 1, 4: 2, 5: 2, 6: 1, 7: 1}
    assert siblings_of(family) == {3: (), 4: (5,), 5: (4,), 6: (7,), 7: (6,)}
    assert couples(family) == [Union((3,), (4,)), Union((), (4, 5)), Union((), (6, 7))]


def test_a_child_is_below_the_younger_parent():
    # 1 → 2 → 3, and 1 is also a parent of 4 with 3: 4 is in generation 4.
    family = Family(
        people=tuple(person(number) for number in range(1, 5)),
        links=(parent(1, 2), parent(2, 3), parent(3, 4), parent(1, 4)),
    )
    assert generations(family) == {1: 1, 2: 2, 3: 3, 4: 4}


def test_unlinked_members_are_in_the_first_generation():
    family = Family(people=(person(1), person(2)))
    assert generations(family) == {1: 1, 2: 1}


def test_generations_refuse_a_cycle():
    family = Family(people=(person(1), person(2)), links=(parent(1, 2), parent(2, 1)))
    with pytest.raises(ValueError):
        generations(family)


def test_generations_refuse_marriages_that_contradict_the_parents():
    # 1 married 4, a child of 2; 2 married 3, a child of 1: no order of generations fits.
    family = Family(
        people=tuple(person(number) for number in range(1, 5)),
        links=(parent(1, 3), parent(2, 4), spouse(1, 4), spouse(2, 3)),
    )
    with pytest.raises(ValueError):
        generations(family)
    assert problems(family, TODAY) == [
        "The generations of Иванов Имя1 (No. 1), Иванов Имя2 (No. 2) cannot be worked out: "
        "their marriages and sibling links contradict the parents given."
    ]


# -- unions ----------------------------------------------------------------------------------------


def test_a_remarried_member_has_a_union_per_marriage():
    # 1 married 2 in 1970 (children 4 and 5), then 3 in 1985 (child 6); 7 is 1's child
    # whose other parent is not in the family. The second marriage is typed first.
    family = Family(
        people=tuple(person(number) for number in range(1, 8)),
        links=(
            spouse(3, 1, 1985),
            spouse(1, 2, 1970, 1980),
            parent(1, 6),
            parent(3, 6),
            parent(1, 4),
            parent(2, 4),
            parent(2, 5),
            parent(1, 5),
            parent(1, 7),
        ),
    )
    assert problems(family, TODAY) == []
    assert couples(family) == [
        Union((1, 2), (4, 5), 1970, 1980),
        Union((1, 3), (6,), 1985, None),
        Union((1,), (7,)),
    ]
    assert spouses_of(family) == {1: (2, 3), 2: (1,), 3: (1,), 4: (), 5: (), 6: (), 7: ()}
    assert parents_of(family)[5] == (1, 2)
    assert children_of(family)[1] == (4, 5, 6, 7)
    assert children_of(family)[3] == (6,)
    # Half-siblings share a parent.
    assert siblings_of(family)[6] == (4, 5, 7)
    assert generations(family) == {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2, 7: 2}


def test_parents_not_linked_as_spouses_still_form_a_union():
    family = Family(
        people=tuple(person(number) for number in range(1, 4)),
        links=(parent(2, 3), parent(1, 3)),
    )
    assert couples(family) == [Union((1, 2), (3,))]


def test_a_marriage_without_children_is_a_union():
    family = Family(people=(person(1), person(2)), links=(spouse(2, 1),))
    assert couples(family) == [Union((1, 2), ())]


# -- problems --------------------------------------------------------------------------------------


def test_a_kinship_cycle_is_refused_naming_its_members():
    # 2 → 3 → 4 → 2: 2 would be their own ancestor through three links; 1 → 2 is fine.
    family = Family(
        people=tuple(person(number) for number in range(1, 5)),
        links=(parent(1, 2), parent(2, 3), parent(3, 4), parent(4, 2)),
    )
    assert problems(family, TODAY) == [
        "Иванов Имя2 (No. 2) would be their own ancestor: Иванов Имя2 (No. 2) → "
        "Иванов Имя3 (No. 3) → Иванов Имя4 (No. 4) → Иванов Имя2 (No. 2) (each given as a parent "
        "of the next)."
    ]


def test_a_member_who_is_their_own_parent():
    family = Family(people=(Person(3, "Иванов", "Иван", "Петрович"),), links=(parent(3, 3),))
    assert problems(family, TODAY) == [
        "Иванов Иван Петрович (No. 3) would be their own ancestor: they are given as their own "
        "parent."
    ]


def test_each_cycle_is_named_once_by_its_lowest_number():
    family = Family(
        people=tuple(person(number) for number in range(1, 6)),
        links=(parent(5, 4), parent(4, 5), parent(2, 1), parent(1, 3), parent(3, 2)),
    )
    assert problems(family, TODAY) == [
        "Иванов Имя1 (No. 1) would be their own ancestor: Иванов Имя1 (No. 1) → "
        "Иванов Имя3 (No. 3) → Иванов Имя2 (No. 2) → Иванов Имя1 (No. 1) (each given as a parent "
        "of the next).",
        "Иванов Имя4 (No. 4) would be their own ancestor: Иванов Имя4 (No. 4) → "
        "Иванов Имя5 (No. 5) → Иванов Имя4 (No. 4) (each given as a parent of the next).",
    ]


def test_numbers_and_kinds_that_do_not_fit():
    family = Family(
        people=(person(1), person(2), Person(2, "Петров", "Пётр")),
        links=(
            parent(1, 9),
            Link("cousin", 1, 2),
            spouse(1, 1),
            sibling(2, 2),
        ),
        periods=(work(7, 1990, 1991, "Сельская"),),
    )
    assert problems(family, TODAY) == [
        "No. 2 is given to more than one member: Иванов Имя2; Петров Пётр.",
        "A kinship link points at No. 9, but no member has that number.",
        "A kinship link between No. 1 and No. 2 is of an unknown kind «cousin».",
        "Иванов Имя1 (No. 1) is given as their own spouse.",
        "Иванов Имя2 (No. 2) is given as their own sibling.",
        "A work period at «Сельская» belongs to No. 7, but no member has that number.",
    ]


def test_future_years_and_ends_before_starts():
    family = Family(
        people=(person(1, birth="2030"), person(2, birth="1950", death="2027")),
        links=(spouse(1, 2, 1990, 1985), spouse(2, 1, 2026)),
        periods=(
            work(2, 1980, 1975, "Городская"),
            work(2, 2024, 2026, "Детская"),
            work(2, 2026, None, "Детская"),
        ),
    )
    assert problems(family, TODAY) == [
        "The birth date of Иванов Имя1 (No. 1), 2030, is in the future.",
        "The date of death of Иванов Имя2 (No. 2), 2027, is in the future.",
        "The marriage of Иванов Имя1 (No. 1) and Иванов Имя2 (No. 2) ends in 1985, before it "
        "begins in 1990.",
        "The marriage of Иванов Имя2 (No. 2) and Иванов Имя1 (No. 1) is dated 2026, in the future.",
        "Work of Иванов Имя2 (No. 2) at «Городская» ends in 1975, before it begins in 1980.",
        "Work of Иванов Имя2 (No. 2) at «Детская» is dated 2026, in the future; leave the end "
        "empty while the work goes on.",
    ]


def test_years_before_1800():
    family = Family(
        people=(person(1, birth="1790"), person(2)),
        links=(spouse(1, 2, 1799),),
        periods=(work(2, 1798, 1805),),
    )
    assert problems(family, TODAY) == [
        "The birth date of Иванов Имя1 (No. 1), 1790, is before 1800.",
        "The marriage of Иванов Имя1 (No. 1) and Иванов Имя2 (No. 2) is dated 1799, before 1800.",
        "Work of Иванов Имя2 (No. 2) at «Центральная библиотека» is dated 1798, before 1800.",
    ]


def test_dates_that_are_not_dates():
    family = Family(people=(person(1, birth="весной", death="31.02.1990"),))
    assert problems(family, TODAY) == [
        "The birth date of Иванов Имя1 (No. 1): «весной» is not a date. Write 12.03.1923, "
        "03.1923, март 1923, 1923, около 1920, 1920–1925 or 1920-е.",
        "The date of death of Иванов Имя1 (No. 1): February 1990 has no day 31.",
    ]


def test_birth_after_death_and_work_outside_a_life():
    family = Family(
        people=(person(1, birth="1960", death="1950"), person(2, birth="1960", death="2000")),
        periods=(
            work(2, 1955, 1980, "Городская"),
            work(2, 1973, 1980, "Сельская"),
            work(2, 1974, 1980, "Школьная"),
            work(2, 1990, None, "Детская"),
            work(2, 1995, 2003, "Областная"),
        ),
    )
    assert problems(family, TODAY) == [
        "Иванов Имя1 (No. 1) is given as born 1960, after their death 1950.",
        "Work of Иванов Имя2 (No. 2) at «Городская» begins in 1955, before they were born (1960).",
        "Work of Иванов Имя2 (No. 2) at «Сельская» begins in 1973, before the age of 14 "
        "(born 1960).",
        "Work of Иванов Имя2 (No. 2) at «Областная» is dated 2003, after their death (2000).",
    ]


def test_partial_dates_are_compared_cautiously():
    # Born in the 1960s: work from 1974 might be at 14, so it stands; a parent born «около
    # 1950» and a child born in 1950–1955 might be in either order.
    family = Family(
        people=(
            person(1, birth="ок. 1950"),
            person(2, birth="1950–1955"),
            person(3, birth="1960-е"),
        ),
        links=(parent(1, 2),),
        periods=(work(3, 1974, 1980),),
    )
    assert problems(family, TODAY) == []


def test_impossible_parents():
    family = Family(
        people=(
            person(1, birth="1980"),
            person(2, birth="1950"),
            person(3),
            person(4),
            person(5),
            person(6),
        ),
        links=(
            parent(1, 2),
            parent(3, 2),
            parent(4, 2),
            parent(5, 6),
            spouse(5, 6),
            sibling(6, 4),
            parent(4, 6),
        ),
    )
    assert problems(family, TODAY) == [
        "Иванов Имя2 (No. 2) is given 3 parents (Иванов Имя1 (No. 1), Иванов Имя3 (No. 3), "
        "Иванов Имя4 (No. 4)); a person has at most two.",
        "Иванов Имя1 (No. 1) is given as a parent of Иванов Имя2 (No. 2), but was born after them.",
        "Иванов Имя5 (No. 5) is given both as a parent and as a spouse of Иванов Имя6 (No. 6).",
        "Иванов Имя4 (No. 4) is given both as a parent and as a sibling of Иванов Имя6 (No. 6).",
    ]


def test_a_spouse_or_sibling_who_is_also_a_descendant():
    # 1 → 2 → 3, and 3 is given as 1's spouse and 2's grandchild 4 … as 1's sibling.
    family = Family(
        people=tuple(person(number) for number in range(1, 5)),
        links=(parent(1, 2), parent(2, 3), parent(3, 4), spouse(3, 1), sibling(1, 4)),
    )
    assert problems(family, TODAY) == [
        "Иванов Имя1 (No. 1) is given as a spouse of Иванов Имя3 (No. 3), who is their descendant.",
        "Иванов Имя1 (No. 1) is given as a sibling of Иванов Имя4 (No. 4), who is their "
        "descendant.",
    ]


def test_a_member_without_a_name_is_named_by_number():
    family = Family(people=(Person(1, "", ""),), links=(parent(1, 1),))
    assert problems(family, TODAY) == [
        "No. 1 would be their own ancestor: they are given as their own parent."
    ]


# -- size ------------------------------------------------------------------------------------------


def test_two_hundred_generations_in_a_line():
    # A line of descent 200 deep: no recursion limit, no path enumeration.
    family = Family(
        people=tuple(person(number, birth="1900") for number in range(1, 201)),
        links=tuple(parent(number, number + 1) for number in range(1, 200)),
    )
    assert problems(family, TODAY) == []
    assert generations(family) == {number: number for number in range(1, 201)}
    looped = Family(family.people, (*family.links, parent(200, 1)))
    assert len(problems(looped, TODAY)) == 1


def test_two_hundred_members_with_many_links():
    # 10 lines of 20 members over 5 generations (each member a parent of two), every line's
    # founder married into the next line: the spouses' generations settle line by line.
    people, links, periods = [], [], []
    for line in range(10):
        base = line * 20
        for offset in range(20):
            number = base + offset + 1
            people.append(person(number, birth="1900"))
            periods.append(work(number, 1930 + offset, 1960 + offset))
            if offset:
                links.append(parent(base + (offset - 1) // 2 + 1, number))
    for line in range(9):
        links.append(spouse(line * 20 + 1, line * 20 + 22))
    family = Family(tuple(people), tuple(links), tuple(periods))
    assert problems(family, TODAY) == []
    result = figures(family, TODAY)
    assert result.members == 200
    assert result.service_years == 200 * 31
    # Within a line: offsets 0 | 1–2 | 3–6 | 7–14 | 15–19, five generations. Each line's founder
    # married the next line's second generation, so takes it: line 9 starts in generation 1,
    # line 8 in 2, …, line 0 in 10, and its last members are in 14.
    assert [result.generation_of[line * 20 + 1] for line in range(10)] == list(range(10, 0, -1))
    assert result.generation_of[22] == result.generation_of[1] == 10
    assert result.generation_of[20] == 14
    assert result.generations == 14
