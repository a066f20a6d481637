"""System checks of the periodicals archive."""

from django.core.checks import Warning as CheckWarning
from django.core.checks import register

from . import ocr
from .conf import setting


@register()
def tesseract_installed(app_configs, **kwargs):
    """Without tesseract and its Russian data the ingest still tiles pages, without their text:
    say so wherever checks run (migrate, runserver, ``manage.py check --deploy``)."""
    if ocr.available():
        return []
    return [
        CheckWarning(
            f"tesseract ({setting('TESSERACT')}) with the languages "
            f"{setting('OCR_LANGUAGES')} is not installed: scanned pages get no text.",
            hint="Install the Debian packages tesseract-ocr and tesseract-ocr-rus.",
            id="periodicals.W001",
        )
    ]
