"""The archive's controlled lists: industries, awards, kinds of memorials, a hero's relation to
the region. Imports match a cell against a value or its Russian label regardless of case and of
ё/е (``match``), so that «Угольная промышленность» and «угольная промышленность» are one."""

from functools import cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "m", _("male")
    FEMALE = "f", _("female")


class Relation(models.TextChoices):
    """How a hero belongs to Kuzbass."""

    LIVED = "lived", _("lived and worked in Kuzbass when awarded")
    NATIVE = "native", _("native of Kuzbass, awarded elsewhere")
    MOVED = "moved", _("moved to Kuzbass after the award")


class Industry(models.TextChoices):
    COAL = "coal", _("coal industry")
    METALLURGY = "metallurgy", _("metallurgy")
    CHEMISTRY = "chemistry", _("chemical industry")
    ENGINEERING = "engineering", _("machine building")
    ENERGY = "energy", _("power industry")
    AGRICULTURE = "agriculture", _("agriculture")
    CONSTRUCTION = "construction", _("construction")
    TRANSPORT = "transport", _("transport")
    LIGHT_INDUSTRY = "light", _("light and food industry")
    FORESTRY = "forestry", _("forestry")
    GEOLOGY = "geology", _("geology")
    EDUCATION = "education", _("education, science and health care")
    OTHER = "other", _("other")


class AwardKind(models.TextChoices):
    """The Hero title and the orders and medals that biographies of heroes name."""

    HERO = "hero", _("Hero of Socialist Labour")
    ORDER_LENIN = "order_lenin", _("Order of Lenin")
    ORDER_OCTOBER_REVOLUTION = "order_october", _("Order of the October Revolution")
    ORDER_RED_BANNER_LABOUR = "order_red_banner_labour", _("Order of the Red Banner of Labour")
    ORDER_BADGE_OF_HONOUR = "order_badge_of_honour", _("Order of the Badge of Honour")
    ORDER_LABOUR_GLORY_1 = "order_labour_glory_1", _("Order of Labour Glory, 1st class")
    ORDER_LABOUR_GLORY_2 = "order_labour_glory_2", _("Order of Labour Glory, 2nd class")
    ORDER_LABOUR_GLORY_3 = "order_labour_glory_3", _("Order of Labour Glory, 3rd class")
    ORDER_FRIENDSHIP = "order_friendship", _("Order of Friendship of Peoples")
    ORDER_PATRIOTIC_WAR = "order_patriotic_war", _("Order of the Patriotic War")
    ORDER_RED_STAR = "order_red_star", _("Order of the Red Star")
    MEDAL_LABOUR_VALOUR = "medal_labour_valour", _("Medal «For Labour Valour»")
    MEDAL_LABOUR_DISTINCTION = "medal_labour_distinction", _("Medal «For Distinguished Labour»")
    MEDAL_VALIANT_LABOUR = (
        "medal_valiant_labour",
        _("Medal «For Valiant Labour in the Great Patriotic War»"),
    )
    MEDAL_VETERAN = "medal_veteran", _("Medal «Veteran of Labour»")
    MINERS_GLORY = "miners_glory", _("Badge «Miner's Glory»")
    STATE_PRIZE = "state_prize", _("State Prize of the USSR")
    LENIN_PRIZE = "lenin_prize", _("Lenin Prize")
    OTHER = "other", _("other award")


class MemorialKind(models.TextChoices):
    BUST = "bust", _("bust")
    PLAQUE = "plaque", _("memorial plaque")
    STREET = "street", _("street named after the hero")
    GRAVE = "grave", _("grave")
    MONUMENT = "monument", _("monument")
    OTHER = "other", _("other")


class SourceKind(models.TextChoices):
    """What a bibliographic reference describes: GOST R 7.0.100-2018 writes each differently."""

    BOOK = "book", _("book")
    ARTICLE = "article", _("article in a periodical or collection")
    ARCHIVE = "archive", _("archival document")
    WEB = "web", _("web page")


def fold(text):
    """A label compared as a person reads it: case, ё/е and spacing ignored."""
    return " ".join(str(text).lower().replace("ё", "е").split())


def match(choices, text):
    """The value of ``choices`` (a TextChoices class) whose value or label — in Russian or
    English — is ``text`` once folded, or None."""
    return _lookup(choices).get(fold(text))


@cache
def _lookup(choices):
    found = {}
    for language in ("en", "ru"):
        with translation.override(language):
            for value, label in choices.choices:
                found[fold(label)] = value
    for value in choices.values:
        found[fold(value)] = value
    return found
