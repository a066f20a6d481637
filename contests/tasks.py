"""Celery tasks of the contests app: thin wrappers that load ids and call plain modules."""

from celery import shared_task


@shared_task(
    name="kuzbib.contests.send_entry_receipt",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_entry_receipt(*, entry_id):
    from . import submission
    from .models import Entry

    entry = Entry.objects.select_related("contest", "nomination").filter(pk=entry_id).first()
    if entry is not None:
        submission.build_receipt(entry).send()
