"""The issue page's routes for readers' corrections (``IssuePage.correct_line`` and its
neighbours), each called as ``view(request, issue, …)``; they work without JavaScript and
without an account:

- ``correct_line`` — ``ispravit/<page>/<line>/``: the line as it reads now (and the clip of the
  page image where it stands), a text box with it to correct and an optional signature; a POST
  is throttled per client address (``THROTTLE``) and, when the correction is taken, answered
  with a 303 to
- ``correction_done`` — ``ispravit/spasibo/``: «Спасибо! Исправление появится после проверки
  редактором.»;
- ``line_history`` — ``istoriya/<page>/<line>/``: the OCR's text of the line and the accepted
  corrections in order (pending and rejected suggestions are the editors' business: unmoderated
  text is never published).

Only an issue whose text the visitor may read (``periodicals.access``) has these routes; for any
other, an unknown page or line they answer 404. What depends on the visitor's address (a
reading-room issue) is never cached."""

from django import forms
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from kuzbib_site.base import throttle

from .. import alto
from ..access import issue_access
from ..conf import setting
from ..domain import corrections
from ..models import Correction, IssuePage

#: The throttle's name of the form (``KUZBIB_BASE["THROTTLE"]["LIMITS"]``).
THROTTLE = "periodical_correction"
#: Pixels of the page around a line's box in its clip.
CLIP_MARGIN = 6


def may_read_text(request, issue):
    """Whether the visitor may read the issue's full text (``periodicals.access``: open issues,
    reading-room issues in a member library's reading room, editors), and so correct it."""
    return issue_access(request, issue)


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("The line as printed"),
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "lang": "ru"}),
        strip=False,
        required=True,
        error_messages={"required": _("Type the line as it is printed.")},
    )
    author_name = forms.CharField(
        label=_("Your name or signature"),
        required=False,
        help_text=_("Optional: shown beside the correction once an editor accepts it."),
    )

    def __init__(self, *args, max_chars=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A browser stops typing here; the server checks again (clean_text).
        self.fields["text"].widget.attrs["maxlength"] = max_chars
        self.fields["author_name"].widget.attrs["maxlength"] = corrections.AUTHOR_MAX_CHARS


def _line(request, issue, number, line):
    """(scan, the line's current text, its OCR text, its ALTO line) or 404."""
    if not may_read_text(request, issue).full:
        raise Http404
    scan = issue.scans.filter(number=number).first() if number <= 32767 else None
    if scan is None or len(line) > Correction._meta.get_field("line").max_length:
        raise Http404
    try:
        page = alto.parse(scan.alto) if scan.alto else None
    except alto.InvalidAlto:
        page = None
    found = next((each for each in page.lines if each.id == line), None) if page else None
    if found is None:
        raise Http404
    ocr = dict(alto.lines(page))
    current = corrections.current_text(scan, line, ocr)
    return scan, current, ocr[line], found


def clip_url(issue_url, scan, line):
    """The URL of the clip of the page image around ``line`` (an ``alto.Line``), or '' when the
    page has no image."""
    boxes = [word.box for word in line.words if word.box.width and word.box.height]
    if not boxes or not scan.image:
        return ""
    left = max(0, min(box.x for box in boxes) - CLIP_MARGIN)
    top = max(0, min(box.y for box in boxes) - CLIP_MARGIN)
    right = max(box.x + box.width for box in boxes) + CLIP_MARGIN
    bottom = max(box.y + box.height for box in boxes) + CLIP_MARGIN
    if scan.width and scan.height:
        right, bottom = min(right, scan.width), min(bottom, scan.height)
    # The reader's region clip of the page (``IssuePage.clip_image``), which checks the
    # issue's access itself.
    region = f"{left}-{top}-{right - left}-{bottom - top}"
    return issue_url + IssuePage.get_resolver().reverse("clip_image", scan.number, region)


def _context(issue, scan, line, **extra):
    return {
        "page": issue,
        "self": issue,
        "scan": scan,
        "line_id": line.id,
        "clip_url": clip_url(issue.url, scan, line),
        "history_url": issue.url
        + issue.reverse_subpage("line_history", args=(scan.number, line.id)),
        **extra,
    }


def correct_line(request, issue, number, line):
    scan, current, _ocr, found = _line(request, issue, number, line)
    max_chars = setting("CORRECTION_MAX_CHARS")
    refusal = None
    if request.method == "POST":
        form = CorrectionForm(request.POST, max_chars=max_chars)
        valid, refusal = throttle.validate(request, form, THROTTLE)
        if valid:
            try:
                corrections.suggest(
                    scan, line, form.cleaned_data["text"], form.cleaned_data["author_name"]
                )
            except corrections.Refused as error:
                form.add_error("text", error.messages)
            else:
                response = HttpResponseRedirect(
                    issue.url + issue.reverse_subpage("correction_done")
                )
                response.status_code = 303
                return response
    else:
        form = CorrectionForm(initial={"text": current}, max_chars=max_chars)
    context = _context(issue, scan, found, form=form, current=current)
    response = TemplateResponse(request, "periodicals/correction_form.html", context)
    may_read_text(request, issue).mark(response)
    return throttle.throttled(response, refusal) if refusal else response


def correction_done(request, issue):
    access = may_read_text(request, issue)
    if not access.full:
        raise Http404
    return access.mark(
        TemplateResponse(
            request, "periodicals/correction_done.html", {"page": issue, "self": issue}
        )
    )


def line_history(request, issue, number, line):
    scan, current, ocr, found = _line(request, issue, number, line)
    accepted = [
        correction
        for correction in corrections.history(scan, line)
        if correction.status == Correction.Status.ACCEPTED
    ]
    context = _context(issue, scan, found, ocr=ocr, current=current, accepted=accepted)
    response = TemplateResponse(request, "periodicals/line_history.html", context)
    return may_read_text(request, issue).mark(response)
