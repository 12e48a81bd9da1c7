"""/healthz (liveness) and /readyz (readiness) for load balancers: JSON, no cookies, no cache,
no HTTPS redirect, no Host check, never through the page cache; /readyz names what fails."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import connection

from ppid import health
from ppid.pagecache import SECURITY_HEADERS, PublicPageCache
from tests.conftest import REDIS_URL


def _json(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _assert_probe_headers(response) -> None:
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    # Answered before the locale middleware: no language negotiation, nothing varies.
    assert "Content-Language" not in response
    assert "Vary" not in response


def test_liveness_answers_without_the_database(client):
    # No django_db mark: any database access here would fail the test.
    with (
        mock.patch.object(health, "check_database", side_effect=RuntimeError("down")),
        mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor") as cursor,
    ):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert _json(response) == {"status": "ok"}
    assert not cursor.called
    _assert_probe_headers(response)


@pytest.mark.django_db(databases="__all__")  # readiness checks every alias
def test_readiness_checks_database_and_storage(client, settings, tmp_path):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path / "var"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert _json(response) == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "skipped", "media": "ok", "var": "ok"},
    }
    _assert_probe_headers(response)
    # The probe file is removed again.
    assert list((tmp_path / "var").iterdir()) == []


@pytest.mark.redis
@pytest.mark.django_db(databases="__all__")  # readiness checks every alias
def test_readiness_pings_redis(client, settings, tmp_path):
    settings.REDIS_URL = REDIS_URL
    settings.VAR_DIR = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 200
    assert _json(response)["checks"]["redis"] == "ok"


@pytest.mark.django_db(databases="__all__")  # readiness checks every alias
def test_readiness_fails_when_redis_does_not_answer(client, settings, tmp_path):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.VAR_DIR = tmp_path
    response = client.get("/readyz")
    assert response.status_code == 503
    body = _json(response)
    assert body["status"] == "fail" and body["failing"] == ["redis"]
    assert body["checks"] == {"database": "ok", "redis": "fail", "media": "ok", "var": "ok"}
    _assert_probe_headers(response)


@pytest.mark.django_db(databases="__all__")  # readiness checks every alias
def test_readiness_fails_when_the_database_does_not_answer(client, settings, tmp_path, caplog):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    with mock.patch.object(
        connection, "cursor", side_effect=Exception("connection refused: db.internal:5432")
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = _json(response)
    assert body["failing"] == ["database"] and body["checks"]["database"] == "fail"
    # The error goes to the log, never to whoever asks.
    assert "db.internal" not in response.content.decode()
    assert "db.internal" in caplog.text


@pytest.mark.django_db(databases="__all__")  # readiness checks every alias
def test_readiness_fails_when_media_is_not_writable(client, settings, tmp_path):
    settings.REDIS_URL = ""
    settings.VAR_DIR = tmp_path
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert _json(response)["failing"] == ["media"]


def test_probes_are_not_redirected_to_https_nor_host_checked(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["ppid.example.go.id"]
    # A load balancer probes over plain HTTP with the container's address as Host.
    response = client.get("/healthz", HTTP_HOST="10.0.3.7:8000")
    assert response.status_code == 200
    # Everything else is still redirected to HTTPS.
    assert client.get("/", HTTP_HOST="ppid.example.go.id").status_code == 301


def test_only_get_and_head(client):
    assert client.post("/healthz").status_code == 405
    assert client.head("/healthz").status_code == 200


def test_the_page_cache_never_looks_up_the_probes():
    answered = []

    def app(environ, start_response):
        answered.append(environ["PATH_INFO"])
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]

    broken_cache = mock.MagicMock()
    broken_cache.__getitem__.side_effect = ConnectionError("Redis is down")
    wrapped = PublicPageCache(app, check_seconds=0)
    with mock.patch("ppid.pagecache.caches", broken_cache):
        for path in ("/healthz", "/readyz"):
            environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": ""}
            wrapped(environ, lambda status, headers, exc_info=None: None)
        with pytest.raises(ConnectionError):  # what any other page would meet
            wrapped(
                {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "QUERY_STRING": ""},
                lambda *a: None,
            )
    assert answered == ["/healthz", "/readyz"]


@pytest.mark.django_db(databases="__all__")  # readiness checks every alias
@pytest.mark.parametrize("https", [False, True])
def test_probes_carry_the_same_security_headers_as_the_pages(client, settings, https):
    if https:
        settings.SECURE_HSTS_SECONDS = 31536000
    page = client.get("/", secure=https)
    expected = {name: page.get(name) for name in SECURITY_HEADERS}
    missing = {name for name, value in expected.items() if value is None}
    assert missing == (set() if https else {"strict-transport-security"})
    for path in ("/healthz", "/readyz"):
        probe = client.get(path, secure=https)
        assert probe.status_code == 200
        assert {name: probe.get(name) for name in SECURITY_HEADERS} == expected, path
