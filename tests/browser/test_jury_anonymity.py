"""Before blind judging, in chromium with axe-core: a manager opens an entry whose file is named
after its author, sees what may reveal them and accepts it."""

import pytest

from contests import submission
from contests.models import EntryFlag
from tests.factories import files as sample
from tests.factories.contests import contest_staff, entry_data, uploads

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Жюри-и-менеджеры-2009"


@pytest.fixture
def manager(django_user_model):
    user = contest_staff("manager", "view_entry", "change_entry")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_manager_sees_and_accepts_what_may_reveal_the_author(page, contest, manager, axe_check):
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    # Autocommit and eager Celery: the entry is processed as it is submitted.
    entry = submission.submit(
        contest,
        entry_data(contest),
        uploads(("Иванова_проект.docx", sample.docx(["Клуб чтения"]), "docx")),
    )
    (flag,) = entry.flags.filter(kind=EntryFlag.Kind.MAY_REVEAL_AUTHOR)

    page.goto("/admin/login/")
    page.locator("#id_username").fill("manager")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(f"/admin/snippets/contests/entry/inspect/{entry.pk}/")
    section = page.locator("section[aria-labelledby=entry-reveals]")
    assert flag.fragment in section.inner_text()
    axe_check(page)
    section.locator(f"form[action='/admin/contests/flags/{flag.pk}/accept/'] button").click()
    page.wait_for_load_state()
    flag.refresh_from_db()
    assert flag.accepted_by == manager and flag.accepted_at is not None
    assert page.locator(f"form[action='/admin/contests/flags/{flag.pk}/accept/']").count() == 0
    axe_check(page)
