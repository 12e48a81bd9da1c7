"""Serve immutable public pages from the cache before Django runs.

A published edition never changes, so its public pages can be kept as finished bytes and
served by a few lines of WSGI: no middleware stack, no template, no database. Views opt in with
`cache_public_page`, which marks a 200 response; this layer stores it and answers the next
identical GET (same path and query) from the cache, with 304 for a matching If-None-Match.

Every publication bumps one generation counter (`invalidate_public_pages`), which retires every
stored page at once: publications are rare, and "current edition" pages must follow them.
The cache must be shared by all web processes (Redis in production; the file cache otherwise).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import wraps

from django.core.cache import caches

MARK_HEADER = "X-Page-Cache"
GENERATION_KEY = "pagecache:generation"
TIMEOUT = 24 * 3600
CACHED_HEADERS = {
    "content-type",
    "etag",
    "last-modified",
    "cache-control",
    "content-language",
    "vary",
    "content-disposition",
}


def cache_public_page(view: Callable) -> Callable:
    """Mark the view's successful GET responses as immutable public pages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if (
            request.method == "GET"
            and response.status_code == 200
            and not getattr(response, "streaming", False)
            and not response.cookies
        ):
            response[MARK_HEADER] = "store"
        return response

    return wrapped


def invalidate_public_pages() -> None:
    cache = caches["default"]
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


class PublicPageCache:
    """WSGI middleware in front of Django (see ppid/wsgi.py).

    Pages are kept in the shared cache and, for speed, in a small per-process copy; the
    shared generation counter is read at most every `check_seconds`, so a publication reaches
    every process within that time.
    """

    def __init__(self, app: Callable, *, check_seconds: float = 1.0, local_size: int = 256):
        self.app = app
        self.check_seconds = check_seconds
        self.local_size = local_size
        self._local: dict[str, tuple[list, bytes]] = {}
        self._generation = None
        self._checked_at = float("-inf")

    def _current_generation(self, cache) -> int:
        now = time.monotonic()
        if now - self._checked_at >= self.check_seconds:
            generation = cache.get(GENERATION_KEY, 0)
            if generation != self._generation:
                self._local.clear()
                self._generation = generation
            self._checked_at = now
        return self._generation

    def _remember(self, key: str, page: tuple[list, bytes]) -> None:
        if len(self._local) >= self.local_size:
            self._local.pop(next(iter(self._local)))
        self._local[key] = page

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("HTTP_COOKIE"):
            # Signed-in officers (a session cookie) always get the live pages.
            return self.app(environ, start_response)
        cache = caches["default"]
        generation = self._current_generation(cache)
        key = (
            f"pagecache:{generation}:{environ.get('PATH_INFO', '')}"
            f"?{environ.get('QUERY_STRING', '')}"
        )
        hit = self._local.get(key)
        if hit is None:
            hit = cache.get(key)
            if hit is not None:
                self._remember(key, hit)
        if hit is not None:
            headers, body = hit
            etag = dict(headers).get("ETag")
            if etag and environ.get("HTTP_IF_NONE_MATCH") == etag:
                start_response("304 Not Modified", [h for h in headers if h[0] == "ETag"])
                return [b""]
            start_response("200 OK", [*headers, ("Content-Length", str(len(body)))])
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
        captured: dict = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            clean = [(k, v) for k, v in headers if k != MARK_HEADER]
            return start_response(status, clean, exc_info)

        result = self.app(environ, capture)
        if not (
            captured.get("status", "").startswith("200")
            and any(k == MARK_HEADER for k, _ in captured.get("headers", []))
            and environ["REQUEST_METHOD"] == "GET"
        ):
            return result
        body = b"".join(result)
        if hasattr(result, "close"):
            result.close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() in CACHED_HEADERS]
        cache.set(key, (headers, body), TIMEOUT)
        self._remember(key, (headers, body))
        return [body]
