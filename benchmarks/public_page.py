#!/usr/bin/env python
"""Throughput of the public page of a published 1,000-row DIP, against its ceiling.

Builds a throw-away database with one body whose current DIP has 1,000 rows (through the real
services, so the edition is signed and published as in production), serves the app with
gunicorn, and measures requests/second with wrk on the page a visitor lands on. Beside it, the
very same bytes (the page's status line, headers and body, as the app sent them) come from a
minimal WSGI app under the same gunicorn settings (the ceiling), and the body alone with two
headers from another (the bare ceiling, as this benchmark measured before 2026-12). The three
are measured in turn, in short rounds, and the ratio is the median of the rounds'. The CPU
time per request of the gunicorn workers and of wrk is printed too: on a machine that other
work shares, the ratio of their sums says what requests/second would on idle cores.

    .venv/bin/python benchmarks/public_page.py [--rows 1000] [--seconds 10]

Needs wrk (Debian package `wrk`) and uses Redis as the cache when REDIS_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
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


def wrk(url: str, seconds: int, connections: int) -> tuple[float, int, float]:
    """Requests per second, how many requests were answered, and wrk's own CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return rps, int(re.search(r"(\d+) requests in", out).group(1)), cpu


def workers_cpu_seconds(master: subprocess.Popen) -> float:
    """User + system CPU time of the gunicorn master's workers (Linux /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master.pid:  # the parent's pid
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(servers: dict[str, tuple[subprocess.Popen, str]], args) -> dict[str, dict]:
    """Each server in turn for `--rounds` slices of its `--seconds`, after a warm-up each: the
    load other work puts on the machine then weighs on all of them alike. Per server: the
    requests/second of each slice, and the workers' CPU microseconds per request overall."""
    for _server, url in servers.values():
        wrk(url, 2, args.connections)
    figures = {name: {"rps": [], "requests": 0, "cpu": 0.0, "client": 0.0} for name in servers}
    slice_seconds = max(1, round(args.seconds / args.rounds))
    for _round in range(args.rounds):
        for name, (server, url) in servers.items():
            before = workers_cpu_seconds(server)
            rps, requests, client = wrk(url, slice_seconds, args.connections)
            figure = figures[name]
            figure["cpu"] += workers_cpu_seconds(server) - before
            figure["client"] += client
            figure["rps"].append(rps)
            figure["requests"] += requests
    for figure in figures.values():
        figure["cpu_per_request"] = figure["cpu"] / figure["requests"] * 1e6
        figure["client_per_request"] = figure["client"] / figure["requests"] * 1e6
        figure["mean_rps"] = statistics.fmean(figure["rps"])
    return figures


def ratio(figures: dict, name: str, to: str) -> str:
    """The median of the rounds' ratios of requests/second (and their range); the ratio of the
    servers' CPU per request; and of the servers' and wrk's together, which is what the
    requests/second would be when the machine's cores have nothing else to do."""
    rounds = [a / b for a, b in zip(figures[name]["rps"], figures[to]["rps"], strict=True)]
    this, that = figures[name], figures[to]
    server = that["cpu_per_request"] / this["cpu_per_request"]
    total = (that["cpu_per_request"] + that["client_per_request"]) / (
        this["cpu_per_request"] + this["client_per_request"]
    )
    return (
        f"{statistics.median(rounds):10.3f} (rounds {min(rounds):.3f}-{max(rounds):.3f});"
        f" CPU per request: server {server:.3f}, server and wrk {total:.3f}"
    )


# Set by gunicorn itself on every answer, the app's and the ceiling's alike.
SERVER_HEADERS = {"date", "server", "connection"}


