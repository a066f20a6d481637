"""Sending Celery tasks so that a broker outage never costs a request or a record.

Work is recorded in our own models first (an entry «received», a receipt not yet sent) and the
task is sent after the transaction commits. When Redis is down the send fails quickly, is
logged, and the app's sweeper (Celery beat) sends it again once the broker is back: the
participant still gets a normal answer and nothing is lost."""

import logging
from smtplib import SMTPException

from django.db import InterfaceError, transaction
from django.db import OperationalError as DatabaseError
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

#: Errors a task tries again later: a database restart, a network disk away for a moment.
TRANSIENT_ERRORS = (DatabaseError, InterfaceError, OSError)

#: The options of a task that sends one e-mail (a receipt, a decision): tried again while the mail
#: server is away; the task claims its message first (``base.mail.send_once``), so a retry or a
#: second delivery sends it once.
MAIL_TASK = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (SMTPException, ConnectionError),
    "retry_backoff": True,
    "max_retries": 5,
    "ignore_result": True,
}

# A few quick tries rather than Celery's default wait: the request is waiting.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


def enqueue(task, **kwargs):
    """Send ``task`` with keyword arguments now; False (and a log line) if the broker is down."""
    try:
        task.apply_async(kwargs=kwargs, retry_policy=RETRY_POLICY)
    except (OperationalError, ConnectionError) as error:
        logger.warning("%s%r not sent, the sweeper will resend it: %s", task.name, kwargs, error)
        return False
    return True


def enqueue_on_commit(task, **kwargs):
    """Send ``task`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task, **kwargs), robust=True)
