"""Serve immutable public pages from the cache before Django runs.

A published edition never changes, so its public pages can be kept as finished bytes and
served by a few lines of WSGI: no middleware stack, no template, no database. Views opt in with
`cache_public_page`, which marks a 200 response; this layer stores it and answers the next
identical GET (same path and query) from the cache, with 304 for a matching If-None-Match (the
headers Django's own 304 would carry, built once when the page is stored).

Every publication bumps one generation counter (`invalidate_public_pages`), which retires every
stored page at once: publications are rare, and "current edition" pages must follow them.
The cache must be shared by all web processes (Redis in production; the file cache otherwise).

A stored page keeps the security headers Django gave it (CSP, HSTS, nosniff, ...), so a cached
answer carries the same ones as a live one; the key holds the scheme and a fingerprint of the
header settings, so a changed policy is never answered with a page stored under the old one.
A plain-HTTP request while HTTPS redirection is on always reaches Django (which redirects), and
the health endpoints are never looked up here.
While the cache is unreachable, every request goes to Django, which works without it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable
from functools import cache, wraps
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import caches
from django.core.signals import setting_changed
from django.dispatch import receiver

from ppid.health import PATHS as HEALTH_PATHS

logger = logging.getLogger(__name__)

MARK_HEADER = "X-Page-Cache"
GENERATION_KEY = "pagecache:generation"
TIMEOUT = 24 * 3600
WARN_EVERY_SECONDS = 60
SECURITY_HEADERS = {
    "content-security-policy",
    "strict-transport-security",
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "cross-origin-opener-policy",
}
CACHED_HEADERS = SECURITY_HEADERS | {
    "content-type",
    "etag",
    "last-modified",
    "cache-control",
    "content-language",
    "vary",
    "content-disposition",
}
# What Django's own 304 (the `condition` decorator behind ConditionalGetMiddleware's rules)
# carries of a stored page's headers: all but the body's type and disposition, so the same
# Cache-Control, ETag, Last-Modified and Vary as the 200 (RFC 9110 §15.4.5) and the security
# headers; and, as Django's, an empty body's Content-Length.
NOT_MODIFIED_HEADERS = CACHED_HEADERS - {"content-type", "content-disposition"}
HEADER_SETTINGS = (
    "CONTENT_SECURITY_POLICY",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
)


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


def headers_fingerprint() -> str:
    """Changes when a setting behind the stored security headers changes, or when the collected
    static files do: a stored page names its stylesheet by its hashed name, which the next
    release's collectstatic may no longer have."""
    values = repr(
        [getattr(settings, name, None) for name in HEADER_SETTINGS]
        + [getattr(staticfiles_storage, "manifest_hash", "")]
    )
    return hashlib.sha256(values.encode()).hexdigest()[:12]


def static_prefix() -> str:
    """The path under which WhiteNoise answers (STATIC_URL's path, with slashes)."""
    return "/" + urlparse(settings.STATIC_URL or "").path.strip("/") + "/"


@cache
def https_settings() -> tuple[bool, tuple[str, str] | None]:
    """SECURE_SSL_REDIRECT and SECURE_PROXY_SSL_HEADER, read once: each read of a setting goes
    through Django's lazy settings object, which cost half of a hit's time."""
    return bool(settings.SECURE_SSL_REDIRECT), getattr(settings, "SECURE_PROXY_SSL_HEADER", None)


@receiver(setting_changed)
def _forget_https_settings(*, setting: str, **kwargs) -> None:
    if setting in ("SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER"):
        https_settings.cache_clear()


def is_secure(environ: dict, proxy: tuple[str, str] | None) -> bool:
    """As Django's HttpRequest.is_secure(): the proxy's header if configured, else the scheme."""
    if proxy:
        header, secure_value = proxy
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


