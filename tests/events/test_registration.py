"""Conference registration: the rules (capacity, waitlist, promotion, approval, dates), the
public form and private page, e-mails, bad input, and the admin listing with its exports and
check-in.

Messages come from the translation catalogue, so tests compare with the same gettext strings
the code uses rather than with literal Russian text."""

import csv
import datetime
import io
import re

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from events.domain import registration as rules
from events.forms import RegistrationForm
from events.models import Registration, SessionSeat
from tests.factories import LibraryFactory
from tests.factories.events import RegistrationFactory, open_registration

pytestmark = pytest.mark.django_db

EVIL_NAME = '<script>alert("x")</script><b>Иванова</b>'
FORMULA_NAME = '=HYPERLINK("http://evil.example/","Иванова")'


def data(n=0, **extra):
    return {
        "name": f"Иванова Мария {n}",
        "email": f"reader{n}@library.example.ru",
        "library": None,
        "new_library_name": "Сельская библиотека",
        "position": "библиотекарь",
        "role": "listener",
        "sessions": [],
        "accessibility_needs": "",
        **extra,
    }


def form_data(n=0, **extra):
    values = {k: v for k, v in data(n).items() if v not in (None, [])}
    values["consent"] = "on"
    values.update(extra)
    return values


@pytest.fixture
def conference(conference_tree):
    return open_registration(conference_tree["conference"], capacity=2)


@pytest.fixture
def register_url(conference):
    return conference.url + conference.reverse_subpage("register")


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def link_in(message):
    return re.search(r"https?://\S+/registration/[\w-]+/", message.body).group(0)


# --- Rules ----------------------------------------------------------------------------------


def test_register_confirms_until_full_then_waitlists(
    conference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = rules.register(conference, data(1))
        second = rules.register(conference, data(2))
        third = rules.register(conference, data(3))
    assert [r.status for r in (first, second, third)] == ["confirmed", "confirmed", "waitlisted"]
    assert [m.to for m in mail.outbox] == [[first.email], [second.email], [third.email]]
    assert conference.title in mail.outbox[0].subject
    assert link_in(mail.outbox[0]).endswith(f"/registration/{first.token}/")
    first.refresh_from_db()
    assert first.consent_given_at and first.last_emailed_at


def test_cancel_promotes_first_waitlisted_and_emails_them(
    conference, django_capture_on_commit_callbacks
):
    confirmed = [rules.register(conference, data(n)) for n in (1, 2)]
    waiting = [rules.register(conference, data(n)) for n in (3, 4)]
    with django_capture_on_commit_callbacks(execute=True):
        promoted = rules.cancel(confirmed[0])
    assert promoted == [waiting[0]]
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "reader1@library.example.ru": "cancelled",
        "reader2@library.example.ru": "confirmed",
        "reader3@library.example.ru": "confirmed",
        "reader4@library.example.ru": "waitlisted",
    }
    assert {tuple(m.to) for m in mail.outbox} == {(confirmed[0].email,), (waiting[0].email,)}
    # Cancelling again changes nothing and promotes nobody.
    assert rules.cancel(confirmed[0]) == []
    assert Registration.objects.filter(status="confirmed").count() == 2


def test_cancelling_a_waitlisted_registration_promotes_nobody(conference):
    for n in (1, 2):
        rules.register(conference, data(n))
    waiting = [rules.register(conference, data(n)) for n in (3, 4)]
    assert rules.cancel(waiting[0]) == []
    assert Registration.objects.get(pk=waiting[1].pk).status == "waitlisted"


def test_same_email_twice_is_refused_and_link_resent(
    conference, django_capture_on_commit_callbacks
):
    first = rules.register(conference, data(1))
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(rules.AlreadyRegistered),
    ):
        rules.register(conference, data(1, email="  READER1@Library.Example.RU "))
    assert Registration.objects.count() == 1
    assert link_in(mail.outbox[0]).endswith(f"/{first.token}/")
    # After cancelling, the same address may register again.
    rules.cancel(first)
    again = rules.register(conference, data(1))
    assert again.pk != first.pk and again.status == "confirmed"


