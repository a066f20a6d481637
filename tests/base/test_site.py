import json

import pytest

from kuzbib_site.base.models import WorkerHeartbeat
from kuzbib_site.base.tasks import heartbeat

pytestmark = pytest.mark.django_db


def test_unknown_url_gives_the_russian_404(client, site_tree):
    response = client.get("/нет-такой-страницы/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Страница не найдена" in html


def test_404_in_english_when_asked(client, site_tree, settings):
    # The visitor asks with the language switch (its cookie); Accept-Language is not followed.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_site_speaks_russian_by_default(client, site_tree):
    html = client.get("/about/").content.decode()
    assert "Версия для слабовидящих" in html
    assert "Перейти к содержанию" in html


def test_server_error_page_is_russian_and_standalone():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Ошибка на сервере" in html


def test_healthz_reports_database_and_worker(client, db, settings):
    settings.REDIS_URL = ""
    heartbeat()  # eager in tests: the same code a worker runs every minute
    response = client.get("/healthz")
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["database"] == "ok" and data["status"] == "ok"
    assert data["redis"] == "not configured"
    assert data["worker_last_seen"] == WorkerHeartbeat.objects.get().seen_at.isoformat()
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_checks_redis_when_configured(client, db, settings, redis_url):
    settings.REDIS_URL = redis_url
    assert client.get("/healthz").json()["redis"] == "ok"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "error"


def test_robots_and_sitemap(client, site_tree):
    robots = client.get("/robots.txt")
    assert robots["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in robots.content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/about/" in sitemap and "/libraries/" in sitemap


def test_low_vision_switch_sets_cookie_and_returns(client, site_tree):
    response = client.get("/low-vision/", {"mode": "on", "next": "/about/"})
    assert response.status_code == 302 and response["Location"] == "/about/"
    assert client.cookies["kuzbib_low_vision"].value == "1"
    # The classes go on <html>: the size steps scale every rem from the root.
    assert '<html lang="ru" class="low-vision ' in client.get("/about/").content.decode()
    client.get("/low-vision/", {"mode": "off", "next": "/about/"})
    assert "low-vision" not in client.get("/about/").content.decode().split("<head")[0]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/about/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
        "",
        "\x00",
    ],
)
def test_low_vision_switch_never_redirects_off_site(client, site_tree, target):
    response = client.get("/low-vision/", {"mode": "on", "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_get_never_writes(client, site_tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in ("/", "/about/", "/libraries/", "/search/?q=библиотека", "/healthz"):
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        writes = [
            q["sql"] for q in captured if q["sql"].split()[0] in {"INSERT", "UPDATE", "DELETE"}
        ]
        assert writes == [], url
