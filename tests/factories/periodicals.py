"""Factories of the periodicals archive: the archive's index, titles, issues and their scanned
pages, holdings.

``IssuePageFactory(parent=title, date=datetime.date(1957, 5, 9))`` makes a published issue;
``ScanFactory(issue=issue, text="…")`` a processed page with that text."""

import datetime

import factory
import wagtail_factories

from periodicals.models import HeldIssue, Holding, IssuePage, PeriodicalsIndexPage, Scan, TitlePage


class PeriodicalsIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = PeriodicalsIndexPage

    title = "Электронный архив краеведческой периодики"
    slug = "periodika"


class TitlePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TitlePage

    title = factory.Sequence(lambda n: f"Кузнецкий рабочий {n}" if n else "Кузнецкий рабочий")
    slug = factory.Sequence(lambda n: f"kuznetskii-rabochii-{n}")
    place = "Сталинск"
    first_year = 1930
    frequency = "3 раза в неделю"


class IssuePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = IssuePage

    date = factory.Sequence(lambda n: datetime.date(1957, 1, 1) + datetime.timedelta(days=n))
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.LazyAttribute(lambda issue: f"№ {issue.number}, {issue.date:%d.%m.%Y}")
    slug = factory.LazyAttribute(lambda issue: f"{issue.date:%Y-%m-%d}-{issue.number}")


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scan

    number = factory.Sequence(lambda n: n + 1)
    width = 2000
    height = 3000
    status = Scan.Status.DONE
    text = ""


class HoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holding

    summary = ""


class HeldIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeldIssue

    year = 1957
    number = ""
