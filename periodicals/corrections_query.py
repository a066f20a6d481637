"""What the issue page's text panel asks about readers' corrections, in one query per page or
per issue (never per line):

    shown_lines(scan)            # {line id: accepted text} of one page
    shown_lines_of(scans)        # {scan id: {line id: accepted text}} of an issue's pages

A line missing from the result reads as the OCR made it. The per-line links («Исправить», and
«исправлено читателем» with the line's history) are
``periodicals/includes/correction_link.html``."""

from .domain.corrections import accepted_lines


def shown_lines_of(scans):
    """{scan id: {line id: text}} of the corrected lines of ``scans`` (scans or their ids)."""
    ids = [getattr(scan, "pk", scan) for scan in scans]
    shown = {scan_id: {} for scan_id in ids}
    for (scan_id, line), proposed in accepted_lines(ids).items():
        if line:  # "": a line no longer on the page (``corrections.reanchor``)
            shown[scan_id][line] = proposed
    return shown


def shown_lines(scan):
    """{line id: text} of the page's lines that readers corrected (accepted by an editor)."""
    return shown_lines_of([scan])[scan.pk]