def test_registration_opens_and_closes_on_dates(conference):
    now = timezone.now()
    conference.registration_opens = now + datetime.timedelta(hours=1)
    conference.save()
    assert rules.registration_state(conference) == rules.State.NOT_YET
    with pytest.raises(rules.RegistrationClosed):
        rules.register(conference, data(1))
    conference.registration_opens = now - datetime.timedelta(days=2)
    conference.registration_closes = now - datetime.timedelta(days=1)
    conference.save()
    assert rules.registration_state(conference) == rules.State.CLOSED
    with pytest.raises(rules.RegistrationClosed):
        rules.register(conference, data(1))
    conference.registration_opens = None
    conference.save()
    assert rules.registration_state(conference) == rules.State.UNAVAILABLE
    assert Registration.objects.count() == 0


def test_closing_date_defaults_to_the_start(conference):
    conference.registration_closes = None
    conference.save()  # the conference of the fixtures started in 2008
    assert rules.registration_state(conference) == rules.State.CLOSED


def test_approval(conference, django_capture_on_commit_callbacks):
    open_registration(conference, capacity=1, requires_approval=True)
    first, second, third = (rules.register(conference, data(n)) for n in (1, 2, 3))
    assert {r.status for r in (first, second, third)} == {"pending_approval"}
    with django_capture_on_commit_callbacks(execute=True):
        rules.approve(first)
        rules.approve(second)
        rules.reject(third)
    assert (first.status, second.status, third.status) == ("confirmed", "waitlisted", "rejected")
    assert len(mail.outbox) == 3
    # A rejected address cannot simply register again.
    with pytest.raises(rules.AlreadyRegistered):
        rules.register(conference, data(3))
    rules.cancel(first)
    second.refresh_from_db()
    assert second.status == "confirmed"


def test_session_capacity_has_its_own_waitlist(
    conference_tree, conference, django_capture_on_commit_callbacks
):
    workshop, plenary = conference_tree["sessions"]
    workshop.capacity = 1
    workshop.save()
    conference.capacity = None
    conference.save()
    a = rules.register(conference, data(1, sessions=[workshop, plenary]))
    b = rules.register(conference, data(2, sessions=[workshop]))
    seats = {(s.registration_id, s.session_id): s.status for s in SessionSeat.objects.all()}
    assert seats == {
        (a.pk, workshop.pk): "confirmed",
        (a.pk, plenary.pk): "confirmed",
        (b.pk, workshop.pk): "waitlisted",
    }
    with django_capture_on_commit_callbacks(execute=True):
        rules.cancel(a)
    assert SessionSeat.objects.get(registration=b).status == "confirmed"
    assert set(SessionSeat.objects.filter(registration=a).values_list("status", flat=True)) == {
        "cancelled"
    }
    assert [m.to for m in mail.outbox] == [[a.email], [b.email]]


def test_waitlisted_registrant_gets_session_seat_when_promoted(conference_tree, conference):
    workshop = conference_tree["sessions"][0]
    conference.capacity = 1
    conference.save()
    a = rules.register(conference, data(1, sessions=[workshop]))
    b = rules.register(conference, data(2, sessions=[workshop]))
    assert SessionSeat.objects.get(registration=b).status == "waitlisted"
    rules.cancel(a)
    assert SessionSeat.objects.get(registration=b).status == "confirmed"


def test_check_in(conference):
    registration = rules.register(conference, data(1))
    rules.check_in(registration)
    assert registration.attended and registration.checked_in_at


# --- Public pages ---------------------------------------------------------------------------


