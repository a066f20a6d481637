"""Factories of the festival of library dynasties: the festival (an event whose applications are
open now unless told otherwise), dynasties with a family given as ``dynasties.family`` plain
data, and applications.

``DynastyPageFactory(parent=festival, family=three_generations())`` makes a published dynasty
whose members, kinship and work periods come from the ``Family``; without ``family`` it is a
small family of two generations. Figures are computed by the model's save."""

import datetime

import factory
import wagtail_factories
from django.utils import timezone

from dynasties.domain.application import rows_of
from dynasties.family import Family, Link, Period, Person
from dynasties.models import Application, DynastyPage, FestivalPage
from tests.factories.base import MunicipalityFactory


def three_generations():
    """A hand-computed family: grandmother (librarian 1950–1985), her son and his wife (she a
    librarian 1975–1990 and 1988–2000, overlapping), their daughter (librarian since 2005).
    Service: 36 + 26 + (today − 2004) years; 3 generations, 3 of them librarians."""
    return Family(
        people=(
            Person(1, "Иванова", "Мария", "Петровна", sex="f", birth="1925", death="2001"),
            Person(2, "Иванов", "Пётр", "Иванович", sex="m", birth="1950"),
            Person(
                3, "Иванова", "Анна", "Сергеевна", maiden_name="Смирнова", sex="f", birth="1952"
            ),
            Person(4, "Иванова", "Ольга", "Петровна", sex="f", birth="1980"),
        ),
        links=(
            Link(Link.PARENT, 1, 2),
            Link(Link.SPOUSE, 2, 3, start=1974),
            Link(Link.PARENT, 2, 4),
            Link(Link.PARENT, 3, 4),
        ),
        periods=(
            Period(1, 1950, 1985, "Кемеровская областная библиотека", position="библиотекарь"),
            Period(3, 1975, 1990, "Библиотека шахты «Северная»", position="заведующая"),
            Period(3, 1988, 2000, "Городская библиотека"),
            Period(4, 2005, None, "Городская библиотека", position="библиограф"),
        ),
    )


class FestivalPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = FestivalPage

    title = "Фестиваль библиотечных династий"
    slug = factory.Sequence(lambda n: f"festival-{n}" if n else "festival")
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    end = factory.LazyAttribute(lambda page: page.start + datetime.timedelta(hours=6))
    venue = "Областная научная библиотека"
    city = "Кемерово"
    applications_open_from = factory.LazyFunction(
        lambda: timezone.now() - datetime.timedelta(days=1)
    )
    applications_close_at = factory.LazyFunction(
        lambda: timezone.now() + datetime.timedelta(days=20)
    )


class DynastyPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = DynastyPage

    family_name = factory.Sequence(lambda n: f"Ивановы{n}" if n else "Ивановы")
    title = factory.LazyAttribute(lambda page: f"Династия {page.family_name}")
    slug = factory.Sequence(lambda n: f"dynasty-{n}")
    summary = "Три поколения библиотекарей."

    @classmethod
    def _create(cls, model_class, *args, family=None, **kwargs):
        family = family if family is not None else three_generations()
        parent = kwargs.pop("parent", None)
        tags = kwargs.pop("tags", ())
        instance = model_class(**kwargs)
        members, links, periods = rows_of(family)
        instance.members = members
        instance.links = links
        instance.periods = periods
        if parent is not None:
            parent.add_child(instance=instance)
        else:
            instance.save()
        if tags:
            instance.tags.add(*tags)
            instance.save()
        return instance


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    last_name = "Иванова"
    first_name = "Ольга"
    patronymic = "Петровна"
    email = factory.Sequence(lambda n: f"family{n}@example.org")
    family_name = "Ивановы"
    municipality = factory.SubFactory(MunicipalityFactory)
    consent_given_at = factory.LazyFunction(timezone.now)
    story = "Наша семья служит книге три поколения."
    family = factory.LazyFunction(lambda: three_generations().to_data())