def gunicorn(app: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    # The app runs with the production config (gunicorn.conf.py: workers warmed, start-up's
    # objects frozen); the ceilings with none, or gunicorn would load that file from the
    # working directory and warm a Django they do not have.
    config = "gunicorn.conf.py" if app.startswith("ppid.") else "/dev/null"
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            app,
            "--config",
            config,
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
# DEBUG is off, so {% static %} needs the manifest (as in production: README "Production").
call_command("collectstatic", interactive=False, verbosity=0)
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
from ppid.twofactor import second_factor_waived
app.conf.task_always_eager = True
with second_factor_waived():  # no request here, as in seed_demo: the system signs
    edition = edition_at("disdukcapil-kalbar", "published", title="DIP 2026")
print("rows", edition.rows.count(), "state", edition.state)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5, help="slices of --seconds per server")
    parser.add_argument(
        "--var", help="directory of an earlier run (printed at the end) to reuse, not rebuild"
    )
    args = parser.parse_args()
    var = args.var or tempfile.mkdtemp(prefix="ppid-bench-")
    env = {
        **os.environ,
        "PPID_VAR_DIR": var,
        "DJANGO_STATIC_ROOT": str(Path(var) / "static"),
        "DJANGO_SECRET_KEY": "bench-only-secret-key-long-enough-for-the-settings-check-0123",
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "BENCH_ROWS": str(args.rows),
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_URL", None)
    if not (Path(var) / "db.sqlite3").exists():
        subprocess.run([PYTHON, "-c", SETUP], cwd=ROOT, env=env, check=True)
    load_before = f"{os.getloadavg()[0]:.2f}"

    servers: dict[str, tuple[subprocess.Popen, str]] = {}
    try:
        app_server = gunicorn("ppid.wsgi:application", 8101, env, args.workers)
        servers["app"] = (app_server, "")
        wait_for("http://127.0.0.1:8101/")
        home = urllib.request.urlopen("http://127.0.0.1:8101/").read().decode()
        path = re.search(r'href="(/[^"]*disdukcapil-kalbar/?)"', home).group(1)
        url = f"http://127.0.0.1:8101{path}"
        servers["app"] = (app_server, url)
        with urllib.request.urlopen(url) as response:
            page = response.read()
            headers = [h for h in response.getheaders() if h[0].lower() not in SERVER_HEADERS]
        body_file = Path(var) / "page.html"
        body_file.write_bytes(page)
        headers_file = Path(var) / "page-headers.json"
        headers_file.write_text(json.dumps(headers))
        for name, port, extra in (
            ("ceiling", 8102, {"BENCH_HEADERS_FILE": str(headers_file)}),
            ("bare", 8103, {}),
        ):
            server = gunicorn(
                "benchmarks.minimal_app:app",
                port,
                {**env, "BENCH_BODY_FILE": str(body_file), **extra},
                args.workers,
            )
            servers[name] = (server, f"http://127.0.0.1:{port}/")
            wait_for(f"http://127.0.0.1:{port}/")
        figures = measure(servers, args)
    finally:
        for server, _url in servers.values():
            server.terminate()
            server.wait()

    header_bytes = sum(len(f"{k}: {v}\r\n") for k, v in headers)
    print(f"page: {path} ({len(page):,} bytes, {len(headers)} headers of {header_bytes:,} bytes,")
    print(f"      {args.rows} rows)")
    print(f"load average before: {load_before}, after: {os.getloadavg()[0]:.2f}")
    for name, what in (
        ("app", ""),
        ("ceiling", " (same headers and body)"),
        ("bare", " (same body, 2 headers)"),
    ):
        figure = figures[name]
        print(
            f"{name + ':':8} {figure['mean_rps']:10.1f} req/s"
            f" CPU/req: server {figure['cpu_per_request']:5.1f} us,"
            f" wrk {figure['client_per_request']:5.1f} us{what}"
        )
    print(f"ratio:   {ratio(figures, 'app', 'ceiling')}; goal >= 0.9")
    print(f"vs bare: {ratio(figures, 'app', 'bare')}")
    print(f"data:    {var} (--var to reuse)")


if __name__ == "__main__":
    main()
