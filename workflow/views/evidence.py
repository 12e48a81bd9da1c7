"""The monev KIP evidence pack of a body: its status and progress per year (refreshing by
itself while it is built), the button that builds it (again), and its download."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from dip.models import DocumentStatus
from ppid.calendar import body_today
from ppid.downloads import file_response
from ppid.models import Body
from workflow.models import EvidencePack
from workflow.permissions import can_build_evidence_pack
from workflow.services.evidence import PackBeingBuilt, evidence_pack_request
from workflow.tasks import build_evidence_pack
from workflow.views.common import get_body

logger = logging.getLogger(__name__)
YEARS_SHOWN = 3


def _allowed_body(request: HttpRequest, slug: str) -> Body:
    body = get_body(request, slug)
    if not can_build_evidence_pack(request.user, body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    return body


def _queue(pack_id: int) -> None:
    try:
        build_evidence_pack.delay(pack_id)
    except Exception:  # the broker is down: the pack stays pending, the button asks again
        logger.exception("could not queue evidence pack %s", pack_id)


@login_required
@require_safe
def evidence_packs(request: HttpRequest, slug: str) -> HttpResponse:
    body = _allowed_body(request, slug)
    this_year = body_today(body).year  # the year the body's officers are in
    years = list(range(this_year, this_year - YEARS_SHOWN, -1))
    packs = {p.year: p for p in EvidencePack.objects.filter(body=body, year__in=years)}
    rows = [{"year": year, "pack": packs.get(year)} for year in years]
    busy = any(
        r["pack"] and r["pack"].status in (DocumentStatus.PENDING, DocumentStatus.RENDERING)
        for r in rows
    )
    context = {"body": body, "rows": rows, "busy": busy}
    if request.headers.get("HX-Request") == "true":
        return render(request, "workflow/_evidence_packs.html", context)
    return render(request, "workflow/evidence_packs.html", context)


@login_required
@require_POST
def evidence_pack_build(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    body = _allowed_body(request, slug)
    try:
        with transaction.atomic():
            pack = evidence_pack_request(body=body, year=year, user=request.user)
            transaction.on_commit(lambda: _queue(pack.pk))
    except PackBeingBuilt as conflict:
        messages.warning(request, str(conflict))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The evidence pack of %(year)s is being built; this page shows its progress.")
            % {"year": year},
        )
    return redirect("workflow:evidence_packs", slug=body.slug)


@login_required
@require_safe
def evidence_pack_download(request: HttpRequest, slug: str, year: int) -> HttpResponseBase:
    body = _allowed_body(request, slug)
    pack = EvidencePack.objects.filter(body=body, year=year, status=DocumentStatus.READY).first()
    if pack is None or not pack.file:
        raise Http404
    response = file_response(
        pack.file,
        as_attachment=True,
        content_type="application/zip",
        filename=f"monev-kip-{body.slug}-{year}.zip",
    )
    response["Cache-Control"] = "private, no-store"
    return response
