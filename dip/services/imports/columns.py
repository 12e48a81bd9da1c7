"""What the columns of a PPID office's spreadsheet mean, and what their cells say.

The headings are the Perki 1/2021 DIP columns in Indonesian, as offices write them: often over
two header rows with merged cells ("Waktu dan Tempat Pembuatan Informasi" over "Waktu" and
"Tempat"; "Bentuk Informasi yang Tersedia" over "Softcopy" and "Hardcopy" ticked per row),
under a title or two, sometimes followed by a row numbering the columns (1, 2, 3, ...). The
classification is a column, or the sheet's name ("Berkala", "Serta Merta", ...), or a section
row within a sheet ("A. Informasi yang Wajib Diumumkan Secara Berkala").

`TEMPLATE_COLUMNS`, the layout of the downloadable template, is the register `.xlsx` export's
(`dip.columns.REGISTER_COLUMNS`, its importable columns): one definition, so that an export
imports as it is. The columns the export adds that the system keeps itself (the update dates)
are not recognised, hence ignored; the headings of the earlier template
(`OLD_TEMPLATE_HEADINGS`) are still recognised.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django.utils.translation import gettext_lazy as _

from dip.columns import NUMBER as REGISTER_NUMBER
from dip.columns import REGISTER_COLUMNS
from dip.models import Classification, ExemptionGround, InformationForm
from dip.services.imports.reading import Sheet

# The template's columns (the item field it fills, and its heading), in order: the register
# export's own (`dip.columns.REGISTER_COLUMNS`), the row number and the importable ones, so that
# the template, the export and the heading recognition are one definition.
TEMPLATE_COLUMNS: list[tuple[str, str]] = [
    (column.field, column.heading)
    for column in REGISTER_COLUMNS
    if column.importable or column is REGISTER_NUMBER
]

# The headings of the template before it was the export's layout: files filled in from it are
# still read as they were.
OLD_TEMPLATE_HEADINGS: dict[str, str] = {
    "update_period_months": "Periode Pembaruan (bulan)",
    "unit": "Unit Kerja",
    "holding_unit": "Pejabat atau Unit/Satuan Kerja yang Menguasai Informasi",
    "produced_at": "Tanggal Pembuatan Informasi",
    "exempted_part": "Bagian yang Dikecualikan",
    "exemption_ground": "Dasar Hukum Pengecualian (Pasal 17 huruf)",
    "exemption_law": "Undang-Undang yang Dikutip",
    "consequence_if_opened": "Akibat bila Dibuka",
    "consequence_if_closed": "Akibat bila Ditutup",
}

# Item fields a column may fill, with the choices the mapping form offers (in this order).
# "produced" is one cell holding both time and place ("Pontianak, 12 Januari 2025");
# "form_softcopy"/"form_hardcopy" are two tick columns under "Bentuk Informasi".
TARGETS: dict[str, Any] = {
    "title": _("Title"),
    "summary": _("Summary of the content"),
    "classification": _("Classification"),
    "update_period_months": _("Update period (months)"),
    "unit": _("Unit"),
    "holding_unit": _("Official or unit holding the information"),
    "responsible": _("Responsible for producing or issuing it"),
    "produced_at": _("Date produced"),
    "produced_place": _("Place produced"),
    "produced": _("Date and place produced (one cell)"),
    "form": _("Form available"),
    "form_softcopy": _("Softcopy (ticked)"),
    "form_hardcopy": _("Hardcopy (ticked)"),
    "retention": _("Retention period"),
    "exempted_part": _("Exempted part"),
    "exemption_ground": _("Legal ground"),
    "exemption_law": _("Law cited (name and article)"),
    "consequence_if_opened": _("Consequence if opened"),
    "consequence_if_closed": _("Consequence if closed"),
    "public_interest": _("Public-interest consideration"),
    "exemption_until": _("Exempted until (date)"),
    "exemption_event": _("Exempted until (event)"),
    "exemption_permanent": _("Exempted permanently"),
}
IGNORE = ""
NUMBER = "number"

# Headings as offices write them (normalised: lower case, letters and digits only).
ALIASES: dict[str, list[str]] = {
    NUMBER: ["no", "nomor", "no urut", "nomor urut"],
    "title": [
        "judul informasi",
        "judul",
        "nama informasi",
        "jenis informasi",
        "nama dokumen",
        "judul dokumen",
        "informasi",
    ],
    "summary": [
        "ringkasan isi informasi",
        "ringkasan informasi",
        "ringkasan",
        "isi informasi",
        "uraian informasi",
        "uraian",
    ],
    "classification": [
        "klasifikasi",
        "klasifikasi informasi",
        "kategori informasi",
        "kategori",
        "jenis klasifikasi",
        "sifat informasi",
    ],
    "update_period_months": [
        "periode pembaruan bulan",
        "periode pembaruan",
        "jangka waktu pembaruan",
        "jangka waktu pembaruan bulan",
        "periode pemutakhiran",
        "pembaruan bulan",
    ],
    "unit": ["unit kerja", "unit", "bidang", "bidang seksi", "seksi", "sub bagian", "bidang unit"],
    "holding_unit": [
        "pejabat atau unit satuan kerja yang menguasai informasi",
        "pejabat unit satuan kerja yang menguasai informasi",
        "pejabat atau unit yang menguasai informasi",
        "unit yang menguasai informasi",
        "pejabat yang menguasai informasi",
        "yang menguasai informasi",
        "penguasaan informasi",
        "penguasa informasi",
    ],
    "responsible": [
        "penanggung jawab pembuatan atau penerbitan informasi",
        "penanggungjawab pembuatan atau penerbitan informasi",
        "penanggung jawab pembuatan penerbitan informasi",
        "penanggungjawab pembuatan penerbitan informasi",
        "penanggung jawab",
        "penanggungjawab",
    ],
    "produced_at": [
        "tanggal pembuatan informasi",
        "tanggal pembuatan",
        "waktu pembuatan informasi",
        "waktu pembuatan",
        "waktu dan tempat pembuatan informasi waktu",
        "waktu dan tempat pembuatan informasi tanggal",
        "waktu",
        "tanggal",
    ],
    "produced_place": [
        "tempat pembuatan informasi",
        "tempat pembuatan",
        "waktu dan tempat pembuatan informasi tempat",
        "tempat",
    ],
    "produced": [
        "waktu dan tempat pembuatan informasi",
        "waktu dan tempat pembuatan",
        "waktu dan tempat",
    ],
    "form": [
        "bentuk informasi yang tersedia",
        "bentuk informasi",
        "bentuk",
        "bentuk informasi yang tersedia softcopy hardcopy",
    ],
    "form_softcopy": [
        "bentuk informasi yang tersedia softcopy",
        "bentuk informasi yang tersedia soft copy",
        "bentuk informasi softcopy",
        "softcopy",
        "soft copy",
    ],
    "form_hardcopy": [
        "bentuk informasi yang tersedia hardcopy",
        "bentuk informasi yang tersedia hard copy",
        "bentuk informasi hardcopy",
        "hardcopy",
        "hard copy",
    ],
    "retention": [
        "jangka waktu penyimpanan atau retensi arsip",
        "jangka waktu penyimpanan retensi arsip",
        "jangka waktu penyimpanan",
        "retensi arsip",
        "retensi",
        "masa retensi",
    ],
    "exempted_part": ["bagian yang dikecualikan", "informasi yang dikecualikan"],
    "exemption_ground": [
        "dasar hukum pengecualian pasal 17 huruf",
        "dasar hukum pengecualian pasal 17 uu 14 2008",
        "dasar hukum pengecualian pasal 17",
        "dasar hukum pengecualian",
        "dasar hukum",
        "pasal 17 huruf",
        "alasan pengecualian",
    ],
    "exemption_law": [
        "undang undang yang dikutip",
        "undang undang lain",
        "undang undang lain yang dikutip",
        "peraturan yang dikutip",
        "dasar hukum lain",
    ],
    "consequence_if_opened": [
        "akibat bila dibuka",
        "akibat bila informasi dibuka",
        "akibat apabila dibuka",
        "konsekuensi bila dibuka",
        "konsekuensi",
    ],
    "consequence_if_closed": [
        "akibat bila ditutup",
        "akibat bila informasi ditutup",
        "akibat apabila ditutup",
        "konsekuensi bila ditutup",
    ],
    "public_interest": ["pertimbangan kepentingan publik", "kepentingan publik"],
    "exemption_until": [
        "dikecualikan sampai tanggal",
        "jangka waktu pengecualian tanggal",
        "sampai tanggal",
    ],
    "exemption_event": [
        "dikecualikan sampai peristiwa",
        "jangka waktu pengecualian peristiwa",
        "sampai peristiwa",
    ],
    "exemption_permanent": ["dikecualikan permanen", "permanen"],
}


def normalise(text: Any) -> str:
    text = str(text or "").lower().replace("penanggungjawab", "penanggung jawab")
    return " ".join(re.findall(r"[0-9a-z]+", text))


KNOWN: dict[str, str] = {}
for _field, _names in ALIASES.items():
    for _name in _names:
        KNOWN.setdefault(normalise(_name), _field)
for _field, _heading in [*OLD_TEMPLATE_HEADINGS.items(), *TEMPLATE_COLUMNS]:
    KNOWN[normalise(_heading)] = _field


def known_field(heading: str) -> str | None:
    return KNOWN.get(normalise(heading))


# --- cell values ---------------------------------------------------------------------------


def classification_of(text: Any) -> str | None:
    words = normalise(text)
    if not words:
        return None
    if "kecual" in words or "tertutup" in words or "rahasia" in words:
        return Classification.DIKECUALIKAN
    if "serta merta" in words or "sertamerta" in words:
        return Classification.SERTA_MERTA
    if "berkala" in words:
        return Classification.BERKALA
    if "setiap saat" in words or "setiap waktu" in words or "tersedia setiap" in words:
        return Classification.SETIAP_SAAT
    for value in Classification.values:
        if words == value.replace("_", " "):
            return value
    return None


MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan", "january"),
            ("februari", "feb", "pebruari", "peb", "february"),
            ("maret", "mar", "march"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "jun", "june"),
            ("juli", "jul", "july"),
            ("agustus", "agu", "agt", "ags", "aug", "august"),
            ("september", "sep", "sept"),
            ("oktober", "okt", "oct", "october"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des", "dec", "december"),
        ],
        start=1,
    )
    for name in names
}
DATE_WORDS = re.compile(r"(\d{1,2})\s*[-.\s]?\s*([A-Za-z]+)\.?\s*[-.\s,]?\s*(\d{4})")
DATE_NUMBERS = re.compile(r"(\d{1,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})")
EXCEL_EPOCH = date(1899, 12, 30)


class CellError(ValueError):
    pass


def _date(year: int, month: int, day: int, written: Any) -> date:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError as error:
        raise CellError(_("“%(value)s” is not a date.") % {"value": str(written)[:60]}) from error


def find_date(value: Any) -> tuple[date | None, str]:
    """The date a cell says (Excel date, serial number, "12 Januari 2025", "12/01/2025",
    "2025-01-12"), and the rest of its text (a place written beside it)."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, int | float):
        if 20_000 <= value <= 80_000:  # an Excel serial day number shown as a number
            return EXCEL_EPOCH + timedelta(days=int(value)), ""
        raise CellError(_("“%(value)s” is not a date.") % {"value": value})
    text = str(value)
    if match := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text):
        return _date(int(match[1]), int(match[2]), int(match[3]), text), ""
    if match := DATE_WORDS.search(text):
        month = MONTHS.get(match[2].lower())
        if month:
            rest = (text[: match.start()] + text[match.end() :]).strip(" ,;-/")
            return _date(int(match[3]), month, int(match[1]), text), rest
    if match := DATE_NUMBERS.search(text):
        first, second, third = int(match[1]), int(match[2]), int(match[3])
        rest = (text[: match.start()] + text[match.end() :]).strip(" ,;-/")
        if len(match[1]) == 4:  # 2025/01/12
            return _date(first, second, third, text), rest
        return _date(third, second, first, text), rest  # day first, as Indonesia writes it
    raise CellError(
        _("“%(value)s” is not a date; write it as “12 Januari 2025” or “12/01/2025”.")
        % {"value": text[:60]}
    )


