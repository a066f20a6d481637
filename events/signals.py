"""Keep the calendar in step with the pages: publishing or unpublishing an event page updates its
CalendarEntry rows (deleting the page deletes them through the foreign key). Publishing a
session that moved or was cancelled also records a programme change, and publishing a session
links accepted proposals to the talks that revision put in the programme
(``domain.proposal.link_talks``). A session created, copied, moved or published gives its
section's leaders their permissions on it (``leaders.grant_section_permissions``)."""

from django.db.models.signals import post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from . import changes
from .domain import proposal as proposals
from .leaders import grant_section_permissions
from .models import SectionSessionPage, sync_calendar


def _sync(sender, instance, **kwargs):
    sync_calendar(instance)


def _publish(sender, instance, **kwargs):
    changes.record(instance)  # reads the calendar entry before it is refreshed
    sync_calendar(instance)


page_published.connect(_publish, dispatch_uid="events_calendar_published")
page_unpublished.connect(_sync, dispatch_uid="events_calendar_unpublished")


def _link_talks(sender, instance, **kwargs):
    # Accepted proposals whose talk this revision put in the programme.
    proposals.link_talks(instance)


page_published.connect(_link_talks, sender=SectionSessionPage, dispatch_uid="events_cfp_talks")


def _grant_leaders(sender, instance, **kwargs):
    grant_section_permissions(instance.specific)


def _grant_leaders_of_new(sender, instance, created, raw=False, **kwargs):
    if created and not raw:  # a new or copied session (not one loaded from a fixture)
        grant_section_permissions(instance)


post_save.connect(
    _grant_leaders_of_new, sender=SectionSessionPage, dispatch_uid="events_leaders_created"
)
post_page_move.connect(
    _grant_leaders, sender=SectionSessionPage, dispatch_uid="events_leaders_moved"
)
page_published.connect(
    _grant_leaders, sender=SectionSessionPage, dispatch_uid="events_leaders_published"
)
