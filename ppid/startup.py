"""What a web process does once it has started, before its first request (gunicorn.conf.py's
`post_worker_init`; benchmarks/scale.py the same): the first request of a fresh worker took
130-430 ms instead of 20 (issue 15's "one request in ten"), all of it work done once."""

from __future__ import annotations

import gc
from importlib import import_module

from django.conf import settings
from django.urls import get_resolver
from django.utils import timezone, translation

from ppid.calendar import national_holidays


def warm_up() -> None:
    """Load what the first request would: the URLconf and the views it imports, the URL
    resolver's reverse table of each language (reverse() builds it on first use), the national
    holidays of this year and the next (a deadline computes them on first use: 90 ms). Then
    move everything start-up built, a quarter of a million objects, out of the cyclic
    collector's reach (gc.freeze()): a full collection otherwise walks them all in the middle
    of a request, 60-120 ms measured with gc.callbacks, against 15-20 ms once frozen."""
    import_module(settings.ROOT_URLCONF)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018 (built on first read)
    year = timezone.now().year
    for each in (year, year + 1):
        national_holidays(each)
    gc.collect()
    gc.freeze()