def test_conference_page_shows_registration_state(client, conference, register_url):
    html = client.get(conference.url).content.decode()
    assert f'href="{register_url}"' in html
    for n in (1, 2):
        rules.register(conference, data(n))
    response = client.get(conference.url)
    assert response.context["page"].registration_info["state"] == rules.State.FULL
    assert f'href="{register_url}"' in response.content.decode()
    conference.registration_opens = None
    conference.save()
    assert f'href="{register_url}"' not in client.get(conference.url).content.decode()


def test_register_through_the_form(
    client, conference, register_url, django_capture_on_commit_callbacks
):
    library = LibraryFactory(full_name="Областная научная библиотека им. В. Д. Фёдорова")
    response = client.get(register_url)
    assert response.status_code == 200
    assert library.full_name in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            register_url, form_data(1, library=library.pk, new_library_name="", role="speaker")
        )
    done = conference.url + conference.reverse_subpage("register_done")
    assert response.status_code == 302 and response["Location"] == done
    registration = Registration.objects.get()
    assert (registration.library, registration.role) == (library, "speaker")
    assert len(mail.outbox) == 1
    page = client.get(done)
    assert page.status_code == 200 and registration.email not in page.content.decode()


def test_duplicate_through_the_form_gets_a_clear_answer(
    client, conference, register_url, django_capture_on_commit_callbacks
):
    client.post(register_url, form_data(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url, form_data(1, name="Другое имя"))
    assert response["Location"].endswith("?again=1")
    assert Registration.objects.count() == 1
    html = client.get(response["Location"]).content.decode()
    assert escape(str(rules.AlreadyRegistered.message)) in html
    assert "Другое имя" not in html and len(mail.outbox) == 1


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b@c.ru"}, "email"),
        ({"email": ""}, "email"),
        ({"name": "   "}, "name"),
        ({"name": "Иванова\x00"}, "name"),
        ({"accessibility_needs": "пандус\x00"}, "accessibility_needs"),
        ({"name": "я" * 10_000}, "name"),
        ({"position": "я" * 10_000}, "position"),
        ({"accessibility_needs": "я" * 10_000}, "accessibility_needs"),
        ({"new_library_name": "я" * 10_000}, "new_library_name"),
        ({"consent": ""}, "consent"),
        ({"new_library_name": ""}, "library"),
        ({"library": "999999"}, "library"),
        ({"role": "organiser"}, "role"),
    ],
)
def test_bad_input_is_refused_whole_and_the_form_kept(client, register_url, bad, field):
    values = form_data(1, **bad)
    if values.get("consent") == "":
        del values["consent"]
    response = client.post(register_url, values)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Registration.objects.count() == 0 and SessionSeat.objects.count() == 0
    html = response.content.decode()
    # What the registrant typed in the other fields is still there.
    if field != "name":
        assert 'value="Иванова Мария 1"' in html
    if field != "email":
        assert 'value="reader1@library.example.ru"' in html


def test_sessions_of_another_conference_are_refused(
    client, conference_tree, conference, register_url
):
    from tests.factories import ConferencePageFactory, SectionSessionPageFactory

    other = ConferencePageFactory(parent=conference_tree["events"])
    foreign = SectionSessionPageFactory(parent=other)
    response = client.post(register_url, form_data(1, sessions=[str(foreign.pk)]))
    assert response.status_code == 400 and "sessions" in response.context["form"].errors
    assert Registration.objects.count() == 0


def test_registration_after_closing_is_refused(client, conference, register_url):
    form_page = client.get(register_url)
    conference.registration_closes = timezone.now() - datetime.timedelta(minutes=1)
    conference.save()
    response = client.post(register_url, form_data(1))
    assert response.status_code == 400
    assert escape(str(rules.RegistrationClosed.message)) in response.content.decode()
    assert form_page.status_code == 200 and Registration.objects.count() == 0
    # GET shows the message and no form.
    html = client.get(register_url).content.decode()
    assert '<form method="post" action="' + register_url not in html


