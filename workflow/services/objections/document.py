"""The signed answer (tanggapan atasan): rendered, signed with the body's key and stored as an
artefact with a status, verifiable on /verifikasi/ like the DIP; a failed one built again."""

from __future__ import annotations

import hashlib
import tempfile

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dip import rendering, signing
from dip.models import DocumentStatus
from dip.serializers import public_url
from ppid.calendar import body_time
from ppid.exceptions import Conflict
from ppid.models import Body, Officer, Role
from ppid.pagecache import invalidate_public_pages
from ppid.permissions import has_any_role
from workflow.models import (
    Objection,
    ObjectionAnswerDocument,
    ObjectionGround,
    ObjectionStatus,
)
from workflow.services.objections.common import audit
from workflow.services.objections.mail import mail_requester_on_commit
from workflow.signals import objection_answered

ANSWER_ERROR_MAX = 500


def answer_title(objection: Objection) -> str:
    return f"Tanggapan Atasan PPID atas Keberatan Nomor {objection.register_number}"


def answer_context(objection: Objection) -> dict:
    body = objection.body
    request = objection.request
    signed_at = objection.answered_at
    local = body_time(signed_at, body)
    officer = Officer.objects.filter(user=objection.answered_by).first()
    url = public_url(reverse("dip:verify_code", args=[objection.verification_code]))
    decision = (
        "Menerima keberatan Saudara. PPID {body} wajib menindaklanjuti permohonan informasi "
        "Saudara sesuai dengan keberatan ini."
        if objection.status == ObjectionStatus.UPHELD
        else "Menolak keberatan Saudara dan menguatkan jawaban PPID {body}."
    ).format(body=body.name)
    dispute = body_time(objection.dispute_due_at, body)
    return {
        "title": answer_title(objection),
        "body": body,
        "logo": rendering.logo_data_uri(body),
        "objection_number": objection.register_number,
        "requester_name": request.name,
        "filed_on": rendering.tanggal(body_time(objection.filed_at, body)),
        "request_number": request.register_number,
        "information": request.information,
        "ground_text": GROUND_WORDING[objection.ground],
        "reason": objection.reason,
        "decision_text": decision,
        "note": objection.answer_note,
        "commission_due": rendering.tanggal(dispute),
        "place": rendering.body_place(body),
        "signed_on": rendering.tanggal(local),
        "signatory": rendering.Signatory(
            name=objection.answered_by.get_full_name() or objection.answered_by.get_username(),
            position=officer.position if officer else "",
            nip=officer.nip if officer else "",
        ),
        "qr": rendering.qr_data_uri(url),
        "verification_url": url,
        "code": objection.verification_code,
        "created_iso": local.replace(microsecond=0).isoformat(),
    }


# Pasal 35(1) a-g in the words of the law, as the written answer cites them.
GROUND_WORDING = {
    ObjectionGround.A: "Pasal 35 ayat (1) huruf a: penolakan atas permintaan informasi "
    "berdasarkan alasan pengecualian sebagaimana dimaksud dalam Pasal 17",
    ObjectionGround.B: "Pasal 35 ayat (1) huruf b: tidak disediakannya informasi berkala "
    "sebagaimana dimaksud dalam Pasal 9",
    ObjectionGround.C: "Pasal 35 ayat (1) huruf c: tidak ditanggapinya permintaan informasi",
    ObjectionGround.D: "Pasal 35 ayat (1) huruf d: permintaan informasi ditanggapi tidak "
    "sebagaimana yang diminta",
    ObjectionGround.E: "Pasal 35 ayat (1) huruf e: tidak dipenuhinya permintaan informasi",
    ObjectionGround.F: "Pasal 35 ayat (1) huruf f: pengenaan biaya yang tidak wajar",
    ObjectionGround.G: "Pasal 35 ayat (1) huruf g: penyampaian informasi yang melebihi waktu "
    "yang diatur dalam Undang-Undang",
}


def _storage_name(objection: Objection, sha256: str) -> str:
    return f"documents/{objection.body.slug}/keberatan-{objection.pk}-{sha256[:12]}.pdf"


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    return message[:ANSWER_ERROR_MAX]


