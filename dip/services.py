"""Writes on the register and on editions. Every write checks the actor's role on the server."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import secrets
import tempfile
import warnings
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from dip import connectors, rendering, signing
from dip import uploads as upload_checks
from dip.models import (
    CLASSIFICATION_ORDER,
    EXEMPTION_FIELDS,
    ITEM_FIELDS,
    Aggregator,
    Attachment,
    AttachmentKind,
    Classification,
    Delivery,
    DeliveryStatus,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
    Stage,
)
from dip.permissions import (
    can_amend_in_consideration,
    can_assemble_edition,
    can_change_items,
    can_open_edition,
    can_retry_document,
)
from dip.selectors import item_review_edition
from dip.signals import audit_event
from dip.uploads import IMAGE_EXTENSIONS, CheckedUpload, check_upload
from ppid.exceptions import Conflict
from ppid.models import Body
from ppid.pagecache import invalidate_public_pages

_EMPTY_EXEMPTION = {
    f: (False if f == "exemption_permanent" else None if f == "exemption_until" else "")
    for f in EXEMPTION_FIELDS
}


def _audit(*, actor, body: Body, action: str, target, data: dict[str, Any] | None = None) -> None:
    audit_event.send(
        sender=type(target), actor=actor, body=body, action=action, target=target, data=data or {}
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role in this public body does not allow this action."))


def _check_item_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")


@transaction.atomic
def item_create(*, body: Body, user: AbstractBaseUser, **fields: Any) -> Item:
    _require(can_change_items(user, body))
    _check_item_fields(fields)
    item = Item(body=body, created_by=user, **fields)
    item.full_clean()
    item.save()
    _audit(
        actor=user,
        body=body,
        action="item.create",
        target=item,
        data={"title": item.title, "classification": item.classification},
    )
    return item


@transaction.atomic
def item_update(*, item: Item, user: AbstractBaseUser, **fields: Any) -> Item:
    _require(can_change_items(user, item.body))
    item = Item.objects.select_for_update().select_related("body").get(pk=item.pk)
    _refuse_if_in_review(item)
    _check_item_fields(fields)
    before = {name: getattr(item, name) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    if item.classification != Classification.DIKECUALIKAN and (
        "classification" in fields and before["classification"] == Classification.DIKECUALIKAN
    ):
        # Re-opened information keeps no consequence test of its own.
        for name, value in _EMPTY_EXEMPTION.items():
            setattr(item, name, value)
    item.full_clean()
    item.save()
    changed = {k: str(v) for k, v in fields.items() if before[k] != getattr(item, k)}
    _audit(actor=user, body=item.body, action="item.update", target=item, data=changed)
    return item


@transaction.atomic
def item_delete(*, item: Item, user: AbstractBaseUser) -> None:
    _require(can_change_items(user, item.body))
    item = Item.objects.select_for_update().select_related("body").get(pk=item.pk)
    _refuse_if_in_review(item)
    if item.entries.exists():
        raise ValidationError(
            _(
                "This item is part of an edition. Remove it from the edition first; "
                "signed editions keep their own copy of it."
            )
        )
    _audit(
        actor=user, body=item.body, action="item.delete", target=item, data={"title": item.title}
    )
    files = [
        name for a in item.attachments.all() for name in (a.file.name, a.thumbnail.name) if name
    ]
    storage = Attachment._meta.get_field("file").storage
    item.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in files])


def _refuse_if_in_review(item: Item) -> None:
    edition = item_review_edition(item)
    if edition is not None:
        raise ValidationError(
            _(
                "This item is being reviewed in %(edition)s; it can be changed only after the "
                "edition is returned."
            )
            % {"edition": edition.title}
        )


def attachments_create(
    *,
    item: Item,
    user: AbstractBaseUser,
    uploads: list[UploadedFile],
    kind: str = AttachmentKind.SOFTCOPY,
) -> list[Attachment]:
    """Store several uploads on an item: all of them, or on any bad file none of them.

    Scans of a hard copy that are all images (JPEG/PNG/TIFF) become one PDF, in the order they
    were uploaded, with a thumbnail of its first page.
    """
    _require(can_change_items(user, item.body))
    if not uploads:
        raise ValidationError({"file": [_("Choose at least one file.")]})
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Unknown attachment kind.")]})
    checked, errors = [], []
    for upload in uploads:
        try:
            checked.append((upload, check_upload(upload)))
        except ValidationError as error:
            errors += [f"{upload.name}: {m}" for m in error.messages]
    if errors:
        raise ValidationError({"file": errors})
    pending: list[tuple[File, CheckedUpload, ContentFile | None, dict[str, Any]]]
    if kind == AttachmentKind.SCAN and all(
        info.extension in IMAGE_EXTENSIONS for _u, info in checked
    ):
        pending = [_scans_combine(checked)]
    else:
        pending = [(upload, info, None, {}) for upload, info in checked]
    storage = Attachment._meta.get_field("file").storage
    stored: list[str] = []
    try:
        with transaction.atomic():
            _refuse_if_in_review(item)
            created = []
            for content, info, thumbnail, extra in pending:
                attachment = Attachment(
                    item=item,
                    token=secrets.token_hex(16),
                    extension=info.extension,
                    original_name=info.original_name,
                    content_type=info.content_type,
                    size=info.size,
                    sha256=info.sha256,
                    kind=kind,
                    uploaded_by=user,
                )
                attachment.file.save(f"{attachment.token}{info.extension}", content, save=False)
                stored.append(attachment.file.name)
                if thumbnail is not None:
                    attachment.thumbnail.save("thumbnail.png", thumbnail, save=False)
                    stored.append(attachment.thumbnail.name)
                attachment.full_clean()
                attachment.save()
                _audit(
                    actor=user,
                    body=item.body,
                    action="attachment.create",
                    target=attachment,
                    data={
                        "item": item.pk,
                        "name": attachment.original_name,
                        "sha256": attachment.sha256,
                        **extra,
                    },
                )
                created.append(attachment)
    except Exception:
        # Nothing half-stored: files written before the failure go as well.
        for name in stored:
            storage.delete(name)
        raise
    return created


SCAN_PDF_RESOLUTION = 150
THUMBNAIL_WIDTH = 240
# All pages of one combined scan together, decoded (3 bytes a pixel): ~750 MB at most.
SCAN_MAX_TOTAL_PIXELS = 250_000_000


def _scans_combine(
    checked: list[tuple[UploadedFile, CheckedUpload]],
) -> tuple[ContentFile, CheckedUpload, ContentFile, dict[str, Any]]:
    """Photos or scans of a hard copy → one PDF (pages in upload order) and a PNG thumbnail."""
    pages: list[Image.Image] = []
    try:
        for upload, info in checked:
            pages += _image_pages(upload, info)
            if sum(page.width * page.height for page in pages) > SCAN_MAX_TOTAL_PIXELS:
                raise ValidationError(
                    {
                        "file": [
                            _(
                                "The scanned pages are too large to combine into one PDF; "
                                "upload fewer pages at a time."
                            )
                        ]
                    }
                )
        first, *rest = pages
        pdf = io.BytesIO()
        first.save(pdf, "PDF", save_all=True, append_images=rest, resolution=SCAN_PDF_RESOLUTION)
        thumbnail = io.BytesIO()
        _thumbnail_of(first).save(thumbnail, "PNG", optimize=True)
    finally:
        for page in pages:
            page.close()
    content = pdf.getvalue()
    stem = os.path.splitext(checked[0][1].original_name)[0] or "pindaian"
    info = CheckedUpload(
        original_name=f"{stem}-pindaian.pdf",
        extension=".pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    extra = {"combined_from": [i.original_name for _u, i in checked], "pages": len(pages)}
    return ContentFile(content), info, ContentFile(thumbnail.getvalue()), extra


def _image_pages(upload: UploadedFile, info: CheckedUpload) -> list[Image.Image]:
    """Every frame of one checked image as an upright RGB page (a TIFF may hold several)."""
    pages: list[Image.Image] = []
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                for frame in ImageSequence.Iterator(image):
                    if frame.width * frame.height > upload_checks.MAX_IMAGE_PIXELS:
                        raise ValidationError(
                            _("The image is too large (%(w)d x %(h)d pixels).")
                            % {"w": frame.width, "h": frame.height}
                        )
                    page = frame.convert("RGB")
                    pages.append(page)
                    ImageOps.exif_transpose(page, in_place=True)  # phone photos lie on their side
    except (ValidationError, Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        for page in pages:
            page.close()
        message = (
            e.messages[0]
            if isinstance(e, ValidationError)
            else _("The image is too large to be opened safely.")
        )
        raise ValidationError({"file": [f"{info.original_name}: {message}"]}) from e
    except Exception as e:
        for page in pages:
            page.close()
        message = _("The image could not be read.")
        raise ValidationError({"file": [f"{info.original_name}: {message}"]}) from e
    finally:
        upload.seek(0)
    return pages


def _thumbnail_of(page: Image.Image) -> Image.Image:
    if page.width <= THUMBNAIL_WIDTH:
        return page.copy()
    height = max(1, round(page.height * THUMBNAIL_WIDTH / page.width))
    return page.resize((THUMBNAIL_WIDTH, height), Image.Resampling.LANCZOS)


# --- editions ------------------------------------------------------------------------------


def edition_create(
    *,
    body: Body,
    kind: str,
    year: int,
    title: str,
    route: dict[str, Any],
    user: AbstractBaseUser,
) -> Edition:
    """Create an edition at the first stage of its route. Called by workflow.edition_open."""
    _require(can_open_edition(user, body))
    kind = EditionKind(kind)
    revision = Edition.objects.filter(body=body, kind=kind, year=year).aggregate(m=Max("revision"))[
        "m"
    ]
    edition = Edition(
        body=body,
        kind=kind,
        year=year,
        revision=0 if revision is None else revision + 1,
        title=title.strip() or f"{kind.name} {year}",
        route=route,
        state=route["stages"][0]["stage"],
        created_by=user,
    )
    edition.full_clean()
    edition.save()
    _audit(
        actor=user,
        body=body,
        action="edition.create",
        target=edition,
        data={"title": edition.title, "kind": kind, "year": year},
    )
    if kind == EditionKind.DIP:
        # Information re-opened from the DIK while no DIP was being assembled goes in this one.
        waiting = Item.objects.filter(body=body, reopened_awaiting_dip=True).order_by("pk")
        edition_append_items(edition=edition, items=waiting, user=user)
    return edition


def _classification_error(edition: Edition, item: Item) -> str | None:
    dikecualikan = item.classification == Classification.DIKECUALIKAN
    if edition.kind == EditionKind.DIK and not dikecualikan:
        return _("“%(title)s” is not dikecualikan; a DIK lists only exempted information.") % {
            "title": item.title
        }
    if edition.kind == EditionKind.DIP and dikecualikan:
        return _("“%(title)s” is dikecualikan; it belongs in the DIK, never in the DIP.") % {
            "title": item.title
        }
    return None


def _lock_editable(edition: Edition) -> Edition:
    edition = Edition.objects.select_for_update().select_related("body").get(pk=edition.pk)
    if not edition.is_editable:
        raise ValidationError(
            _("The edition is at stage “%(stage)s”; its items can no longer be changed.")
            % {"stage": edition.get_state_display()}
        )
    return edition


@transaction.atomic
def edition_add_items(
    *, edition: Edition, items: Iterable[Item], user: AbstractBaseUser
) -> Edition:
    """Add items to an editable edition: all of them or, on any error, none."""
    _require(can_assemble_edition(user, edition))
    edition = _lock_editable(edition)
    items = list(items)
    errors = []
    for item in items:
        if item.body_id != edition.body_id:
            errors.append(_("Item %(id)s belongs to another public body.") % {"id": item.pk})
        elif message := _classification_error(edition, item):
            errors.append(message)
    if errors:
        raise ValidationError({"items": errors})
    edition_append_items(edition=edition, items=items, user=user)
    return edition


def edition_append_items(
    *, edition: Edition, items: Iterable[Item], user: AbstractBaseUser | None
) -> list[EditionItem]:
    """Append items not yet in the (locked, editable) edition, after its last row; audited.

    For the callers that have checked the rules already: `edition_add_items`, a new DIP edition
    taking the items re-opened while none was being assembled, and the re-opening itself."""
    items = list(items)
    present = set(edition.entries.values_list("item_id", flat=True))
    position = edition.entries.aggregate(m=Max("position"))["m"] or 0
    new = []
    for item in items:
        if item.pk in present:
            continue
        position += 1
        present.add(item.pk)
        new.append(EditionItem(edition=edition, item=item, position=position, added_by=user))
    EditionItem.objects.bulk_create(new)
    if edition.kind == EditionKind.DIP:
        # A re-opened item waiting for a DIP has found one.
        Item.objects.filter(pk__in=[e.item_id for e in new], reopened_awaiting_dip=True).update(
            reopened_awaiting_dip=False
        )
    if new:
        _audit(
            actor=user,
            body=edition.body,
            action="edition.add_items",
            target=edition,
            data={"items": [e.item_id for e in new]},
        )
    return new


@transaction.atomic
def edition_remove_item(*, edition: Edition, item: Item, user: AbstractBaseUser) -> Edition:
    _require(can_assemble_edition(user, edition))
    edition = _lock_editable(edition)
    deleted, _count = EditionItem.objects.filter(edition=edition, item=item).delete()
    if deleted:
        _audit(
            actor=user,
            body=edition.body,
            action="edition.remove_item",
            target=edition,
            data={"item": item.pk},
        )
    return edition


def edition_entries(edition: Edition) -> list[Item]:
    return [
        e.item
        for e in EditionItem.objects.filter(edition=edition)
        .select_related("item__unit")
        .order_by("position", "pk")
    ]


def edition_check_ready(edition: Edition) -> None:
    """Refuse to hand an edition on while it is empty, mixed, or has incomplete rows."""
    items = edition_entries(edition)
    if not items:
        raise ValidationError({"items": [_("The edition has no items yet.")]})
    problems: dict[str, list[str]] = {}
    for item in items:
        messages = []
        if message := _classification_error(edition, item):
            messages.append(message)
        missing = item.missing_fields()
        if missing:
            labels = ", ".join(
                str(Item._meta.get_field(f).verbose_name)
                if f != "exemption_period"
                else _("exemption period")
                for f in missing
            )
            messages.append(
                _("“%(title)s” is missing: %(fields)s.") % {"title": item.title, "fields": labels}
            )
        if messages:
            problems[str(item.pk)] = messages
    if problems:
        raise ValidationError({"items": [m for ms in problems.values() for m in ms]})


def edition_freeze(*, edition: Edition, user: AbstractBaseUser) -> Edition:
    """Sign: copy every row as it is now. Must run inside the transition's transaction."""
    edition_check_ready(edition)
    items = sorted(
        edition_entries(edition),
        key=lambda i: (CLASSIFICATION_ORDER[Classification(i.classification)],),
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    for a in Attachment.objects.filter(item__in=items).order_by("uploaded_at", "pk"):
        attachments.setdefault(a.item_id, []).append(
            {
                "id": a.pk,
                "name": a.original_name,
                "sha256": a.sha256,
                "size": a.size,
                "content_type": a.content_type,
                "kind": a.kind,
            }
        )
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            EditionRow(
                edition=edition,
                item=item,
                number=number,
                classification=item.classification,
                title=item.title,
                summary=item.summary,
                unit_name=item.unit.name if item.unit else "",
                holding_unit=item.holding_unit,
                responsible=item.responsible,
                produced_at=item.produced_at,
                produced_place=item.produced_place,
                form=item.form,
                retention=item.retention,
                update_period_months=(
                    item.update_period_months
                    if item.classification == Classification.BERKALA
                    else None
                ),
                exemption_ground=item.exemption_ground,
                exemption_law=item.exemption_law,
                consequence_if_opened=item.consequence_if_opened,
                consequence_if_closed=item.consequence_if_closed,
                public_interest=item.public_interest,
                exemption_until=item.exemption_until,
                exemption_event=item.exemption_event,
                exemption_permanent=item.exemption_permanent,
                attachments=attachments.get(item.pk, []),
            )
        )
    EditionRow.objects.bulk_create(rows)
    edition.signed_at = timezone.now()
    edition.signed_by = user
    edition.verification_code = edition.verification_code or _new_verification_code()
    edition.save(update_fields=["signed_at", "signed_by", "verification_code"])
    # The signed PDF is an artefact of its own, pending until the publication task builds it.
    EditionDocument.objects.get_or_create(edition=edition)
    return edition


