"""The contests index and the contest page: rules, eligibility, entry limits, and the inlines of
``rules`` (nominations, weighted criteria, stages). Entries, their processing, the jury and
results build on these pages.

A contest is an event (``events.models.EventMixin``): its dates span the whole contest, and each
stage (submissions open, judging, results…) is a line of the site's calendar.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from events.models import EVENT_TIMEZONE, CoverImageMixin, EventMixin
from kuzbib_site.base import dates
from kuzbib_site.base.blocks import BaseStreamBlock
from kuzbib_site.base.models import Municipality
from kuzbib_site.base.routes import GET, page_route
from kuzbib_site.base.uploads import latin_stem

from .rules import Stage

FILE_KINDS = [
    ("pdf", "PDF"),
    ("docx", "DOCX"),
    ("pptx", "PPTX"),
    ("odt", "ODT"),
    ("jpeg", "JPEG"),
    ("png", "PNG"),
]
#: The kind of the calendar lines of contests (one per stage), named in ``wagtail_hooks``.
CALENDAR_KIND = "contest_stage"


@dataclass(frozen=True)
class StageNow:
    """A stage as the contest page shows it at a moment: ``state`` is "past", "current" or
    "upcoming"; ``until`` is when it is over (its end, or for a stage without one the start of
    the next stage, or the contest's end)."""

    stage: Stage
    state: str
    until: datetime.datetime

    @property
    def is_current(self):
        return self.state == "current"

    @property
    def summary(self):
        """The stage in a line, in the events' zone: «Приём работ: до 30 апреля 2009 г., 18:00»
        while it runs (the time of a deadline for entries, the day otherwise), «Работа жюри: с 4
        мая 2009 г.» before it starts; a stage without an end says only its title while it runs."""
        stage = self.stage
        with timezone.override(EVENT_TIMEZONE):
            if self.state == "upcoming":
                return _("%(stage)s: from %(date)s") % {
                    "stage": stage.title,
                    "date": dates.day(stage.start),
                }
            if self.state == "current" and stage.end is not None:
                deadline = dates.moment if stage.kind == Stage.Kind.SUBMISSIONS else dates.day
                return _("%(stage)s: until %(date)s") % {
                    "stage": stage.title,
                    "date": deadline(stage.end),
                }
            return stage.title


class ContestIndexPage(Page):
    """«Конкурсы»: current and past contests."""

    visitor_kind = pgettext_lazy("kind of page", "Contests")

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
        contests = (
            ContestPage.objects.live()
            .child_of(self)
            .order_by("-start")
            .select_related("cover_image")
            .prefetch_related("stages")
        )
        now = timezone.now()
        context["current"] = [c for c in contests if c.end >= now]
        context["past"] = [c for c in contests if c.end < now]
        return context


class ContestPage(RoutablePageMixin, EventMixin, CoverImageMixin, Page):
    """A professional-skills contest: rules, who may enter, nominations, how entries are judged,
    the stages with their dates and what an entry may contain."""

    visitor_kind = pgettext_lazy("kind of page", "Contest")

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

    # How entries are judged (contests.assignment, contests.results); editorial settings, so they
    # live on the page. Where judging stands is ``Judging``, off the page.
    class AssignmentMode(models.TextChoices):
        ALL = "all", _("every juror scores every entry of a nomination")
        PER_ENTRY = "per_entry", _("each entry gets a set number of jurors")

    class Method(models.TextChoices):
        MEAN = "mean", _("mean of jurors' weighted totals")
        TRIMMED_MEAN = "trimmed_mean", _("trimmed mean (highest and lowest dropped from 5 jurors)")
        ZSCORE = "zscore", _("mean after normalising each juror's scores (z-score)")
        MEDIAN = "median", _("median")

    blind_judging = models.BooleanField(
        _("blind judging"),
        default=True,
        help_text=_(
            "Jurors never see the participant's name, library or e-mail: files without author "
            "metadata, names redacted from the text."
        ),
    )
    assignment_mode = models.CharField(
        _("assignment"), max_length=10, choices=AssignmentMode.choices, default=AssignmentMode.ALL
    )
    jurors_per_entry = models.PositiveSmallIntegerField(
        _("jurors per entry"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    aggregation_method = models.CharField(
        _("ranking method"), max_length=15, choices=Method.choices, default=Method.MEAN
    )
    min_sheets = models.PositiveSmallIntegerField(
        _("score sheets needed to rank an entry"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        *EventMixin.event_panels,
        *CoverImageMixin.cover_panels,
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
        MultiFieldPanel(
            [
                FieldPanel("blind_judging"),
                FieldRowPanel([FieldPanel("assignment_mode"), FieldPanel("jurors_per_entry")]),
                FieldRowPanel([FieldPanel("aggregation_method"), FieldPanel("min_sheets")]),
            ],
            heading=_("Judging"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("rules")]
    parent_page_types = ["contests.ContestIndexPage"]
    subpage_types = []
    event_kind = CALENDAR_KIND

    # Entering the contest: view functions of contests/views.py, imported on the first request.
    submit_form = page_route("submit/", "submit", "contests.views.submit")
    entry_status = page_route("entry/<str:token>/", "entry_status", "contests.views.entry_status")
    entry_withdraw = page_route(
        "entry/<str:token>/withdraw/", "entry_withdraw", "contests.views.withdraw"
    )
    entry_state = page_route(
        "entry/<str:token>/state/", "entry_state", "contests.views.entry_state", methods=GET
    )
    # What judging publishes: the results (public once the chair publishes them), the winners'
    # collection, a participant's diploma behind their private link, and the public page that
    # verifies a diploma by the code in its QR code.
    # (Not named ``results``: that is the reverse accessor of the published ``Result`` rows.)
    results_route = page_route("results/", "results", "contests.results_views.results", methods=GET)
    collection = page_route(
        "collection/", "collection", "contests.document_views.collection", methods=GET
    )
    entry_diploma = page_route(
        "entry/<str:token>/diploma/",
        "entry_diploma",
        "contests.document_views.entry_diploma",
        methods=GET,
    )
    verify_diploma = page_route(
        "diploma/<str:code>/", "verify_diploma", "contests.document_views.verify", methods=GET
    )

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
        now = timezone.now()
        stages = list(self.stages.all())
        timeline = self.timeline(now, stages)
        context["nominations"] = list(self.nominations.all())
        context["criteria"] = list(self.criteria.select_related("nomination"))
        context["timeline"] = timeline
        context["municipality_list"] = list(self.municipalities.all())
        context["current_stage"] = next((s for s in timeline if s.is_current), None)
        context["next_stage"] = next((s for s in timeline if s.state == "upcoming"), None)
        context["is_over"] = self.end < now
        # From the stages just read, not a second query.
        context["submission_stage"] = next(
            (stage for stage in stages if stage.is_open_for_entries(now)), None
        )
        return context

    def stage_now(self, now=None):
        """The stage running at ``now``, else the next one, else None (the contest is over or
        has no stages): what a card or the header says about where the contest stands."""
        timeline = self.timeline(now)
        return next((s for s in timeline if s.is_current), None) or next(
            (s for s in timeline if s.state == "upcoming"), None
        )

    def timeline(self, now=None, stages=None):
        """The stages in order, each with where it stands at ``now`` (``StageNow``). A stage
        without an end lasts until the next one starts; the last such stage until the contest
        ends, and at least through the day it starts («Подведение итогов» on the last day)."""
        now = now or timezone.now()
        stages = sorted(
            self.stages.all() if stages is None else stages,
            key=lambda s: (s.start, s.sort_order or 0),
        )
        shown = []
        for position, stage in enumerate(stages):
            if stage.end is not None:
                until = stage.end
            elif position + 1 < len(stages):
                until = stages[position + 1].start
            else:
                local_start = timezone.localtime(stage.start, EVENT_TIMEZONE)
                day_end = datetime.datetime.combine(
                    local_start.date(), datetime.time.max, tzinfo=EVENT_TIMEZONE
                )
                until = max(self.end, day_end) if self.end else day_end
            if now < stage.start:
                state = "upcoming"
            elif now <= until:
                state = "current"
            else:
                state = "past"
            shown.append(StageNow(stage, state, until))
        return shown

    def with_content_json(self, content):
        """A revision carries the page's editorial content, not the entry counter: publishing a
        draft saved before more entries arrived must not wind the counter back."""
        page = super().with_content_json(content)
        page.last_entry_number = self.last_entry_number
        return page

    @property
    def file_stem(self):
        """The start of the names of the contest's downloads: its entry prefix in Latin letters
        («КНИГИНЯ-2009» → «KNIGINYa-2009»)."""
        return latin_stem(self.entry_prefix) or f"contest-{self.pk}"

    def judging_deadline(self):
        """When judging ends: the end (or start) of the contest's judging stage, or None."""
        stage = next((s for s in self.stages.all() if s.kind == Stage.Kind.JUDGING), None)
        return (stage.end or stage.start) if stage else None

    def submission_stage(self, now=None):
        """The submissions stage running now, or None: entries are taken only then."""
        now = now or timezone.now()
        return next((stage for stage in self.stages.all() if stage.is_open_for_entries(now)), None)
