"""ALTO, the master text of a scanned page: read, drawn from, and written.

Tesseract writes ALTO (v3/v4: ``<TextLine>`` of ``<String CONTENT HPOS VPOS WIDTH HEIGHT>``);
the demo writes it from the layout it drew. Everything else reads it through this module:

    page = parse(alto_bytes)        # Page(width, height, lines=[Line(id, words=[Word…])])
    lines(page)                     # [(line id, text)], hyphenated words joined
    plain_text(page)                # the page's text, one line per ALTO line
    word_boxes(page)                # [(word, [Box…])]: a joined word has a box on each line
    line_words(page)                # [(line id, [(word, [Box…])])]: the same, by line
    write(width, height, lines)     # ALTO v4 from [(line id or None, [(text, x, y, w, h)…])]

Words hyphenated across lines. A newspaper column breaks «го-» at a line's end and goes on with
«родской» on the next. The two halves are one word for reading and search: the joined word
«городской» is put at the end of the first line and its second half leaves the second line, and
its two boxes are kept, so that a hit is highlighted on both. A break is a ``<HYP>`` after the
line's last string, or a last string ending in a hyphen (``-``, ``¬``, ``‐``, a soft hyphen)
before a line that begins with a lower-case letter: «Кемерово-» before «Кузбасс» is a compound,
not a break.

The parser refuses a document type declaration and runs lxml with entities, DTDs and the network
off: ALTO comes from our own tesseract, but a hostile file must not read local files or expand a
billion laughs."""

from dataclasses import dataclass, field

from lxml import etree

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA = "http://www.loc.gov/standards/alto/v4/alto-4-2.xsd"
HYPHENS = ("-", "¬", "‐", "\u00ad")

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)


class InvalidAlto(ValueError):
    """The text is not ALTO this module can read."""


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int


@dataclass
class Word:
    content: str
    box: Box
    hyphenated: bool = False


@dataclass
class Line:
    id: str
    words: list = field(default_factory=list)


@dataclass
class Page:
    width: int
    height: int
    lines: list = field(default_factory=list)


def _local(element):
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _number(element, name):
    try:
        return max(0, round(float(element.get(name, "0"))))
    except ValueError:
        return 0


def parse(data):
    """The page that ALTO ``data`` (bytes or str) describes. Raises ``InvalidAlto``."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    # ALTO needs no DTD; one could declare entities that lxml expands (a billion laughs).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InvalidAlto("a document type declaration")
    try:
        root = etree.fromstring(data, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise InvalidAlto(str(error)) from error
    if _local(root) != "alto":
        raise InvalidAlto("not an ALTO document")
    page = Page(width=0, height=0)
    for element in root.iter():
        name = _local(element)
        if name == "Page" and not page.width:
            page.width, page.height = _number(element, "WIDTH"), _number(element, "HEIGHT")
        elif name == "TextLine":
            line = Line(id=element.get("ID") or f"line_{len(page.lines) + 1}")
            for child in element:
                child_name = _local(child)
                if child_name == "String":
                    box = Box(*(_number(child, a) for a in ("HPOS", "VPOS", "WIDTH", "HEIGHT")))
                    line.words.append(Word(child.get("CONTENT", ""), box))
                elif child_name == "HYP" and line.words:
                    line.words[-1].hyphenated = True
            page.lines.append(line)
    return page


def _breaks_after(line, following):
    """Whether ``line``'s last word goes on as ``following``'s first."""
    if not line.words or not following.words:
        return False
    last, first = line.words[-1], following.words[0].content
    if last.hyphenated:
        return True
    return last.content.endswith(HYPHENS) and len(last.content) > 1 and first[:1].islower()


def _joined(page):
    """[(line id, [(word, [boxes])])]: the page's words, hyphenated ones joined."""
    result = []
    carried = False  # the current line's first word went up to the line before
    for index, line in enumerate(page.lines):
        words = [(w.content, [w.box]) for w in line.words]
        if carried and words:
            words = words[1:]
        carried = False
        following = page.lines[index + 1] if index + 1 < len(page.lines) else None
        if following is not None and _breaks_after(line, following) and words:
            head, boxes = words[-1]
            if line.words[-1].content.endswith(HYPHENS):
                head = head.rstrip("".join(HYPHENS))
            tail = following.words[0]
            words[-1] = (head + tail.content, [*boxes, tail.box])
            carried = True
        result.append((line.id, words))
    return result


