"""Site-wide odds and ends outside any app's pages."""

from __future__ import annotations

from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

FAVICON_MAX_AGE = 24 * 3600


@require_safe
def favicon(request: HttpRequest) -> HttpResponseRedirect:
    """/favicon.ico, which browsers, feed readers and the API's JSON pages ask for without a
    <link rel="icon">: a temporary redirect to the static file under its hashed name (which
    changes when the icon does), itself cached for a day."""
    response = HttpResponseRedirect(staticfiles_storage.url("favicon.ico"))
    patch_cache_control(response, public=True, max_age=FAVICON_MAX_AGE)
    return response