def parse_date(value: Any) -> date | None:
    found, rest = find_date(value)
    if rest and found is not None and re.search(r"\d", rest):
        raise CellError(_("“%(value)s” is not a date.") % {"value": str(value)[:60]})
    return found


TICKS = {"v", "√", "✓", "✔", "x", "ya", "y", "ada", "yes", "1", "true", "benar", "tersedia"}


def ticked(value: Any) -> bool:
    return normalise(value) in TICKS or str(value or "").strip() in TICKS


def parse_form(value: Any) -> str:
    words = normalise(value)
    if not words:
        return ""
    soft = any(w in words for w in ("soft", "elektronik", "digital", "pdf", "file", "online"))
    hard = any(w in words for w in ("hard", "cetak", "kertas", "fisik", "tercetak"))
    if "keduanya" in words or "both" in words or (soft and hard):
        return InformationForm.BOTH
    if soft:
        return InformationForm.SOFTCOPY
    if hard:
        return InformationForm.HARDCOPY
    for choice in InformationForm:
        if words == normalise(choice.label):
            return choice.value
    raise CellError(
        _("“%(value)s” is not a form; write Softcopy, Hardcopy, or Softcopy dan Hardcopy.")
        % {"value": str(value)[:60]}
    )


def parse_period(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    words = normalise(value)
    if match := re.search(r"\d+", words):
        return int(match[0]) * (12 if "tahun" in words else 1)
    for word, months in (("triwulan", 3), ("semester", 6), ("tahun", 12), ("bulan", 1)):
        if word in words:
            return months
    raise CellError(_("“%(value)s” is not a number of months.") % {"value": str(value)[:60]})


def parse_ground(value: Any) -> str:
    words = normalise(value)
    if not words:
        return ""
    if match := re.search(r"huruf ([a-j])\b", words):
        return match[1]
    if match := re.fullmatch(r"(?:pasal )?(?:17 )?([a-j])(?: .*)?", words):
        return match[1]
    if "lain" in words or "undang" in words or words == "other":
        return ExemptionGround.OTHER
    raise CellError(
        _("“%(value)s” is not a ground of Pasal 17; write its letter a to j.")
        % {"value": str(value)[:60]}
    )


def parse_bool(value: Any) -> bool:
    return ticked(value) or normalise(value) in {"permanen", "selamanya"}


# --- headings ------------------------------------------------------------------------------

HEADER_SCAN_ROWS = 15


def _headings(top: list[Any], bottom: list[Any] | None) -> list[str]:
    """The heading of each column: one header row, or two where cells merged over several
    columns (read-only openpyxl leaves them empty after the first) head the row below."""
    width = max(len(top), len(bottom or []))
    headings, parent = [], ""
    for column in range(width):
        upper = str(top[column]) if column < len(top) and top[column] is not None else ""
        lower = ""
        if bottom is not None and column < len(bottom) and bottom[column] is not None:
            lower = str(bottom[column])
        if upper:
            # A heading over sub-headings (merged across columns) heads those to its right.
            parent = upper if lower else ""
        elif lower and parent:
            upper = parent  # under a merged cell that began further left
        else:
            parent = ""
        headings.append(f"{upper} {lower}".strip() if upper and lower else upper or lower)
    return headings


def _score(headings: list[str]) -> int:
    fields = set()
    for heading in headings:
        field = known_field(heading)
        if field is None and heading:
            # "Waktu dan Tempat ... Waktu": the lower heading alone may be what is known.
            field = known_field(heading.split(" ")[-1])
        if field and field != NUMBER:
            fields.add(field)
    return len(fields)


def column_field(heading: str, bottom: str) -> str | None:
    return known_field(heading) or (known_field(bottom) if bottom else None)


def find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int, list[str], list[str]]:
    """(number of header rows at the top of `rows` to skip, the headings, the lower headings)."""
    best = (0, 0, [], [])
    for index in range(min(HEADER_SCAN_ROWS, len(rows))):
        top = rows[index][1]
        one = _headings(top, None)
        candidates = [(_score(one), 1, one, [""] * len(one))]
        if index + 1 < len(rows) and rows[index + 1][0] == rows[index][0] + 1:
            bottom = rows[index + 1][1]
            two = _headings(top, bottom)
            lower = [str(v) if v is not None else "" for v in bottom] + [""] * len(two)
            candidates.append((_score(two), 2, two, lower[: len(two)]))
        for score, height, headings, lower in candidates:
            if score >= 2 and score > best[0]:
                best = (score, index + height, headings, lower)
    if best[0] == 0:
        return 0, [], []
    return best[1], best[2], best[3]