def test_registration_past_capacity_goes_to_the_waitlist(client, conference, register_url):
    for n in (1, 2, 3):
        client.post(register_url, form_data(n))
    assert list(Registration.objects.order_by("pk").values_list("status", flat=True)) == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]


def test_status_page_and_cancellation(
    client, conference, register_url, django_capture_on_commit_callbacks
):
    first = rules.register(conference, data(1))
    rules.register(conference, data(2))
    waiting = rules.register(conference, data(3))
    url = path_of(first.private_url())
    response = client.get(url)
    assert response.status_code == 200
    assert first.name in response.content.decode()
    # The status page links to the question; the question's POST cancels.
    assert f'href="{url}cancel/"' in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + "cancel/")
    assert response.status_code == 302 and response["Location"] == url
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert (first.status, waiting.status) == ("cancelled", "confirmed")
    assert [m.to for m in mail.outbox] == [[first.email], [waiting.email]]
    # Nothing left to cancel or star; only «Delete my data» remains.
    html = client.get(url).content.decode()
    assert "cancel/" not in html and 'value="star"' not in html
    assert 'value="erase"' in html


def test_cancellation_needs_csrf(conference):
    from django.test import Client

    registration = rules.register(conference, data(1))
    response = Client(enforce_csrf_checks=True).post(
        path_of(registration.private_url()) + "cancel/"
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.status == "confirmed"


@pytest.mark.parametrize(
    "token",
    [
        "x" * 43,
        "forged-token-forged-token-forged-token-1234",
        "я" * 43,
        "a" * 5000,
        "%3Cscript%3E",
        "' OR 1=1 --",
    ],
)
def test_forged_token_gets_a_not_found_page(client, conference, token):
    from django.utils.translation import gettext

    rules.register(conference, data(1))
    response = client.get(conference.url + "registration/" + token + "/")
    assert response.status_code == 404
    if re.fullmatch(r"[\w-]+", token):
        assert gettext("Registration not found") in response.content.decode()
    for path in ("/", "/cancel/"):
        response = client.post(
            conference.url + "registration/" + token + path, {"action": "cancel"}
        )
        assert response.status_code == 404
    assert client.get(conference.url + "registration/" + token + "/cancel/").status_code == 404
    assert Registration.objects.get().status == "confirmed"


def test_token_of_another_conference_is_not_found(client, conference_tree, conference):
    from tests.factories import ConferencePageFactory

    other = open_registration(ConferencePageFactory(parent=conference_tree["events"]))
    registration = rules.register(other, data(1))
    response = client.get(conference.url + f"registration/{registration.token}/")
    assert response.status_code == 404


def test_get_requests_never_write(client, conference, register_url):
    registration = rules.register(conference, data(1))
    for url in (conference.url, register_url, path_of(registration.private_url())):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        writes = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
            and "django_session" not in q["sql"]
        ]
        assert writes == [], url


