"""The chair's SVG charts (``contests.charts``): well-formed XML a screen reader can name, one
mark per value where the value puts it, users' labels kept as text, a cap on the rows drawn and a
chart that says «no data» rather than failing. No database."""

import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.utils import translation

from contests.charts import MAX_ROWS, JurorRow, SpreadRow, juror_distributions, ranking_spread

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"Ё\"\x00\x0b\ufffe"


@pytest.fixture(autouse=True)
def english():
    """The msgids, whatever the catalogue says."""
    with translation.override("en"):
        yield


def parsed(svg):
    return ET.fromstring(str(svg))  # noqa: S314 — the chart this test just drew


def marks(root, name):
    return [element for element in root.iter() if element.get("class") == name]


def x_of(value):
    """Where the chart puts a value: 16 units in, 328 units for 0–100."""
    return round(16 + value * 3.28, 1)


def test_the_chart_is_an_image_with_a_name_a_description_and_a_viewbox():
    root = parsed(juror_distributions([JurorRow("Иванова", [40, 60, 80])]))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("viewBox").startswith("0 0 360 ")
    # The name and the description come first, where a screen reader looks for them.
    title, desc = root[0], root[1]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert title.text == "Jurors' totals"
    assert "Иванова: 3 sheets, lowest 40.0, median 60.0, mean 60.0, highest 80.0." in desc.text


def test_a_box_plot_per_juror_at_its_values():
    rows = [
        JurorRow("Иванова", [40, 60, 80]),
        JurorRow("Петров", [10, 20, 30, 100]),
        JurorRow("Сидоров", [70]),
        JurorRow("Новикова", []),
    ]
    root = parsed(juror_distributions(rows))
    assert len(marks(root, "juror")) == 4
    # Three jurors with totals: a box, a median, a mean and a range each; the legend's shapes
    # are not counted with them.
    for name in ("box", "median", "mean", "range"):
        assert len(marks(root, name)) == 3, name
    # Иванова: 40, 60, 80. Quartiles (inclusive) 50 and 70, median 60, mean 60.
    box = marks(root, "box")[0]
    assert float(box.get("x")) == x_of(50)
    assert float(box.get("width")) == pytest.approx(x_of(70) - x_of(50), abs=0.1)
    assert float(marks(root, "median")[0].get("x1")) == x_of(60)
    assert marks(root, "mean")[0].get("d").startswith(f"M{x_of(60)} ")
    assert marks(root, "range")[0].get("d").startswith(f"M{x_of(40)} ")
    # Петров: mean (10 + 20 + 30 + 100) / 4 = 40, the mean diamond away from the median 25.
    assert marks(root, "mean")[1].get("d").startswith(f"M{x_of(40)} ")
    assert float(marks(root, "median")[1].get("x1")) == x_of(25)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Сидоров, 1 sheet" in texts and "Новикова, 0 sheets" in texts
    assert "Новикова: no sheets." in root[1].text


def test_a_dot_per_entry_in_ranked_order_with_its_spread():
    rows = [
        SpreadRow(place=1, code="КНИГИНЯ-2009/017", score=82.4, low=70, high=95, title="Книга"),
        SpreadRow(place=2, code="КНИГИНЯ-2009/003", score=75, low=60, high=88, tied=True),
        SpreadRow(place=2, code="КНИГИНЯ-2009/009", score=75, low=75, high=75, tied=True),
        SpreadRow(place=4, code="КНИГИНЯ-2009/011", score=50),  # one sheet: no spread
    ]
    root = parsed(ranking_spread(rows))
    dots = marks(root, "score")
    assert [float(dot.get("cx")) for dot in dots] == [x_of(82.4), x_of(75), x_of(75), x_of(50)]
    spreads = marks(root, "spread")
    assert len(spreads) == 3
    assert spreads[0].get("d").startswith(f"M{x_of(70)} ")
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "1. КНИГИНЯ-2009/017 Книга" in texts
    assert "2= КНИГИНЯ-2009/003" in texts and "2= КНИГИНЯ-2009/009" in texts
    scores = [element.text for element in root.iter(f"{SVG}text") if element.get("font-weight")]
    assert scores == ["82.4", "75.0", "75.0", "50.0"]
    desc = root[1].text
    assert "Place 1: КНИГИНЯ-2009/017 Книга, score 82.4, jurors' totals from 70.0 to 95.0." in desc
    assert "Place 2: КНИГИНЯ-2009/003, score 75.0, jurors' totals from 60.0 to 88.0. " in desc
    assert "The place is shared." in desc
    assert "Place 4: КНИГИНЯ-2009/011, score 50.0." in desc


