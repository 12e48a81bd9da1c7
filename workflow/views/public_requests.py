"""The public side of requests for information: no login, phone width, no cookie (the form
carries no CSRF token: it is anonymous and stores only a new request, like the API's public
POST). A request form per body (honeypot + a per-address rate limit), suggestions from the
body's published DIP as the requester types, the receipt (printable) and the tracking page by
the unguessable code. No personal data is shown on any of these pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from dip.models import DocumentStatus
from ppid.downloads import file_response
from ppid.forms import FLOOD_REFUSED, add_service_errors
from ppid.models import Body
from ppid.throttling import RequestFilingThrottle, public_form_wait
from workflow.forms import PublicRequestForm
from workflow.models import RequestNoticeDocument
from workflow.selectors.requests import (
    dip_suggestions,
    objection_due_at,
    request_by_tracking_code,
)
from workflow.services import requests as services

SUGGEST_MAX_CHARS = 500


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_store=True)
    return response


@csrf_exempt
def request_form(request: HttpRequest, slug: str) -> HttpResponse:
    body = get_object_or_404(Body, slug=slug)
    status = 200
    refused = ""
    wait = None
    if request.method == "POST":
        form = PublicRequestForm(request.POST)
        wait = public_form_wait(request, RequestFilingThrottle)
        if wait is not None:
            refused, status = FLOOD_REFUSED, 429
        elif form.is_valid():
            try:
                made = services.request_receive(body=body, **form.requester_data())
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                return redirect("workflow:request_receipt", code=made.tracking_code)
        else:
            status = 400
    elif request.method in ("GET", "HEAD"):
        form = PublicRequestForm()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    response = render(
        request,
        "public/request_form.html",
        {"body": body, "form": form, "refused": refused},
        status=status,
    )
    if wait is not None:
        response["Retry-After"] = str(wait)
    return _private(response)


@require_safe
def request_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    """htmx: rows of the body's published DIP matching what the requester typed."""
    body = get_object_or_404(Body, slug=slug)
    text = request.GET.get("information", "")[:SUGGEST_MAX_CHARS]
    rows = dip_suggestions(body, text)
    return _private(
        render(request, "public/_request_suggestions.html", {"body": body, "rows": rows})
    )


def _found(code: str):
    found = request_by_tracking_code(code)
    if found is None:
        raise Http404
    return found


@require_safe
def request_receipt(request: HttpRequest, code: str) -> HttpResponse:
    found = _found(code)
    return _private(
        render(
            request,
            "public/request_receipt.html",
            {"req": found, "body": found.body, "print": request.GET.get("cetak") == "1"},
        )
    )


@require_safe
def request_track_find(request: HttpRequest) -> HttpResponse:
    """The tracking page's entry: type the code from the receipt."""
    code = "".join(request.GET.get("kode", "").split())
    missing = False
    if code:
        if request_by_tracking_code(code) is not None:
            return redirect("workflow:request_track", code=code.upper())
        missing = True
    return _private(
        render(
            request,
            "public/request_track_find.html",
            {"code": code[:64], "missing": missing},
            status=404 if missing else 200,
        )
    )


@require_safe
def request_track(request: HttpRequest, code: str) -> HttpResponse:
    found = _found(code)
    notice = RequestNoticeDocument.objects.filter(request=found).first()
    return _private(
        render(
            request,
            "public/request_track.html",
            {
                "req": found,
                "body": found.body,
                "notice": notice if notice and notice.status == DocumentStatus.READY else None,
                "notice_pending": notice is not None and notice.status != DocumentStatus.READY,
                "objection_due_at": objection_due_at(found),
            },
        )
    )


@require_safe
def request_notice_download(request: HttpRequest, code: str) -> HttpResponse:
    found = _found(code)
    document = RequestNoticeDocument.objects.filter(
        request=found, status=DocumentStatus.READY
    ).first()
    if document is None or not document.file:
        raise Http404
    response = file_response(
        document.file,
        as_attachment=False,
        content_type="application/pdf",
        filename=f"pemberitahuan-{found.number}-{found.year}.pdf",
    )
    return _private(response)
