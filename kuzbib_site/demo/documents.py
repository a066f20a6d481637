"""Documents written by the libraries that read them (WeasyPrint, python-docx, python-pptx) and
ODT by hand: the one writer of the demo's contest entries, the benchmark's files (``bench.files``)
and the tests' files (``tests.factories.files``).

A document is a list of blocks ``(kind, content)``:

* ``"h1"``, ``"h2"``, ``"h3"``, ``"p"`` and ``"note"`` (a small-print paragraph): a text;
* ``"ul"`` and ``"ol"``: a list of texts;
* ``"table"``: rows of texts, the first one the header;
* ``"image"``: the bytes of a JPEG, as wide as an A4 page's text (PDF only);
* ``"page"``: a page break (``None``; PDF only).

A presentation is a list of slides ``(title, lines)``.
"""

import base64
import io
import re
import zipfile
from html import escape

import docx as python_docx
import pptx as python_pptx

# Word's heading levels for h1, h2 and h3 (0 is the document's title).
DOCX_HEADINGS = {"h1": 1, "h2": 2, "h3": 3}


# --- PDF (WeasyPrint) ----------------------------------------------------------------------------


def html_block(kind, content):
    if kind in ("ul", "ol"):
        return f"<{kind}>{''.join(f'<li>{escape(item)}</li>' for item in content)}</{kind}>"
    if kind == "table":
        head, *rows = content
        cells = "".join(f"<th>{escape(cell)}</th>" for cell in head)
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
        )
        return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    if kind == "note":
        return f"<p class='note'>{escape(content)}</p>"
    if kind == "image":  # a data: URI, so nothing is fetched
        source = "data:image/jpeg;base64," + base64.b64encode(content).decode("ascii")
        return f"<img src='{source}' style='width: 16cm'>"
    if kind == "page":
        return "<div style='break-before: page'></div>"
    return f"<{kind}>{escape(content)}</{kind}>"


def _html(sections, style):
    head = f"<head><style>{style}</style></head>" if style else ""
    return f"<html lang='ru'>{head}<body>{sections}</body></html>"


def pdfs(documents, style=""):
    """PDFs of several documents (``{key: blocks}``) from one WeasyPrint render (laying out is the
    slow part): each document is a section starting a page, and its pages are written out on
    their own. ``style`` is a CSS stylesheet for them all."""
    from weasyprint import HTML  # noqa: PLC0415 — loading Pango is slow; only PDFs need it

    keys = list(documents)
    sections = "".join(
        f"<section id='doc-{index}' style='break-before: page'>"
        f"{''.join(html_block(*block) for block in documents[key])}</section>"
        for index, key in enumerate(keys)
    )
    rendered = HTML(string=_html(sections, style)).render()
    pages = {key: [] for key in keys}
    for page in rendered.pages:
        (anchor,) = (name for name in page.anchors if name.startswith("doc-"))
        pages[keys[int(anchor.removeprefix("doc-"))]].append(page)
    return {key: rendered.copy(pages[key]).write_pdf() for key in keys}


def pdf(blocks, style=""):
    """The PDF of one document."""
    from weasyprint import HTML  # noqa: PLC0415 — loading Pango is slow; only PDFs need it

    body = "".join(html_block(*block) for block in blocks)
    return HTML(string=_html(body, style)).write_pdf()


def pages(*pages):
    """One document of ``pages``, each a list of blocks starting a new page."""
    blocks = []
    for page in pages:
        blocks += [("page", None)] if blocks else []
        blocks += page
    return blocks


# --- Office documents (python-docx, python-pptx) ---------------------------------------------


def without_thumbnail(data):
    """The python-docx and python-pptx templates carry a blank thumbnail, which the pipeline
    would show as the file's preview; the same file without one."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename.startswith("docProps/thumbnail"):
                continue
            content = source.read(item)
            if item.filename == "_rels/.rels":
                content = re.sub(rb"<Relationship [^>]*/thumbnail\"[^>]*/>", b"", content)
            target.writestr(item, content)
    return out.getvalue()


def _saved(document, author, title, thumbnail):
    if author:
        document.core_properties.author = author
    if title:
        document.core_properties.title = title
    out = io.BytesIO()
    document.save(out)
    return out.getvalue() if thumbnail else without_thumbnail(out.getvalue())


def docx(blocks, author="", title="", headings=DOCX_HEADINGS, thumbnail=True):
    """A DOCX of ``blocks`` (images and page breaks aside); ``headings`` maps h1–h3 to Word's
    heading levels; without ``thumbnail``, the template's blank one is left out."""
    document = python_docx.Document()
    for kind, content in blocks:
        if kind in headings:
            document.add_heading(content, level=headings[kind])
        elif kind in ("ul", "ol"):
            style = "List Bullet" if kind == "ul" else "List Number"
            for item in content:
                document.add_paragraph(item, style=style)
        elif kind == "table":
            table = document.add_table(rows=0, cols=len(content[0]), style="Table Grid")
            for row in content:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
        elif kind in ("p", "note"):
            paragraph = document.add_paragraph(content)
            if kind == "note":
                paragraph.runs[0].italic = True
    return _saved(document, author, title, thumbnail)


def pptx(slides, author="", title="", title_slide=False, thumbnail=True):
    """A PPTX of ``slides`` (title, lines), each a title and a text box; with ``title_slide``
    the first one is laid out as the presentation's title slide."""
    presentation = python_pptx.Presentation()
    for number, (heading, lines) in enumerate(slides):
        layout = presentation.slide_layouts[0 if title_slide and number == 0 else 1]
        slide = presentation.slides.add_slide(layout)
        slide.shapes.title.text = heading
        slide.placeholders[1].text = "\n".join(lines)
    return _saved(presentation, author, title, thumbnail)


# --- ODT (by hand: no library writes it) --------------------------------------------------------


def odt_content(paragraphs):
    """An ODT's ``content.xml``: ``paragraphs`` of plain text."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:text>"
        + "".join(f"<text:p>{paragraph}</text:p>" for paragraph in paragraphs)
        + "</office:text></office:body></office:document-content>"
    )


def odt(paragraphs, page_count=1):
    """An ODT of ``paragraphs`` whose statistics say it has ``page_count`` pages (as an office
    suite writes what it counted)."""
    meta = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"><office:meta>'
        f'<meta:document-statistic meta:page-count="{page_count}"/>'
        "</office:meta></office:document-meta>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", odt_content(paragraphs), compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("meta.xml", meta, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