def test_a_score_beyond_the_scale_is_drawn_at_its_end_and_told_exactly():
    root = parsed(ranking_spread([SpreadRow(1, "A/1", 103.2, 98, 107), SpreadRow(2, "A/2", -1)]))
    assert [float(dot.get("cx")) for dot in marks(root, "score")] == [x_of(100), x_of(0)]
    assert "score 103.2, jurors' totals from 98.0 to 107.0" in root[1].text


def test_labels_from_users_stay_text():
    juror_chart = juror_distributions([JurorRow(HOSTILE, [50, 60])])
    entry_chart = ranking_spread([SpreadRow(1, HOSTILE, 50, 40, 60, title=HOSTILE)])
    for chart in (juror_chart, entry_chart):
        assert "<script" not in chart and "\x00" not in chart
        root = parsed(chart)  # the control characters XML forbids are gone: it parses
        assert not [element for element in root.iter() if "script" in element.tag]
        assert "<script>alert('x')</script> & \"Ё\"" in root[1].text
        shown = [element.text for element in root.iter(f"{SVG}text")]
        assert any("<script>alert(" in text for text in shown), shown


def test_a_long_label_is_shortened_on_its_line_and_whole_in_the_description():
    title = "Очень длинное название конкурсной работы, которое не помещается в строку"
    root = parsed(ranking_spread([SpreadRow(1, "КНИГИНЯ-2009/017", 80, title=title)]))
    heading = next(element.text for element in root.iter(f"{SVG}text") if "/017" in element.text)
    assert heading.endswith("…") and len(heading) <= 36
    assert title in root[1].text


@pytest.mark.parametrize("chart", [juror_distributions, ranking_spread])
def test_no_rows_give_a_chart_saying_so(chart):
    root = parsed(chart([]))
    assert root.get("role") == "img"
    assert "No data yet." in root[1].text
    assert "No data yet." in [element.text for element in root.iter(f"{SVG}text")]
    assert not marks(root, "score") and not marks(root, "box") and not marks(root, "grid")


def test_a_long_ranking_draws_the_first_rows_and_says_so():
    rows = [SpreadRow(place, f"K/{place:03d}", 100 - place / 5, 50, 100) for place in range(1, 501)]
    root = parsed(ranking_spread(rows))
    assert len(marks(root, "score")) == MAX_ROWS == 50
    note = "Showing the first 50 of 500 entries."
    assert note in root[1].text
    assert [element.text for element in marks(root, "note")] == [note]
    height = float(root.get("viewBox").split()[3])
    assert height < 2200  # 50 rows of 40 units, the scale and the legend
    jurors = parsed(juror_distributions([JurorRow(f"J{n}", [n]) for n in range(60)]))
    assert len(marks(jurors, "box")) == 50
    assert "Showing the first 50 of 60 jurors." in jurors[1].text


def test_a_template_prints_the_chart_as_it_is():
    chart = ranking_spread([SpreadRow(1, "A & B", 50)])
    html = Template("{{ chart }}").render(Context({"chart": chart}))
    assert html == str(chart) and html.startswith("<svg ")
    assert "A &amp; B" in html