def objection_answer_document_build(*, objection_id: int) -> ObjectionAnswerDocument | None:
    """Render, sign (the body's key, as the DIP) and store the atasan's answer. Run by the
    system after the answer commits; idempotent: a ready document is returned as it is. On an
    error the row is marked failed with its error, and the error raised for the task to retry."""
    with transaction.atomic():
        objection = (
            Objection.objects.select_related("body", "request", "answered_by")
            .filter(pk=objection_id)
            .first()
        )
        if objection is None or objection.status == ObjectionStatus.FILED:
            return None
        document, _created = ObjectionAnswerDocument.objects.select_for_update(
            no_key=True
        ).get_or_create(objection=objection)
        if document.status == DocumentStatus.READY and document.file:
            return document
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts", "updated_at"])
    try:
        with translation.override("id"):
            html = render_to_string(
                "workflow/objection_answer_document.html", answer_context(objection)
            )
        pdf = rendering.html_to_pdf(
            html, identifier=f"ppid-objection-{objection.pk}-{objection.verification_code}"
        )
        signed, subject = signing.signer_for(objection.body).sign(
            pdf, reason=answer_title(objection), location=rendering.body_place(objection.body)
        )
        return _store(document, objection, signed, subject)
    except Exception as error:
        with transaction.atomic():
            failed = ObjectionAnswerDocument.objects.select_for_update(no_key=True).get(
                pk=document.pk
            )
            if failed.status != DocumentStatus.READY:
                failed.status = DocumentStatus.FAILED
                failed.last_error = _short_error(error)
                failed.save(update_fields=["status", "last_error", "updated_at"])
                audit(
                    objection,
                    action="objection.answer_document_failed",
                    error=failed.last_error,
                    attempts=failed.attempts,
                )
        raise


def _store(
    document: ObjectionAnswerDocument, objection: Objection, signed: bytes, subject: str
) -> ObjectionAnswerDocument:
    sha256 = hashlib.sha256(signed).hexdigest()
    storage = ObjectionAnswerDocument._meta.get_field("file").storage
    with tempfile.NamedTemporaryFile(suffix=".pdf") as temp:
        temp.write(signed)
        temp.flush()
        temp.seek(0)
        with transaction.atomic():
            document = ObjectionAnswerDocument.objects.select_for_update(no_key=True).get(
                pk=document.pk
            )
            if document.status == DocumentStatus.READY and document.file:
                return document
            saved = storage.save(_storage_name(objection, sha256), File(temp))
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
                audit(
                    objection,
                    action="objection.answer_document_ready",
                    sha256=sha256,
                    size=len(signed),
                )
                transaction.on_commit(invalidate_public_pages, robust=True)
            except BaseException:
                storage.delete(saved)
                raise
    mail_requester_on_commit(objection, "answered")
    return document


class AnswerDocumentNotFailed(Conflict):
    """Only a failed signed answer is built again (HTTP 409)."""

    def __init__(self, document: ObjectionAnswerDocument | None):
        self.state = document.status if document else ""
        super().__init__(_("Only a failed signed answer can be built again."))


def may_retry_answer_document(user: AbstractBaseUser, body: Body) -> bool:
    return has_any_role(user, body, [Role.ATASAN, Role.PPID])


def objection_answer_document_retry(
    *, objection: Objection, user: AbstractBaseUser
) -> ObjectionAnswerDocument:
    """Put a failed signed answer back in the queue (the atasan or the PPID of the body, after
    fixing what its error says); it is built again after commit."""
    if not may_retry_answer_document(user, objection.body):
        raise PermissionDenied(_("Only the atasan or the PPID of the public body may do this."))
    with transaction.atomic():
        document = (
            ObjectionAnswerDocument.objects.select_for_update(no_key=True)
            .filter(objection=objection)
            .first()
        )
        if document is None or document.status != DocumentStatus.FAILED:
            raise AnswerDocumentNotFailed(document)
        document.status = DocumentStatus.PENDING
        document.save(update_fields=["status", "updated_at"])
        audit(
            objection,
            action="objection.answer_document_retry",
            user=user,
            attempts=document.attempts,
            last_error=document.last_error,
        )
        objection_id = objection.pk
        transaction.on_commit(
            lambda: objection_answered.send(sender=Objection, objection_id=objection_id),
            robust=True,
        )
    return document
