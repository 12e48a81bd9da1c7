"""API throttles (DEFAULT_THROTTLE_CLASSES). A module of its own: DRF imports these while it
builds APIView, so this must not import views."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class SettingsRateMixin:
    """Read the rate from the settings at each request (DRF copies them into a class attribute
    at import, so a changed setting, e.g. in a test, would otherwise be ignored)."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(SettingsRateMixin, AnonRateThrottle):
    """Anonymous calls, per client address (see NUM_PROXIES): rate `anon`."""


class UserThrottle(SettingsRateMixin, UserRateThrottle):
    """Authenticated calls, per user and so per token (one token a user): rate `user`.
    Anonymous calls are AnonThrottle's alone (DRF's would count them here too, by address)."""

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        return super().get_cache_key(request, view)
