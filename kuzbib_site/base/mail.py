"""Templated e-mails in the site's language: plain text with an HTML alternative. Workers have
no visitor's language, so every message is rendered in LANGUAGE_CODE.

``send_once`` sends a message at most once per "sent" marker on a row (a receipt, a status
change, a programme change): every app's e-mail task goes through it, so a task delivered twice
or retried after a crash never writes to a person twice."""

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation


def build_email(to, subject, template, context):
    """``subject`` may be lazy; ``template`` names ``<template>.txt`` and ``<template>.html``.

    Whoever fills a public form chooses the recipient, so what they typed must not be able to
    pass for our message: it never appears in the subject or the first lines. Every template
    opens with our own words («Hello!», then the site's sentence) and shows typed values (names,
    titles) only further down, under a heading that says they are what was entered, escaped in
    HTML."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = str(subject)
        text = render_to_string(f"{template}.txt", context)
        html = render_to_string(f"{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )
    message.attach_alternative(html, "text/html")
    return message


# --- Sending once -------------------------------------------------------------------------------


def _as_q(condition):
    if condition is None:
        return Q()
    return condition if isinstance(condition, Q) else Q(**condition)


def claim(record, field, *, value=None, unclaimed=None, where=None):
    """Take the "sent" marker ``field`` of ``record``'s row by one conditional UPDATE; returns
    the value written, or None when someone else has it already (or the row no longer matches).

    - ``value=None`` (the default) — sent once ever: the marker is a timestamp, free while NULL;
      the claim writes ``timezone.now()``.
    - ``value=X`` — sent once per value (e.g. once per status): free while the column is not X;
      the claim writes X.
    - ``unclaimed`` — a ``Q`` (or dict) that replaces the "free" condition above, for a marker
      that frees itself again (e.g. ``last_emailed_at`` older than a day).
    - ``where`` — a ``Q`` (or dict) the row must also match (e.g. ``{"status": entry.status}``,
      ``{"anonymised_at": None}``).

    Of two workers claiming at once exactly one gets the row: the database serialises the two
    UPDATEs and the second one's WHERE no longer matches. No lock is held once the UPDATE has
    committed, so call it outside a transaction to send without holding the row."""
    if value is None:
        value = timezone.now()
        free = Q(**{f"{field}__isnull": True})
    else:
        free = ~Q(**{field: value})
    if unclaimed is not None:
        free = _as_q(unclaimed)
    rows = type(record)._default_manager.filter(free, _as_q(where), pk=record.pk)
    return value if rows.update(**{field: value}) == 1 else None


def release(record, field, claimed, previous):
    """Give a claim back: the marker returns to ``previous`` if it still holds ``claimed`` (a
    later claim by someone else is left alone)."""
    type(record)._default_manager.filter(pk=record.pk, **{field: claimed}).update(
        **{field: previous}
    )


def send_once(record, field, build, *, value=None, unclaimed=None, where=None):
    """Send the message(s) ``build(record)`` makes, at most once per claim of the marker
    ``field`` on ``record``'s row (see ``claim`` for ``value``, ``unclaimed`` and ``where``).

    The marker is claimed first, then the messages are built and sent; if building or sending
    raises, the marker is set back to what ``record`` held and the error propagates (the task
    retries, or the sweeper finds the marker still free). ``build`` returns one message, a list
    of them (sent over one connection) or None/[] for nothing to send (the claim stays).

    Returns how many messages went out: 0 — falsy — when the marker was taken already. Works
    alike on PostgreSQL and SQLite and holds no row lock while sending (call it outside
    ``transaction.atomic``: inside one, the UPDATE's lock lasts until the outer commit).

    Examples::

        # once ever: a receipt
        send_once(entry, "receipt_sent_at", build_receipt)
        # once per status, only while the status is still the one read
        send_once(entry, "notified_status", build_status_email,
                  value=entry.status, where={"status": entry.status})"""
    previous = getattr(record, field)
    claimed = claim(record, field, value=value, unclaimed=unclaimed, where=where)
    if claimed is None:
        return 0
    try:
        messages = build(record)
        if messages is None:
            messages = []
        elif isinstance(messages, EmailMessage):
            messages = [messages]
        else:
            messages = list(messages)
        if messages:
            get_connection().send_messages(messages)
    except BaseException:
        release(record, field, claimed, previous)
        raise
    setattr(record, field, claimed)
    return len(messages)
