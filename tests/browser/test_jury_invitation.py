"""A contest manager adds a juror in the admin's «Жюри»; the new juror opens the link from the
invitation e-mail, sets a password, lands in the jury room, signs out and signs in again with
the e-mail address — in chromium, with axe-core on each page."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from contests.models import JuryMember
from tests.factories.contests import ContestIndexPageFactory
from tests.factories.jury import UserFactory, judged_contest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MANAGER_PASSWORD = "Жюри-собирает-менеджер-2026"
JUROR_PASSWORD = "Берёзовая-роща-2026"
WELCOME_LINK = re.compile(r"https?://[^/\s]+(/jury/welcome/[^/\s]+/[^/\s]+/)")


@pytest.fixture
def manager():
    user = UserFactory(username="manager", password=MANAGER_PASSWORD)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["wagtailadmin", "contests"],
            codename__in=["access_admin", "add_jurymember", "change_jurymember"],
        )
    )
    return user


def test_a_new_juror_sets_a_password_from_the_invitation_and_signs_in(
    page, browser, live_server, home_page, manager, axe_check
):
    contest = judged_contest(ContestIndexPageFactory(parent=home_page), jurors=1, title="КНИГИНЯ")

    # The manager adds the juror (autocommit and eager Celery: the invitation goes at once).
    page.goto("/admin/login/")
    page.locator("#id_username").fill("manager")
    page.locator("#id_password").fill(MANAGER_PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/contests/jury/new/?contest={contest.pk}")
    axe_check(page)
    page.locator("#id_email").fill("Orlova@Example.ru")
    page.locator("#id_last_name").fill("Орлова")
    page.locator("#id_first_name").fill("Вера Николаевна")
    page.locator("#id_role").select_option(JuryMember.Role.MEMBER)
    page.locator("form[method=post] button[type=submit]").last.click()
    page.wait_for_url("**/admin/contests/jury/**")
    assert "orlova@example.ru" in page.content()
    axe_check(page)
    [invitation] = mail.outbox
    path = WELCOME_LINK.search(invitation.body).group(1)

    # The juror, in a browser of their own, follows the link from the e-mail.
    context = browser.new_context(base_url=live_server.url, locale="ru-RU")
    context.set_default_timeout(15_000)
    juror = context.new_page()
    juror.goto(path)
    axe_check(juror)
    juror.locator("#id_new_password1").fill(JUROR_PASSWORD)
    juror.locator("#id_new_password2").fill(JUROR_PASSWORD)
    juror.locator("form.jury-form button[type=submit]").click()
    juror.wait_for_url(f"{live_server.url}/jury/")
    assert "КНИГИНЯ" in juror.locator("main").inner_text()
    axe_check(juror)

    juror.locator(".jury-nav button[type=submit]").click()
    juror.wait_for_url("**/jury/login/")
    axe_check(juror)
    juror.goto("/jury/")
    assert juror.url == f"{live_server.url}/jury/login/?next=/jury/"

    juror.locator("#id_username").fill("orlova@example.ru")
    juror.locator("#id_password").fill(JUROR_PASSWORD)
    juror.locator("form.jury-form button[type=submit]").click()
    juror.wait_for_url(f"{live_server.url}/jury/")
    assert "КНИГИНЯ" in juror.locator("main").inner_text()

    # The link has done its work.
    assert juror.goto(path).status == 404
    axe_check(juror)
    context.close()
