"""Answers for failures no view can handle: the database out of reach answers 503.

While PostgreSQL restarts or fails over, every request that needs it raises OperationalError
(or InterfaceError on a connection that broke under it). That is not a bug in the page but a
moment's outage, so the answer is "503 Service Unavailable" with Retry-After, a page in the
visitor's language for browsers and JSON for the API, never a traceback; the next request
connects again (health-checked connections, CONN_HEALTH_CHECKS), without a restart.
Any other error gets the project's 500 page (templates/500.html, through Django's view).

A path nobody answers is 404, and a request Django refuses before any view (a form body over
DATA_UPLOAD_MAX_MEMORY_SIZE: 413) is 400: JSON under /api/ (as every API answer), the page
otherwise.
"""

from __future__ import annotations

import sys

from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.exceptions import NotFound, ParseError

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10


def service_unavailable(request: HttpRequest) -> HttpResponse:
    """503 for a moment's outage: rendered without a request context (no context processor
    may touch the database)."""
    message = _("The database cannot be reached right now. Please try again in a few moments.")
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: called while the uncaught exception is being handled."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    return defaults.server_error(request)


def bad_request(request: HttpRequest, message: str) -> HttpResponse:
    """400 with a message saying what was wrong: JSON for the API, a page otherwise."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(render_to_string("400.html", {"message": message}), status=400)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ the API's JSON answer, even for a path no view answers."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def request_refused(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (SuspiciousOperation, e.g. a form body over the size limit read by a
    middleware): under /api/ the API's JSON answer, 413 for a body too large."""
    if not request.path_info.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse({"detail": _("The request body is too large.")}, status=413)
    return JsonResponse({"detail": str(ParseError.default_detail)}, status=400)
