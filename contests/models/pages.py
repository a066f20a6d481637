"""Contests for young librarians («КНИГИНЯ-2009»): the contest page with its rules, eligibility,
nominations, weighted criteria, stages and entry limits. Entries, their processing, the jury
and results build on these models.

A contest is an event (``events.models.EventMixin``): its dates span the whole contest, and each
stage (submissions open, judging, results…) is a line of the site's calendar.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from events.models import EventMixin
from kuzbib_site.base.blocks import BaseStreamBlock
from kuzbib_site.base.models import Applicant, Municipality
from kuzbib_site.base.uploads import PrivateStorage

from .views import SubmissionRoutesMixin

FILE_KINDS = [
    ("pdf", "PDF"),
    ("docx", "DOCX"),
    ("pptx", "PPTX"),
    ("odt", "ODT"),
    ("jpeg", "JPEG"),
    ("png", "PNG"),
]


class ContestIndexPage(Page):
    """«Конкурсы»: current and past contests."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["contests.ContestPage"]
    max_count = 1

    class Meta:
        verbose_name = _("contests index")
        verbose_name_plural = _("contests indexes")

    def search_excerpt_text(self):
        return strip_tags(self.intro)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        contests = ContestPage.objects.live().child_of(self).order_by("-start")
        now = timezone.now()
        context["current"] = [c for c in contests if c.end >= now]
        context["past"] = [c for c in contests if c.end < now]
        return context


