"""Personal data of contest participants (152-FZ): the private page and its state route are
never cached and expire after the contest; «Delete my data» withdraws and erases at once while
it may; a minimum age, and a parent's consent under 18; the consent's text version; entry files
readable by the site's user only."""

import datetime
import os
import stat

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contests import processing
from contests.domain import entry as entries
from contests.forms import EntryForm
from contests.models import ContestPage, Entry, Stage
from kuzbib_site.base import retention
from kuzbib_site.base.privacy import consent_version
from tests.factories import MunicipalityFactory
from tests.factories import files as sample
from tests.factories.contests import years_before

pytestmark = pytest.mark.django_db

PDF = sample.pdf()


@pytest.fixture(autouse=True)
def fresh_throttle():
    """Form POSTs are counted in the cache; each test starts with none."""
    cache.clear()


def years_ago(years, days=0):
    return years_before(timezone.localdate(), years) + datetime.timedelta(days=days)


def form_data(contest, **overrides):
    municipality = MunicipalityFactory(name="Кемерово")
    data = {
        "nomination": contest.nominations.first().pk,
        "title": "Клуб чтения для подростков",
        "last_name": "Петрова",
        "first_name": "Анна",
        "birth_date": years_ago(25).isoformat(),
        "email": "petrova@example.ru",
        "new_library_name": "Сельская библиотека",
        "municipality": municipality.pk,
        "consent": "on",
        "files": [SimpleUploadedFile("работа.pdf", PDF)],
    }
    data.update(overrides)
    return data


def submit(client, contest, **overrides):
    return client.post(contest.url + "submit/", form_data(contest, **overrides))


def status_url(contest, entry):
    return contest.url + f"entry/{entry.token}/"


def assert_private(response, has_forms=False):
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == ("strict-origin" if has_forms else "no-referrer")
    assert "noindex" in response["X-Robots-Tag"]


def test_private_page_and_state_route_are_not_cached_nor_referred(client, contest):
    assert submit(client, contest).status_code == 302
    entry = Entry.objects.get()
    assert_private(client.get(status_url(contest, entry)), has_forms=True)
    assert_private(client.get(status_url(contest, entry) + "state/"))
    assert_private(client.get(contest.url + "entry/forged-token-forged-token/"))
    assert_private(client.get(contest.url + "entry/forged-token-forged-token/state/"))


def test_private_link_expires_a_configured_time_after_the_contest(client, contest, settings):
    submit(client, contest)
    entry = Entry.objects.get()
    limit = settings.KUZBIB_BASE["PRIVATE_LINK_DAYS_AFTER_END"]
    Entry.objects.filter(pk=entry.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=limit + 30)
    )
    urls = [status_url(contest, entry), status_url(contest, entry) + "state/"]
    ContestPage.objects.filter(pk=contest.pk).update(
        end=timezone.now() - datetime.timedelta(days=limit - 1)
    )
    assert [client.get(url).status_code for url in urls] == [200, 200]
    ContestPage.objects.filter(pk=contest.pk).update(
        end=timezone.now() - datetime.timedelta(days=limit + 1)
    )
    responses = [client.get(url) for url in urls]
    assert [r.status_code for r in responses] == [404, 404]
    assert "contests/entry_not_found.html" in [t.name for t in responses[0].templates]


def test_erasing_an_entry_while_submissions_are_open_withdraws_it_and_deletes_files(
    client, contest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contest)
    entry = Entry.objects.get()
    (entry_file,) = entry.files.all()
    paths = [entry_file.file.path, entry_file.preview.path]
    assert all(os.path.exists(path) for path in paths)
    url = status_url(contest, entry)
    assert 'value="erase"' in client.get(url).content.decode()
    assert client.post(url, {"action": "erase"})["Location"] == url + "?erase=1#erase"
    assert Entry.objects.get().anonymised_at is None
    response = client.post(url, {"action": "erase", "confirm": "yes"})
    assert response.status_code == 200
    assert_private(response)
    entry.refresh_from_db()
    assert entry.status == "withdrawn" and entry.anonymised_at is not None
    assert entry.last_name == "Удалено" and entry.email.endswith("@erased.invalid")
    assert not any(os.path.exists(path) for path in paths)
    assert client.get(url).status_code == 404
    assert client.get(url + "state/").status_code == 404


