"""Spreadsheets as PPID offices make them, built in the tests with openpyxl: the Perki columns
in Indonesian over two merged header rows, a title above, a row numbering the columns, a
classification per sheet, dates as text and as Excel dates, blank rows."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PERKI_TOP = [
    "No",
    "Ringkasan Isi Informasi",
    "Pejabat atau Unit/Satuan Kerja yang Menguasai Informasi",
    "Penanggungjawab Pembuatan atau Penerbitan Informasi",
    "Waktu dan Tempat Pembuatan Informasi",
    None,
    "Bentuk Informasi yang Tersedia",
    None,
    "Jangka Waktu Penyimpanan atau Retensi Arsip",
]
PERKI_BOTTOM = [None, None, None, None, "Waktu", "Tempat", "Softcopy", "Hardcopy", None]


def perki_sheet(workbook: Workbook, title: str, rows: list[list[Any]], *, first: bool = False):
    """A sheet with the DIP's title, the two header rows (merged cells), the column numbers,
    then `rows` (None for a blank row)."""
    sheet = workbook.active if first else workbook.create_sheet()
    sheet.title = title
    sheet.append(["DAFTAR INFORMASI PUBLIK"])
    sheet.merge_cells("A1:I1")
    sheet.append(["DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL TAHUN 2025"])
    sheet.merge_cells("A2:I2")
    sheet.append([])
    sheet.append(PERKI_TOP)
    sheet.append(PERKI_BOTTOM)
    for merged in ("A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:F4", "G4:H4", "I4:I5"):
        sheet.merge_cells(merged)
    sheet.append(list(range(1, 10)))
    for row in rows:
        sheet.append(row or [])
    return sheet


def perki_workbook() -> bytes:
    """Three sheets named by classification, five items, blank rows, both kinds of dates."""
    workbook = Workbook()
    perki_sheet(
        workbook,
        "Berkala",
        [
            [
                1,
                "Laporan realisasi anggaran dinas tahun anggaran 2025",
                "Sub Bagian Keuangan",
                "Sekretaris Dinas",
                "12 Januari 2025",
                "Pontianak",
                "√",
                None,
                "10 tahun",
            ],
            None,
            [
                2,
                "Rencana strategis dinas 2025-2029",
                "Sub Bagian Program",
                "Sekretaris Dinas",
                datetime(2025, 3, 4),
                "Pontianak",
                "√",
                "√",
                "Permanen",
            ],
            None,
            None,
        ],
        first=True,
    )
    perki_sheet(
        workbook,
        "Serta Merta",
        [
            [
                1,
                "Peringatan dini gangguan layanan kependudukan karena banjir",
                "Bidang PIAK",
                "Kepala Bidang PIAK",
                "05/02/2025",
                "Sintang",
                None,
                "v",
                "1 tahun",
            ]
        ],
    )
    perki_sheet(
        workbook,
        "Setiap Saat",
        [
            [
                1,
                "Standar pelayanan penerbitan akta kelahiran",
                "Bidang Pencatatan Sipil",
                "Kepala Bidang Capil",
                "2025-06-30",
                "Pontianak",
                "v",
                "v",
                "5 tahun",
            ],
            [
                2,
                "Daftar sarana dan prasarana pelayanan",
                "Sekretariat",
                "Sekretaris Dinas",
                "31 Juni 2025",  # no such day: the row's problem
                "Pontianak",
                "v",
                None,
                "5 tahun",
            ],
        ],
    )
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def table_workbook(header: list[str], rows: list[list[Any]], *, title: str = "Sheet1") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return workbook_bytes(workbook)


def upload(content: bytes, name: str = "daftar.xlsx") -> SimpleUploadedFile:
    content_type = XLSX if name.endswith(".xlsx") else "text/csv"
    return SimpleUploadedFile(name, content, content_type=content_type)


def zip_bomb() -> bytes:
    """An .xlsx-shaped zip whose one worksheet inflates a thousandfold (a few MB of zeros)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    return out.getvalue()


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "PNG")
    return out.getvalue()