class ContestPage(SubmissionRoutesMixin, RoutablePageMixin, EventMixin, Page):
    """A professional-skills contest: rules, who may enter, nominations, how entries are judged,
    the stages with their dates and what an entry may contain."""

    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    rules = StreamField(BaseStreamBlock(), verbose_name=_("rules"), blank=True)
    entry_prefix = models.CharField(
        _("entry number prefix"),
        max_length=40,
        help_text=_("Entries are numbered «<prefix>/001», e.g. «КНИГИНЯ-2009»."),
    )
    max_age = models.PositiveSmallIntegerField(
        _("age limit"),
        null=True,
        blank=True,
        validators=[MinValueValidator(14), MaxValueValidator(100)],
        help_text=_("Participants must be at most this old on the reference date; empty: any age."),
    )
    age_reference_date = models.DateField(_("age reference date"), null=True, blank=True)
    municipalities = ParentalManyToManyField(
        Municipality,
        verbose_name=_("municipalities"),
        blank=True,
        related_name="+",
        help_text=_("Empty: the whole region may take part."),
    )
    files_per_entry = models.PositiveSmallIntegerField(
        _("files per entry"), default=5, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    max_file_mb = models.PositiveSmallIntegerField(
        _("MB per file"), default=20, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    max_entry_mb = models.PositiveSmallIntegerField(
        _("MB per entry"), default=50, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    last_entry_number = models.PositiveIntegerField(default=0, editable=False)
    allowed_kinds = models.CharField(
        _("allowed file kinds"),
        max_length=100,
        blank=True,
        help_text=_("Comma-separated, e.g. «pdf, docx»; empty: pdf, docx, pptx, odt, jpeg, png."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        *EventMixin.event_panels,
        FieldPanel("rules"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("max_age"), FieldPanel("age_reference_date")]),
                FieldPanel("municipalities"),
            ],
            heading=_("Eligibility"),
        ),
        InlinePanel("nominations", label=_("Nominations")),
        InlinePanel("criteria", label=_("Criteria")),
        InlinePanel("stages", label=_("Stages")),
        MultiFieldPanel(
            [
                FieldPanel("entry_prefix"),
                FieldPanel("allowed_kinds"),
                FieldRowPanel(
                    [
                        FieldPanel("files_per_entry"),
                        FieldPanel("max_file_mb"),
                        FieldPanel("max_entry_mb"),
                    ]
                ),
            ],
            heading=_("Entries"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("rules")]
    parent_page_types = ["contests.ContestIndexPage"]
    subpage_types = []
    event_kind = "contest_stage"

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")

    def search_excerpt_text(self):
        return self.intro

    def clean(self):
        super().clean()
        if self.max_age and not self.age_reference_date:
            raise ValidationError(
                {"age_reference_date": _("An age limit needs the date on which age is counted.")}
            )
        unknown = set(self.file_kinds) - {kind for kind, _label in FILE_KINDS}
        if unknown:
            raise ValidationError(
                {
                    "allowed_kinds": _("Unknown file kinds: %(kinds)s")
                    % {"kinds": ", ".join(sorted(unknown))}
                }
            )

    def calendar_entries(self):
        """One calendar line per stage; a contest without stages is one line itself."""
        stages = list(self.stages.all())
        if not stages:
            return super().calendar_entries()
        return [
            (
                f"stage-{stage.pk}",
                f"{self.title}: {stage.title}",
                stage.start,
                stage.end or stage.start,
            )
            for stage in stages
        ]

    @property
    def file_kinds(self):
        chosen = [kind.strip().lower() for kind in self.allowed_kinds.split(",") if kind.strip()]
        return chosen or [kind for kind, _label in FILE_KINDS]

    def is_eligible_age(self, birth_date):
        """Whether someone born on ``birth_date`` is within the age limit on the reference
        date (a person turns N on their birthday; 29 February counts as 1 March)."""
        if not self.max_age:
            return True
        on = self.age_reference_date
        age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
        return age <= self.max_age

    def is_eligible_municipality(self, municipality):
        chosen = [m.pk for m in self.municipalities.all()]
        return not chosen or (municipality is not None and municipality.pk in chosen)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["nominations"] = list(self.nominations.all())
        context["criteria"] = list(self.criteria.select_related("nomination"))
        context["stages"] = list(self.stages.all())
        context["municipality_list"] = list(self.municipalities.all())
        context["now"] = timezone.now()
        context["submission_stage"] = self.submission_stage(context["now"])
        return context

    def with_content_json(self, content):
        """A revision carries the page's editorial content, not the entry counter: publishing a
        draft saved before more entries arrived must not wind the counter back."""
        page = super().with_content_json(content)
        page.last_entry_number = self.last_entry_number
        return page

    def submission_stage(self, now=None):
        """The submissions stage running now, or None: entries are taken only then."""
        now = now or timezone.now()
        for stage in self.stages.all():
            if (
                stage.kind == Stage.Kind.SUBMISSIONS
                and stage.start <= now
                and (stage.end is None or now <= stage.end)
            ):
                return stage
        return None


class Nomination(Orderable):
    contest = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="nominations")
    title = models.CharField(_("title"), max_length=255)
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("title"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self):
        return self.title


class Criterion(Orderable):
    """A judging criterion: its weight in the total and the highest score a juror may give; for
    every nomination, or for one."""

    contest = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
    )
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("only for nomination"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="criteria",
        help_text=_("Empty: the criterion applies to every nomination."),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("weight"), FieldPanel("max_score"), FieldPanel("nomination")]),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name


class Stage(Orderable):
    """A dated stage of the contest, shown as a timeline and in the calendar."""

    class Kind(models.TextChoices):
        SUBMISSIONS = "submissions", _("submissions")
        JUDGING = "judging", _("judging")
        RESULTS = "results", _("results")
        OTHER = "other", _("other")

    contest = ParentalKey(ContestPage, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=255)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"), null=True, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("kind"), FieldPanel("title")]),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
    ]

    class Meta(Orderable.Meta):
        ordering = ["start", "sort_order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")

    def __str__(self):
        return self.title

    def clean(self):
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("A stage cannot end before it starts.")})

    @property
    def duration(self):
        return (self.end - self.start) if self.end else datetime.timedelta(0)


def entry_storage():
    """Entry files are private: outside MEDIA_ROOT, served only by permission-checked views."""
    return PrivateStorage("entries")


