"""A family's application: every change of its status is one function here.

::

    submitted ──accept (an editor)──▶ accepted: a draft DynastyPage with the family filled in
        │     ──return_for_corrections (an editor, with a message)──▶ returned
        │                                                              │ ──resubmit (the family,
        │                                                              │    on its private page)
        ◀──────────────────────────────────────────────────────────────┘
        └─────reject (an editor, with a message; from returned too)──▶ rejected

Each change takes the application's row lock, so of two editors deciding at once the second sees
the first's decision and is refused; the contact person is e-mailed about each decision once the
transaction commits (``emails.send_status``). What the status does not allow raises ``Refused``
(a ``ValidationError``) with a message for whoever tried."""

import re

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection, Page
from wagtail.rich_text import RichText

from kuzbib_site.base.models import Library
from kuzbib_site.base.queue import enqueue_on_commit
from kuzbib_site.base.uploads import latin_stem, safe_filename

from .. import family as families
from ..conf import setting
from ..models import (
    Application,
    ApplicationPhoto,
    DynastyPage,
    DynastyPhoto,
    Kinship,
    Member,
    WorkPeriod,
)

Status = Application.Status

#: The Wagtail image collection accepted families' photos go to (stored data in the site's
#: language, found by this name).
COLLECTION_NAME = "Династии"
#: How much of the story's first paragraph becomes the dynasty's summary.
SUMMARY_LENGTH = 300
#: The application's fields the family may correct when it was returned to them.
CORRECTABLE = (
    "family_name",
    "municipality",
    "phone",
    "story",
    "last_name",
    "first_name",
    "patronymic",
    "email",
    "position",
    "library",
    "new_library_name",
)


class Refused(ValidationError):
    """The application's status (or its family) does not allow the change asked for; the
    message says why."""


# --- What may happen now -----------------------------------------------------------------------


def can_accept(application):
    return application.status == Status.SUBMITTED and application.anonymised_at is None


def can_return(application):
    return application.status == Status.SUBMITTED and application.anonymised_at is None


def can_reject(application):
    return application.status in Status.open() and application.anonymised_at is None


def can_resubmit(application):
    return application.status == Status.RETURNED and application.anonymised_at is None


# --- The family as a dynasty page's rows -------------------------------------------------------


def rows_of(family):
    """The inline records of a dynasty page (members, kinship, work periods, unsaved) for
    ``family`` (a ``dynasties.family.Family``)."""
    members = [
        Member(
            number=p.number,
            last_name=p.last_name,
            first_name=p.first_name,
            patronymic=p.patronymic,
            maiden_name=p.maiden_name,
            sex=p.sex,
            birth_date=p.birth,
            death_date=p.death,
            sort_order=i,
        )
        for i, p in enumerate(family.people)
    ]
    links = [
        Kinship(
            kind=link.kind,
            person=link.person,
            relative=link.relative,
            start_year=link.start,
            end_year=link.end,
            sort_order=i,
        )
        for i, link in enumerate(family.links)
    ]
    periods = [
        WorkPeriod(
            member=period.member,
            library_id=period.library_id,
            library_name="" if period.library_id else period.library,
            position=period.position,
            start_year=period.start,
            end_year=period.end,
            sort_order=i,
        )
        for i, period in enumerate(family.periods)
    ]
    return members, links, periods


def story_blocks(text):
    """The story as typed (plain text) as the paragraphs of a ``BaseStreamBlock`` stream: one
    paragraph per blank-line-separated part, single line breaks kept, everything escaped."""
    parts = [part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return [
        (
            "paragraph",
            RichText("<p>" + "<br/>".join(escape(line) for line in part.split("\n")) + "</p>"),
        )
        for part in parts
        if part
    ]


def summary_of(text):
    """The dynasty's summary: the start of the story's first paragraph."""
    first = next((part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()), "")
    return Truncator(" ".join(first.split())).chars(SUMMARY_LENGTH)


# --- The editors' decisions --------------------------------------------------------------------


def _locked(application):
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("festival", "municipality")
        .get(pk=application.pk)
    )