def _numbering_row(row: list[Any]) -> bool:
    """The row of column numbers under a header (1, 2, 3, ... or (1), (2), ...)."""
    values = [normalise(v) for v in row if v is not None]
    return len(values) >= 3 and values == [str(n) for n in range(1, len(values) + 1)]


def _section(row: list[Any], class_columns: set[int]) -> str | None:
    """A row that opens a section of one classification ("A. Informasi Berkala", "II |
    Informasi Serta Merta"): one text naming a class, perhaps after a short label, and not in
    a classification column (there it is an item's own class)."""
    filled = [(i, v) for i, v in enumerate(row) if v is not None]
    if not 1 <= len(filled) <= 2 or not isinstance(filled[-1][1], str):
        return None
    if len(filled) == 2 and len(str(filled[0][1])) > 4:
        return None  # a title and its class: an item
    position, text = filled[-1]
    if position in class_columns:
        return None
    words = normalise(text)
    if "informasi" not in words and len(words.split()) > 2:
        return None
    return classification_of(text)


def column_key(heading: str, position: int) -> str:
    return normalise(heading) or f"kolom {position + 1}"


def source_of(sheets: list[Sheet]) -> dict[str, Any]:
    """The file as the preview reads it: its columns (keyed by normalised heading, so that the
    sheets of a workbook may order them differently) and its data rows with their cells."""
    columns: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for sheet in sheets:
        if not sheet.rows:
            continue
        skip, headings, lower = find_header(sheet.rows)
        if not headings:
            # No heading recognised: the first row names the columns.
            skip, headings, lower = 1, [str(v or "") for v in sheet.rows[0][1]], []
        keys, class_columns = [], set()
        for position, heading in enumerate(headings):
            key = column_key(heading, position)
            if key in keys:
                key = f"{key} {position + 1}"
            keys.append(key)
            field = column_field(heading, lower[position] if position < len(lower) else "")
            columns.setdefault(key, {"key": key, "heading": heading or key, "field": field or ""})
            if field == "classification":
                class_columns.add(position)
        current = classification_of(sheet.name) or ""
        for number, cells in sheet.rows[skip:]:
            if _numbering_row(cells):
                continue
            if (section := _section(cells, class_columns)) is not None:
                current = section
                continue
            values = {keys[i]: v for i, v in enumerate(cells) if i < len(keys) and v is not None}
            if not values:
                continue
            rows.append({"sheet": sheet.name, "row": number, "class": current, "cells": values})
    return {"columns": list(columns.values()), "rows": rows}
