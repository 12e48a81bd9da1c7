"""The signed document of an edition: rendered, signed and stored once, retried on request."""

from __future__ import annotations

import base64
import hashlib
import secrets
import tempfile

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip import rendering, signing
from dip.models import (
    ConsiderationRecord,
    DocumentStatus,
    Edition,
    EditionDocument,
    RecordDocument,
    SignedArtefact,
)
from dip.permissions import (
    can_retry_document,
)
from dip.services.common import (
    audit,
    require,
)
from ppid.exceptions import Conflict
from ppid.pagecache import invalidate_public_pages

VERIFICATION_CODE_LENGTH = 10
DOCUMENT_ERROR_MAX = 500


class DocumentNotFailed(Conflict):
    """Only a failed document can be retried (HTTP 409)."""

    def __init__(self, document: SignedArtefact | None):
        self.state = document.status if document else ""
        super().__init__(
            _("Only a failed document can be built again; this one is “%(status)s”.")
            % {"status": document.get_status_display() if document else _("not started")}
        )


def new_verification_code() -> str:
    """10 random base32 characters (50 bits), unused by any other edition."""
    while True:
        code = base64.b32encode(secrets.token_bytes(10)).decode()[:VERIFICATION_CODE_LENGTH]
        if not Edition.objects.filter(verification_code=code).exists():
            return code


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    return message[:DOCUMENT_ERROR_MAX]


# Each signed artefact of an edition: its audit name and the stem of its stored file.
ARTEFACTS: dict[type[SignedArtefact], tuple[str, str]] = {
    EditionDocument: ("edition.document", ""),
    RecordDocument: ("edition.record_document", "berita-acara-"),
}


def _document_storage_name(
    edition: Edition, sha256: str, model: type[SignedArtefact] = EditionDocument
) -> str:
    stem = ARTEFACTS[model][1]
    return f"documents/{edition.body.slug}/{stem}{edition.pk}-{sha256[:12]}.pdf"


def _document_start(
    edition_id: int, model: type[SignedArtefact] = EditionDocument
) -> tuple[Edition, SignedArtefact, bool]:
    """Lock the document row: (edition, document, True) when it is ready already."""
    with transaction.atomic():
        edition = Edition.objects.select_related("body", "signed_by").get(pk=edition_id)
        if not edition.is_signed:
            raise ValidationError(_("The edition is not signed; it has no document yet."))
        document, _created = model.objects.select_for_update(no_key=True).get_or_create(
            edition=edition
        )
        if document.status == DocumentStatus.READY and document.file:
            return edition, document, True
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts", "updated_at"])
    return edition, document, False


def _document_failed(document: SignedArtefact, error: BaseException) -> None:
    model = type(document)
    with transaction.atomic():
        document = model.objects.select_for_update(no_key=True).get(pk=document.pk)
        if document.status == DocumentStatus.READY:
            return  # another delivery of the task finished it meanwhile
        document.status = DocumentStatus.FAILED
        document.last_error = _short_error(error)
        document.save(update_fields=["status", "last_error", "updated_at"])
        audit(
            actor=None,
            body=document.edition.body,
            action=f"{ARTEFACTS[model][0]}_failed",
            target=document.edition,
            data={"attempts": document.attempts, "error": document.last_error},
        )


def _document_store(
    document: SignedArtefact, edition: Edition, signed: File, *, sha256: str, size: int, **fields
) -> SignedArtefact:
    """Move the built file into place and mark the document ready, unless another delivery of
    the task did so first (then this build is dropped: one file, one ready document)."""
    model = type(document)
    storage = model._meta.get_field("file").storage
    with transaction.atomic():
        document = model.objects.select_for_update(no_key=True).get(pk=document.pk)
        if document.status == DocumentStatus.READY and document.file:
            return document
        saved = storage.save(_document_storage_name(edition, sha256, model), signed)
        try:
            stale = document.file.name if document.file and document.file.name != saved else ""
            document.file.name = saved
            document.sha256 = sha256
            document.size = size
            for name, value in fields.items():
                setattr(document, name, value)
            document.status = DocumentStatus.READY
            document.last_error = ""
            document.rendered_at = timezone.now()
            document.full_clean()
            document.save()
            audit(
                actor=None,
                body=edition.body,
                action=f"{ARTEFACTS[model][0]}_ready",
                target=edition,
                data={"sha256": sha256, "size": size, "attempts": document.attempts},
            )
            # Public pages that said "the PDF is being prepared" must show the download now.
            transaction.on_commit(invalidate_public_pages, robust=True)
        except BaseException:
            storage.delete(saved)
            raise
        if stale:
            transaction.on_commit(lambda: storage.delete(stale), robust=True)
    return document


