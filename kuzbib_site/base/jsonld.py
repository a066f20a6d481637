"""Structured data in a page: JSON-LD (schema.org) written into a
``<script type="application/ld+json">`` element, for events, heroes and later apps."""

import json

# What could end the <script> element or start markup inside it, written as JSON escapes (the
# same characters Django's json_script escapes); JSON readers decode them back.
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def jsonld_script(data):
    """``data`` as JSON text safe inside a ``<script>`` element: no text in it can close the
    element («</script>») or open a comment, and it stays valid JSON. Mark it safe in the
    template only through this function."""
    text = json.dumps(data, ensure_ascii=False)
    # str.replace, not str.translate: translate looks up every character of a conference's
    # Cyrillic text in a dict, some ten times slower on its page.
    for character, escape in _SCRIPT_ESCAPES:
        text = text.replace(character, escape)
    return text
