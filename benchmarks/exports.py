"""Seconds and peak memory to write a 10,000-row register and a 10,000-row edition as .xlsx,
the way the downloads write them (`dip.exports._rows` over `dip.columns`, cells by
`ppid.spreadsheet.xlsx_bytes` in openpyxl's streaming mode), without the database: the rows are
unsaved model instances with every field filled (long summaries, dates, choices), so what is
timed is the spreadsheet writing, which dominates the download.

Run: .venv/bin/python benchmarks/exports.py [--rows 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")

import django

django.setup()

from dip.columns import DIP_EDITION_COLUMNS, REGISTER_COLUMNS  # noqa: E402
from dip.exports import _rows  # noqa: E402
from dip.models import EditionRow, Item  # noqa: E402
from ppid.spreadsheet import xlsx_bytes  # noqa: E402

CLASSES = ["serta_merta", "berkala", "setiap_saat", "dikecualikan"]
SUMMARY = (
    "Laporan realisasi anggaran, neraca dan catatan atas laporan keuangan yang disusun setiap "
    "semester oleh sub bagian keuangan dan disampaikan kepada kepala dinas. "
)


def items(count: int) -> list[Item]:
    return [
        Item(
            title=f"Informasi nomor {n}: laporan kegiatan bidang {n % 9}",
            summary=SUMMARY * 2,
            classification=CLASSES[n % 4],
            holding_unit="Sub Bagian Umum dan Kepegawaian",
            responsible="Sekretaris Dinas",
            produced_at=date(2020 + n % 6, 1 + n % 12, 1 + n % 28),
            produced_place="Putussibau",
            form=["softcopy", "hardcopy", "both"][n % 3],
            retention="10 tahun",
            update_period_months=6 if n % 4 == 1 else None,
            exemption_ground="h" if n % 4 == 3 else "",
            consequence_if_opened=SUMMARY if n % 4 == 3 else "",
            last_updated_on=date(2026, 6, 1),
        )
        for n in range(1, count + 1)
    ]


def rows(count: int) -> list[EditionRow]:
    return [
        EditionRow(
            number=n,
            classification=CLASSES[n % 3],
            title=f"Informasi nomor {n}",
            summary=SUMMARY,
            unit_name=f"Bidang {n % 7}",
            holding_unit="Sekretariat",
            responsible="Sekretaris",
            produced_at=date(2020 + n % 6, 1, 1),
            produced_place="Putussibau",
            form="softcopy",
            retention="5 tahun",
            update_period_months=6 if n % 3 == 1 else None,
        )
        for n in range(1, count + 1)
    ]


def measure(name: str, objects, columns, repeat: int) -> None:
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        content = xlsx_bytes(
            sheet_title="Uji",
            title_lines=["Judul", "Keputusan"],
            header=[c.heading for c in columns],
            widths=[c.width for c in columns],
            rows=_rows(iter(objects), columns, numbered=True),
        )
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    xlsx_bytes(
        sheet_title="Uji",
        title_lines=["Judul"],
        header=[c.heading for c in columns],
        widths=[c.width for c in columns],
        rows=_rows(iter(objects), columns, numbered=True),
    )
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"{name}: {len(objects):,} rows x {len(columns)} columns, "
        f"median {statistics.median(seconds):.2f} s (min {min(seconds):.2f}), "
        f"{len(objects) / statistics.median(seconds):,.0f} rows/s, "
        f"file {len(content) / 1e6:.2f} MB, peak traced memory while writing {peak / 1e6:.1f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    register = items(args.rows)
    edition = rows(args.rows)
    measure("register", register, REGISTER_COLUMNS, args.repeat)
    measure("edition (DIP)", edition, DIP_EDITION_COLUMNS, args.repeat)


if __name__ == "__main__":
    main()
