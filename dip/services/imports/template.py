"""The downloadable template of a spreadsheet import: the headings officers fill in (the register
export's columns, `dip.columns`), with one example row, as .xlsx and as .csv."""

from __future__ import annotations

import io
from datetime import date

from dip.columns import REGISTER_COLUMNS
from dip.services.imports import columns as cols

EXAMPLE_ROW = {
    "number": 1,
    "title": "Laporan Keuangan Tahunan",
    "summary": "Laporan realisasi anggaran dan neraca dinas untuk satu tahun anggaran.",
    "classification": "Berkala",
    "update_period_months": 6,
    "unit": "",
    "holding_unit": "Sub Bagian Keuangan",
    "responsible": "Sekretaris Dinas",
    "produced_place": "Pontianak",
    "form": "Softcopy dan hardcopy",
    "retention": "10 tahun",
    "exemption_permanent": "Tidak",
}


def import_template_xlsx() -> bytes:
    """The template workbook: the headings in bold, one example row, frozen header."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daftar Informasi"
    sheet.append([heading for _f, heading in cols.TEMPLATE_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = {**EXAMPLE_ROW, "produced_at": date(2025, 1, 12)}
    sheet.append([example.get(field, "") for field, _h in cols.TEMPLATE_COLUMNS])
    fields = [field for field, _h in cols.TEMPLATE_COLUMNS]
    sheet.cell(row=2, column=fields.index("produced_at") + 1).number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    widths = {column.field: column.width for column in REGISTER_COLUMNS}
    for position, field in enumerate(fields, start=1):
        letter = sheet.cell(row=1, column=position).column_letter
        sheet.column_dimensions[letter].width = widths[field]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def import_template_csv() -> bytes:
    from ppid.spreadsheet import csv_bytes

    example = {**EXAMPLE_ROW, "produced_at": "12/01/2025"}
    return csv_bytes(
        [heading for _f, heading in cols.TEMPLATE_COLUMNS],
        [[example.get(field, "") for field, _h in cols.TEMPLATE_COLUMNS]],
    )
