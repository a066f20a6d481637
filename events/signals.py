"""Keep the calendar in step with the pages: publishing or unpublishing an event page updates its
CalendarEntry rows (deleting the page deletes them through the foreign key)."""

from wagtail.signals import page_published, page_unpublished

from .models import sync_calendar


def _sync(sender, instance, **kwargs):
    sync_calendar(instance)


page_published.connect(_sync, dispatch_uid="events_calendar_published")
page_unpublished.connect(_sync, dispatch_uid="events_calendar_unpublished")
