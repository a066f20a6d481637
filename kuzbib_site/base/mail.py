"""Templated e-mails in the site's language: plain text with an HTML alternative. Workers have
no visitor's language, so every message is rendered in LANGUAGE_CODE."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


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
