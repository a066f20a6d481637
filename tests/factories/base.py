import datetime
from decimal import Decimal

import factory
import wagtail_factories

from kuzbib_site.base.models import Library, MembershipFee, Municipality, Person
from kuzbib_site.home.models import HomePage, LibraryIndexPage, StandardPage


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Муниципалитет {n}")
    kind = Municipality.Kind.URBAN_OKRUG


class LibraryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Library

    full_name = factory.Sequence(lambda n: f"Центральная библиотека № {n}")
    short_name = factory.Sequence(lambda n: f"ЦБ-{n}")
    legal_form = "МУК"
    municipality = factory.SubFactory(MunicipalityFactory)
    member_since = datetime.date(2005, 1, 1)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Иванова-{n}")
    first_name = "Мария"
    patronymic = "Петровна"
    position = "библиотекарь"
    library = factory.SubFactory(LibraryFactory)


class MembershipFeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipFee

    library = factory.SubFactory(LibraryFactory)
    year = 2008
    amount = Decimal("1500.00")
    paid_on = None


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "Кузбасские библиотеки"
    intro = "<p>Партнёрство библиотек Кемеровской области.</p>"


class StandardPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StandardPage

    title = factory.Sequence(lambda n: f"Страница {n}")
    intro = "Вводный текст."


class LibraryIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LibraryIndexPage

    title = "Библиотеки"