def test_an_entry_being_judged_is_not_erased_from_its_page(client, contest):
    submit(client, contest)
    entry = Entry.objects.get()
    Stage.objects.filter(contest=contest).update(end=timezone.now() - datetime.timedelta(hours=1))
    url = status_url(contest, entry)
    assert 'value="erase"' not in client.get(url).content.decode()
    client.post(url, {"action": "erase", "confirm": "yes"})
    entry.refresh_from_db()
    assert entry.anonymised_at is None and entry.status != "withdrawn"
    # Once withdrawn (or disqualified) it may be erased at any time.
    Entry.objects.filter(pk=entry.pk).update(status="withdrawn")
    client.post(url, {"action": "erase", "confirm": "yes"})
    entry.refresh_from_db()
    assert entry.anonymised_at is not None


def test_an_erased_entry_is_never_processed_again(client, contest):
    """Retention may reach an entry still waiting for the pipeline (a year-long outage): with
    its files gone, neither the pipeline nor the sweeper picks it up."""
    submit(client, contest)
    entry = Entry.objects.get()
    Entry.objects.filter(pk=entry.pk).update(status=Entry.Status.RECEIVED)
    assert retention.anonymise(entry)
    assert entries.start_processing(entry.pk) is None
    assert entry.pk not in processing.stuck(timezone.now() + datetime.timedelta(days=1))
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.RECEIVED


# --- Age --------------------------------------------------------------------------------------


def test_participants_below_the_minimum_age_are_refused(client, contest, settings):
    minimum = settings.KUZBIB_CONTESTS["MIN_AGE"]
    response = submit(client, contest, birth_date=years_ago(minimum, days=1).isoformat())
    assert response.status_code == 200 and "birth_date" in response.context["form"].errors
    # The message is in the site's language (Russian) with the age in it.
    assert f"не меньше {minimum} лет" in response.context["form"].errors["birth_date"][0]
    assert not Entry.objects.exists()
    # On the birthday itself they may enter (with a guardian's consent, being under 18).
    response = submit(
        client,
        contest,
        birth_date=years_ago(minimum).isoformat(),
        guardian_name="Петров Иван Сергеевич",
        guardian_consent="on",
    )
    assert response.status_code == 302


def test_minimum_age_is_configurable(client, contest, settings):
    settings.KUZBIB_CONTESTS = {**settings.KUZBIB_CONTESTS, "MIN_AGE": 16}
    response = submit(client, contest, birth_date=years_ago(15).isoformat())
    assert "birth_date" in response.context["form"].errors


def test_under_18_needs_a_parent_or_guardian_and_their_consent(client, contest):
    response = submit(client, contest, birth_date=years_ago(16).isoformat())
    errors = response.context["form"].errors
    assert set(errors) == {"guardian_name", "guardian_consent"}
    assert "младше 18 лет" in errors["guardian_name"][0]
    assert not Entry.objects.exists()
    # What was typed is kept.
    assert "Клуб чтения для подростков" in response.content.decode()
    response = submit(
        client,
        contest,
        birth_date=years_ago(16).isoformat(),
        guardian_name="  Петров   Иван Сергеевич ",
    )
    assert set(response.context["form"].errors) == {"guardian_consent"}
    response = submit(
        client,
        contest,
        birth_date=years_ago(16).isoformat(),
        guardian_name="Петров Иван Сергеевич",
        guardian_consent="on",
    )
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.guardian_name == "Петров Иван Сергеевич"
    assert entry.guardian_consent_at is not None


def test_an_adult_enters_without_a_guardian(client, contest):
    response = submit(client, contest, birth_date=years_ago(18).isoformat(), guardian_name="X")
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert entry.guardian_name == "" and entry.guardian_consent_at is None


# --- Consent and files ------------------------------------------------------------------------


def test_entry_stores_the_version_of_the_consent_text(client, contest):
    submit(client, contest)
    shown = str(EntryForm(contest=contest).fields["consent"].label)
    assert Entry.objects.get().consent_version == consent_version(shown)


def test_entry_files_are_readable_by_the_site_user_only(
    client, contest, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, contest)
    (entry_file,) = Entry.objects.get().files.all()
    for stored in (entry_file.file, entry_file.preview):
        assert stat.S_IMODE(os.stat(stored.path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(os.path.dirname(stored.path)).st_mode) == 0o700
