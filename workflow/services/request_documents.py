"""The written notice (pemberitahuan tertulis) of a decided request as a signed PDF: rendered
with the documents' renderer (`dip.rendering.html_to_pdf`), signed with the body's key
(`dip.signing`), stored once through a temporary file, and verifiable on /verifikasi/ by its
bytes (`notice_for_verification`, registered with `dip.verification` at start-up). Built by a
task after the decision commits; idempotent (a ready notice is returned as it is); a failure
marks the artefact failed with its error, and the task retries."""

from __future__ import annotations

import hashlib
import tempfile

from django.core.files.base import File
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from dip import rendering, signing
from dip.models import DocumentStatus, ExemptionGround
from dip.verification import OtherDocument
from ppid.calendar import body_time
from workflow.models import (
    AuditEntry,
    InformationRequest,
    RequestNoticeDocument,
    RequestStatus,
)

NOTICE_KIND = "pemberitahuan tertulis"
ERROR_MAX = 500
# What the notice says of each decision (UU 14/2008 Pasal 22(7), Perki 1/2021).
DECISION_TEXT = {
    RequestStatus.GRANTED: "Informasi yang Saudara mohon DITERIMA dan diberikan seluruhnya.",
    RequestStatus.PARTLY_GRANTED: "Informasi yang Saudara mohon DITERIMA SEBAGIAN.",
    RequestStatus.REFUSED: (
        "Informasi yang Saudara mohon DITOLAK karena termasuk informasi yang dikecualikan."
    ),
    RequestStatus.NOT_HELD: "Informasi yang Saudara mohon TIDAK DIKUASAI oleh badan publik ini.",
    RequestStatus.NOT_DOCUMENTED: "Informasi yang Saudara mohon BELUM DIDOKUMENTASIKAN.",
}
OBTAIN_TEXT = {"view": "melihat/membaca", "copy": "mendapatkan salinan"}
DELIVERY_TEXT = {"pickup": "diambil langsung", "email": "surat elektronik", "post": "pos/kurir"}


def notice_title(request: InformationRequest) -> str:
    return f"Pemberitahuan Tertulis atas Permohonan Informasi Nomor {request.register_number}"


def notice_context(request: InformationRequest) -> dict:
    body = request.body
    decided = body_time(request.decided_at, body)
    signer = request.decided_by
    return {
        "title": notice_title(request),
        "request": request,
        "body": body,
        "logo": rendering.logo_data_uri(body),
        "place": rendering.body_place(body),
        "decided_on": rendering.tanggal(decided),
        "received_on": rendering.tanggal(body_time(request.received_at, body)),
        "decision_text": DECISION_TEXT[RequestStatus(request.status)],
        "granted": request.status in (RequestStatus.GRANTED, RequestStatus.PARTLY_GRANTED),
        "obtain": OBTAIN_TEXT.get(request.obtain, request.obtain),
        "form": rendering.FORMS.get(request.form, request.form),
        "delivery": DELIVERY_TEXT.get(request.delivery, request.delivery),
        "ground": ExemptionGround(request.refusal_ground).label if request.refusal_ground else "",
        "signer_name": (signer.get_full_name() or signer.get_username()) if signer else "",
        "created_iso": decided.isoformat(),
    }


def render_notice_pdf(request: InformationRequest) -> bytes:
    with translation.override("id"):
        html = render_to_string("workflow/request_notice_document.html", notice_context(request))
    return rendering.html_to_pdf(
        html, identifier=f"ppid-request-{request.pk}-{request.tracking_code}"
    )


def _start(request_id: int) -> tuple[InformationRequest, RequestNoticeDocument, bool]:
    with transaction.atomic():
        request = InformationRequest.objects.select_related("body", "decided_by").get(pk=request_id)
        document, _created = RequestNoticeDocument.objects.select_for_update(
            no_key=True
        ).get_or_create(request=request)
        if document.status == DocumentStatus.READY and document.file:
            return request, document, True
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts", "updated_at"])
    return request, document, False


def _failed(document: RequestNoticeDocument, error: BaseException) -> None:
    with transaction.atomic():
        document = RequestNoticeDocument.objects.select_for_update(no_key=True).get(pk=document.pk)
        if document.status == DocumentStatus.READY:
            return
        text = str(error).strip().splitlines()
        document.status = DocumentStatus.FAILED
        document.last_error = (
            f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
        )[:ERROR_MAX]
        document.save(update_fields=["status", "last_error", "updated_at"])
        AuditEntry.objects.create(
            at=timezone.now(),
            body=document.request.body,
            action="request.notice_failed",
            target_type="workflow.informationrequest",
            target_id=str(document.request_id),
            data={"attempts": document.attempts, "error": document.last_error},
        )


def request_notice_build(*, request_id: int) -> RequestNoticeDocument | None:
    """Render, sign and store the written notice of a decided request (None when undecided).
    Safe to run twice: a ready notice is returned as it is."""
    if not InformationRequest.objects.filter(pk=request_id, decided_at__isnull=False).exists():
        return None
    request, document, ready = _start(request_id)
    if ready:
        return document
    try:
        pdf = render_notice_pdf(request)
        signed, subject = signing.signer_for(request.body).sign(
            pdf, reason=notice_title(request), location=rendering.body_place(request.body)
        )
        sha256 = hashlib.sha256(signed).hexdigest()
        storage = RequestNoticeDocument._meta.get_field("file").storage
        name = f"documents/{request.body.slug}/pemberitahuan-{request.pk}-{sha256[:12]}.pdf"
        with tempfile.NamedTemporaryFile(suffix=".pdf") as temp:
            temp.write(signed)
            temp.flush()
            temp.seek(0)
            with transaction.atomic():
                document = RequestNoticeDocument.objects.select_for_update(no_key=True).get(
                    pk=document.pk
                )
                if document.status == DocumentStatus.READY and document.file:
                    return document
                saved = storage.save(name, File(temp))
                try:
                    document.file.name = saved
                    document.sha256 = sha256
                    document.size = len(signed)
                    document.pages = rendering.pdf_page_count(signed)
                    document.signer_subject = subject[:500]
                    document.status = DocumentStatus.READY
                    document.last_error = ""
                    document.rendered_at = timezone.now()
                    document.full_clean()
                    document.save()
                    AuditEntry.objects.create(
                        at=document.rendered_at,
                        body=request.body,
                        action="request.notice_ready",
                        target_type="workflow.informationrequest",
                        target_id=str(request.pk),
                        data={"sha256": sha256, "size": len(signed)},
                    )
                except BaseException:
                    storage.delete(saved)
                    raise
        return document
    except Exception as error:
        _failed(document, error)
        raise


def notice_for_verification(sha256: str) -> OtherDocument | None:
    """The ready written notice with exactly these bytes, described without personal data."""
    document = (
        RequestNoticeDocument.objects.filter(sha256=sha256, status=DocumentStatus.READY)
        .select_related("request__body")
        .first()
    )
    if document is None:
        return None
    request = document.request
    return OtherDocument(
        kind=NOTICE_KIND,
        title=notice_title(request),
        body_name=request.body.name,
        signed_at=document.rendered_at,
        sha256=document.sha256,
        size=document.size or 0,
    )
