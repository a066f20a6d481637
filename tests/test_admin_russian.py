"""The admin of our apps speaks Russian to a user whose admin language is Russian: no English
string of ours on any page an editor or a superuser opens — every page type's and snippet's
editor, every listing (its columns, filters and buttons), each entry's and application's page,
the delete confirmations and our own admin views (the jury, the entries' archives and status
forms, a proposal's decision, a registration's actions, the proceedings and participants'
documents, the heroes' import, the dynasties' decisions, the reports).

What counts as English: the msgids of our catalogues (the site's, the core's and each plugin's
``locale/``) whose Russian differs from them — a msgid found verbatim in a page was not
translated —, and the names our models give in Russian that still have Latin words (a field
without a translated ``verbose_name`` shows Django's «Created at» as a column). The visible text
is what a reader sees or hears: text nodes, ``placeholder``, ``title``, ``aria-label`` and ``alt``
attributes and the values of buttons, never scripts, styles or what a user typed (form values,
text areas); the records made here are in Russian. The failure lists every English string found
with the pages it was found on."""

import ast
import json
import re
from collections import defaultdict
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from bs4.element import PreformattedString
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page, Task, Workflow

from contests.models import Entry, EntryFlag
from dynasties.models import Application
from events.models import Proposal, Registration
from tests import admin_world
from tests.admin_world import (
    OUR_APPS,
    custom_admin_urls,
    editor_urls,
    listing_urls,
    make_editor,
    set_admin_language,
)
from tests.test_quality import CATALOGUES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent

# The shared fixtures of the admin's walk (tests/admin_world.py).
festival_tree = admin_world.festival_tree
every_page_type = admin_world.every_page_type
every_snippet = admin_world.every_snippet

#: Placeholders and markup split a msgid into the literal pieces a page shows verbatim.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdifr]|\{\{.*?\}\}|<[^>]*>|\s*\n\s*")
#: A word of English in a piece: at least two Latin letters with a small letter among them
#: (acronyms such as PDF, ZIP, CSV or SHA are the same in both languages).
ENGLISH_WORD = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*")
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
#: Addresses, links and file names in a page are data, not interface.
DATA = re.compile(
    r"\S+@\S+|https?://\S+|/\S*|[\w-]+\.(?:csv|xlsx|zip|pdf|docx|pptx|odt|png|jpe?g)\b"
)
#: Attributes a browser shows or a screen reader reads out.
SPOKEN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "aria-description")
#: Text nodes inside these are not interface text: code, what a user typed, keys as the keyboard
#: labels them.
NOT_INTERFACE = ("script", "style", "noscript", "textarea", "kbd")
#: What StreamField's block definitions (``data-w-block-data-value``) show an editor: each
#: block's label, description, help text and group heading, and its widget's HTML.
BLOCK_TEXT_KEYS = {"label", "description", "helpText", "heading"}
#: Wagtail 8 writes these in English whatever the language (not translatable in its templates):
#: the slim header's ``<nav aria-label="Actions">`` and the search forms' hidden «Search» submit.
WAGTAIL_UNTRANSLATABLE = (
    ("#w-slim-header-buttons", "aria-label"),
    (".submit.w-sr-only input[type=submit]", "value"),
)
#: Wagtail 8's side panel counter holds «None» until its script counts (it is hidden till then).
WAGTAIL_PLACEHOLDERS = "[data-side-panel-toggle-counter]"
#: Wagtail's name in the admin's window title («… - Wagtail»).
BRAND = re.compile(r"^-? ?Wagtail$")


def english_pieces(text):
    """The literal pieces of a msgid that a page would show verbatim and that are English: the
    whole msgid, or between its placeholders the pieces of two words or more (a lone «of» or
    «the» between two placeholders would be found in any English name)."""
    pieces = [" ".join(piece.split()) for piece in PLACEHOLDER.split(text)]
    if len(pieces) > 1:
        pieces = [piece for piece in pieces if len(ENGLISH_WORD.findall(piece)) > 1]
    return [
        piece
        for piece in pieces
        if not CYRILLIC.search(piece) and any(len(w) > 1 for w in ENGLISH_WORD.findall(piece))
    ]


