"""The benchmark's contest and its participants, for ``bench.contest_steps``: who participant
number N is (``entry_data``, what the entry form hands to ``submission.submit``, and
``form_fields``, what a browser posts), and browsers that GET the form once for its CSRF cookie
and token, then POST entries from threads (``post_many``), with their timings' quantiles.

Plain ``requests`` in threads rather than locust (``bench.load``): each POST is a different
multipart body built before its clock starts, and its answer (a redirect to the private page) is
checked, not only its status.
"""

import datetime
import itertools
import re
import statistics
import threading
import time
from urllib.parse import urlsplit

from bench.contests import CONTEST_SLUG
from bench.services import PROXY_HEADERS, BenchError

LAST_NAMES = ["Иванова", "Петрова", "Сидорова", "Кузнецова", "Смирнова", "Попова", "Волкова"]
FIRST_NAMES = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Дарья"]
PATRONYMICS = ["Сергеевна", "Андреевна", "Викторовна", "Игоревна", "Павловна"]


def bench_contest():
    """The contest ``setup`` made."""
    from contests.models import ContestPage

    return ContestPage.objects.get(slug=CONTEST_SLUG)


def eligible(contest):
    """A nomination, a municipality and a member library the contest takes entries from."""
    from kuzbib_site.base.models import Library

    municipality = contest.municipalities.order_by("name").first()
    library = (
        Library.objects.filter(municipality=municipality, left_on=None)
        .exclude(member_since=None)
        .order_by("pk")
        .first()
    )
    return contest.nominations.first(), municipality, library


def entry_data(contest, number):
    """What the entry form hands to ``submission.submit`` for participant ``number``."""
    from django.utils import timezone

    nomination, municipality, library = eligible(contest)
    return {
        "nomination": nomination,
        "title": f"Конкурсная работа № {number}: клуб чтения для подростков",
        "description": "Опыт работы клуба чтения: встречи, обсуждения, буктрейлеры.",
        "last_name": LAST_NAMES[number % len(LAST_NAMES)],
        "first_name": FIRST_NAMES[number % len(FIRST_NAMES)],
        "patronymic": PATRONYMICS[number % len(PATRONYMICS)],
        "birth_date": timezone.localdate() - datetime.timedelta(days=365 * 25 + number),
        "email": f"participant{number}@example.org",
        "phone": "+7 3842 000000",
        "library": library,
        "new_library_name": "" if library else "Сельская библиотека",
        "municipality": municipality,
        "position": "библиотекарь",
    }


def form_fields(contest, number, pdf):
    """The entry form's fields for participant ``number``, with ``pdf`` as the file."""
    data = entry_data(contest, number)
    fields = []
    for name, value in data.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        fields.append((name, str(value)))
    fields += [("consent", "on"), ("files", ("отчёт о проекте.pdf", pdf, "application/pdf"))]
    return fields


def quantiles(times):
    """p50 and p95 of ``times``."""
    times = sorted(times)
    if len(times) >= 2:
        cuts = statistics.quantiles(times, n=100, method="inclusive")
        return cuts[49], cuts[94]
    return (times[0], times[0]) if times else (None, None)


class Participant:
    """One browser: a GET of the form for the CSRF cookie and token, then POSTs with them.

    The cookie is ``Secure`` (production settings) and the server is plain HTTP behind a pretend
    proxy, so it is sent by hand; the Origin header is the HTTPS origin Django expects."""

    def __init__(self, base_url, path):
        import requests
        from django.conf import settings

        self.url = base_url + path
        self.session = requests.Session()
        response = self.session.get(
            self.url, headers=PROXY_HEADERS, allow_redirects=False, timeout=60
        )
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text)
        cookie = response.cookies.get(settings.CSRF_COOKIE_NAME)
        if response.status_code != 200 or not found or not cookie:
            raise BenchError(
                f"GET {path} answered {response.status_code} without a form and a CSRF cookie"
            )
        self.token = found.group(1)
        self.session.cookies.clear()
        origin = "https://" + urlsplit(base_url).netloc
        self.headers = {
            **PROXY_HEADERS,
            "Cookie": f"{settings.CSRF_COOKIE_NAME}={cookie}",
            "Origin": origin,
            "Referer": origin + path,
        }

    def post(self, fields):
        from urllib3 import encode_multipart_formdata

        body, content_type = encode_multipart_formdata(
            [("csrfmiddlewaretoken", self.token), *fields]
        )
        headers = {**self.headers, "Content-Type": content_type}
        started = time.perf_counter()
        response = self.session.post(
            self.url, data=body, headers=headers, allow_redirects=False, timeout=120
        )
        elapsed_ms = (time.perf_counter() - started) * 1000
        return elapsed_ms, response.status_code, response.headers.get("Location", "")


def post_many(base_url, path, count, users, make_fields, first_number):
    """``count`` POSTs from ``users`` threads; returns the results in order of sending and the
    wall time. A request that raises is a failure with its message, not a crash."""
    numbers = itertools.count(first_number)
    lock = threading.Lock()
    results = []

    def participant():
        try:
            client = Participant(base_url, path)
        except Exception as error:  # noqa: BLE001 - reported as a failed request
            results.append((None, None, f"GET of the form: {error}"[:200]))
            return
        while True:
            with lock:
                number = next(numbers)
            if number >= first_number + count:
                return
            fields = make_fields(number)  # built before the clock starts
            try:
                results.append(client.post(fields))
            except Exception as error:  # noqa: BLE001 - reported as a failed request
                results.append((None, None, str(error)[:200]))

    threads = [threading.Thread(target=participant) for _ in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - started
