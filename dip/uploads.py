"""Checks on an uploaded attachment: size, type allow-list, and that the bytes match the name.

A file is accepted only when its extension is on the allow-list and its content is really of
that type (magic bytes, the parts of an office zip, an image Pillow can read within the pixel
limit). HTML, SVG and scripts are refused whatever they are called.
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from ppid.downloads import safe_filename

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP = b"PK\x03\x04"
MAX_IMAGE_PIXELS = 80_000_000  # an A4 page at 600 dpi is ~35 Mpx

# extension -> (content type, family)
ALLOWED: dict[str, tuple[str, str]] = {
    ".pdf": ("application/pdf", "pdf"),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word/"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xl/"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ppt/"),
    ".odt": ("application/vnd.oasis.opendocument.text", "odf"),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    ".odp": ("application/vnd.oasis.opendocument.presentation", "odf"),
    ".jpg": ("image/jpeg", "JPEG"),
    ".jpeg": ("image/jpeg", "JPEG"),
    ".png": ("image/png", "PNG"),
    ".tif": ("image/tiff", "TIFF"),
    ".tiff": ("image/tiff", "TIFF"),
}
IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".tif", ".tiff"})


@dataclass(frozen=True)
class CheckedUpload:
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    name = safe_filename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED:
        raise ValidationError(
            _(
                "File type %(ext)s is not allowed. Allowed: PDF, office documents, "
                "JPEG/PNG/TIFF images."
            )
            % {"ext": extension or "?"},
            code="type",
        )
    limit = settings.PPID_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            code="size",
        )
    content_type, family = ALLOWED[extension]
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not _content_matches(upload, head, family):
        raise ValidationError(
            _("The content of the file does not match its extension %(ext)s.") % {"ext": extension},
            code="content",
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(name, extension, content_type, upload.size, digest.hexdigest())


def _content_matches(upload: UploadedFile, head: bytes, family: str) -> bool:
    if family == "pdf":
        return head.startswith(b"%PDF-")
    if family == "ole":
        return head.startswith(OLE)
    if family in {"word/", "xl/", "ppt/", "odf"}:
        if not head.startswith(ZIP):
            return False
        try:
            with zipfile.ZipFile(upload) as archive:
                names = archive.namelist()
                if family == "odf":
                    return "mimetype" in names and archive.read("mimetype").startswith(
                        b"application/vnd.oasis.opendocument"
                    )
                return "[Content_Types].xml" in names and any(n.startswith(family) for n in names)
        except (zipfile.BadZipFile, KeyError, OSError):
            return False
        finally:
            upload.seek(0)
    return _image_matches(upload, family)


def _image_matches(upload: UploadedFile, expected_format: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise ValidationError(
                        _("The image is too large (%(w)d x %(h)d pixels).")
                        % {"w": width, "h": height},
                        code="bomb",
                    )
                ok = image.format == expected_format
                image.verify()
                return ok
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("The image is too large to be opened safely."), code="bomb"
        ) from error
    except ValidationError:
        raise
    except Exception:
        return False
    finally:
        upload.seek(0)
