"""The jury chair ends judging and publishes the results, in chromium with axe-core: closes
judging, reads the ranking and the agreement charts, records the order of two tied entries,
publishes after confirming; then a visitor opens the contest's results page and reads the
winners."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from contests.domain import judging as judging_domain
from contests.domain import score_sheet
from contests.models import Assignment, Criterion, Judging, JuryMember
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import judged_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scored(home_page):
    """A blind contest, judging open, every sheet sent: entries 1 and 2 level (8 from every
    juror), entry 3 behind (4), entry 4 last (2)."""
    index = ContestIndexPageFactory(parent=home_page, show_in_menus=True)
    contest = judged_contest(
        index, entries=4, jurors=3, criteria=((1, 10),), blind_judging=True, slug="knyaginya"
    )
    judging_domain.open_judging(contest, None)
    [criterion] = Criterion.objects.filter(contest=contest)
    values = {1: 8, 2: 8, 3: 4, 4: 2}
    for assignment in Assignment.objects.filter(juror__contest=contest).select_related(
        "entry", "juror__user"
    ):
        cleaned = {criterion.pk: (values[assignment.entry.number], False, "")}
        outcome = score_sheet.save(assignment, cleaned, assignment.juror.user, 0, submit=True)
        assert outcome.ok, outcome.errors
    return contest


def sign_in(page, live_server, user):
    """The chair signed in through a session cookie (the sign-in form is another test's)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_the_chair_publishes_and_a_visitor_reads_the_winners(
    page, browser, browser_context_args, live_server, scored, axe_check
):
    chair = scored.jury.get(role=JuryMember.Role.CHAIR).user
    first, second, third, fourth = scored.entries.order_by("number")
    sign_in(page, live_server, chair)

    page.goto(reverse("contests_jury:chair", args=[scored.pk]))
    page.locator("button[name=action][value=close]").click()
    page.wait_for_load_state()
    assert _("Judging is closed: no more scores can be saved.") in page.locator("main").inner_text()
    assert Judging.objects.get(contest=scored).state == Judging.State.CLOSED

    # The ranking: four entries, the first two level, blind (no names yet); two charts.
    rows = page.locator("table.results-table tbody tr")
    assert rows.count() == 4
    assert page.locator("table.results-table tr.tied").count() == 2
    assert first.last_name not in page.locator("main").inner_text()
    charts = page.locator("svg[role=img]")
    assert charts.count() == 2
    assert all(
        chart.evaluate("svg => svg.getBoundingClientRect().height > 50")
        for chart in [
            charts.nth(0),
            charts.nth(1),
        ]
    )
    axe_check(page)

    # The chair puts entry 2 before entry 1: the tie is broken, the order can still change.
    page.locator(f"#tie-{second.pk}").fill("1")
    page.locator(f"#tie-{second.pk}").press("Enter")
    page.wait_for_load_state()
    assert page.locator("table.results-table tr.tied").count() == 0
    places = page.locator("table.results-table tbody tr th[scope=row]").all_inner_texts()
    assert places == [second.code, first.code, third.code, fourth.code]
    assert page.locator(f"#order-{second.pk}").input_value() == "1"
    axe_check(page)

    page.locator(f"a[href='{reverse('contests_jury:chair_publish', args=[scored.pk])}']").click()
    page.wait_for_load_state()
    # In blind judging the confirmation lists the entries by code and title: the names come
    # with publication (the chair may still reopen judging from here).
    confirmation = page.locator("main").inner_text()
    assert second.code in confirmation and second.last_name not in confirmation
    axe_check(page)
    page.get_by_role("button", name=_("Publish the results")).click()
    page.wait_for_load_state()
    assert _("The results are published.") in page.locator("main").inner_text()
    assert Judging.objects.get(contest=scored).state == Judging.State.PUBLISHED

    visitor = browser.new_context(base_url=live_server.url, **browser_context_args)
    try:
        public = visitor.new_page()
        public.goto(scored.url)
        public.get_by_role("link", name=_("Results"), exact=True).click()
        public.wait_for_load_state()
        text = public.locator("main").inner_text()
        for entry in (second, first, third):
            assert entry.full_name in text and entry.title in text
        assert text.index(second.full_name) < text.index(first.full_name)
        assert fourth.full_name not in text
        axe_check(public)
    finally:
        visitor.close()
