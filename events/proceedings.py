"""«Сборник материалов конференции»: the conference's proceedings as a PDF — cover, table of
contents, then each talk of the programme with its authors, their libraries and its text —
attached to the conference page as a Wagtail document.

Built by the ``kuzbib.events.build_proceedings`` task on the ``pdf`` queue; editors ask for a
(re)build from the page editor and see its status there. State lives on the page
(``proceedings_status``, ``proceedings_error``, timestamps), not in a result backend.
"""

import hashlib
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.documents import get_document_model

from kuzbib_site.base.pdf import render_pdf
from kuzbib_site.base.queue import enqueue_on_commit

from .models import ConferencePage, SectionSessionPage

logger = logging.getLogger(__name__)
Status = ConferencePage.ProceedingsStatus


def proceedings_context(conference):
    sessions = (
        SectionSessionPage.objects.live()
        .child_of(conference)
        .order_by("start", "path")
        .select_related("section")
        .prefetch_related("talks__speakers__library")
    )
    sections = [{"session": session, "talks": list(session.talks.all())} for session in sessions]
    return {
        "conference": conference,
        "sections": [section for section in sections if section["talks"]],
        "built_at": timezone.now(),
    }


def render_proceedings(conference):
    # A worker has no visitor's language: the proceedings are in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf("events/pdf/proceedings.html", proceedings_context(conference))


def request_build(conference):
    """Queue a (re)build: mark the page pending and send the task once the mark is committed,
    so that a broker outage leaves a pending page for the sweeper instead of a lost request."""
    from .tasks import build_proceedings  # noqa: PLC0415 — tasks import this module

    ConferencePage.objects.filter(pk=conference.pk).update(
        proceedings_status=Status.PENDING,
        proceedings_error="",
        proceedings_requested_at=timezone.now(),
    )
    enqueue_on_commit(build_proceedings, conference_id=conference.pk)


def build(conference_id):
    """Render and attach the proceedings. Idempotent: a rebuild replaces the file of the same
    document, so the page keeps one proceedings document and its URL."""
    conference = ConferencePage.objects.filter(pk=conference_id).first()
    if conference is None:
        return None
    ConferencePage.objects.filter(pk=conference_id).update(proceedings_status=Status.BUILDING)
    try:
        pdf = render_proceedings(conference)
    except Exception as error:
        logger.exception("Proceedings of conference %s failed", conference_id)
        ConferencePage.objects.filter(pk=conference_id).update(
            proceedings_status=Status.FAILED, proceedings_error=str(error)[:2000]
        )
        raise
    Document = get_document_model()
    filename = f"proceedings-{slugify(conference.slug, allow_unicode=False) or conference.pk}.pdf"
    title = f"Сборник материалов: {conference.title}"[:255]
    with transaction.atomic():
        document = (
            Document.objects.filter(pk=conference.proceedings_id).first()
            if conference.proceedings_id
            else None
        )
        if document is None:
            document = Document(title=title)
        else:
            document.file.delete(save=False)
            document.title = title
        document.file.save(filename, ContentFile(pdf), save=False)
        document.file_size = len(pdf)
        # The same digest Wagtail computes for uploads (it finds duplicates by it).
        document.file_hash = hashlib.sha1(pdf, usedforsecurity=False).hexdigest()
        document.save()
        ConferencePage.objects.filter(pk=conference_id).update(
            proceedings=document,
            proceedings_status=Status.READY,
            proceedings_error="",
            proceedings_built_at=timezone.now(),
        )
    return document


def stuck(older_than):
    """Conferences whose proceedings were asked for but never started (a lost message)."""
    return ConferencePage.objects.filter(
        proceedings_status=Status.PENDING, proceedings_requested_at__lt=older_than
    ).values_list("pk", flat=True)
