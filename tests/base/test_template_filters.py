"""The core's template filters."""

import pytest
from django.template import Context, Template


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Ночь в библиотеке", "«Ночь в библиотеке»"),
        ("«Ночь в библиотеке»: маскарад", "«Ночь в библиотеке»: маскарад"),
        ("<b>Клуб</b>", "«&lt;b&gt;Клуб&lt;/b&gt;»"),
    ],
)
def test_quoted_wraps_a_title_in_guillemets_once_and_escapes_it(title, shown):
    template = Template("{% load kuzbib_tags %}{{ title|quoted }}")
    assert template.render(Context({"title": title})) == shown
