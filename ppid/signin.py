"""Sign-in throttling glue for django-axes: the client's address and the lockout answer.

Axes counts failed sign-ins per username and address (settings AXES_*); after
PPID_LOGIN_FAILURE_LIMIT failures that combination is locked for PPID_LOGIN_COOLOFF_MINUTES.
The sign-in page then shows the reason in Indonesian (HTTP 429), and the API answers 429 JSON.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from ppid.forms import LoginForm

LOCKED_STATUS = 429


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or with PPID_NUM_PROXIES proxies in front,
    the address the outermost trusted proxy saw (counted from the right of X-Forwarded-For,
    so a client cannot choose it by sending the header itself)."""
    proxies = settings.PPID_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def lockout_minutes() -> int:
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


def lockout_seconds() -> int:
    """Retry-After of a lockout: the whole cool-off, since every refused attempt (this one
    included) counts as a failure and starts it again."""
    return max(1, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def lockout_message() -> str:
    minutes = lockout_minutes()
    return ngettext(
        "Too many failed sign-in attempts. Signing in with this username from your address "
        "is locked for %(minutes)d minute; try again later, or ask the PPID Utama to help.",
        "Too many failed sign-in attempts. Signing in with this username from your address "
        "is locked for %(minutes)d minutes; try again later, or ask the PPID Utama to help.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials=None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the sign-in page with the reason, or JSON under /api/."""
    message = lockout_message()
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "code": "locked_out"}, status=LOCKED_STATUS
        )
    else:
        username = (credentials or {}).get("username") or request.POST.get("username", "")
        form = LoginForm(request, initial={"username": username})
        response = render(
            request,
            "registration/login.html",
            {"form": form, "next": request.POST.get("next", ""), "lockout_message": message},
            status=LOCKED_STATUS,
        )
    response["Retry-After"] = str(lockout_seconds())
    return response