def catalogue_english():
    """{piece: msgid} for the msgids of our catalogues that Russian does not keep as they are
    (untranslated, fuzzy or translated differently)."""
    kept, english = set(), set()
    for folder in CATALOGUES:
        for entry in polib.pofile(ROOT / folder / "ru" / "LC_MESSAGES" / "django.po"):
            if entry.obsolete or not entry.msgid:
                continue
            msgids = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
            translations = (
                list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            )
            if entry.translated() and any(msgid in translations for msgid in msgids):
                kept.update(msgids)
            else:
                english.update(msgids)
    return {piece: msgid for msgid in english - kept for piece in english_pieces(msgid)}


def model_english():
    """{name: where} for the names our models give in Russian that still have English words:
    model and field names, help texts and choices (Django makes «created at» of a field
    ``created_at`` without a ``verbose_name``)."""
    found = {}
    with translation.override("ru"):
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS:
                continue
            where = f"{model._meta.label}"
            names = [model._meta.verbose_name, model._meta.verbose_name_plural]
            for field in model._meta.get_fields():
                names += [getattr(field, "verbose_name", ""), getattr(field, "help_text", "")]
                names += [label for _value, label in getattr(field, "flatchoices", None) or ()]
            for name in names:
                for piece in english_pieces(str(name)):
                    found.setdefault(piece, f"{where}: {name}")
    return found


def block_texts(definition):
    """The texts a StreamField's block definitions show (``BLOCK_TEXT_KEYS``, widgets' HTML)."""
    if isinstance(definition, dict):
        for key, value in definition.items():
            if isinstance(value, str) and key in BLOCK_TEXT_KEYS:
                yield value
            else:
                yield from block_texts(value)
    elif isinstance(definition, list):
        for value in definition:
            yield from block_texts(value)
    elif isinstance(definition, str) and definition.lstrip().startswith("<"):
        yield from visible_texts(definition)


def visible_texts(html):
    """The interface text of a page: text nodes, spoken attributes and StreamField's block
    definitions, whitespace collapsed."""
    soup = BeautifulSoup(html, "html.parser")
    for element in soup(NOT_INTERFACE):
        element.decompose()
    for selector, attribute in WAGTAIL_UNTRANSLATABLE:
        for element in soup.select(selector):
            del element[attribute]
    for element in soup.select(WAGTAIL_PLACEHOLDERS):
        element.decompose()
    texts = [
        str(node)
        for node in soup.find_all(string=True)
        # Text, in <template>s too (shown when a row is added); not comments or doctypes.
        if not isinstance(node, PreformattedString)
    ]
    for element in soup.find_all(True):
        texts += [element[name] for name in SPOKEN_ATTRIBUTES if element.get(name)]
        if element.name == "input" and element.get("type") in {"submit", "button", "reset"}:
            texts.append(element.get("value", ""))
        if element.get("data-w-block-data-value"):
            texts += block_texts(json.loads(element["data-w-block-data-value"]))
    texts = (" ".join(DATA.sub(" ", text).split()) for text in texts)
    return [text for text in texts if ENGLISH_WORD.search(text) and not BRAND.match(text)]


def found_in(text, piece):
    """Whether ``piece`` stands in ``text`` as words of its own (not inside a longer word)."""
    if piece not in text:
        return False
    return re.search(rf"(?<![A-Za-z]){re.escape(piece)}(?![A-Za-z])", text) is not None


def english_on(html, english):
    """{name: the text it is in} of the English found in a page: ``english``'s pieces and any
    text with English words and no Russian one (a name Django or Wagtail made up of a field's
    name, «Code», or a value printed as Python writes it, «True», «None»)."""
    found = {}
    for text in visible_texts(html):
        pieces = [piece for piece in english if found_in(text, piece)]
        for piece in pieces:
            found.setdefault(english[piece], text)
        if not pieces and not CYRILLIC.search(text):
            found.setdefault(f"«{text}» (English text)", text)
    return found


@pytest.fixture(params=["editor", "superuser"])
def russian_admin(request, django_user_model, home_page):
    """A client signed in as an editor or a superuser whose admin language is Russian."""
    if request.param == "editor":
        user = make_editor(django_user_model, "редактор")
    else:
        user = django_user_model.objects.create_superuser(
            "главред", "glavred@example.org", "Главный-редактор-2009"
        )
        set_admin_language(user, "ru")
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def named_in_russian(home_page):
    """What Wagtail's migrations name in English and the admin shows: the root page («Root», in
    the explorer's breadcrumbs) and the default workflow and its task («Moderators approval», in
    the editor's «Submit to …»). They are data, which the site's people name in Russian."""
    Page.objects.filter(depth=1).update(title="Корень", draft_title="Корень")
    Workflow.objects.filter(name="Moderators approval").update(name="Утверждение модераторами")
    Task.objects.filter(name="Moderators approval").update(name="Утверждение модераторами")


