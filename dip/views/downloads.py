"""Downloads of published editions: the signed PDF, CSV and JSON of the rows (the JSON exactly
as the public API gives it), and a row's public attachments as they were signed.

Files of a published edition never change: long max-age, ETag and Last-Modified, 304.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.http import condition, require_safe
from rest_framework.renderers import JSONRenderer

from dip.exports import edition_xlsx as edition_xlsx_bytes
from dip.models import Edition
from dip.selectors import (
    public_attachment,
    public_dik_row,
    public_redacted_copy,
    ready_record_document,
)
from dip.serializers import edition_public_data, public_columns
from dip.views.conditional import (
    IMMUTABLE_MAX_AGE,
    ROW_MAX_AGE,
    SIGNED_FILE_MAX_AGE,
    edition_token,
    etag,
    last_modified,
    memo,
    public_response,
    published_edition,
    published_row,
    ready_document,
)
from ppid.downloads import content_disposition, file_response
from ppid.spreadsheet import XLSX_CONTENT_TYPE, csv_bytes


def _attachment_etag(request, slug: str, pk: int, number: int, attachment_id: int) -> str:
    row = published_row(request, slug, pk, number)
    signed = next((a for a in row.attachments if a.get("id") == attachment_id), None)
    if signed is None:
        raise Http404
    return etag("attachment", edition_token(row.edition), attachment_id, signed.get("sha256"))


def _attachment_modified(request, slug: str, pk: int, number: int, attachment_id: int):
    return published_row(request, slug, pk, number).edition.published_at


@require_safe
@public_response(max_age=ROW_MAX_AGE, page=False)
@condition(etag_func=_attachment_etag, last_modified_func=_attachment_modified)
def attachment_download(
    request: HttpRequest, slug: str, pk: int, number: int, attachment_id: int
) -> HttpResponseBase:
    """A public attachment exactly as it was signed into the row; anything else is 404."""
    row = published_row(request, slug, pk, number)
    attachment = public_attachment(row, attachment_id)
    if attachment is None:
        raise Http404
    return file_response(
        attachment.file,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _dik_row(request: HttpRequest, slug: str, pk: int, number: int):
    def make():
        row = public_dik_row(slug=slug, edition_id=pk, number=number)
        if row is None:
            raise Http404
        return row

    return memo(request, ("dik-row", slug, pk, number), make)


def _redacted_etag(request, slug: str, pk: int, number: int, attachment_id: int) -> str:
    row = _dik_row(request, slug, pk, number)
    signed = next((a for a in row.attachments if a.get("id") == attachment_id), None)
    if signed is None:
        raise Http404
    return etag("redacted", edition_token(row.edition), attachment_id, signed.get("sha256"))


def _redacted_modified(request, slug: str, pk: int, number: int, attachment_id: int):
    return _dik_row(request, slug, pk, number).edition.published_at


@require_safe
@public_response(max_age=ROW_MAX_AGE, page=False)
@condition(etag_func=_redacted_etag, last_modified_func=_redacted_modified)
def redacted_copy_download(
    request: HttpRequest, slug: str, pk: int, number: int, attachment_id: int
) -> HttpResponseBase:
    """The redacted public copy of a DIK row's document, exactly as it was signed into the row;
    the original (any other file of the row) is 404."""
    row = _dik_row(request, slug, pk, number)
    attachment = public_redacted_copy(row, attachment_id)
    if attachment is None:
        raise Http404
    return file_response(
        attachment.file,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- downloads of an edition ----------------------------------------------------------------


def _download_name(edition: Edition, extension: str) -> str:
    revision = f"-r{edition.revision}" if edition.revision else ""
    return f"{edition.body.slug}-{edition.kind}-{edition.year}{revision}.{extension}"


def _file_etag(kind: str) -> Callable:
    def file_etag(request: HttpRequest, slug: str, pk: int) -> str:
        edition, _current = published_edition(request, slug, pk)
        return etag(kind, edition_token(edition))

    return file_etag


def _file_modified(request: HttpRequest, slug: str, pk: int) -> datetime | None:
    edition, _current = published_edition(request, slug, pk)
    return last_modified(edition)


@require_safe
@public_response(max_age=IMMUTABLE_MAX_AGE)
@condition(etag_func=_file_etag("json"), last_modified_func=_file_modified)
def edition_json(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    edition, _current = published_edition(request, slug, pk)
    response = HttpResponse(
        JSONRenderer().render(edition_public_data(edition)), content_type="application/json"
    )
    response["Content-Disposition"] = content_disposition(
        _download_name(edition, "json"), as_attachment=False
    )
    return response


def _csv_value(name: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in ("attachments", "redacted_copies"):
        return "; ".join(a["name"] for a in value)
    return str(value)


@require_safe
@public_response(max_age=IMMUTABLE_MAX_AGE)
@condition(etag_func=_file_etag("csv"), last_modified_func=_file_modified)
def edition_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The same columns and values as the JSON rows (attachments by name), UTF-8 with a BOM so
    that spreadsheet programs read the Indonesian text right."""
    edition, _current = published_edition(request, slug, pk)
    rows = edition_public_data(edition)["rows"]
    columns = public_columns(edition.kind)
    content = csv_bytes(
        columns, ([_csv_value(name, row.get(name)) for name in columns] for row in rows)
    )
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition(
        _download_name(edition, "csv"), as_attachment=True
    )
    return response


@require_safe
@public_response(max_age=IMMUTABLE_MAX_AGE)
@condition(etag_func=_file_etag("xlsx"), last_modified_func=_file_modified)
def edition_xlsx(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The public rows as an .xlsx workbook as officers print the list: Indonesian headings,
    the title and decree above, frozen header (the same rows as the CSV, by the public door)."""
    edition, _current = published_edition(request, slug, pk)
    response = HttpResponse(edition_xlsx_bytes(edition), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        _download_name(edition, "xlsx"), as_attachment=True
    )
    return response


def _signed_pdf_view(find_document, tag: str, suffix: str, doc: str):
    """A public view serving one signed PDF of a published edition (`find_document(edition)`,
    ready or None), byte for byte as it was signed, cached as immutable under its ETag."""

    def _etag(request: HttpRequest, slug: str, pk: int) -> str:
        edition, _current = published_edition(request, slug, pk)
        if find_document(edition) is None:
            raise Http404
        return etag(tag, edition_token(edition))

    @require_safe
    @public_response(max_age=SIGNED_FILE_MAX_AGE, page=False, immutable=True)
    @condition(etag_func=_etag, last_modified_func=_file_modified)
    def view(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
        edition, _current = published_edition(request, slug, pk)
        document = find_document(edition)
        if document is None:
            raise Http404
        return file_response(
            document.file,
            as_attachment=False,
            filename=_download_name(edition, "pdf").replace(".pdf", suffix),
            content_type="application/pdf",
        )

    view.__doc__ = doc
    return view


edition_pdf = _signed_pdf_view(
    ready_document, "pdf", ".pdf", "The signed document, only once it is ready."
)
edition_record_pdf = _signed_pdf_view(
    ready_record_document,
    "record-pdf",
    "-berita-acara.pdf",
    "The signed berita acara uji konsekuensi of a published DIK.",
)
