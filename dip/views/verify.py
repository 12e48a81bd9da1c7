"""Verification of signed documents: `/verifikasi/` checks an uploaded PDF (or sends a typed
code on), `/verifikasi/<code>/` is the target of the QR code printed on every signed document.
Also the public pages' language switch."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_POST, require_safe
from django.views.i18n import set_language

from dip.forms import VerifyForm
from dip.models import Edition
from dip.selectors import published_edition_by_code
from dip.verification import Verdict, other_document_by_code, verify_pdf
from dip.views.conditional import (
    edition_token,
    etag,
    last_modified,
    memo,
    public_response,
    ready_document,
)

# A request body this much over the upload limit is refused before it is read.
UPLOAD_SLACK = 64 * 1024
MAX_CODE_LENGTH = 40


# --- verification ---------------------------------------------------------------------------


def _upload_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > settings.PPID_UPLOAD_MAX_BYTES + UPLOAD_SLACK


# Read-only: a POST here checks a file and stores nothing, so it needs no CSRF token (and the
# form page then sets no cookie). Without the token check, an oversized body is refused before
# Django parses it.
@csrf_exempt
def verify(request: HttpRequest) -> HttpResponse:
    verdict: Verdict | None = None
    refused = ""
    status = 200
    if request.method == "POST":
        if _upload_too_large(request):
            form = VerifyForm()
            refused = _("The file is %(size)s; the limit is %(limit)s.") % {
                "size": filesizeformat(int(request.META["CONTENT_LENGTH"])),
                "limit": filesizeformat(settings.PPID_UPLOAD_MAX_BYTES),
            }
            status = 413
        else:
            form = VerifyForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data.get("file")
                if upload is not None:
                    verdict = verify_pdf(b"".join(upload.chunks()))
                else:
                    return redirect("dip:verify_code", code=form.cleaned_data["code"])
            else:
                status = 400
    elif request.method in ("GET", "HEAD"):
        code = "".join(request.GET.get("kode", "").split())
        if code:
            return redirect("dip:verify_code", code=code[:MAX_CODE_LENGTH])
        form = VerifyForm()
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, HEAD, POST"})
    response = render(
        request,
        "public/verify.html",
        {"form": form, "verdict": verdict, "refused": refused},
        status=status,
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _code_lookup(request: HttpRequest, code: str) -> Edition | None:
    if len(code) > MAX_CODE_LENGTH:
        return None
    return memo(request, ("code", code), lambda: published_edition_by_code(code))


def _code_etag(request: HttpRequest, code: str) -> str | None:
    edition = _code_lookup(request, code)
    return etag("code", get_language(), code, edition_token(edition)) if edition else None


def _code_modified(request: HttpRequest, code: str) -> datetime | None:
    edition = _code_lookup(request, code)
    return last_modified(edition) if edition else None


@require_safe
@public_response()
@condition(etag_func=_code_etag, last_modified_func=_code_modified)
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code's target: the published edition this code was printed on, or another signed
    document of this system (a letter registered by another app, `dip.verification`)."""
    edition = _code_lookup(request, code)
    other = None if edition or len(code) > MAX_CODE_LENGTH else other_document_by_code(code)
    context = {
        "code": code,
        "edition": edition,
        "other": other,
        "body": edition.body if edition else None,
        "document": ready_document(edition) if edition else None,
    }
    found = edition is not None or other is not None
    return render(request, "public/verify_code.html", context, status=200 if found else 404)


# --- language -------------------------------------------------------------------------------


@csrf_exempt
@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """The language switch of the public pages. Without a CSRF token, so that those pages set
    no cookie and stay cacheable; switching the language of a visitor's pages harms nobody."""
    return set_language(request)