def _refuse_unless(allowed, application, message):
    if application.anonymised_at is not None:
        # The family erased it (or its retention time passed): its status is what the editors
        # last decided, but there is nobody left to decide about.
        raise Refused(
            _("The family's data in this application is erased: it can no longer be changed.")
        )
    if not allowed(application):
        raise Refused(message % {"status": application.get_status_display()})


def _required(message):
    message = (message or "").strip()
    if not message:
        raise Refused(_("Write the message to the family: it is sent to the contact person."))
    return message


def _decided(application, locked, user, status, message, now):
    locked.status = status
    locked.message = message
    locked.decided_at = now
    locked.decided_by = user
    locked.save(
        update_fields=["status", "message", "decided_at", "decided_by", "dynasty", "updated_at"]
    )
    _notify(locked.pk)
    for name in ("status", "message", "decided_at", "decided_by", "dynasty", "updated_at"):
        setattr(application, name, getattr(locked, name))


def _notify(application_id):
    from ..tasks import send_status  # noqa: PLC0415 — tasks import this module's callers

    enqueue_on_commit(send_status, application_id=application_id)


def accept(application, user, now=None):
    """Accept a submitted application: a draft ``DynastyPage`` under its festival with the
    family's name, municipality, story and summary, every member, kinship link and work period,
    and the photos processing made ready (copied into Wagtail's images, collection
    «Династии»: the gallery, and each member's portrait when a photo names them). Returns the
    page; the application points at it. All or nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(application)
        _refuse_unless(
            can_accept,
            locked,
            _("Only a submitted application can be accepted; this one is %(status)s."),
        )
        festival = locked.festival
        if user is not None and not festival.permissions_for_user(user).can_add_subpage():
            raise Refused(_("You may not add dynasties to this festival's page."))
        family = _with_known_libraries(locked.as_family())
        problems = families.problems(family)
        if problems:
            raise Refused(
                [_("The family has problems; return the application for corrections:")] + problems
            )
        page = _draft(festival, locked, family, user)
        locked.dynasty = page
        _decided(application, locked, user, Status.ACCEPTED, "", now)
    return page


def return_for_corrections(application, user, message, now=None):
    """Return a submitted application to the family with ``message`` (what to correct); they
    correct it through their private link (``resubmit``)."""
    message = _required(message)
    with transaction.atomic():
        locked = _locked(application)
        _refuse_unless(
            can_return,
            locked,
            _("Only a submitted application can be returned; this one is %(status)s."),
        )
        _decided(application, locked, user, Status.RETURNED, message, now or timezone.now())


def reject(application, user, message, now=None):
    """Reject a submitted or returned application with ``message`` (why)."""
    message = _required(message)
    with transaction.atomic():
        locked = _locked(application)
        _refuse_unless(
            can_reject,
            locked,
            _("Only a submitted or returned application can be rejected; this one is %(status)s."),
        )
        _decided(application, locked, user, Status.REJECTED, message, now or timezone.now())


# --- The family corrects a returned application ------------------------------------------------


def resubmit(application, *, data, family, photos=(), now=None):
    """The family sends a returned application again, corrected: ``data`` — the application's
    fields (those of ``CORRECTABLE`` present are taken, others ignored), ``family`` — a
    ``dynasties.family.Family`` (or its ``to_data()``), ``photos`` — new photos (see
    ``add_photos``). It waits for the editors again (submitted); the new photos are processed once
    the transaction commits."""
    if isinstance(family, dict):
        family = families.Family.from_data(family)
    problems = families.problems(family)
    if problems:
        raise Refused(problems)
    photos = list(photos)
    with transaction.atomic():
        locked = _locked(application)
        _refuse_unless(
            can_resubmit,
            locked,
            _("Only a returned application can be sent again; this one is %(status)s."),
        )
        for name in CORRECTABLE:
            if name in data:
                setattr(locked, name, data[name])
        locked.family = family.to_data()
        locked.status = Status.SUBMITTED
        locked.notified_status = ""
        locked.message = ""
        locked.decided_at = None
        locked.decided_by = None
        locked.full_clean(exclude=["festival", "token"])
        locked.save()
        add_photos(locked, photos)
        _notify(locked.pk)
    application.refresh_from_db()
    return application


def add_photos(application, photos):
    """Store ``photos`` for ``application`` and send each to processing once the transaction
    commits. Each is a mapping: ``file`` (an uploaded file already checked by
    ``base.uploads.check_upload``), ``kind`` (what the check found), and optionally ``member``
    (the member's number, None for the family) and ``caption``. Refused when the application would
    hold more than ``MAX_PHOTOS`` photos."""
    if not photos:
        return []
    kept = application.photos.exclude(status=ApplicationPhoto.Status.REFUSED).count()
    limit = setting("MAX_PHOTOS")
    if kept + len(photos) > limit:
        raise Refused(
            _("An application may hold at most %(limit)s photos; it has %(kept)s already.")
            % {"limit": limit, "kept": kept}
        )
    from ..tasks import process_photo  # noqa: PLC0415 — tasks import this module's callers

    stored = []
    for photo in photos:
        uploaded = photo["file"]
        name = safe_filename(uploaded.name)
        row = ApplicationPhoto(
            application=application,
            member=photo.get("member"),
            caption=photo.get("caption", ""),
            original_name=name,
            kind=photo["kind"],
            size=uploaded.size,
        )
        row.file.save(name, uploaded, save=False)
        row.save()
        enqueue_on_commit(process_photo, photo_id=row.pk)
        stored.append(row)
    return stored


# --- The draft page ----------------------------------------------------------------------------


def _with_known_libraries(family):
    """``family`` with each work period whose directory library no longer exists turned into
    a named library (the name the family saw)."""
    wanted = {period.library_id for period in family.periods if period.library_id}
    known = set(Library.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    if known == wanted:
        return family
    periods = tuple(
        families.Period(**{**vars(period), "library_id": None})
        if period.library_id and period.library_id not in known
        else period
        for period in family.periods
    )
    return families.Family(people=family.people, links=family.links, periods=periods)


def _free_slug(festival, base):
    taken = set(
        Page.objects.child_of(festival).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _draft(festival, application, family, user):
    """The draft dynasty page of ``application`` under ``festival``, with a revision."""
    members, links, periods = rows_of(family)
    page = DynastyPage(
        title=application.family_name,
        slug=_free_slug(festival, latin_stem(application.family_name).lower()[:60] or "dynasty"),
        family_name=application.family_name,
        municipality=application.municipality,
        summary=summary_of(application.story),
        story=story_blocks(application.story),
        owner=user,
        live=False,
        has_unpublished_changes=True,
    )
    by_number = {member.number: member for member in members}
    stem = latin_stem(application.family_name).lower()[:40] or "dynasty"
    gallery = []
    for photo in application.photos.filter(status=ApplicationPhoto.Status.READY).exclude(image=""):
        person = by_number.get(photo.member)
        caption = photo.caption or (person.full_name if person else "")
        image = _copy_image(photo, caption or application.family_name, stem)
        if person is not None and person.photo is None:
            person.photo = image
        gallery.append(DynastyPhoto(image=image, caption=caption[:500], sort_order=len(gallery)))
    page.members = members
    page.links = links
    page.periods = periods
    page.photos = gallery
    festival.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    return page


def _collection():
    found = Collection.objects.filter(name=COLLECTION_NAME).first()
    return found or Collection.get_first_root_node().add_child(name=COLLECTION_NAME)


def _copy_image(photo, title, stem):
    """A Wagtail image made from the processed copy of ``photo`` (no metadata left in it)."""
    extension = photo.image.name.rpartition(".")[2].lower() or "jpg"
    image = get_image_model()(title=title[:255], collection=_collection())
    with photo.image.open("rb") as handle:
        image.file = File(handle, name=f"{stem}-{photo.pk}.{extension}")
        image._set_image_file_metadata()
        image.save()
    return image