def _lock_for_consideration(edition: Edition, user: AbstractBaseUser) -> Edition:
    edition = Edition.objects.select_for_update().select_related("body").get(pk=edition.pk)
    _require(can_amend_in_consideration(user, edition))
    return edition


@transaction.atomic
def edition_amend_row(
    *, edition: Edition, item: Item, user: AbstractBaseUser, **fields: Any
) -> Item:
    """The tim pertimbangan changes a row's consequence test while it considers the DIK."""
    edition = _lock_for_consideration(edition, user)
    _check_item_fields(fields)
    item = Item.objects.select_for_update().get(pk=item.pk, entries__edition=edition)
    before = {name: getattr(item, name) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    _audit(
        actor=user,
        body=edition.body,
        action="item.amend_in_consideration",
        target=item,
        data={k: str(v) for k, v in fields.items() if before[k] != v} | {"edition": edition.pk},
    )
    return item


@transaction.atomic
def edition_open_row(
    *, edition: Edition, item: Item, user: AbstractBaseUser, classification: str
) -> Item:
    """The tim opens an exempted row: it becomes public information and leaves the DIK."""
    edition = _lock_for_consideration(edition, user)
    item = Item.objects.select_for_update().get(pk=item.pk, entries__edition=edition)
    item.classification = classification
    for name, value in _EMPTY_EXEMPTION.items():
        setattr(item, name, value)
    item.full_clean()
    item.save()
    EditionItem.objects.filter(edition=edition, item=item).delete()
    _audit(
        actor=user,
        body=edition.body,
        action="item.opened_in_consideration",
        target=item,
        data={"edition": edition.pk, "classification": classification},
    )
    return item


# --- pushes to outside aggregators ------------------------------------------------------------

# Automatic pushes per delivery (the task's retries and the sweep together); past this a delivery
# stays failed, with its last error, until someone sends it again.
DELIVERY_MAX_ATTEMPTS = 10


class TransientDeliveryError(Exception):
    """A push failed in a way a later attempt may not (5xx, 408, 429, network): retry it."""


def deliveries_create(*, edition_id: int) -> list[Delivery]:
    """One delivery per active aggregator of the edition's body; only for a published edition.
    Idempotent: a second call returns the same rows."""
    with transaction.atomic():
        edition = Edition.objects.filter(pk=edition_id, state=Stage.PUBLISHED).first()
        if edition is None:
            return []
        aggregators = Aggregator.objects.filter(body_id=edition.body_id, is_active=True)
        return [
            Delivery.objects.get_or_create(edition=edition, aggregator=aggregator)[0]
            for aggregator in aggregators.order_by("pk")
        ]


def _delivery_pdf(document: EditionDocument | None) -> tuple[bytes | None, str]:
    """The signed PDF's bytes (None without a document), or an error that stops the push."""
    if document is None:
        return None, ""
    try:
        with document.file.open("rb") as handle:
            pdf = handle.read()
    except (OSError, ValueError) as exc:
        return None, f"The signed PDF cannot be read: {exc}"
    if document.sha256 and hashlib.sha256(pdf).hexdigest() != document.sha256:
        return None, "The signed PDF on disk does not match its SHA-256; not sent."
    return pdf, ""


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Push one published edition to one aggregator, once. Run by the system (a task).

    The row stays locked during the push, so two workers never push the same delivery at once,
    and a delivery already sent is left alone. A transient failure is recorded (failed, its
    error) and then raised as TransientDeliveryError for the task to retry, until
    DELIVERY_MAX_ATTEMPTS. The edition waits (pending) while its signed PDF is being rendered.
    """
    retry_error = ""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",))
            .select_related("aggregator", "edition__body")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return delivery
        edition, aggregator = delivery.edition, delivery.aggregator
        if edition.state != Stage.PUBLISHED:
            return delivery
        if not aggregator.is_active:
            delivery.last_error = "The aggregator is switched off; not sent."
            delivery.save(update_fields=["last_error", "updated_at"])
            return delivery
        document = EditionDocument.objects.filter(edition=edition).first()
        if document is not None and document.status != DocumentStatus.READY:
            # Sent once the PDF is ready: the sweep picks it up then.
            delivery.last_error = f"Waiting for the signed PDF ({document.status})."
            delivery.save(update_fields=["last_error", "updated_at"])
            return delivery
        pdf, pdf_error = _delivery_pdf(document)
        delivery.attempts += 1
        if pdf_error:
            result = connectors.PushResult(None, ok=False, error=pdf_error)
        else:
            payload = connectors.edition_payload(
                edition, sha256=document.sha256 if document else None
            )
            result = connectors.connector_for(aggregator).push(edition, payload, pdf)
        delivery.response_status = result.status_code
        if result.ok:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = result.error
            if result.retryable and delivery.attempts < DELIVERY_MAX_ATTEMPTS:
                retry_error = result.error
        delivery.full_clean()
        delivery.save()
        if not retry_error:  # a final outcome: sent, or failed until someone sends it again
            _audit(
                actor=None,
                body=edition.body,
                action=f"edition.delivery_{delivery.status}",
                target=edition,
                data={
                    "aggregator": aggregator.name,
                    "delivery": delivery.pk,
                    "attempts": delivery.attempts,
                    "response_status": delivery.response_status,
                    "error": delivery.last_error,
                },
            )
    if retry_error:
        raise TransientDeliveryError(retry_error)
    return delivery


# --- the signed document ----------------------------------------------------------------------

VERIFICATION_CODE_LENGTH = 10
DOCUMENT_ERROR_MAX = 500


class DocumentNotFailed(Conflict):
    """Only a failed document can be retried (HTTP 409)."""

    def __init__(self, document: EditionDocument | None):
        self.state = document.status if document else ""
        super().__init__(
            _("Only a failed document can be built again; this one is “%(status)s”.")
            % {"status": document.get_status_display() if document else _("not started")}
        )


def _new_verification_code() -> str:
    """10 random base32 characters (50 bits), unused by any other edition."""
    while True:
        code = base64.b32encode(secrets.token_bytes(10)).decode()[:VERIFICATION_CODE_LENGTH]
        if not Edition.objects.filter(verification_code=code).exists():
            return code


def _short_error(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    message = f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
    return message[:DOCUMENT_ERROR_MAX]


def _document_storage_name(edition: Edition, sha256: str) -> str:
    return f"documents/{edition.body.slug}/{edition.pk}-{sha256[:12]}.pdf"


def _document_start(edition_id: int) -> tuple[Edition, EditionDocument, bool]:
    """Lock the document row: (edition, document, True) when it is ready already."""
    with transaction.atomic():
        edition = Edition.objects.select_related("body", "signed_by").get(pk=edition_id)
        if not edition.is_signed:
            raise ValidationError(_("The edition is not signed; it has no document yet."))
        document, _created = EditionDocument.objects.select_for_update().get_or_create(
            edition=edition
        )
        if document.status == DocumentStatus.READY and document.file:
            return edition, document, True
        document.status = DocumentStatus.RENDERING
        document.attempts += 1
        document.save(update_fields=["status", "attempts", "updated_at"])
    return edition, document, False


def _document_failed(document: EditionDocument, error: BaseException) -> None:
    with transaction.atomic():
        document = EditionDocument.objects.select_for_update().get(pk=document.pk)
        if document.status == DocumentStatus.READY:
            return  # another delivery of the task finished it meanwhile
        document.status = DocumentStatus.FAILED
        document.last_error = _short_error(error)
        document.save(update_fields=["status", "last_error", "updated_at"])
        _audit(
            actor=None,
            body=document.edition.body,
            action="edition.document_failed",
            target=document.edition,
            data={"attempts": document.attempts, "error": document.last_error},
        )


def _document_store(
    document: EditionDocument, edition: Edition, signed: File, *, sha256: str, size: int, **fields
) -> EditionDocument:
    """Move the built file into place and mark the document ready, unless another delivery of
    the task did so first (then this build is dropped: one file, one ready document)."""
    storage = EditionDocument._meta.get_field("file").storage
    with transaction.atomic():
        document = EditionDocument.objects.select_for_update().get(pk=document.pk)
        if document.status == DocumentStatus.READY and document.file:
            return document
        saved = storage.save(_document_storage_name(edition, sha256), signed)
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
            _audit(
                actor=None,
                body=edition.body,
                action="edition.document_ready",
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
        signer = signing.signer_for(edition.body)
        signed, subject = signer.sign(
            pdf,
            reason=rendering.document_title(edition),
            location=rendering.body_place(edition.body),
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
    except Exception as error:
        _document_failed(document, error)
        raise


@transaction.atomic
def edition_document_retry(*, edition: Edition, user: AbstractBaseUser) -> EditionDocument:
    """Put a failed document back in the queue (pending). The caller queues the publication
    task once this commits. Only the PPID or the atasan of the body may ask."""
    _require(can_retry_document(user, edition))
    document = EditionDocument.objects.select_for_update().filter(edition=edition).first()
    if document is None or document.status != DocumentStatus.FAILED:
        raise DocumentNotFailed(document)
    document.status = DocumentStatus.PENDING
    document.save(update_fields=["status", "updated_at"])
    _audit(
        actor=user,
        body=edition.body,
        action="edition.document_retry",
        target=edition,
        data={"attempts": document.attempts, "last_error": document.last_error},
    )
    return document
