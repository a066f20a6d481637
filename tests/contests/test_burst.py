"""Load: 200 participants submit at the same moment through the real HTTP server; a real worker
processes what they sent. Every entry gets its own sequential number, is processed once, and
each participant gets one receipt and one status e-mail."""

import concurrent.futures
import re
from pathlib import Path

import pytest
import requests

from contests.models import Entry
from tests.factories import LibraryFactory, MunicipalityFactory
from tests.factories import files as sample

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(600),
    pytest.mark.slow,
]

BURST = 200
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_burst_of_submissions(
    live_server,
    contest,
    settings,
    tmp_path,
    redis_url,
    use_broker,
    start_worker,
    wait_until,
    wait_until_idle,
):
    contest.max_file_mb = contest.max_entry_mb = 5
    contest.save()
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    app = use_broker(redis_url)
    worker = start_worker(
        app,
        redis_url,
        env={
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "KUZBIB_TEST_MAIL_DIR": str(mail_dir),
        },
    )
    municipality = MunicipalityFactory(name="Прокопьевск")
    library = LibraryFactory(municipality=municipality)
    url = live_server.url + contest.url + "submit/"
    documents = [sample.docx([sample.words(1000 + n, 150)]) for n in range(BURST)]
    # Read here, not in the threads: a query there would open a connection per thread that
    # nothing closes.
    nomination = contest.nominations.first().pk

    def submit(n):
        with requests.Session() as session:
            form = session.get(url, timeout=60)
            token = CSRF.search(form.text).group(1)
            response = session.post(
                url,
                data={
                    "csrfmiddlewaretoken": token,
                    "nomination": nomination,
                    "title": f"Работа {n}",
                    "last_name": "Участница",
                    "first_name": f"Номер{n}",
                    "birth_date": "2000-01-01",
                    "email": f"p{n}@example.ru",
                    "library": library.pk,
                    "municipality": municipality.pk,
                    "consent": "on",
                },
                files={"files": (f"работа-{n}.docx", documents[n])},
                headers={"Referer": url},
                allow_redirects=False,
                timeout=120,
            )
            return response.status_code

    with concurrent.futures.ThreadPoolExecutor(max_workers=25) as pool:
        codes = list(pool.map(submit, range(BURST)))
    assert codes == [302] * BURST

    numbers = sorted(Entry.objects.values_list("number", flat=True))
    assert numbers == list(range(1, BURST + 1))
    pending = Entry.objects.filter(status__in=["received", "processing"])
    wait_until(lambda: not pending.exists(), timeout=400, worker=worker, what="every entry")
    entries = list(Entry.objects.all())
    assert {entry.status for entry in entries} == {Entry.Status.READY}
    assert all(entry.processing_attempts == 1 for entry in entries)
    assert all(
        sum(line["message"].startswith("Обработка завершена") for line in entry.processing_log) == 1
        for entry in entries
    )
    wait_until(lambda: sent_count(mail_dir) >= 2 * BURST, timeout=120, worker=worker)
    wait_until_idle(worker)
    assert sent_count(mail_dir) == 2 * BURST  # a receipt and a «ready» for each: none twice


def sent_count(mail_dir):
    return sum(path.read_bytes().count(b"\nSubject: ") for path in Path(mail_dir).iterdir())
