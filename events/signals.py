"""Keep the calendar in step with the pages: publishing or unpublishing an event page updates its
CalendarEntry rows (deleting the page deletes them through the foreign key). Publishing a
session that moved or was cancelled also records a programme change, and publishing a session
links accepted proposals to the talks that revision put in the programme
(``domain.proposal.link_talks``)."""

from wagtail.signals import page_published, page_unpublished

from . import changes
from .domain import proposal as proposals
from .models import SectionSessionPage, sync_calendar


def _sync(sender, instance, **kwargs):
    sync_calendar(instance)


def _publish(sender, instance, **kwargs):
    changes.record(instance)  # reads the calendar entry before it is refreshed
    sync_calendar(instance)


page_published.connect(_publish, dispatch_uid="events_calendar_published")
page_unpublished.connect(_sync, dispatch_uid="events_calendar_unpublished")


def _link_talks(sender, instance, **kwargs):
    proposals.link_talks(
        instance
    )  # accepted proposals whose talk this revision put in the programme


page_published.connect(_link_talks, sender=SectionSessionPage, dispatch_uid="events_cfp_talks")
