"""The columns of a register or list as spreadsheets carry them: one definition, shared by the
`.xlsx` exports and the spreadsheet import (its template and its heading recognition).

Headings are the Indonesian names officers print (Perki 1/2021's DIP elements and the lembar
uji konsekuensi), whatever the interface language; choice values are written by their
Indonesian labels. `REGISTER_COLUMNS` are an item's fields in the order of the register export
and of the import template; `importable=False` marks what the system keeps itself (the row
number, the update dates), which the export shows and an import ignores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db.models import Model
from django.utils import translation

from dip.models import Classification, ExemptionGround, InformationForm

TEXT, DATE, INTEGER, BOOLEAN, CHOICE = "text", "date", "integer", "boolean", "choice"

# The Indonesian words for a yes/no cell (export writes the first; an import may read either).
YES, NO = "Ya", "Tidak"

CHOICES: dict[str, type] = {
    "classification": Classification,
    "form": InformationForm,
    "exemption_ground": ExemptionGround,
}


@dataclass(frozen=True)
class Column:
    field: str  # the model field (on Item or EditionRow); "unit" is the unit's name
    heading: str  # the Indonesian heading printed in the spreadsheet's header row
    kind: str = TEXT
    width: int = 24  # characters, as officers print the list (wrapped text)
    importable: bool = True

    def choices(self) -> list[tuple[str, str]]:
        """(value, Indonesian label) of a choice column; [] for any other."""
        return list(_labels(self.field).items()) if self.kind == CHOICE else []


NUMBER = Column("number", "No", INTEGER, width=6, importable=False)
TITLE = Column("title", "Judul Informasi", width=36)
SUMMARY = Column("summary", "Ringkasan Isi Informasi", width=48)
CLASSIFICATION = Column("classification", "Klasifikasi", CHOICE, width=14)
UNIT = Column("unit", "Bidang/Seksi", width=22)
UNIT_NAME = Column("unit_name", "Bidang/Seksi", width=22)
UPDATE_PERIOD = Column("update_period_months", "Jangka Waktu Pembaruan (bulan)", INTEGER, width=12)
HOLDING_UNIT = Column(
    "holding_unit", "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi", width=28
)
RESPONSIBLE = Column(
    "responsible", "Penanggung Jawab Pembuatan atau Penerbitan Informasi", width=28
)
PRODUCED_AT = Column("produced_at", "Waktu Pembuatan Informasi", DATE, width=14)
PRODUCED_PLACE = Column("produced_place", "Tempat Pembuatan Informasi", width=18)
FORM = Column("form", "Bentuk Informasi yang Tersedia", CHOICE, width=16)
RETENTION = Column("retention", "Jangka Waktu Penyimpanan atau Retensi Arsip", width=20)
EXEMPTED_PART = Column("exempted_part", "Informasi yang Dikecualikan", width=36)
EXEMPTION_GROUND = Column(
    "exemption_ground", "Dasar Hukum Pengecualian (Pasal 17 UU 14/2008)", CHOICE, width=30
)
EXEMPTION_LAW = Column("exemption_law", "Undang-Undang Lain yang Dikutip", width=28)
CONSEQUENCE_IF_OPENED = Column("consequence_if_opened", "Akibat bila Informasi Dibuka", width=40)
CONSEQUENCE_IF_CLOSED = Column("consequence_if_closed", "Akibat bila Informasi Ditutup", width=40)
PUBLIC_INTEREST = Column("public_interest", "Pertimbangan Kepentingan Publik", width=40)
EXEMPTION_UNTIL = Column("exemption_until", "Dikecualikan sampai Tanggal", DATE, width=14)
EXEMPTION_EVENT = Column("exemption_event", "Dikecualikan sampai Peristiwa", width=24)
EXEMPTION_PERMANENT = Column("exemption_permanent", "Dikecualikan Permanen", BOOLEAN, width=12)
LAST_UPDATED = Column("last_updated_on", "Terakhir Diperbarui", DATE, width=14, importable=False)
NEXT_UPDATE = Column("next_update_on", "Pembaruan Berikutnya", DATE, width=14, importable=False)

# A body's register (every field of an item): the export's columns and the import template's.
REGISTER_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    TITLE,
    SUMMARY,
    CLASSIFICATION,
    UNIT,
    HOLDING_UNIT,
    RESPONSIBLE,
    PRODUCED_AT,
    PRODUCED_PLACE,
    FORM,
    RETENTION,
    UPDATE_PERIOD,
    EXEMPTED_PART,
    EXEMPTION_GROUND,
    EXEMPTION_LAW,
    CONSEQUENCE_IF_OPENED,
    CONSEQUENCE_IF_CLOSED,
    PUBLIC_INTEREST,
    EXEMPTION_UNTIL,
    EXEMPTION_EVENT,
    EXEMPTION_PERMANENT,
    LAST_UPDATED,
    NEXT_UPDATE,
)

# A published edition's public rows, by kind: the public columns (dip.serializers) only.
DIP_EDITION_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    CLASSIFICATION,
    TITLE,
    SUMMARY,
    UNIT_NAME,
    HOLDING_UNIT,
    RESPONSIBLE,
    PRODUCED_AT,
    PRODUCED_PLACE,
    FORM,
    RETENTION,
    UPDATE_PERIOD,
)
DIK_EDITION_COLUMNS: tuple[Column, ...] = (
    NUMBER,
    TITLE,
    EXEMPTED_PART,
    EXEMPTION_GROUND,
    EXEMPTION_LAW,
    CONSEQUENCE_IF_OPENED,
    CONSEQUENCE_IF_CLOSED,
    PUBLIC_INTEREST,
    EXEMPTION_UNTIL,
    EXEMPTION_EVENT,
    EXEMPTION_PERMANENT,
)


@cache
def _labels(field: str) -> dict[str, str]:
    with translation.override("id"):
        return {value: str(label) for value, label in CHOICES[field].choices}


def edition_columns(kind: str) -> tuple[Column, ...]:
    return DIK_EDITION_COLUMNS if kind == "dik" else DIP_EDITION_COLUMNS


def cell_value(obj: Model, column: Column) -> Any:
    """What the spreadsheet cell of `column` holds for an item or a signed row: dates as
    dates, numbers as numbers, choices by their Indonesian label, yes/no in words."""
    if column.field == "unit":
        unit = getattr(obj, "unit", None)
        return unit.name if unit is not None else None
    value = getattr(obj, column.field, None)
    if value is None or value == "":
        return None
    if column.kind == CHOICE:
        return _labels(column.field).get(value, value)
    if column.kind == BOOLEAN:
        return YES if value else NO
    if column.kind == DATE and isinstance(value, date):
        return value
    return value
