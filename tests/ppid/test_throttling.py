"""API throttling while its cache (Redis) is down: calls go through, an atasan can still sign.
(The limits themselves are tested in test_security.py.)"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

OPERATOR = "disdukcapil-kalbar.operator"


@pytest.fixture
def redis_down(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "1/minute"},
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_with_the_cache_down_calls_go_through_unthrottled(seeded, api, redis_down, caplog):
    anonymous, operator = api(), api(OPERATOR)

    public = [anonymous.get("/api/public/bodies/").status_code for _ in range(3)]
    own = [operator.get("/api/bodies/").status_code for _ in range(3)]

    assert public == [200, 200, 200] and own == [200, 200, 200]
    assert caplog.text.count("API throttling skipped") <= 1  # once a minute, not per call


def test_with_the_cache_back_the_limits_hold_again(seeded, api, redis_down, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    operator = api(OPERATOR)
    assert [operator.get("/api/bodies/").status_code for _ in range(2)] == [200, 429]
