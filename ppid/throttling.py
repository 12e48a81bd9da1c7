"""API throttles (DEFAULT_THROTTLE_CLASSES). A module of its own: DRF imports these while it
builds APIView, so this must not import views."""

from __future__ import annotations

import logging
import time

from redis.exceptions import RedisError
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

logger = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60
_warned_at = float("-inf")


class SettingsRateMixin:
    """Read the rate from the settings at each request (DRF copies them into a class attribute
    at import, so a changed setting, e.g. in a test, would otherwise be ignored)."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class FailOpenMixin:
    """The counters live in the cache (Redis in production). While it is unreachable the call
    goes through, logged once a minute: a throttle guards against abuse, and a Redis outage
    must not stop the officers' work (an atasan signing through the API)."""

    def allow_request(self, request, view) -> bool:
        global _warned_at
        try:
            return super().allow_request(request, view)
        except (RedisError, OSError) as error:
            now = time.monotonic()
            if now - _warned_at >= WARN_EVERY_SECONDS:
                _warned_at = now
                logger.warning("API throttling skipped, its cache is unavailable: %s", error)
            return True


class AnonThrottle(FailOpenMixin, SettingsRateMixin, AnonRateThrottle):
    """Anonymous calls, per client address (see NUM_PROXIES): rate `anon`."""


class UserThrottle(FailOpenMixin, SettingsRateMixin, UserRateThrottle):
    """Authenticated calls, per user and so per token (one token a user): rate `user`.
    Anonymous calls are AnonThrottle's alone (DRF's would count them here too, by address)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)


class ObjectionThrottle(FailOpenMixin, SettingsRateMixin, SimpleRateThrottle):
    """Objections filed from one address (the public form and the API alike): rate
    `objection_filing`; a flood gets 429 with Retry-After, and nothing is stored."""

    scope = "objection_filing"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class RequestFilingThrottle(FailOpenMixin, SettingsRateMixin, SimpleRateThrottle):
    """Requests for information filed from one address (the public form and the API alike):
    rate `request_filing`. Counted for people signed in too: the public form needs no login."""

    scope = "request_filing"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def public_form_wait(request, throttle_class: type[SimpleRateThrottle]) -> int | None:
    """For a plain Django view (a public form, with the API's throttle for the same filing):
    None when one more may be filed from this address, else the seconds to wait (Retry-After).
    """
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return int(throttle.wait() or 60)
