"""The WSGI page cache in front of Django: stores marked pages, answers 304, follows publication."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.test import RequestFactory

from ppid.pagecache import (
    SECURITY_HEADERS,
    PublicPageCache,
    cache_public_page,
    invalidate_public_pages,
)
from tests.helpers import published
from tests.ppid.test_security import _wsgi_get

KALBAR = "disdukcapil-kalbar"

calls: list[str] = []


def _django_like_app(environ, start_response):
    calls.append(environ["PATH_INFO"])
    view = cache_public_page(lambda request: _page(request))
    response = view(RequestFactory().get(environ["PATH_INFO"]))
    start_response(f"{response.status_code} OK", list(response.items()))
    return [response.content]


def _page(request):
    response = HttpResponse(f"halaman {len(calls)}".encode())
    response["ETag"] = '"v1"'
    return response


def _get(app, path="/dinas/", **extra):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(
        app(
            {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", **extra},
            start_response,
        )
    )
    return seen["status"], seen["headers"], body


def test_marked_page_is_served_from_the_cache_until_a_publication(settings):
    calls.clear()
    app = PublicPageCache(_django_like_app, check_seconds=0)
    status, headers, first = _get(app)
    assert status.startswith("200") and "X-Page-Cache" not in headers
    assert _get(app)[2] == first and calls == ["/dinas/"]
    assert _get(app, HTTP_IF_NONE_MATCH='"v1"')[0].startswith("304")
    # A visitor with a cookie (a signed-in officer) always reaches Django.
    _get(app, HTTP_COOKIE="sessionid=x")
    assert len(calls) == 2
    invalidate_public_pages()
    assert _get(app)[2] != first and len(calls) == 3


def test_with_the_shared_cache_down_pages_are_served_live(settings, caplog):
    """Redis stopped: no error for visitors, every request reaches Django; once it is back
    (here: another cache), pages are kept again."""
    calls.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    app = PublicPageCache(_django_like_app, check_seconds=0)

    first = _get(app)
    second = _get(app)

    assert first[0].startswith("200") and second[0].startswith("200")
    assert first[2] == b"halaman 1" and second[2] == b"halaman 2"  # live, not a stored copy
    assert calls == ["/dinas/", "/dinas/"]
    assert caplog.text.count("Public page cache unavailable") == 1  # once, not per request

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    _get(app)
    assert _get(app)[2] == b"halaman 3" and len(calls) == 3


def test_between_two_reads_of_the_generation_a_hit_touches_no_cache(monkeypatch):
    """A hit in the per-process copy is answered without Django's cache handler (nor Redis);
    a publication reaches the process at the next read of the generation, `check_seconds`
    later at most."""
    calls.clear()
    now = [1000.0]
    monkeypatch.setattr("ppid.pagecache.time", SimpleNamespace(monotonic=lambda: now[0]))
    app = PublicPageCache(_django_like_app, check_seconds=60)
    _get(app)
    first = _get(app)
    with mock.patch("ppid.pagecache.caches", mock.MagicMock()) as handler:
        handler.__getitem__.side_effect = ConnectionError("Redis is down")
        now[0] += 59
        assert _get(app) == first
        assert _get(app, HTTP_IF_NONE_MATCH='"v1"')[0].startswith("304")
        assert not handler.__getitem__.called
    assert calls == ["/dinas/"]
    invalidate_public_pages()
    assert _get(app) == first, "within check_seconds of the last read"
    now[0] += 1
    assert _get(app)[2] == b"halaman 2" and calls == ["/dinas/", "/dinas/"]


@pytest.mark.django_db
@pytest.mark.parametrize("https", [False, True])
def test_a_hit_answers_with_exactly_the_headers_of_the_live_page(seeded, settings, https):
    """Every header of the live answer (security headers, HSTS over HTTPS, ETag,
    Last-Modified, Cache-Control, Vary, Content-Language, ...), none more, none less: from this
    process's copy, from the shared cache in another process, and for HEAD."""
    if https:
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_HSTS_SECONDS = 3600
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    scheme = {"HTTP_X_FORWARDED_PROTO": "https"} if https else {}
    published(KALBAR)
    reached = []
    django_app = WSGIHandler()

    def counting(environ, start_response):
        reached.append(environ["REQUEST_METHOD"])
        return django_app(environ, start_response)

    invalidate_public_pages()
    this_process = PublicPageCache(counting, check_seconds=60)
    other_process = PublicPageCache(counting, check_seconds=60)
    url = f"/badan-publik/{KALBAR}/"

    live = _wsgi_get(this_process, url, **scheme)
    from_copy = _wsgi_get(this_process, url, **scheme)
    from_shared = _wsgi_get(other_process, url, **scheme)
    head = _wsgi_get(other_process, url, REQUEST_METHOD="HEAD", **scheme)

    assert reached == ["GET"], "only the first answer is Django's"
    status, headers, body = live
    assert status == "200 OK" and len(body) > 1000
    assert {"ETag", "Last-Modified", "Content-Language", "Vary"} <= set(headers)
    assert ("Strict-Transport-Security" in headers) is https
    assert from_copy == live and from_shared == live
    assert head == (status, headers, b"")
    # Revalidation: the same 304 from either copy, with the headers of Django's own 304 (RFC
    # 9110 §15.4.5: the 200's Cache-Control, ETag and Vary; Last-Modified and the security
    # headers as Django gives them), Date aside.
    not_modified = _wsgi_get(this_process, url, HTTP_IF_NONE_MATCH=headers["ETag"], **scheme)
    assert not_modified[0] == "304 Not Modified" and not_modified[2] == b""
    assert _wsgi_get(other_process, url, HTTP_IF_NONE_MATCH=headers["ETag"], **scheme) == (
        not_modified
    )
    assert reached == ["GET"]
    live_304 = _wsgi_get(django_app, url, HTTP_IF_NONE_MATCH=headers["ETag"], **scheme)
    assert live_304[0] == "304 Not Modified"
    live_304[1].pop("Date", None)
    assert not_modified[1] == live_304[1]
    assert {"Cache-Control", "Vary", "ETag", "Last-Modified"} <= set(not_modified[1])
    assert not_modified[1]["Content-Length"] == "0"
    assert all(not_modified[1][h] == headers[h] for h in not_modified[1] if h != "Content-Length")
    assert {h for h in headers if h.lower() in SECURITY_HEADERS} <= set(not_modified[1])


def test_https_redirection_switched_on_later_is_followed(settings):
    """The HTTPS settings are read once, and again whenever they change."""
    calls.clear()
    app = PublicPageCache(_django_like_app, check_seconds=60)
    _get(app)
    _get(app)
    assert calls == ["/dinas/"]
    settings.SECURE_SSL_REDIRECT = True
    _get(app)
    assert calls == ["/dinas/", "/dinas/"], "plain HTTP goes to Django, which redirects"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    _get(app, HTTP_X_FORWARDED_PROTO="https")
    assert len(calls) == 3  # an HTTPS page is stored apart: the first one is live
    _get(app, HTTP_X_FORWARDED_PROTO="https")
    assert len(calls) == 3
