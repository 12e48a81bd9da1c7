"""Checks on an uploaded attachment: size, type allow-list, and that the bytes match the name.

A file is accepted only when its extension is on the allow-list and its content is really of
that type (magic bytes, the parts of an office zip, an image Pillow can read within the pixel
limit). HTML, SVG and scripts are refused whatever they are called.

Office files are zip archives, and a zip can be a bomb: a megabyte that inflates to gigabytes.
Every part is inflated in small chunks and counted, never extracted whole and never judged by
the sizes its headers claim: past PPID_UPLOAD_MAX_UNCOMPRESSED_BYTES in total, or once a part
(past its first megabyte) has given more than PPID_UPLOAD_MAX_RATIO bytes for each compressed
byte read, the file is refused. Memory stays at one chunk whatever the archive claims (plus its
directory of parts, which the upload size limit bounds).
"""

from __future__ import annotations

import hashlib
import os
import warnings
import zipfile
import zlib
from collections.abc import Callable
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
# Zip containers: parts are inflated this much at a time; the first bytes of each part are
# not judged by their ratio (a short run of spaces compresses a thousandfold); an office
# document has tens of parts, a few hundred with many images.
ZIP_CHUNK = 64 * 1024
ZIP_RATIO_GRACE = 1024 * 1024
ZIP_MAX_MEMBERS = 10_000
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    RuntimeError,  # encrypted part
    NotImplementedError,  # unknown compression method
    ValueError,
)

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
            return _office_matches(upload, family)
        finally:
            upload.seek(0)
    return _image_matches(upload, family)


class _CountingReader:
    """The upload as zipfile reads it, counting the compressed bytes it takes."""

    def __init__(self, file: UploadedFile):
        self._file = file
        self.bytes_read = 0

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self.bytes_read += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._file.seek(offset, whence)

    def tell(self) -> int:
        return self._file.tell()

    def seekable(self) -> bool:
        return True


def _office_matches(upload: UploadedFile, family: str) -> bool:
    """A zip of the family's parts, each of which inflates within the limits."""
    reader = _CountingReader(upload)
    try:
        with zipfile.ZipFile(reader) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise _bomb_error("parts")
            total = 0
            for member in members:
                total = _inflate_counted(archive, member, reader, total)
            names = {member.filename for member in members}
            if family == "odf":
                with archive.open("mimetype") as part:
                    declared = part.read(100)
                return declared.startswith(b"application/vnd.oasis.opendocument")
            return "[Content_Types].xml" in names and any(n.startswith(family) for n in names)
    except ZIP_ERRORS:
        return False


def _inflate_counted(
    archive: zipfile.ZipFile,
    member: zipfile.ZipInfo,
    reader: _CountingReader,
    total: int,
    on_chunk: Callable[[bytes], None] | None = None,
) -> int:
    """Inflate one part chunk by chunk, checking the running total and ratio; the new total
    (bytes inflated so far in the archive). `on_chunk` sees each chunk (the spreadsheet import
    looks for formulas in a worksheet on the same pass)."""
    limit = settings.PPID_UPLOAD_MAX_UNCOMPRESSED_BYTES
    ratio = settings.PPID_UPLOAD_MAX_RATIO
    start = reader.bytes_read
    inflated = 0
    with archive.open(member) as part:
        while chunk := part.read(ZIP_CHUNK):
            inflated += len(chunk)
            if on_chunk is not None:
                on_chunk(chunk)
            if total + inflated > limit:
                raise _bomb_error("size")
            compressed = max(reader.bytes_read - start, 1)
            if inflated > ZIP_RATIO_GRACE and inflated > ratio * compressed:
                raise _bomb_error("ratio")
    return total + inflated


def _bomb_error(reason: str) -> ValidationError:
    limits = {
        "size": _("Unpacked, the file would be larger than %(limit)s."),
        "ratio": _("The file is compressed more than %(ratio)d times over."),
        "parts": _("The file holds more than %(parts)d parts."),
    }
    message = limits[reason] % {
        "limit": filesizeformat(settings.PPID_UPLOAD_MAX_UNCOMPRESSED_BYTES),
        "ratio": settings.PPID_UPLOAD_MAX_RATIO,
        "parts": ZIP_MAX_MEMBERS,
    }
    return ValidationError(
        _("%(reason)s It looks like a zip bomb and was not stored.") % {"reason": message},
        code="bomb",
    )


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
