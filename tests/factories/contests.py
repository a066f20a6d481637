import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from contests.models import ContestIndexPage, ContestPage, Criterion, Nomination, Stage
from tests.factories.events import at


class ContestIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ContestIndexPage

    title = "Конкурсы"
    slug = "contests"


class ContestPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = ContestPage

    title = factory.Sequence(lambda n: f"КНИГИНЯ-{2009 + n}")
    start = at(10, datetime.date(2009, 2, 1))
    end = at(17, datetime.date(2009, 5, 27))
    entry_prefix = factory.LazyAttribute(lambda page: page.title)
    max_age = 35
    age_reference_date = datetime.date(2009, 2, 1)


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    title = factory.Sequence(lambda n: f"Номинация {n}")


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"Критерий {n}")
    weight = 2
    max_score = 10


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    kind = Stage.Kind.SUBMISSIONS
    title = "Приём работ"
    start = at(10, datetime.date(2009, 2, 1))
    end = at(17, datetime.date(2009, 4, 30))


def contest_staff(username, *codenames):
    """A user with the admin and the contests app's permissions named by ``codenames``
    (``view_entry``, ``change_entry``…), password «x»."""
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.org", password="x"
    )
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "contests"],
            codename__in=["access_admin", *codenames],
        )
    )
    return user


def today():
    """The day the factories count ages back from (a test may patch it to try a date)."""
    return timezone.localdate()


def years_before(day, years):
    """The same day ``years`` years before ``day``: 28 February when ``day`` is 29 February and
    that year has none (``day.replace(year=…)`` alone raises then)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def entry_data(contest, **overrides):
    """What ``contests.submission.submit`` takes for an eligible participant of ``contest``."""
    from tests.factories import MunicipalityFactory

    data = {
        "nomination": contest.nominations.first(),
        "title": "Клуб чтения для подростков",
        "description": "",
        "last_name": "Иванова",
        "first_name": "Мария",
        "patronymic": "",
        "birth_date": years_before(today(), 25),
        "email": "ivanova@example.ru",
        "phone": "",
        "library": None,
        "new_library_name": "Сельская библиотека",
        "municipality": MunicipalityFactory(),
        "position": "",
    }
    data.update(overrides)
    return data


def uploads(*named):
    """Uploaded files with their kinds, as the entry form hands them to ``submit``:
    ``uploads(("a.pdf", data, "pdf"), …)``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [(SimpleUploadedFile(name, data), kind) for name, data, kind in named]