def test_html_in_names_is_escaped_everywhere(
    client, conference, register_url, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(register_url, form_data(1, name=EVIL_NAME, new_library_name=EVIL_NAME))
    registration = Registration.objects.get()
    assert registration.name == EVIL_NAME
    html = client.get(path_of(registration.private_url())).content.decode()
    assert "<script>alert" not in html and escape(EVIL_NAME) in html
    message = mail.outbox[0]
    body_html = message.alternatives[0][0]
    assert "<script>alert" not in body_html and escape(EVIL_NAME) in body_html
    assert EVIL_NAME not in message.subject


def test_form_renders_kept_values_escaped(client, register_url):
    response = client.post(register_url, form_data(1, name=EVIL_NAME, email="bad"))
    assert "<script>alert" not in response.content.decode()


# --- Admin ----------------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(username="redaktor", password="x")
    for app_label, codename in (
        ("wagtailadmin", "access_admin"),
        ("events", "view_registration"),
        ("events", "change_registration"),
    ):
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


LIST_URL = "wagtailsnippets_events_registration:list"


def test_admin_listing_filters_searches_and_exports(client, editor, conference):
    client.force_login(editor)
    rules.register(conference, data(1, name=EVIL_NAME))
    rules.register(conference, data(2, name="Петрова Анна", role="speaker"))
    rules.register(conference, data(3, name="Сидорова Ольга"))
    rules.register(conference, data(4, name=FORMULA_NAME))
    url = reverse(LIST_URL)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Петрова Анна" in html and "<script>alert" not in html
    assert "Петрова Анна" not in client.get(url, {"q": "Сидорова"}).content.decode()
    filtered = client.get(url, {"status": "waitlisted"}).content.decode()
    assert "Сидорова Ольга" in filtered and "Петрова Анна" not in filtered
    assert "Сидорова Ольга" not in client.get(url, {"role": "speaker"}).content.decode()

    response = client.get(url, {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 5
    names = {row[1] for row in rows[1:]}
    assert {EVIL_NAME, "'" + FORMULA_NAME, "Петрова Анна"} < names

    response = client.get(url, {"export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert FORMULA_NAME in [c.value for c in cells]
    assert all(c.data_type != "f" for c in cells)


def test_admin_check_in_and_cancel(client, editor, conference, django_capture_on_commit_callbacks):
    client.force_login(editor)
    first = rules.register(conference, data(1))
    rules.register(conference, data(2))
    waiting = rules.register(conference, data(3))
    check_in = reverse("wagtailsnippets_events_registration:action", args=[first.pk, "check_in"])
    assert check_in in client.get(reverse(LIST_URL)).content.decode()
    assert client.get(check_in).status_code == 200  # asks first
    first.refresh_from_db()
    assert not first.attended
    response = client.post(check_in, {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse(LIST_URL)
    first.refresh_from_db()
    assert first.attended and first.checked_in_at
    cancel = reverse("wagtailsnippets_events_registration:action", args=[first.pk, "cancel"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel)
    waiting.refresh_from_db()
    assert waiting.status == "confirmed" and mail.outbox[-1].to == [waiting.email]
    # Nobody adds registrations in the admin.
    assert client.get(reverse("wagtailsnippets_events_registration:add")).status_code in (
        302,
        403,
    )


def test_admin_actions_need_permission(client, django_user_model, conference):
    user = django_user_model.objects.create_user(username="guest", password="x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(user)
    registration = rules.register(conference, data(1))
    url = reverse("wagtailsnippets_events_registration:action", args=[registration.pk, "cancel"])
    assert client.post(url).status_code in (302, 403)
    registration.refresh_from_db()
    assert registration.status == "confirmed"


# --- Queries --------------------------------------------------------------------------------


def test_queries_do_not_grow_with_registrations(
    client, editor, conference_tree, conference, register_url, assert_queries_bounded
):
    conference.capacity = None
    conference.save()
    sessions = conference_tree["sessions"]
    first = rules.register(conference, data(0, sessions=sessions, library=LibraryFactory()))
    urls = [
        conference.url,
        register_url,
        path_of(first.private_url()),
    ]
    client.force_login(editor)
    urls.append(reverse(LIST_URL))

    def more_registrations():
        for n in range(1, 30):
            rules.register(conference, data(n, sessions=sessions, library=LibraryFactory()))

    assert_queries_bounded(urls, more_registrations, cap=30)


def test_form_library_list_is_sorted_by_full_name(conference):
    LibraryFactory(full_name="Юргинская библиотека")
    LibraryFactory(full_name="Анжеро-Судженская библиотека")
    form = RegistrationForm(conference=conference)
    names = [label for value, label in form.fields["library"].choices if value]
    assert names == sorted(names)


def test_factory_makes_a_registration(conference):
    registration = RegistrationFactory(conference=conference)
    assert registration.status == "confirmed" and len(registration.token) >= 40
