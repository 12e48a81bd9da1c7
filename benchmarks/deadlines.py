"""Deadlines per second: `compute_deadline` over random starts in 2026-2027 for each unit of
the seed SOPs, on the default calendar (pure Python, no database).

Run: .venv/bin/python benchmarks/deadlines.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")

import django

django.setup()

from ppid.calendar import WorkCalendar  # noqa: E402
from workflow.deadlines import compute_deadline  # noqa: E402

STANDARDS = [
    (15, "menit"),
    (60, "menit"),
    (1, "jam"),
    (1, "hari"),
    (7, "hari"),
    (1, "hari_kerja"),
    (2, "hari_kerja"),
    (1, "hari_kalender"),
]
N = 20_000


def main() -> None:
    rng = random.Random(2026)
    tz = ZoneInfo("Asia/Pontianak")
    base = datetime(2026, 1, 1, tzinfo=tz)
    starts = [base + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)) for _ in range(N)]
    calendar = WorkCalendar()
    compute_deadline(starts[0], 15, "menit", calendar)  # load the holiday tables once
    print(f"{'standard':<14}{'deadlines/s':>14}")
    for amount, unit in STANDARDS:
        began = time.perf_counter()
        for start in starts:
            compute_deadline(start, amount, unit, calendar)
        rate = N / (time.perf_counter() - began)
        print(f"{amount} {unit:<12}{rate:>14,.0f}")


if __name__ == "__main__":
    main()
