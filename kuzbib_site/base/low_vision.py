"""The low-vision version («версия для слабовидящих», GOST R 52872-2019): the visitor's settings,
read from and written to one cookie.

The cookie is ``1`` when the version is on with every setting at its default, followed by the
settings that differ, e.g. ``1.size-3.scheme-wb.spacing-extra.images-on``. Everything read from it
is checked against the choices below: an unknown or malformed part falls back to its default, so a
hostile value can neither break a page nor reach the HTML. The header's old switch wrote ``1``,
which still means «on, defaults».
"""

from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A cookie longer than every setting at its longest is not ours.
MAX_COOKIE_LENGTH = 80
ON = "1"


@dataclass(frozen=True)
class Setting:
    """One row of the panel: the name used in the cookie, the URL and the CSS class, and its
    choices as (value, label) pairs; the first is the default."""

    name: str
    label: str
    choices: tuple

    @property
    def default(self):
        return self.choices[0][0]

    def valid(self, value):
        return any(value == choice for choice, _label in self.choices)


SETTINGS = (
    # The root element's size: 150, 200 and 250 % of the browser's, so every rem scales.
    Setting(
        "size", _("Font size"), (("1", "150\u00a0%"), ("2", "200\u00a0%"), ("3", "250\u00a0%"))
    ),
    # The GOST set: black on white, white on black, dark blue on light blue, brown on beige
    # (each at least 7:1).
    Setting(
        "scheme",
        _("Colours"),
        (
            ("bw", _("Black on white")),
            ("wb", _("White on black")),
            ("blue", _("Dark blue on light blue")),
            ("beige", _("Brown on beige")),
        ),
    ),
    Setting(
        "spacing",
        _("Letter spacing"),
        (
            ("normal", pgettext_lazy("letter spacing", "Normal")),
            ("wide", pgettext_lazy("letter spacing", "Wide")),
            ("extra", pgettext_lazy("letter spacing", "Extra wide")),
        ),
    ),
    # Off by default: the version the header's switch turned on always replaced images with
    # their text, and the templates that do so ask only whether the version is on.
    Setting(
        "images",
        _("Images"),
        (("off", pgettext_lazy("images", "Hide")), ("on", pgettext_lazy("images", "Show"))),
    ),
)
BY_NAME = {setting.name: setting for setting in SETTINGS}


@dataclass(frozen=True)
class LowVision:
    """The visitor's low-vision version: false when it is off (templates ask ``{% if low_vision
    %}``), else its settings, the classes for ``<html>`` and the panel's links back to
    ``next_path``."""

    on: bool = False
    size: str = SETTINGS[0].default
    scheme: str = SETTINGS[1].default
    spacing: str = SETTINGS[2].default
    images: str = SETTINGS[3].default
    next_path: str = "/"

    def __bool__(self):
        return self.on

    @classmethod
    def from_cookie(cls, value, next_path="/"):
        """The settings a cookie value holds; no cookie (or an empty one) is off."""
        if not value:
            return cls(next_path=next_path)
        if len(value) > MAX_COOKIE_LENGTH:
            return cls(on=True, next_path=next_path)
        return cls(on=True, next_path=next_path).changed(
            dict(part.split("-", 1) for part in value.split(".")[1:] if "-" in part)
        )

    def changed(self, values):
        """These settings with the valid ones of ``values`` (a mapping of setting names to
        values) applied; anything else in it is left out."""
        valid = {
            name: value
            for name, value in values.items()
            if name in BY_NAME and isinstance(value, str) and BY_NAME[name].valid(value)
        }
        return replace(self, **valid)

    @property
    def cookie_value(self):
        """What the cookie holds for these settings: ``1`` and the settings off their defaults."""
        changed = [
            f"{setting.name}-{getattr(self, setting.name)}"
            for setting in SETTINGS
            if getattr(self, setting.name) != setting.default
        ]
        return ".".join([ON, *changed])

    @property
    def images_off(self):
        """Templates show an image's text instead of the image (``.image-alt``)."""
        return self.on and self.images == "off"

    @property
    def html_classes(self):
        """The classes of ``<html>``: every rule of low_vision.css starts from them."""
        if not self.on:
            return ""
        return " ".join(
            [
                "low-vision",
                *(f"lv-{setting.name}-{getattr(self, setting.name)}" for setting in SETTINGS),
            ]
        )

    @cached_property
    def panel(self):
        """The panel's rows: each setting's label and its choices, each with the link that
        chooses it and whether it is the current one."""
        return [
            {
                "name": setting.name,
                "label": setting.label,
                "choices": [
                    {
                        "value": value,
                        "label": label,
                        "current": getattr(self, setting.name) == value,
                        "url": self.switch_url(**{setting.name: value}),
                    }
                    for value, label in setting.choices
                ],
            }
            for setting in SETTINGS
        ]

    @property
    def off_url(self):
        """The link back to the standard version («Обычная версия»)."""
        return self.switch_url(mode="off")

    def switch_url(self, **params):
        """The switch view's URL that applies ``params`` and returns to ``next_path``."""
        return f"{reverse('low_vision')}?{urlencode({**params, 'next': self.next_path})}"