class Entry(Applicant):
    """A contest entry: who submitted it, in which nomination, what it is, its files and where
    it stands. ``number`` is sequential per contest («КНИГИНЯ-2009/017»); the participant follows
    the entry through a private link carrying ``token``."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        PROCESSING = "processing", _("being checked")
        READY = "ready", _("ready for judging")
        NEEDS_ATTENTION = "needs_attention", _("needs attention")
        WITHDRAWN = "withdrawn", _("withdrawn")
        DISQUALIFIED = "disqualified", _("disqualified")

    contest = models.ForeignKey(
        ContestPage, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="entries"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="entries"
    )
    birth_date = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # A participant under 18 on the submission date enters with a parent's or guardian's consent.
    guardian_name = models.CharField(
        _("parent's or guardian's full name"), max_length=300, blank=True
    )
    guardian_consent_at = models.DateTimeField(
        _("parent's or guardian's consent given at"), null=True, blank=True, editable=False
    )
    # The retention job keeps the participant's name and library when set: a winner's name stays
    # on published results (set by the results, once they are built).
    keeps_public_name = models.BooleanField(
        _("name stays public (published results)"), default=False
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title of the entry"), max_length=300)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)
    # Processing (contests.processing): how many runs were started, when the last one began and
    # when one finished; the log is what managers read on the entry's page.
    processing_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    processing_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True, editable=False)
    processing_log = models.JSONField(default=list, blank=True, editable=False)
    # A bottom-k MinHash sketch of the entry's text, compared with the contest's other entries.
    text_signature = models.JSONField(default=list, blank=True, editable=False)
    # What the participant was told, so that e-mails go once even if a task runs twice.
    receipt_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_status = models.CharField(max_length=20, blank=True, editable=False)

    class Meta:
        ordering = ["contest", "number"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="one_number_per_entry")
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def code(self):
        return f"{self.contest.entry_prefix}/{self.number:03d}"

    @property
    def is_pending(self):
        """Still waiting for the processing pipeline."""
        return self.status in (self.Status.RECEIVED, self.Status.PROCESSING)

    def log(self, message, level="info", now=None):
        """Append a line to the processing log (saved by the caller)."""
        at = (now or timezone.now()).isoformat(timespec="seconds")
        self.processing_log = [*self.processing_log, {"at": at, "level": level, "message": message}]


class EntryFile(models.Model):
    """One file of an entry, with what the upload check found out about it."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    file = models.FileField(_("file"), storage=entry_storage, upload_to="%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveBigIntegerField(_("size, bytes"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Filled by the processing pipeline.
    sha256 = models.CharField("SHA-256", max_length=64, blank=True, db_index=True)
    pages = models.PositiveIntegerField(_("pages or slides"), null=True, blank=True)
    words = models.PositiveIntegerField(_("words"), null=True, blank=True)
    text = models.TextField(_("extracted text"), blank=True)
    preview = models.FileField(
        _("preview"), storage=entry_storage, upload_to="previews/%Y/%m/", blank=True
    )
    problem = models.TextField(_("problem"), blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("entry file")
        verbose_name_plural = _("entry files")

    def __str__(self):
        return self.original_name


class EntryFlag(models.Model):
    """Something the pipeline found that a manager must look at: a file identical to one of
    another entry of the contest, or a text very like another entry's. Set on the entry
    processed later, pointing at the earlier one."""

    class Kind(models.TextChoices):
        EXACT_DUPLICATE = "exact_duplicate", _("identical file")
        NEAR_DUPLICATE = "near_duplicate", _("similar text")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="flags")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    other_entry = models.ForeignKey(
        Entry,
        verbose_name=_("matching entry"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    file = models.ForeignKey(
        EntryFile, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    similarity = models.FloatField(_("similarity"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("entry flag")
        verbose_name_plural = _("entry flags")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.other_entry.code}"


class EntriesArchive(models.Model):
    """A ZIP of a contest's entries (their files and a CSV list) that a manager asked for; built
    by Celery on the ``pdf`` queue and downloaded through a permission-checked view."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    contest = models.ForeignKey(
        ContestPage, verbose_name=_("contest"), on_delete=models.CASCADE, related_name="archives"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    file = models.FileField(storage=entry_storage, upload_to="archives/", blank=True)
    entry_count = models.PositiveIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("entries archive")
        verbose_name_plural = _("entries archives")

    def __str__(self):
        return f"{self.contest} ({self.created_at:%d.%m.%Y %H:%M})"
