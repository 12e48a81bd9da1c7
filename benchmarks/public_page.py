#!/usr/bin/env python
"""Throughput of the public page of a published 1,000-row DIP, against its ceiling.

Builds a throw-away database with one body whose current DIP has 1,000 rows (through the real
services, so the edition is signed and published as in production), serves the app with
gunicorn, and measures requests/second with wrk on the page a visitor lands on. Then serves the
very same bytes from a minimal WSGI app under the same gunicorn settings and reports the ratio.

    .venv/bin/python benchmarks/public_page.py [--rows 1000] [--seconds 10]

Needs wrk (Debian package `wrk`) and uses Redis as the cache when REDIS_URL is set.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def wait_for(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def wrk(url: str, seconds: int, connections: int) -> float:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def gunicorn(app: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            "--worker-class",
            "sync",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


SETUP = r"""
import django, os
django.setup()
from datetime import date
from django.core.management import call_command
from io import StringIO
call_command("migrate", verbosity=0)
call_command("seed_demo", password="bench-pass-1", no_editions=True, stdout=StringIO())
from dip.models import Item
from ppid.models import Body
from tests.helpers import edition_at
body = Body.objects.get(slug="disdukcapil-kalbar")
classes = ["serta_merta", "berkala", "setiap_saat"]
Item.objects.bulk_create([Item(
    body=body, title=f"Informasi publik nomor {n}", summary="Ringkasan isi informasi " * 4,
    classification=classes[n % 3], holding_unit="Bidang PIAK", responsible="Kepala Bidang",
    produced_at=date(2026, 1, 1 + n % 28), produced_place="Pontianak", form="both",
    retention="5 tahun") for n in range(int(os.environ["BENCH_ROWS"]) - body.items.count())])
from ppid.celery import app
app.conf.task_always_eager = True
edition = edition_at("disdukcapil-kalbar", "published", title="DIP 2026")
print("rows", edition.rows.count(), "state", edition.state)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="ppid-bench-")
    env = {
        **os.environ,
        "PPID_VAR_DIR": var,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-long-enough-for-the-settings-check-0123",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "BENCH_ROWS": str(args.rows),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    subprocess.run([PYTHON, "-c", SETUP], cwd=ROOT, env=env, check=True)

    app_server = gunicorn("ppid.wsgi:application", 8101, env, args.workers)
    try:
        wait_for("http://127.0.0.1:8101/")
        home = urllib.request.urlopen("http://127.0.0.1:8101/").read().decode()
        path = re.search(r'href="(/[^"]*disdukcapil-kalbar/?)"', home).group(1)
        url = f"http://127.0.0.1:8101{path}"
        page = urllib.request.urlopen(url).read()
        body_file = Path(var) / "page.html"
        body_file.write_bytes(page)
        wrk(url, 2, args.connections)  # warm-up
        app_rps = wrk(url, args.seconds, args.connections)
    finally:
        app_server.terminate()
        app_server.wait()

    ceiling_server = gunicorn(
        "benchmarks.minimal_app:app", 8102, {**env, "BENCH_BODY_FILE": str(body_file)}, args.workers
    )
    try:
        wait_for("http://127.0.0.1:8102/")
        wrk("http://127.0.0.1:8102/", 2, args.connections)
        ceiling_rps = wrk("http://127.0.0.1:8102/", args.seconds, args.connections)
    finally:
        ceiling_server.terminate()
        ceiling_server.wait()

    print(f"page: {path} ({len(page):,} bytes, {args.rows} rows)")
    print(f"app:     {app_rps:10.1f} req/s")
    print(f"ceiling: {ceiling_rps:10.1f} req/s (minimal WSGI app, same bytes)")
    print(f"ratio:   {app_rps / ceiling_rps:10.3f} (goal >= 0.8)")


if __name__ == "__main__":
    main()
