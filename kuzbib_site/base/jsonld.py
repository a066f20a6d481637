"""Structured data in a page: JSON-LD (schema.org) written into a
``<script type="application/ld+json">`` element, for events, heroes and later apps."""

import json

# What could end the <script> element or start markup inside it, written as JSON escapes (the
# same characters Django's json_script escapes); JSON readers decode them back.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld_script(data):
    """``data`` as JSON text safe inside a ``<script>`` element: no text in it can close the
    element («</script>») or open a comment, and it stays valid JSON. Mark it safe in the
    template only through this function."""
    return json.dumps(data, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