def _sign_and_store(document, edition: Edition, pdf: bytes, *, reason: str):
    """Sign `pdf` with the body's key, then store it through a temporary file as the ready
    artefact `document` (the edition's document or its berita acara)."""
    signed, subject = signing.signer_for(edition.body).sign(
        pdf, reason=reason, location=rendering.body_place(edition.body)
    )
    with tempfile.NamedTemporaryFile(suffix=".pdf") as temp:
        temp.write(signed)
        temp.flush()
        temp.seek(0)
        return _document_store(
            document,
            edition,
            File(temp),
            sha256=hashlib.sha256(signed).hexdigest(),
            size=len(signed),
            pages=rendering.pdf_page_count(signed),
            signer_subject=subject[:500],
        )


def edition_document_build(*, edition_id: int) -> EditionDocument:
    """Render, sign and store the signed edition's PDF. Run by the system (the publication
    task); idempotent: a ready document is returned as it is.

    The document row is marked rendering (attempts + 1) and committed, so officers see the
    progress; the PDF is rendered and signed into a temporary file outside any transaction,
    then moved into storage as documents/<body-slug>/<edition-id>-<sha256[:12]>.pdf and the row
    marked ready. On any error the row is marked failed with a short last_error and the error
    is raised again for the task to retry.
    """
    edition, document, ready = _document_start(edition_id)
    if ready:
        return document
    try:
        pdf = rendering.render_edition_pdf(edition)
        return _sign_and_store(document, edition, pdf, reason=rendering.document_title(edition))
    except Exception as error:
        _document_failed(document, error)
        raise


def record_document_build(*, edition_id: int) -> RecordDocument | None:
    """Render, sign and store the berita acara uji konsekuensi of a signed edition whose tim
    wrote one (None when it has none: a DIP, or a route without consideration). Run by the
    system after the edition's own document, with the same key; idempotent like it."""
    record = ConsiderationRecord.objects.filter(edition_id=edition_id).first()
    if record is None:
        return None
    edition, document, ready = _document_start(edition_id, RecordDocument)
    if ready:
        return document
    try:
        pdf = rendering.render_record_pdf(edition, record)
        return _sign_and_store(document, edition, pdf, reason=rendering.record_title(edition))
    except Exception as error:
        _document_failed(document, error)
        raise


@transaction.atomic
def edition_document_retry(
    *,
    edition: Edition,
    user: AbstractBaseUser,
    artefact: type[SignedArtefact] = EditionDocument,
) -> SignedArtefact:
    """Put a failed signed artefact (the edition's document, or with `artefact=RecordDocument`
    its berita acara) back in the queue (pending). The caller queues the publication task once
    this commits; it builds whatever is not ready. Only the PPID, the atasan or the PPID Utama
    of the body may ask."""
    require(can_retry_document(user, edition))
    document = artefact.objects.select_for_update(no_key=True).filter(edition=edition).first()
    if document is None or document.status != DocumentStatus.FAILED:
        raise DocumentNotFailed(document)
    document.status = DocumentStatus.PENDING
    document.save(update_fields=["status", "updated_at"])
    audit(
        actor=user,
        body=edition.body,
        action=f"{ARTEFACTS[artefact][0]}_retry",
        target=edition,
        data={"attempts": document.attempts, "last_error": document.last_error},
    )
    return document
