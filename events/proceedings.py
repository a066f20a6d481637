"""«Сборник материалов конференции»: the conference's proceedings as a PDF — cover, table of
contents, then each talk of the programme with its authors, their libraries and its text —
attached to the conference page as a Wagtail document.

Built in the background (``kuzbib_site.base.builds``) by the ``kuzbib.events.build_proceedings``
task on the ``pdf`` queue: editors ask for a (re)build from the page editor and see its status
there. Each request is a ``ProceedingsBuild`` row (queued, being built, ready or failed, with its
error); the base sweeper sends again a build whose message was lost.
"""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from wagtail.documents import get_document_model

from kuzbib_site.base import builds
from kuzbib_site.base.pdf import render_pdf

from .models import ConferencePage, ProceedingsBuild, SectionSessionPage


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


def request_build(conference, user=None):
    """Queue a (re)build; its task is sent once the request is committed, so that a broker outage
    leaves a queued build for the sweeper instead of a lost request. Asking again while one is
    queued returns that one."""
    return builds.request(ProceedingsBuild, conference=conference, requested_by=user)


def build(build_id):
    """Run the queued build ``build_id`` (the task's work): the build ends ready or failed, with
    the error recorded; None when it is gone or ran already."""
    return builds.run(build_id, ProceedingsBuild, _build)


def _build(build):
    conference = ConferencePage.objects.get(pk=build.conference_id)
    attach(conference, render_proceedings(conference))
    # The PDF is the page's Wagtail document, not a file of the build.


def attach(conference, pdf):
    """Attach the PDF as the conference's proceedings document. A rebuild replaces the file of
    the same document, so the page keeps one proceedings document and its URL."""
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
        ConferencePage.objects.filter(pk=conference.pk).update(proceedings=document)
    return document
