"""Attachments of an item: checked uploads, stored all or none; scans combined into one PDF."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import warnings
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, ImageSequence

from dip import uploads as upload_checks
from dip.models import (
    Attachment,
    AttachmentKind,
    Classification,
    Item,
)
from dip.permissions import (
    can_change_items,
)
from dip.services.common import (
    audit,
    refuse_if_in_review,
    require,
)
from dip.uploads import IMAGE_EXTENSIONS, CheckedUpload, check_upload


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
    require(can_change_items(user, item.body))
    if not uploads:
        raise ValidationError({"file": [_("Choose at least one file.")]})
    if kind not in AttachmentKind.values:
        raise ValidationError({"kind": [_("Unknown attachment kind.")]})
    if kind == AttachmentKind.REDACTED:
        _check_redacted_copy(item)
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
            refuse_if_in_review(item)
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
                audit(
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


def _check_redacted_copy(item: Item) -> None:
    """A redacted public copy belongs to dikecualikan information of which only a named part
    is exempted: the public downloads it; the original stays private."""
    if item.classification != Classification.DIKECUALIKAN:
        raise ValidationError(
            {"kind": [_("A redacted public copy is only for information that is dikecualikan.")]}
        )
    if not item.exempted_part.strip():
        raise ValidationError(
            {
                "kind": [
                    _(
                        "Name the exempted part of the document first; a redacted public copy "
                        "is for a document of which only a part is exempted."
                    )
                ]
            }
        )


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
