"""How the import reads cells and headings as offices write them (no database)."""

from __future__ import annotations

from datetime import date

import pytest

from dip.services.imports import columns as cols
from dip.services.imports.reading import Sheet


@pytest.mark.parametrize(
    ("cell", "expected", "rest"),
    [
        ("12 Januari 2025", date(2025, 1, 12), ""),
        ("12 Jan 2025", date(2025, 1, 12), ""),
        ("1 Agustus 2024", date(2024, 8, 1), ""),
        ("12/01/2025", date(2025, 1, 12), ""),  # day first
        ("12-01-2025", date(2025, 1, 12), ""),
        ("2025-01-12", date(2025, 1, 12), ""),
        ("2025/01/12", date(2025, 1, 12), ""),
        (45669, date(2025, 1, 12), ""),  # an Excel serial day shown as a number
        ("Pontianak, 12 Januari 2025", date(2025, 1, 12), "Pontianak"),
        (None, None, ""),
    ],
)
def test_dates_as_written(cell, expected, rest):
    assert cols.find_date(cell) == (expected, rest)


@pytest.mark.parametrize("cell", ["31 Juni 2025", "Januari", "30/02/2025", 7, "besok"])
def test_what_is_not_a_date(cell):
    with pytest.raises(cols.CellError):
        cols.parse_date(cell)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Softcopy", "softcopy"),
        ("Soft copy (PDF)", "softcopy"),
        ("Hardcopy", "hardcopy"),
        ("Softcopy dan Hardcopy", "both"),
        ("Soft & hard copy", "both"),
        ("Keduanya", "both"),
        ("", ""),
    ],
)
def test_forms(cell, expected):
    assert cols.parse_form(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("h", "h"),
        ("Pasal 17 huruf h", "h"),
        ("h. mengungkap rahasia pribadi", "h"),
        ("UU 24/2013 (undang-undang lain)", "other"),
    ],
)
def test_grounds(cell, expected):
    assert cols.parse_ground(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [(6, 6), ("6 bulan", 6), ("Per semester", 6), ("Triwulan", 3), ("1 tahun", 12), ("", None)],
)
def test_periods(cell, expected):
    assert cols.parse_period(cell) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Informasi yang Wajib Disediakan dan Diumumkan Secara Berkala", "berkala"),
        ("Serta-merta", "serta_merta"),
        ("Informasi yang Wajib Tersedia Setiap Saat", "setiap_saat"),
        ("Dikecualikan", "dikecualikan"),
        ("Sheet1", None),
    ],
)
def test_classifications(text, expected):
    assert cols.classification_of(text) == expected


def test_two_header_rows_with_merged_cells_a_title_and_column_numbers():
    sheet = Sheet(
        "Berkala",
        [
            (1, ["DAFTAR INFORMASI PUBLIK"]),
            (
                3,
                [
                    "No",
                    "Ringkasan Isi Informasi",
                    "Waktu dan Tempat Pembuatan Informasi",
                    None,
                    "Bentuk Informasi yang Tersedia",
                    None,
                ],
            ),
            (4, [None, None, "Waktu", "Tempat", "Softcopy", "Hardcopy"]),
            (5, [1, 2, 3, 4, 5, 6]),
            (6, ["A", "Informasi Serta Merta"]),
            (7, [1, "Peta rawan banjir", "2 Mei 2025", "Sintang", "v", None]),
        ],
    )
    source = cols.source_of([sheet])
    assert [(c["heading"], c["field"]) for c in source["columns"]] == [
        ("No", "number"),
        ("Ringkasan Isi Informasi", "summary"),
        ("Waktu dan Tempat Pembuatan Informasi Waktu", "produced_at"),
        ("Waktu dan Tempat Pembuatan Informasi Tempat", "produced_place"),
        ("Bentuk Informasi yang Tersedia Softcopy", "form_softcopy"),
        ("Bentuk Informasi yang Tersedia Hardcopy", "form_hardcopy"),
    ]
    (row,) = source["rows"]
    assert row["row"] == 7 and row["class"] == "serta_merta"  # the section row, not the sheet


def test_the_template_is_the_register_exports_importable_columns():
    from dip.columns import REGISTER_COLUMNS

    assert [
        (c.field, c.heading) for c in REGISTER_COLUMNS if c.importable or c.field == "number"
    ] == cols.TEMPLATE_COLUMNS
    for column in REGISTER_COLUMNS:
        # Every export heading is read back as its field; what the system keeps is ignored.
        expected = column.field if column.importable or column.field == "number" else None
        assert cols.known_field(column.heading) == expected, column.heading
    for field, heading in cols.OLD_TEMPLATE_HEADINGS.items():
        assert cols.known_field(heading) == field, heading
