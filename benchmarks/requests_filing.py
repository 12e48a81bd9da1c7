#!/usr/bin/env python
"""Requests for information filed through the public API at a steady rate, against gunicorn on
PostgreSQL: every answer counted by status, then the register checked.

Creates a throw-away PostgreSQL database, migrates it and loads the demo bodies (`seed_demo
--no-editions`), serves the app with gunicorn (DEBUG off; `PPID_NUM_PROXIES=1` so that the
`X-Forwarded-For` the client sends is the requester's address, a new one for every request, as
from many people), and sends `--rate` requests a minute for `--seconds` to
`POST /api/public/requests/`, spread over the demo's bodies, from `--clients` threads each on its
own keep-alive connection. Prints the answers by status and the latency percentiles, then checks
the database: one row per 201 answered (the tracking codes the client was given, each exactly
once), and each body's register numbers of the year 1..n without a gap or a repeat (numbering
under the body's row lock). Exits 1 on any 5xx, connection error, or mismatch.

    .venv/bin/python benchmarks/requests_filing.py [--rate 1000] [--seconds 60]

PostgreSQL: --postgres (default postgres://postgres@127.0.0.1:5432/postgres) is the server
where the database `ppid_filing_<pid>` is created and dropped. With REDIS_URL (an empty
database of its own) Redis is the cache and broker; otherwise the file cache and broker.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.load import (  # noqa: E402
    Client,
    database_url,
    django_run,
    gunicorn,
    postgres,
    wait_for,
)

SETUP = r"""
import django, json
django.setup()
from io import StringIO
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("seed_demo", password="x-" + "benchmark", no_editions=True, stdout=StringIO())
from ppid.models import Body
print("FILING-PLAN " + json.dumps({"bodies": list(Body.objects.values_list("slug", flat=True))}))
"""

CHECK = r"""
import django, json, os
django.setup()
from workflow.models import InformationRequest
codes = set(json.loads(os.environ["FILING_CODES"]))
rows = list(InformationRequest.objects.values_list("tracking_code", "body_id", "year", "number"))
stored = [row[0] for row in rows]
registers = {}
for _code, body, year, number in rows:
    registers.setdefault((body, year), []).append(number)
gapless = all(sorted(n) == list(range(1, len(n) + 1)) for n in registers.values())
print("FILING-CHECK " + json.dumps({
    "rows": len(rows),
    "distinct": len(set(stored)),
    "same_codes": set(stored) == codes,
    "gapless": gapless,
    "registers": len(registers),
}))
"""


def payload(body: str, n: int) -> bytes:
    return json.dumps(
        {
            "body": body,
            "name": f"Pemohon Beban {n}",
            "address": "Jalan Uji Beban 1, Pontianak",
            "phone": "081200000000",
            "email": "",
            "occupation": "Peneliti",
            "identity_number": f"{6171000000000000 + n}",
            "information": f"Data uji beban nomor {n}",
            "purpose": "Uji beban",
            "obtain": "copy",
            "form": "softcopy",
            "delivery": "pickup",
        }
    ).encode()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=1000, help="requests a minute")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    name = f"ppid_filing_{os.getpid()}"
    var = Path(tempfile.mkdtemp(prefix="ppid-filing-"))
    env = {
        **os.environ,
        "PPID_VAR_DIR": str(var),
        "DATABASE_URL": database_url(args.postgres, name),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "PPID_REQUIRE_2FA": "0",
        "PPID_NUM_PROXIES": "1",
        "PYTHONPATH": str(ROOT),
    }
    for key in ("CELERY_BROKER_URL", "DJANGO_MEDIA_ROOT", "PPID_SIGNING_DIR"):
        env.pop(key, None)
    log = var / "gunicorn.log"
    server = None
    failed = True
    postgres(args.postgres, f'CREATE DATABASE "{name}"')
    try:
        plan = django_run(SETUP, {**env, "CELERY_TASK_ALWAYS_EAGER": "1"}, "FILING-PLAN")
        bodies = plan["bodies"]
        server = gunicorn(args.port, env, args, log)
        wait_for(args.port, "/api/public/bodies/")
        total = int(args.rate * args.seconds / 60)
        interval = 60.0 / args.rate * args.clients  # each client's pace
        statuses: Counter = Counter()
        errors: Counter = Counter()
        codes: list[str] = []
        latencies: list[float] = []
        lock = threading.Lock()
        start_at = time.monotonic() + 1

        def client(index: int) -> None:
            connection = Client(args.port)
            for k in range(index, total, args.clients):
                due = start_at + (k // args.clients) * interval + index * interval / args.clients
                time.sleep(max(0.0, due - time.monotonic()))
                address = f"10.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}"
                began = time.monotonic()
                try:
                    status, _response, data = connection.request(
                        "POST",
                        "/api/public/requests/",
                        body=payload(bodies[k % len(bodies)], k),
                        headers={
                            "Content-Type": "application/json",
                            "X-Forwarded-For": address,
                        },
                    )
                except OSError as error:
                    with lock:
                        errors[type(error).__name__] += 1
                    continue
                with lock:
                    latencies.append(time.monotonic() - began)
                    statuses[status] += 1
                    if status == 201:
                        codes.append(json.loads(data)["tracking_code"])

        threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - start_at
        latencies.sort()

        def pct(q: float) -> float:
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

        print(
            f"{total} requests in {elapsed:.1f} s ({total / elapsed * 60:.0f}/min) to "
            f"{len(bodies)} bodies from {total} addresses; gunicorn {args.workers} "
            f"{args.worker_class} x {args.threads}"
        )
        print(f"answers: {dict(sorted(statuses.items()))}; connection errors: {dict(errors)}")
        if latencies:
            print(
                f"latency ms: p50 {pct(0.5):.0f}, p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, "
                f"max {latencies[-1] * 1000:.0f}"
            )
        check = django_run(CHECK, {**env, "FILING_CODES": json.dumps(codes)}, "FILING-CHECK")
        consistent = (
            check["rows"] == len(codes) == check["distinct"]
            and check["same_codes"]
            and check["gapless"]
        )
        print(
            f"register: {check['rows']} rows for {len(codes)} answered 201, "
            f"{check['distinct']} distinct codes, {check['registers']} registers numbered "
            + ("without gap or repeat" if check["gapless"] else "WITH GAPS OR REPEATS")
            + (": consistent" if consistent else ": MISMATCH")
        )
        server_errors = sum(n for status, n in statuses.items() if status >= 500)
        failed = bool(server_errors or errors or not consistent)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        postgres(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server_log = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(var, ignore_errors=True)
    if failed:
        print("\nFAILED. Server log (tail):")
        print("\n".join(server_log.splitlines()[-40:]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
