"""Health endpoints for load balancers and orchestrators.

- `/healthz` (liveness): the process answers. No database, no cache, always 200.
- `/readyz` (readiness): the database answers `SELECT 1`, Redis answers PING (when REDIS_URL is
  set), and the media and var directories are writable. 503 naming the failing checks otherwise.

They are answered by a middleware near the top of the stack, so that a probe is never
redirected to HTTPS (see SECURE_REDIRECT_EXEMPT), never refused for its Host header (probes
often use the container's address), gets no session, language or CSRF cookie, and is never
stored by the public page cache (ppid/pagecache.py lets these paths through). The answer
names checks only; the errors themselves go to the log, not to whoever asks.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

LIVENESS_PATH = "/healthz"
READINESS_PATH = "/readyz"
PATHS = frozenset({LIVENESS_PATH, READINESS_PATH})
TIMEOUT_SECONDS = 2


def check_database() -> None:
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()


def check_redis() -> bool:
    """PING the Redis of REDIS_URL; False (skipped) when the app runs without Redis."""
    if not settings.REDIS_URL:
        return False
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=TIMEOUT_SECONDS,
        socket_timeout=TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    finally:
        client.close()
    return True


def check_writable(folder: Path) -> None:
    """Create (if need be) the folder and a file in it; the file is removed again."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".readyz-") as probe:
        probe.write(b"ok")
        probe.flush()


def readiness_checks() -> dict[str, Callable[[], bool | None]]:
    return {
        "database": check_database,
        "redis": check_redis,
        "media": lambda: check_writable(settings.MEDIA_ROOT),
        "var": lambda: check_writable(settings.VAR_DIR),
    }


def _answer(payload: dict, status: int = 200) -> HttpResponse:
    response = JsonResponse(payload, status=status)
    add_never_cache_headers(response)
    return response


def liveness() -> HttpResponse:
    return _answer({"status": "ok"})


def readiness() -> HttpResponse:
    checks: dict[str, str] = {}
    for name, check in readiness_checks().items():
        try:
            result = check()
        except Exception:
            logger.exception("Readiness check %s failed", name)
            checks[name] = "fail"
        else:
            checks[name] = "skipped" if result is False else "ok"
    failing = [name for name, outcome in checks.items() if outcome == "fail"]
    if failing:
        return _answer({"status": "fail", "failing": failing, "checks": checks}, status=503)
    return _answer({"status": "ok", "checks": checks})


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before the rest of the stack runs."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info not in PATHS:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return liveness() if request.path_info == LIVENESS_PATH else readiness()
