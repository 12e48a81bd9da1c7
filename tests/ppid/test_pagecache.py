"""The WSGI page cache in front of Django: stores marked pages, answers 304, follows publication."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import RequestFactory

from ppid.pagecache import PublicPageCache, cache_public_page, invalidate_public_pages

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
