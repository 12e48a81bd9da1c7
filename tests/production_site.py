"""The test server's URLconf (tests/production_settings.py): the project's URLs and error
handlers, plus FAILING_PATH, a view that raises, so that the tests see handler500's page and
its log record as production would show them."""

from __future__ import annotations

from django.urls import path

from ppid.urls import *  # noqa: F403  (the handlers)
from ppid.urls import urlpatterns

FAILING_PATH = "/uji/galat-server/"


class DeliberateFailure(RuntimeError):
    """Raised by the test-only view: a bug as production would meet it."""


def fail(request):
    raise DeliberateFailure("a test asked for a server error")


urlpatterns = [*urlpatterns, path(FAILING_PATH.strip("/") + "/", fail)]