def sent_forms(pages, snippets):
    """Our admin forms and actions that answer a POST with errors or a message: a reason or a
    message left out, a spreadsheet not chosen, a decision not made, a new juror without an
    address; an entry processed again, a flag accepted, a participant checked in."""
    entry, application = snippets[Entry], snippets[Application]
    flag = entry.flags.filter(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR).first()
    return [
        reverse("contests_entry_disqualify", args=[entry.pk]),
        reverse("contests_entry_withdraw", args=[entry.pk]),
        reverse("jury:add"),
        reverse("dynasties_application_return", args=[application.pk]),
        reverse("dynasties_application_reject", args=[application.pk]),
        reverse("heroes_imports"),
        reverse("events_admin:proposal_decide", args=[snippets[Proposal].pk]),
        reverse("contests_entry_reprocess", args=[entry.pk]),
        reverse("contests_flag_accept", args=[flag.pk]),
        reverse(
            "wagtailsnippets_events_registration:action",
            args=[snippets[Registration].pk, "check_in"],
        ),
    ]


@pytest.mark.slow
def test_the_russian_admin_has_no_english_of_ours(
    russian_admin, named_in_russian, every_page_type, every_snippet
):
    client, user = russian_admin
    entries = reverse(every_snippet[Entry].snippet_viewset.get_url_name("list"))
    urls = [
        reverse("wagtailadmin_home"),
        *editor_urls(every_page_type, every_snippet, user),
        *listing_urls(every_page_type, every_snippet, user),
        *custom_admin_urls(every_page_type, every_snippet, user),
        # A search and a filter: the count of matches, the filters' chosen values.
        f"{entries}?q=001",
        f"{entries}?status=received&flags=any",
    ]
    english = {piece: f"«{msgid}»" for piece, msgid in catalogue_english().items()}
    english.update({piece: f"«{piece}» ({where})" for piece, where in model_english().items()})
    pages_of, seen_in = defaultdict(list), {}
    answers = [(url, client.get(url)) for url in dict.fromkeys(urls)]
    # Forms sent empty (their errors) and actions done (the message on the page they lead to).
    answers += [
        (f"POST {url}", client.post(url, follow=True))
        for url in sent_forms(every_page_type, every_snippet)
    ]
    for url, response in answers:
        assert response.status_code == 200, url
        for name, text in english_on(response.content.decode(), english).items():
            pages_of[name].append(url)
            seen_in.setdefault(name, text)
    report = "\n".join(
        f"{name}\n    in «{seen_in[name][:200]}»\n    on {', '.join(pages[:5])}"
        + (f" and {len(pages) - 5} more" if len(pages) > 5 else "")
        for name, pages in sorted(pages_of.items())
    )
    assert not pages_of, f"English in the Russian admin ({len(pages_of)} strings):\n{report}"


def wagtail_msgids():
    """The msgids ``kuzbib_site/base/wagtail_russian.py`` lists: (singular, plural or None)."""
    source = (ROOT / "kuzbib_site" / "base" / "wagtail_russian.py").read_text()
    msgids = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "gettext_noop":
            msgids.append((node.args[0].value, None))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "ngettext_lazy":
            msgids.append((node.args[0].value, node.args[1].value))
    return msgids


#: Which of Russian's three plural forms a number takes: 1, 2 and 5 take each one.
RUSSIAN_FORM = {1: 0, 2: 1, 5: 2}


@pytest.mark.parametrize(("singular", "plural"), wagtail_msgids())
def test_wagtail_strings_are_in_russian_from_our_catalogue(singular, plural):
    """Each Wagtail string Wagtail's own catalogue leaves in English or counts wrongly has its
    Russian in the core's catalogue, and that is what the admin shows («Есть 2 совпадения»)."""
    catalogue = polib.pofile(ROOT / "kuzbib_site/base/locale/ru/LC_MESSAGES/django.po")
    entry = catalogue.find(singular)
    assert entry is not None and entry.translated(), f"«{singular}» is not in our catalogue"
    with translation.override("ru"):
        if plural is None:
            assert translation.gettext(singular) == entry.msgstr
        else:
            for number, form in RUSSIAN_FORM.items():
                shown = translation.ngettext(singular, plural, number)
                assert shown == entry.msgstr_plural[form], f"«{singular}» for {number}"
