"""Query counts of public listing pages that grow with the content: the sections' index, the
contests' index and a resolution with many items answer in the same number of queries with N
records and with 3N, and in no more than a small cap (``assert_queries_bounded``, conftest)."""

import datetime

import pytest
from django.utils import timezone

from events.models import ResolutionItem, SectionPage
from tests.factories import PersonFactory, ResolutionItemFactory, SectionPageFactory
from tests.factories.contests import ContestIndexPageFactory, ContestPageFactory

pytestmark = pytest.mark.django_db


def test_section_index_queries_do_not_grow_with_sections(conference_tree, assert_queries_bounded):
    index = conference_tree["sections"]
    former = SectionPage.Status.choices[-1][0]

    def sections(first, count):
        for n in range(first, first + count):
            SectionPageFactory(
                parent=index,
                title=f"Секция {n}",
                slug=f"section-{n}",
                leader=PersonFactory(last_name=f"Руководитель {n}"),
                status=former if n % 3 == 0 else SectionPage.Status.ACTIVE,
            )

    sections(0, 3)  # with the fixture's two: N = 5
    assert_queries_bounded(index.url, lambda: sections(3, 10), cap=15)
    html = assert_queries_bounded.client.get(index.url).content.decode()
    assert "Руководитель 11" in html and "Секция 12" in html


def test_contest_index_queries_do_not_grow_with_contests(home_page, assert_queries_bounded):
    index = ContestIndexPageFactory(parent=home_page)
    now = timezone.now()

    def contests(first, count):
        for n in range(first, first + count):
            current = n % 2 == 0  # current and past ones, both listed
            start = now - datetime.timedelta(days=10 if current else 400)
            contest = ContestPageFactory(
                parent=index,
                title=f"Конкурс {n}",
                slug=f"contest-{n}",
                start=start,
                end=start + datetime.timedelta(days=60),
            )
            contest.save_revision().publish()

    contests(0, 3)
    assert_queries_bounded(index.url, lambda: contests(3, 6), cap=15)
    html = assert_queries_bounded.client.get(index.url).content.decode()
    assert "Конкурс 8" in html and "Конкурс 7" in html


def test_resolution_queries_do_not_grow_with_items(conference_tree, assert_queries_bounded):
    resolution = conference_tree["resolution"]
    sections = [conference_tree["methodology"], conference_tree["local_history"]]
    statuses = [value for value, _ in ResolutionItem.Status.choices]

    def items(first, count):
        for n in range(first, first + count):
            ResolutionItemFactory(
                resolution=resolution,
                number=f"9.{n}",
                kind=ResolutionItem.Kind.choices[n % 2][0],
                status=statuses[n % len(statuses)],
                assignee_section=sections[n % 2] if n % 3 else None,
                assignee_body="" if n % 3 else f"Совет {n}",
            )

    # The fixture's four, then 8 more (N = 12), then 24 more.
    items(0, 8)
    urls = [resolution.url, resolution.url + "?status=done", resolution.url + "?kind=recommended"]
    assert_queries_bounded(urls, lambda: items(8, 24), cap=20)
    html = assert_queries_bounded.client.get(resolution.url).content.decode()
    assert "9.31" in html
