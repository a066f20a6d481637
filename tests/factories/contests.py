import datetime

import factory
import wagtail_factories

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