class StoredPage:
    """A stored page as the per-process copy keeps it: its answers built once, so that a hit
    only picks one (the shared cache holds the `(headers, body)` pair it was built from)."""

    __slots__ = ("body", "etag", "headers", "not_modified_headers")

    def __init__(self, headers: list, body: bytes):
        self.body = body
        self.etag = dict(headers).get("ETag") or None
        self.headers = (*headers, ("Content-Length", str(len(body))))
        self.not_modified_headers = (
            *(h for h in headers if h[0].lower() in NOT_MODIFIED_HEADERS),
            ("Content-Length", "0"),
        )

    def answer(self, environ: dict, start_response: Callable) -> list[bytes]:
        if self.etag is not None and environ.get("HTTP_IF_NONE_MATCH") == self.etag:
            start_response("304 Not Modified", list(self.not_modified_headers))
            return [b""]
        start_response("200 OK", list(self.headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [self.body]


class PublicPageCache:
    """WSGI middleware in front of Django (see ppid/wsgi.py).

    Pages are kept in the shared cache and, for speed, in a small per-process copy; the
    shared generation counter is read at most every `check_seconds`, so a publication reaches
    every process within that time. Between two reads a hit in the per-process copy touches
    neither the shared cache nor Django's cache handler: the answer is a few dict lookups.
    """

    def __init__(self, app: Callable, *, check_seconds: float = 1.0, local_size: int = 256):
        self.app = app
        self.check_seconds = check_seconds
        self.local_size = local_size
        # Keyed by (https?, path, query): the per-process copy holds one generation of one
        # process's header settings, so neither needs to be in its keys.
        self._local: dict[tuple[bool, str, str], StoredPage] = {}
        self._generation = None
        self._checked_at = float("-inf")
        self._fingerprint: str | None = None
        self._warned_at = float("-inf")
        self._static_prefix = static_prefix()

    def _current_generation(self, cache) -> int:
        now = time.monotonic()
        if now - self._checked_at >= self.check_seconds:
            generation = cache.get(GENERATION_KEY, 0)
            if generation != self._generation:
                self._local.clear()
                self._generation = generation
            self._checked_at = now
        return self._generation

    def _remember(self, key: tuple[bool, str, str], page: StoredPage) -> None:
        if len(self._local) >= self.local_size:
            self._local.pop(next(iter(self._local)))
        self._local[key] = page

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") not in ("GET", "HEAD")
            # Signed-in officers (a session cookie) always get the live pages.
            or environ.get("HTTP_COOKIE")
            or path in HEALTH_PATHS
            # Static files: WhiteNoise answers them from memory, no cache needed.
            or path.startswith(self._static_prefix)
        ):
            return self.app(environ, start_response)
        redirect, proxy = https_settings()
        secure = is_secure(environ, proxy)
        if redirect and not secure:
            return self.app(environ, start_response)
        local_key = (secure, path, environ.get("QUERY_STRING", ""))
        if time.monotonic() - self._checked_at < self.check_seconds:
            page = self._local.get(local_key)
            if page is not None:
                return page.answer(environ, start_response)
        if self._fingerprint is None:
            self._fingerprint = headers_fingerprint()
        cache = caches["default"]
        try:
            generation = self._current_generation(cache)
            key = (
                f"pagecache:{generation}:{self._fingerprint}:{'https' if secure else 'http'}:"
                f"{local_key[1]}?{local_key[2]}"
            )
            page = self._local.get(local_key)
            if page is None:
                stored = cache.get(key)
                if stored is not None:
                    page = StoredPage(*stored)
                    self._remember(local_key, page)
        except Exception as error:  # the shared cache (Redis) is down: Django answers live
            self._cache_down(error)
            return self.app(environ, start_response)
        if page is not None:
            return page.answer(environ, start_response)
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
        try:
            cache.set(key, (headers, body), TIMEOUT)
        except Exception as error:
            self._cache_down(error)
            return [body]
        self._remember(local_key, StoredPage(headers, body))
        return [body]

    def _cache_down(self, error: Exception) -> None:
        """Forget the per-process copies (a publication may go unannounced meanwhile) and say
        so in the log, once a minute at most."""
        self._local.clear()
        self._checked_at = float("-inf")
        now = time.monotonic()
        if now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            logger.warning("Public page cache unavailable, serving live pages: %s", error)