def lines(page):
    """The page's lines as (line id, text), hyphenated words joined on their first line."""
    return [(line_id, " ".join(w for w, _boxes in words)) for line_id, words in _joined(page)]


def plain_text(page):
    """The page's text: one line per ALTO line, hyphenated words joined."""
    return "\n".join(text for _id, text in lines(page))


def line_words(page):
    """[(line id, [(word, [boxes])])]: the page's words by line, hyphenated words joined on
    their first line (the viewer's text column and search snippets)."""
    return _joined(page)


def word_boxes(page):
    """Every word of the page (hyphenated words joined) with its boxes on the image."""
    return [pair for _id, words in _joined(page) for pair in words]


def write(width, height, text_lines, software="Kuzbib"):
    """ALTO v4 (bytes) of a page ``width`` × ``height`` pixels whose ``text_lines`` are
    ``(line id or None, [(text, x, y, w, h), …])``. Words are one ``String`` each; a line's last
    word ending in a hyphen is written as it is (the reader joins it)."""
    alto = etree.Element(
        f"{{{ALTO_NS}}}alto",
        nsmap={None: ALTO_NS, "xsi": "http://www.w3.org/2001/XMLSchema-instance"},
    )
    alto.set(
        "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation", f"{ALTO_NS} {ALTO_SCHEMA}"
    )
    description = etree.SubElement(alto, f"{{{ALTO_NS}}}Description")
    etree.SubElement(description, f"{{{ALTO_NS}}}MeasurementUnit").text = "pixel"
    processing = etree.SubElement(description, f"{{{ALTO_NS}}}Processing", ID="processing_1")
    step = etree.SubElement(processing, f"{{{ALTO_NS}}}processingSoftware")
    etree.SubElement(step, f"{{{ALTO_NS}}}softwareName").text = software
    layout = etree.SubElement(alto, f"{{{ALTO_NS}}}Layout")
    page = etree.SubElement(
        layout, f"{{{ALTO_NS}}}Page", ID="page_1", WIDTH=str(width), HEIGHT=str(height)
    )
    space = etree.SubElement(
        page, f"{{{ALTO_NS}}}PrintSpace", HPOS="0", VPOS="0", WIDTH=str(width), HEIGHT=str(height)
    )
    block = etree.SubElement(space, f"{{{ALTO_NS}}}TextBlock", ID="block_1")
    for number, (line_id, words) in enumerate(text_lines, start=1):
        if not words:
            continue
        xs = [x for _t, x, _y, _w, _h in words]
        ys = [y for _t, _x, y, _w, _h in words]
        right = max(x + w for _t, x, _y, w, _h in words)
        bottom = max(y + h for _t, _x, y, _w, h in words)
        line = etree.SubElement(
            block,
            f"{{{ALTO_NS}}}TextLine",
            ID=line_id or f"line_{number}",
            HPOS=str(min(xs)),
            VPOS=str(min(ys)),
            WIDTH=str(right - min(xs)),
            HEIGHT=str(bottom - min(ys)),
        )
        for index, (text, x, y, w, h) in enumerate(words):
            if index:
                etree.SubElement(line, f"{{{ALTO_NS}}}SP")
            etree.SubElement(
                line,
                f"{{{ALTO_NS}}}String",
                CONTENT=text,
                HPOS=str(x),
                VPOS=str(y),
                WIDTH=str(w),
                HEIGHT=str(h),
            )
    return etree.tostring(alto, xml_declaration=True, encoding="UTF-8", pretty_print=True)
