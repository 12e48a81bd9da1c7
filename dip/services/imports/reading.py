"""Reading an uploaded spreadsheet into plain rows, and refusing what is not one.

`.xlsx` is opened with openpyxl in read-only mode (rows streamed, memory bounded) and with
`data_only`, so a formula is never evaluated; before it is opened, every part of its zip is
inflated chunk by chunk and counted (`dip.uploads`, the rule every uploaded office file meets:
too large unpacked or compressed too many times over is a zip bomb), and on the same pass each
worksheet is searched for formula cells, which refuse the file with their addresses (a value
computed by a formula is not one an officer typed, and a cached result may be stale).

`.csv` is decoded as UTF-8 (with or without a byte order mark), else as Windows-1252, else as
Latin-1; its delimiter is the one of `,;<tab>|` that splits the first lines most consistently.
A cell starting with `=` is a formula there too.

Every refusal is a ValidationError with an Indonesian message for the file field; nothing is
stored before the file has been read whole.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from dip.uploads import (
    ZIP,
    ZIP_ERRORS,
    ZIP_MAX_MEMBERS,
    _bomb_error,
    _CountingReader,
    _inflate_counted,
)

# Data rows (not blank) one file may hold, over all its sheets. A body's register is hundreds
# of rows, a large one a few thousand; 20,000 leaves room and keeps one import's transaction and
# preview (stored as JSON) within bounds. PPID_IMPORT_MAX_ROWS overrides it.
DEFAULT_MAX_ROWS = 20_000
# Columns read per row; a register has about twenty.
MAX_COLUMNS = 60
# Rows of a sheet read in all (blank ones too): Excel's own limit.
MAX_SHEET_ROWS = 1_048_576
CSV_DELIMITERS = (",", ";", "\t", "|")
FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
FORMULAS_NAMED = 5
EXTENSIONS = (".xlsx", ".csv")


def max_rows() -> int:
    return getattr(settings, "PPID_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)


@dataclass
class Sheet:
    """One sheet as read: its name and its rows that are not blank, as (row number, cells)."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _not_a_spreadsheet() -> ValidationError:
    return _refuse(
        _(
            "This file is not a spreadsheet that can be read. Upload an .xlsx workbook (Excel, "
            "LibreOffice: “Save as .xlsx”) or a .csv file."
        ),
        "type",
    )


def read_upload(upload: UploadedFile) -> list[Sheet]:
    """The sheets of an uploaded .xlsx or .csv with their rows that are not blank."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    if upload.size == 0:
        raise _refuse(_("The file is empty."), "empty")
    limit = settings.PPID_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise _refuse(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            "size",
        )
    if extension == ".xls":
        raise _refuse(
            _(
                "Old Excel files (.xls) cannot be read. Open it and save it as an .xlsx "
                "workbook, then upload that."
            ),
            "type",
        )
    if extension not in EXTENSIONS:
        raise _not_a_spreadsheet()
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if extension == ".xlsx":
        if not head.startswith(ZIP):
            raise _not_a_spreadsheet()
        sheets = _read_xlsx(upload)
    else:
        sheets = _read_csv(upload, os.path.splitext(name)[0])
    if not any(sheet.rows for sheet in sheets):
        raise _refuse(
            _("The spreadsheet is empty: none of its sheets has a row to import."), "empty"
        )
    return sheets


def _too_many_rows() -> ValidationError:
    return _refuse(
        _(
            "The file has more than %(limit)s rows. Split it into files of at most "
            "%(limit)s rows and import them one after another."
        )
        % {"limit": f"{max_rows():,}".replace(",", ".")},
        "rows",
    )


def _cell(value: Any) -> Any:
    """A cell as JSON can hold it: text stripped, numbers, dates as ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, int | float):
        return int(value) if isinstance(value, float) and value.is_integer() else value
    if isinstance(value, time):
        return None
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def _trimmed(cells: Iterator[Any] | list[Any]) -> list[Any]:
    row = [_cell(v) for v in list(cells)[:MAX_COLUMNS]]
    while row and row[-1] is None:
        row.pop()
    return row


