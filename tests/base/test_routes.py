"""Routes of routable pages declared with ``base.routes.page_route`` (through a page class that
mixes in Wagtail's RoutablePageMixin, no database needed) and the lookup of a record behind a
private link (with real contest entries)."""

import datetime

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from contests.models import Entry
from kuzbib_site.base import routes
from kuzbib_site.base.conf import setting
from kuzbib_site.base.routes import GET, not_found, page_route, private_page, private_record
from tests.factories.contests import ContestPageFactory, entry_data

received = []
SECRET = "a" * 32  # a CSRF secret as the cookie carries it; the form may send it unmasked


def echo_view(request, page, **kwargs):
    """The view the routes below name by dotted path."""
    received.append((request.method, page, kwargs))
    return HttpResponse(f"{page.title} {sorted(kwargs.items())}")


class FakePage(RoutablePageMixin):
    """A routable page without a database row: enough for Wagtail's resolver."""

    title = "Конференция"

    @path("old/", name="old_style")
    def old_style(self, request):
        return HttpResponse("old")

    form = page_route("propose/", "propose", "tests.base.test_routes.echo_view")
    done = page_route("propose/done/", "proposal_done", echo_view, methods=GET)
    status = page_route(
        "proposal/<str:token>/", "proposal_status", "tests.base.test_routes.echo_view"
    )
    missing = page_route("missing/", "missing", "tests.base.test_routes.no_such_view")


@pytest.fixture(autouse=True)
def no_calls():
    received.clear()


def call(page, method, subpath, data=None, csrf=False):
    factory = RequestFactory()
    if csrf:
        factory.cookies["csrftoken"] = SECRET
        data = {**(data or {}), "csrfmiddlewaretoken": SECRET}
    request = getattr(factory, method.lower())(f"/conference/{subpath.lstrip('/')}", data or {})
    view, args, kwargs = page.resolve_subpage(subpath)
    return view(request, *args, **kwargs)


def test_routes_are_found_named_and_reversed_like_wagtails_own():
    page = FakePage()
    names = [route.name for route in FakePage.get_subpage_urls()]
    assert names == ["old_style", "propose", "proposal_done", "proposal_status", "missing"] + [
        "index_route"
    ]
    assert page.reverse_subpage("propose") == "propose/"
    assert page.reverse_subpage("proposal_status", args=["tok-123"]) == "proposal/tok-123/"
    assert page.reverse_subpage("proposal_status", kwargs={"token": "x"}) == "proposal/x/"
    assert FakePage._check_path_with_regex() == []
    assert FakePage.form.methods == ("GET", "HEAD", "POST")
    assert FakePage.done.methods == ("GET", "HEAD")


def test_a_get_reaches_the_view_with_the_page_and_the_routes_arguments():
    page = FakePage()
    response = call(page, "GET", "/proposal/tok-123/")
    assert response.status_code == 200
    assert received == [("GET", page, {"token": "tok-123"})]
    assert response.content.decode() == "Конференция [('token', 'tok-123')]"
    assert call(page, "HEAD", "/propose/").status_code == 200
    assert [c[0] for c in received] == ["GET", "HEAD"]


def test_the_view_is_imported_on_the_first_call_not_when_the_class_is_made():
    """A models module may declare a route to a views module that imports it."""
    page = FakePage()
    with pytest.raises(ImportError):
        call(page, "GET", "/missing/")


def test_a_post_without_the_csrf_token_is_refused_before_the_view():
    response = call(FakePage(), "POST", "/propose/", {"name": "x"})
    assert response.status_code == 403
    assert received == []


def test_a_post_with_the_csrf_token_reaches_the_view():
    page = FakePage()
    response = call(page, "POST", "/proposal/tok/", {"action": "withdraw"}, csrf=True)
    assert response.status_code == 200
    assert received == [("POST", page, {"token": "tok"})]


@pytest.mark.parametrize(
    ("method", "subpath", "allow"),
    [
        ("PUT", "/propose/", "GET, HEAD, POST"),
        ("DELETE", "/proposal/tok/", "GET, HEAD, POST"),
        ("POST", "/propose/done/", "GET, HEAD"),
    ],
)
def test_other_methods_get_405_with_allow_and_never_reach_the_view(method, subpath, allow):
    response = call(FakePage(), method, subpath, csrf=True)
    assert response.status_code == 405
    assert response["Allow"] == allow
    assert received == []


