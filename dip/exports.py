"""Spreadsheet (.xlsx) exports as officers print them: a body's register with every field, and
a published edition's public rows. Columns and headings come from `dip.columns` (shared with
the import); cells are written by `ppid.spreadsheet` (the one door of the formula rule).

The register is what the officer may see of the body (`register_items`); an edition is read
only through the public door (`public_rows`), so an exported edition never carries more than
its public page does.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from dip.columns import REGISTER_COLUMNS, Column, cell_value, edition_columns
from dip.models import CLASSIFICATION_ORDER, Edition, EditionKind, Item
from dip.rendering import document_title, tanggal
from dip.selectors import public_rows
from ppid.calendar import body_time, zone_name
from ppid.models import Body
from ppid.spreadsheet import xlsx_bytes

# Rows read from the database per round trip: memory stays flat for a long register.
CHUNK = 2000


def _rows(objects, columns: tuple[Column, ...], *, numbered: bool) -> Iterator[list[Any]]:
    for number, obj in enumerate(objects, start=1):
        yield [
            number if numbered and column.field == "number" else cell_value(obj, column)
            for column in columns
        ]


def register_export_items(items: QuerySet[Item]) -> QuerySet[Item]:
    """The register in the order officers print it: serta merta, berkala, setiap saat,
    dikecualikan, then by title."""
    rank = Case(
        *[When(classification=c, then=Value(n)) for c, n in CLASSIFICATION_ORDER.items()],
        output_field=IntegerField(),
    )
    return items.select_related("unit").order_by(rank, "title", "pk")


def register_xlsx(
    *, body: Body, items: QuerySet[Item], at: datetime | None = None, filters_line: str = ""
) -> bytes:
    """The body's register (the items given, as the officer may see them), every field; a
    filtered register says by what in `filters_line` under the title, and when it was taken on
    the body's clock."""
    at = body_time(at or timezone.now(), body)
    title_lines = [
        f"Register Informasi {body.name}",
        *([filters_line] if filters_line else []),
        f"Diunduh {tanggal(at)} pukul {at:%H.%M} {zone_name(body)}",
    ]
    rows = register_export_items(items).iterator(chunk_size=CHUNK)
    return xlsx_bytes(
        sheet_title="Register",
        title_lines=title_lines,
        header=[c.heading for c in REGISTER_COLUMNS],
        widths=[c.width for c in REGISTER_COLUMNS],
        rows=_rows(rows, REGISTER_COLUMNS, numbered=True),
    )


def edition_title_lines(edition: Edition) -> list[str]:
    """The title block: the list's title, its decree (when recorded), its verification code."""
    lines = [document_title(edition)]
    if edition.decree_number:
        decree = f"Ditetapkan dengan Keputusan Nomor {edition.decree_number}"
        if edition.decree_date:
            decree += f" tanggal {tanggal(edition.decree_date)}"
        lines.append(decree)
    if edition.published_at:
        lines.append(f"Dipublikasikan {tanggal(body_time(edition.published_at, edition.body))}")
    if edition.verification_code:
        lines.append(f"Kode verifikasi {edition.verification_code}")
    return lines


def edition_xlsx(edition: Edition) -> bytes:
    """A published edition's public rows (nothing for an edition that is not published)."""
    columns = edition_columns(edition.kind)
    rows = public_rows(edition).iterator(chunk_size=CHUNK)
    return xlsx_bytes(
        sheet_title="DIK" if edition.kind == EditionKind.DIK else "DIP",
        title_lines=edition_title_lines(edition),
        header=[c.heading for c in columns],
        widths=[c.width for c in columns],
        rows=_rows(rows, columns, numbered=False),
    )