# --- .xlsx ---------------------------------------------------------------------------------


def _check_zip(upload: UploadedFile) -> bool:
    """Inflate every part within the limits; True when a worksheet holds a formula."""
    reader = _CountingReader(upload)
    found = False
    try:
        with zipfile.ZipFile(reader) as archive:
            members = archive.infolist()
            if len(members) > ZIP_MAX_MEMBERS:
                raise _bomb_error("parts")
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise _not_a_spreadsheet()
            total = 0
            for member in members:
                tail = b""

                def look(chunk: bytes) -> None:
                    nonlocal tail, found
                    if not found and FORMULA_TAG.search(tail + chunk):
                        found = True
                    tail = chunk[-8:]

                scan = look if SHEET_PART.fullmatch(member.filename) else None
                total = _inflate_counted(archive, member, reader, total, on_chunk=scan)
    except ZIP_ERRORS as error:
        raise _not_a_spreadsheet() from error
    finally:
        upload.seek(0)
    return found


def _open_workbook(upload: UploadedFile, *, data_only: bool):
    from openpyxl import load_workbook

    try:
        return load_workbook(upload, read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds on a broken workbook
        raise _not_a_spreadsheet() from error


def _formula_cells(upload: UploadedFile) -> list[str]:
    """The addresses of the first formula cells (read again without data_only, only then)."""
    upload.seek(0)
    workbook = _open_workbook(upload, data_only=False)
    found: list[str] = []
    try:
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if getattr(cell, "data_type", None) == "f":
                        found.append(f"{sheet.title}!{cell.coordinate}")
                        if len(found) >= FORMULAS_NAMED:
                            return found
    finally:
        workbook.close()
    return found


def _formula_error(places: list[str]) -> ValidationError:
    return _refuse(
        _(
            "The file contains formulas (cells %(cells)s). Formulas are not imported: copy the "
            "cells and paste them as values (Paste Special → Values), save, and upload again."
        )
        % {"cells": ", ".join(places) or "?"},
        "formula",
    )


def _read_xlsx(upload: UploadedFile) -> list[Sheet]:
    if _check_zip(upload):
        raise _formula_error(_formula_cells(upload))
    workbook = _open_workbook(upload, data_only=True)
    sheets: list[Sheet] = []
    count = 0
    try:
        for worksheet in workbook.worksheets:
            sheet = Sheet(worksheet.title)
            for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
                if number > MAX_SHEET_ROWS:
                    break
                row = _trimmed(cells)
                if not row:
                    continue
                count += 1
                if count > max_rows():
                    raise _too_many_rows()
                sheet.rows.append((number, row))
            sheets.append(sheet)
    except ValidationError:
        raise
    except Exception as error:
        raise _not_a_spreadsheet() from error
    finally:
        workbook.close()
    return sheets


# --- .csv ----------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the same number (>1) of cells most often."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        common = max(set(counts), key=counts.count)
        score = (counts.count(common) if common > 1 else 0, common)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(upload: UploadedFile, name: str) -> list[Sheet]:
    upload.seek(0)
    data = upload.read()
    if b"\x00" in data[:8192]:
        raise _not_a_spreadsheet()
    text = _decode(data)
    delimiter = _delimiter(text)
    sheet = Sheet(name[:100] or "CSV")
    formulas: list[str] = []
    try:
        for number, cells in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1
        ):
            row = _trimmed(cells)
            if not row:
                continue
            for column, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("=") and len(formulas) < 5:
                    formulas.append(
                        _("row %(row)d column %(column)d") % {"row": number, "column": column}
                    )
            if len(sheet.rows) >= max_rows():
                raise _too_many_rows()
            sheet.rows.append((number, row))
    except csv.Error as error:
        raise _not_a_spreadsheet() from error
    if formulas:
        raise _formula_error(formulas)
    return [sheet]