def test_the_route_keeps_wagtails_old_style_routes_working_beside_it():
    assert call(FakePage(), "GET", "/old/").content == b"old"


# --- Private records ---------------------------------------------------------------------------


@pytest.fixture
def entry(contest):
    return Entry.objects.create(
        contest=contest, number=1, consent_given_at=timezone.now(), **entry_data(contest)
    )


def entries_of(contest):
    return Entry.objects.filter(contest=contest)


@pytest.mark.django_db
def test_private_record_finds_the_entry_behind_its_token(contest, entry):
    found = private_record(entries_of(contest), entry.token, ends=contest.end)
    assert found == entry


@pytest.mark.django_db
@pytest.mark.parametrize("token", ["", None, "unknown-token-0123456789", "x" * 10_000, 42])
def test_private_record_finds_nothing_for_a_wrong_token(contest, entry, token):
    assert private_record(entries_of(contest), token, ends=contest.end) is None


@pytest.mark.django_db
def test_a_token_is_cut_to_its_column_length(contest, entry):
    long_token = "t" * routes.TOKEN_MAX_LENGTH
    Entry.objects.filter(pk=entry.pk).update(token=long_token)
    assert private_record(entries_of(contest), long_token + "extra", ends=contest.end) == entry


@pytest.mark.django_db
def test_another_pages_queryset_does_not_find_the_entry(contest, entry, home_page):
    other = ContestPageFactory(parent=contest.get_parent(), slug="other")
    assert private_record(entries_of(other), entry.token, ends=other.end) is None


@pytest.mark.django_db
def test_an_erased_entry_is_not_found(contest, entry):
    Entry.objects.filter(pk=entry.pk).update(anonymised_at=timezone.now())
    assert private_record(entries_of(contest), entry.token, ends=contest.end) is None


@pytest.mark.django_db
def test_the_link_expires_a_configured_time_after_the_end(contest, entry):
    days = setting("PRIVATE_LINK_DAYS_AFTER_END")
    ended = timezone.now() - datetime.timedelta(days=days + 1)
    Entry.objects.filter(pk=entry.pk).update(created_at=ended - datetime.timedelta(days=30))
    assert private_record(entries_of(contest), entry.token, ends=ended) is None
    still = ended + datetime.timedelta(days=2)
    assert private_record(entries_of(contest), entry.token, ends=still) == entry


@pytest.mark.django_db
def test_a_record_made_after_the_end_lives_as_long_from_its_creation(contest, entry):
    days = setting("PRIVATE_LINK_DAYS_AFTER_END")
    ended = timezone.now() - datetime.timedelta(days=days + 1)
    created = timezone.now() - datetime.timedelta(days=1)
    Entry.objects.filter(pk=entry.pk).update(created_at=created)
    assert private_record(entries_of(contest), entry.token, ends=ended) == entry
    later = created + datetime.timedelta(days=days + 1)
    assert private_record(entries_of(contest), entry.token, ends=ended, now=later) is None


@pytest.mark.django_db
def test_private_record_takes_another_creation_field(contest, entry):
    days = setting("PRIVATE_LINK_DAYS_AFTER_END")
    ended = timezone.now() - datetime.timedelta(days=days + 1)
    Entry.objects.filter(pk=entry.pk).update(created_at=ended - datetime.timedelta(days=1))
    found = private_record(
        entries_of(contest), entry.token, ends=ended, created_field="consent_given_at"
    )
    assert found == entry  # consent given now, after the end: the link still lives


def test_not_found_is_a_private_404_of_the_apps_template():
    page = FakePage()
    request = RequestFactory().get("/conference/entry/forged/")
    response = not_found(request, page, "contests/entry_not_found.html", extra=1)
    assert response.status_code == 404
    assert response.template_name == "contests/entry_not_found.html"
    assert response.context_data == {"page": page, "self": page, "extra": 1}
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_private_page_has_a_private_pages_headers():
    page = FakePage()
    request = RequestFactory().get("/conference/entry/token/")
    response = private_page(request, page, "contests/entry_status.html", {"entry": None})
    assert response.status_code == 200
    assert response.context_data == {"page": page, "self": page, "entry": None}
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "strict-origin"
    shown = private_page(request, page, "contests/entry_status.html", has_forms=False)
    assert shown["Referrer-Policy"] == "no-referrer"
