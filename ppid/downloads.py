"""How a stored file leaves the server, once a view has decided that the caller may have it.

Uploaded and generated files are never under a public URL: every download goes through a view
that checks publication or role, and then through `file_response` here, which

- names the file with a sanitised name in `Content-Disposition`, as an ASCII `filename` and an
  RFC 5987 / RFC 6266 `filename*` (UTF-8) for the real name;
- sends only content types from an allow-list; anything else (HTML, SVG, scripts, unknown)
  goes out as `application/octet-stream` and as an attachment, never inline;
- sends every file, the inline PDF included, with `nosniff` and a sandboxing CSP, so a file
  can never run as a page of this site;
- streams the file itself, or, with `PPID_SENDFILE`, hands it to the web server in front:
  `X-Accel-Redirect` (nginx, an `internal` location at `PPID_SENDFILE_PREFIX`) or `X-Sendfile`
  (Apache mod_xsendfile, lighttpd) with the headers above already set.
"""

from __future__ import annotations

import os
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase

OCTET_STREAM = "application/octet-stream"

# Shown in the browser when asked to (inline); everything in DOWNLOAD_TYPES may be downloaded.
# The spoken version of an announcement (dip.services.audio) plays in the page's <audio>.
INLINE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "audio/ogg", "audio/wav"})
DOWNLOAD_TYPES = INLINE_TYPES | {
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "image/tiff",
    "text/csv",
    "application/json",
    "application/zip",
    OCTET_STREAM,
}
# A file is never rendered as a page of this site: no scripts, no plugins, no same origin.
# Inline PDFs (the signed DIP) too: Chromium's viewer shows a PDF under it
# (tests/browser/test_production.py opens the signed document).
SANDBOX_CSP = "default-src 'none'; sandbox"
# Characters never kept in a file name: path separators and what Windows reserves.
FORBIDDEN = frozenset('<>:"/\\|?*')
MAX_NAME = 200


def safe_filename(name: str, *, default: str = "lampiran") -> str:
    """A file name safe to store, to show and to put in a header.

    The last path component only, Unicode NFC, no control, format (bidi overrides) or reserved
    characters, whitespace collapsed, no leading dots (hidden files, "..") and at most 200
    characters, keeping the extension.
    """
    base = unicodedata.normalize("NFC", (name or "").replace("\\", "/")).rsplit("/", 1)[-1]
    kept = []
    for ch in base:
        if ch.isspace():
            kept.append(" ")
        # Other (C*) characters are dropped: control, format (bidi overrides), unassigned.
        elif ch not in FORBIDDEN and unicodedata.category(ch)[0] != "C":
            kept.append(ch)
    cleaned = " ".join("".join(kept).split()).strip(". ")
    if len(cleaned) > MAX_NAME:
        stem, extension = os.path.splitext(cleaned)
        extension = extension if len(extension) <= 16 else ""
        cleaned = stem[: MAX_NAME - len(extension)].rstrip(". ") + extension
    return cleaned or default


def ascii_filename(name: str) -> str:
    """The same name in plain ASCII, for clients that ignore `filename*`: accents dropped, any
    other character that is not a plain letter, digit or ` ._-()[]` replaced by `_`."""
    folded = "".join(
        ch if ch.isascii() and (ch.isalnum() or ch in " ._-()[]") else "_"
        for ch in unicodedata.normalize("NFKD", name)
        if not unicodedata.combining(ch)
    )
    stem, extension = os.path.splitext(folded)
    if not stem.strip(" ._"):
        folded = "download" + (extension if extension.strip("._") else "")
    return folded


def content_disposition(filename: str, *, as_attachment: bool) -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''percent-encoded` (RFC 6266, 5987)."""
    name = safe_filename(filename, default="download")
    disposition = "attachment" if as_attachment else "inline"
    return f"{disposition}; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name)}"


def safe_content_type(content_type: str) -> str:
    main = (content_type or "").split(";", 1)[0].strip().lower()
    return main if main in DOWNLOAD_TYPES else OCTET_STREAM


def file_response(
    field_file,
    *,
    filename: str,
    content_type: str,
    as_attachment: bool = True,
) -> HttpResponseBase:
    """The stored file as a response (404 when it is gone), with the headers described above."""
    content_type = safe_content_type(content_type)
    inline = not as_attachment and content_type in INLINE_TYPES
    mode = settings.PPID_SENDFILE
    if not field_file or not field_file.name:
        raise Http404
    if mode:
        if not field_file.storage.exists(field_file.name):
            raise Http404
        response: HttpResponseBase = HttpResponse(content_type=content_type)
        if mode == "x-accel-redirect":
            location = settings.PPID_SENDFILE_PREFIX.rstrip("/") + "/" + field_file.name
            response["X-Accel-Redirect"] = quote(location)
        else:
            response["X-Sendfile"] = field_file.path
    else:
        try:
            handle = field_file.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename, as_attachment=not inline)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = SANDBOX_CSP
    return response
