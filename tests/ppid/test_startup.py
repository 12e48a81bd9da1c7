"""A web process's warm-up (gunicorn.conf.py's post_worker_init, ppid.startup): what a first
request would build is built, and start-up's objects are frozen out of the collector's reach."""

from __future__ import annotations

import gc

from django.urls import clear_url_caches, get_resolver
from django.utils import timezone, translation

from ppid import startup
from ppid.calendar import national_holidays


def test_warm_up_builds_what_a_first_request_would_and_freezes_start_ups_objects():
    national_holidays.cache_clear()
    clear_url_caches()
    gc.unfreeze()
    try:
        startup.warm_up()
        year = timezone.now().year
        hits = national_holidays.cache_info().hits
        assert national_holidays(year) and national_holidays(year + 1)
        assert national_holidays.cache_info().hits == hits + 2  # computed before, not now
        resolver = get_resolver()
        for code in ("id", "en"):
            with translation.override(code):
                assert code in resolver._reverse_dict
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
