#!/usr/bin/env python
"""Seconds to render and sign a 1,000-row DIP, against a bare WeasyPrint render of the rows.

The baseline is a plain HTML table with the same rows rendered by WeasyPrint in the same run:
the ratio says what the letterhead, grouping, page numbers, QR code and the PAdES signature
cost on top of the unavoidable layout work.

    .venv/bin/python benchmarks/render_sign.py [--rows 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import django, os, statistics, time
django.setup()
from datetime import date
from io import StringIO
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed_demo", password="bench-pass-1", no_editions=True, stdout=StringIO())
from html import escape
import weasyprint
from dip.models import Item
from dip.rendering import render_edition_pdf
from dip.signing import signer_for
from ppid.models import Body
from tests.helpers import edition_at
rows_wanted = int(os.environ["BENCH_ROWS"]); repeat = int(os.environ["BENCH_REPEAT"])
body = Body.objects.get(slug="disdukcapil-kalbar")
classes = ["serta_merta", "berkala", "setiap_saat"]
Item.objects.bulk_create([Item(
    body=body, title=f"Informasi publik nomor {n}", summary="Ringkasan isi informasi " * 4,
    classification=classes[n % 3], holding_unit="Bidang PIAK", responsible="Kepala Bidang",
    produced_at=date(2026, 1, 1 + n % 28), produced_place="Pontianak", form="both",
    retention="5 tahun") for n in range(rows_wanted - body.items.count())])
from ppid.celery import app
app.conf.task_always_eager = True
edition = edition_at("disdukcapil-kalbar", "publication", title="DIP 2026")
rows = list(edition.rows.order_by("number"))
cells = ["number", "title", "summary", "holding_unit", "responsible", "produced_at",
         "produced_place", "form", "retention"]
plain = "<table>" + "".join(
    "<tr>" + "".join(f"<td>{escape(str(getattr(r, c)))}</td>" for c in cells) + "</tr>"
    for r in rows) + "</table>"

def timed(fn):
    times = []
    for _ in range(repeat):
        start = time.perf_counter(); fn(); times.append(time.perf_counter() - start)
    return statistics.median(times)

signer = signer_for(body)
bare = timed(lambda: weasyprint.HTML(string=plain).write_pdf())
full = timed(lambda: signer.sign(render_edition_pdf(edition), reason="bench", location="bench"))
print(f"rows: {len(rows)}")
print(f"bare WeasyPrint table: {bare:7.2f} s (median of {repeat})")
print(f"render + sign:         {full:7.2f} s (median of {repeat})")
print(f"ratio:                 {full / bare:7.2f} (goal <= 1.3)")
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="ppid-bench-")
    env = {
        **os.environ,
        "PPID_VAR_DIR": var,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-long-enough-for-the-settings-check-0123",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "BENCH_ROWS": str(args.rows),
        "BENCH_REPEAT": str(args.repeat),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, check=True)


if __name__ == "__main__":
    main()
