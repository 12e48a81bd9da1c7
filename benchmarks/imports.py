#!/usr/bin/env python
"""Import of a 10,000-row `.xlsx` register into one body, on PostgreSQL, through the real
services: the upload (file checks, read-only openpyxl, header detection, every row checked by
the register's item form, duplicates looked up) and the commit (the task's work: every row
checked again and written through `item_create` with its audit row, in one transaction).
Prints the seconds of each phase and the process's peak resident memory (ru_maxrss) before the
import and after it.

    .venv/bin/python benchmarks/imports.py [--rows 10000]

DATABASE_URL: a PostgreSQL database the script may fill (it adds one body and its items).
Unset: it creates `ppid_bench_import` on postgres://postgres@127.0.0.1:5432 and drops it.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import secrets
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
THROWAWAY = "ppid_bench_import"


def admin_sql(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{DEFAULT_SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")
    os.environ.setdefault("PPID_VAR_DIR", tempfile.mkdtemp(prefix="ppid-bench-import-"))
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_hex(32))  # DEBUG stays off
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ppid.celery import app

    # The commit queues the task on an in-memory broker; the script runs its work itself.
    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def workbook(rows: int) -> bytes:
    """The template's layout, written as an office would: a title sheet per classification
    would do as well; here one sheet, the classification per column, Excel dates."""
    from openpyxl import Workbook

    from dip.services.imports.columns import TEMPLATE_COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Daftar Informasi")
    sheet.append([heading for _field, heading in TEMPLATE_COLUMNS])
    classes = ["Berkala", "Setiap saat", "Serta merta"]
    start = date(2024, 1, 1)
    for n in range(rows):
        values = {
            "number": n + 1,
            "title": f"Informasi publik nomor {n + 1} tentang layanan kependudukan",
            "summary": "Ringkasan isi informasi yang cukup panjang untuk sebuah baris DIP: "
            "apa yang dimuat, untuk siapa, dan kapan diperbarui.",
            "classification": classes[n % 3],
            "update_period_months": 6,
            "unit": "Sekretariat" if n % 2 else "",
            "holding_unit": "Sub Bagian Umum dan Kepegawaian",
            "responsible": "Sekretaris Dinas",
            "produced_at": start + timedelta(days=n % 700),
            "produced_place": "Pontianak",
            "form": "Softcopy dan hardcopy",
            "retention": "5 tahun",
            "exemption_permanent": "Tidak",
        }
        sheet.append([values.get(field) for field, _h in TEMPLATE_COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(rows: int) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dip.models import Item
    from dip.services import imports
    from ppid import services as ppid_services
    from ppid.models import Role

    suffix = secrets.token_hex(3)
    body = ppid_services.body_create(slug=f"bench-import-{suffix}", name=f"Bench {suffix}")
    ppid_services.unit_create(body=body, name="Sekretariat")
    user = ppid_services.officer_upsert(username=f"bench-{suffix}", password="x" * 12)
    ppid_services.role_grant(user=user, body=body, role=Role.OPERATOR)

    content = workbook(rows)
    print(f"workbook: {rows:,} rows, {len(content) / 1024:,.0f} KiB; peak RSS {peak_mib():.0f} MiB")
    before = peak_mib()
    upload = SimpleUploadedFile("daftar.xlsx", content)
    started = time.perf_counter()
    job = imports.import_job_create(body=body, user=user, upload=upload)
    read = time.perf_counter() - started
    problems = sum(1 for r in job.rows if r["errors"])
    print(f"upload + preview: {read:.2f} s ({problems} rows with problems)")
    job = imports.import_job_commit(job=job, user=user)
    started = time.perf_counter()
    job = imports.import_job_run(job_id=job.pk)
    write = time.perf_counter() - started
    print(f"commit (check again + write in one transaction): {write:.2f} s, status {job.status}")
    print(
        f"created {job.created:,}, skipped {len(job.skipped)}; items in the body "
        f"{Item.objects.filter(body=body).count():,}"
    )
    print(
        f"total {read + write:.2f} s (goal < 30 s); peak RSS {before:.0f} MiB before the "
        f"import, {peak_mib():.0f} MiB after"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL")
    created = False
    if not url:
        admin_sql(f"DROP DATABASE IF EXISTS {THROWAWAY}")
        admin_sql(f"CREATE DATABASE {THROWAWAY}")
        url, created = f"{DEFAULT_SERVER}/{THROWAWAY}", True
    try:
        setup_django(url)
        run(args.rows)
    finally:
        if created:
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {THROWAWAY}")


if __name__ == "__main__":
    main()
