"""Sign-ins to the admin are throttled by django-axes (a user name from one address is locked
after a few failures, the lock is lifted by a success before it, by the cool-off or by
``axes_reset_username``), and Wagtail's password reset by the public forms' throttle."""

import datetime

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import translation
from django.utils.html import escape

from kuzbib_site.base import throttle

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
RESET = "/admin/password_reset/"
PASSWORD = "верный-пароль-123"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        "editor", email="editor@example.ru", password=PASSWORD
    )


@pytest.fixture
def limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    return 3


def sign_in(client, password, username="editor", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_axes_checks_every_sign_in_first():
    assert django_settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesBackend"
    assert django_settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"
    assert django_settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert django_settings.AXES_RESET_ON_SUCCESS is True


def test_failures_lock_the_name_from_that_address(client, editor, limit):
    for _ in range(limit - 1):
        assert sign_in(client, "wrong").status_code == 200
    locked = sign_in(client, "wrong")
    assert locked.status_code == 429
    assert "base/lockout.html" in [t.name for t in locked.templates]
    # Even the right password does not get in while locked.
    assert sign_in(client, PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    # The same name from another address, and another name from this one, are not locked.
    assert sign_in(client, PASSWORD, address="10.0.0.2").status_code == 302


def test_another_name_from_the_same_address_is_not_locked(client, editor, limit, django_user_model):
    django_user_model.objects.create_superuser("other", password=PASSWORD)
    for _ in range(limit):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    assert sign_in(client, PASSWORD, username="other").status_code == 302


def test_success_clears_the_count(client, editor, limit):
    for _ in range(limit - 1):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(limit - 1):
        assert sign_in(client, "wrong").status_code == 200
    assert sign_in(client, PASSWORD).status_code == 302


def test_an_administrator_unlocks_with_the_command(client, editor, limit):
    for _ in range(limit):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    call_command("axes_reset_username", "editor")
    assert sign_in(client, PASSWORD).status_code == 302


def test_lockout_page_says_how_long(client, editor, limit):
    for _ in range(limit):
        sign_in(client, "wrong")
    html = sign_in(client, "wrong").content.decode()
    assert "30" in html and "<h1>" in html


# --- Password reset -------------------------------------------------------------------------------


@pytest.fixture
def reset_limits(settings):
    cache.clear()
    settings.KUZBIB_BASE = {
        **settings.KUZBIB_BASE,
        "THROTTLE": {
            "ENABLED": True,
            "WINDOW_SECONDS": 3600,
            "TRUSTED_PROXY_DEPTH": 0,
            "LIMITS": {"password_reset": {"ip": 3, "email": 2}},
        },
    }
    yield
    cache.clear()


def refused(response):
    with translation.override("ru"):
        text = escape(str(throttle.MESSAGE).split("%(time)s")[0].strip())
    return (
        response.status_code == 429
        and int(response["Retry-After"]) > 0
        and text in response.content.decode()
    )


def test_password_reset_per_email_boundary(client, editor, reset_limits):
    for _ in range(5):
        assert client.get(RESET).status_code == 200
    for address in ("10.0.0.1", "10.0.0.2"):
        response = client.post(RESET, {"email": "editor@example.ru"}, REMOTE_ADDR=address)
        assert response.status_code == 302
    assert len(mail.outbox) == 2
    response = client.post(RESET, {"email": "EDITOR@example.ru"}, REMOTE_ADDR="10.0.0.3")
    assert refused(response)
    assert 'value="EDITOR@example.ru"' in response.content.decode()
    assert len(mail.outbox) == 2


def test_password_reset_per_address_boundary(client, editor, reset_limits):
    for n in range(3):
        response = client.post(RESET, {"email": f"nobody{n}@example.ru"})
        assert response.status_code == 302
    assert refused(client.post(RESET, {"email": "editor@example.ru"}))
    assert mail.outbox == []
    other = client.post(RESET, {"email": "editor@example.ru"}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302 and len(mail.outbox) == 1
