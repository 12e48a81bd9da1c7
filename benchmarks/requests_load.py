#!/usr/bin/env python
"""Requests for information filed by the public under load: 1,000 a minute from many addresses
for a minute, against gunicorn on PostgreSQL; zero 5xx, every accepted request in the register
exactly once.

Creates a throw-away PostgreSQL database, loads the demo (`seed_demo`), serves the app with
gunicorn (4 gthread workers x 2 threads by default, DEBUG off, Redis as cache, throttle store
and broker, no Celery worker: the e-mails to the requesters are only queued), then sends
`--rate` requests a minute for `--seconds`, open loop (each at its own moment, whatever the
answers before it), through the public form `POST /badan-publik/<slug>/permohonan/` as a
browser does, each on a fresh connection from its own address (`X-Forwarded-For`, with
`PPID_NUM_PROXIES=1`, as behind a proxy), spread over the demo's bodies. Each request carries
a unique marker in its "information" text; a 302 to the receipt is an accepted request, whose
tracking code is read from the `Location`.

Prints the answers by status, the rate achieved, p50/p95/p99/max latency, the CPU seconds used
by the server, the client and everything else, then checks the database: every accepted
request there exactly once (by marker and by tracking code), nothing stored for any request
not accepted, one register number per request. Exits 1 on any 5xx, any request without an
answer, or a mismatch. Everything it creates is removed at the end. Requests are never resent
(a POST resent after a lost answer could be stored twice: that would be the client's doing).

    .venv/bin/python benchmarks/requests_load.py [--seconds 60] [--rate 1000]

REDIS_URL (or --redis-url) must name an empty Redis database of its own, e.g.
redis://127.0.0.1:6379/15; --postgres (default postgres://postgres@127.0.0.1:5432/postgres) is
the server where the database `ppid_reqload_<pid>` is created and dropped.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.load import (
    HOST,
    CpuWatch,
    database_url,
    django_run,
    gunicorn,
    percentile,
    postgres,
    process_cpu,
    redis_client,
    wait_for,
)

MARKER = "Uji beban permohonan #"

SETUP = r"""
import django, json
django.setup()
from io import StringIO
from django.core.management import call_command
from django.urls import reverse
call_command("migrate", verbosity=0)
call_command("collectstatic", interactive=False, verbosity=0)
call_command("seed_demo", stdout=StringIO())
from ppid.models import Body
slugs = list(Body.objects.order_by("pk").values_list("slug", flat=True))
print("REQLOAD-PLAN " + json.dumps({
    "forms": [reverse("workflow:request_form", args=[slug]) for slug in slugs],
    "home": reverse("home"),
}))
"""

CHECK = r"""
import django, json, os
from collections import Counter
django.setup()
from django.db.models import Count
from workflow.models import InformationRequest
accepted = json.loads(os.environ["REQLOAD_ACCEPTED"])
rows = list(InformationRequest.objects.filter(information__startswith=os.environ["REQLOAD_MARKER"])
            .values_list("information", "tracking_code"))
by_marker = Counter(info for info, _code in rows)
codes = {code for _info, code in rows}
duplicate_numbers = (InformationRequest.objects.values("body", "year", "number")
                     .annotate(n=Count("pk")).filter(n__gt=1).count())
print("REQLOAD-CHECK " + json.dumps({
    "rows": len(rows),
    "all_rows": InformationRequest.objects.count(),
    "twice": sum(1 for n in by_marker.values() if n > 1),
    "missing": sum(1 for marker, code in accepted.items()
                   if by_marker.get(marker) != 1 or code not in codes),
    "unexpected": sum(1 for marker in by_marker if marker not in accepted),
    "duplicate_numbers": duplicate_numbers,
}))
"""


def form_body(number: int) -> str:
    return urlencode(
        {
            "name": f"Pemohon Uji {number}",
            "address": "Jalan Uji Beban 1, Pontianak",
            "phone": "081200000000",
            "email": "",
            "occupation": "Peneliti",
            "identity_number": f"61710{number:011d}",
            "information": f"{MARKER}{number}",
            "purpose": "Uji beban",
            "obtain": "copy",
            "form": "softcopy",
            "delivery": "pickup",
            "website": "",
        }
    )


def address(number: int) -> str:
    return f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"


def send(port: int, path: str, number: int) -> tuple[int | str, float, str]:
    """One request on a fresh connection: (status or error, seconds, tracking code or "")."""
    started = time.monotonic()
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(
            "POST",
            path,
            body=form_body(number),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Forwarded-For": address(number),
            },
        )
        response = connection.getresponse()
        response.read()
        location = response.getheader("Location") or ""
    except OSError as error:
        return type(error).__name__, time.monotonic() - started, ""
    finally:
        connection.close()
    code = ""
    if response.status == 302 and "/lacak-permohonan/" in location:
        code = location.split("/lacak-permohonan/", 1)[1].split("/", 1)[0]
    return response.status, time.monotonic() - started, code


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=1000, help="requests a minute")
    parser.add_argument("--client-threads", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread")
    parser.add_argument("--port", type=int, default=8112)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", ""))
    args = parser.parse_args()
    if not args.redis_url:
        parser.error("give the benchmark a Redis database of its own: --redis-url or REDIS_URL")
    redis = redis_client(args.redis_url)
    if redis.dbsize():
        raise SystemExit(f"{args.redis_url} holds keys; give the benchmark an empty database")

    name = f"ppid_reqload_{os.getpid()}"
    var = Path(tempfile.mkdtemp(prefix="ppid-reqload-"))
    env = {
        **os.environ,
        "PPID_VAR_DIR": str(var),
        "DJANGO_STATIC_ROOT": str(var / "static"),
        "DATABASE_URL": database_url(args.postgres, name),
        "REDIS_URL": args.redis_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{HOST},localhost",
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
        "PPID_REQUIRE_2FA": "0",
        "PPID_NUM_PROXIES": "1",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    for key in ("CELERY_BROKER_URL", "DJANGO_MEDIA_ROOT", "PPID_SIGNING_DIR"):
        env.pop(key, None)
    log = var / "gunicorn.log"
    server = None
    failed = True
    postgres(args.postgres, f'CREATE DATABASE "{name}"')
    try:
        started = time.monotonic()
        plan = django_run(SETUP, {**env, "CELERY_TASK_ALWAYS_EAGER": "1"}, "REQLOAD-PLAN")
        print(f"setup: {time.monotonic() - started:.0f} s, {len(plan['forms'])} bodies", flush=True)
        server = gunicorn(args.port, {**env, "CELERY_TASK_ALWAYS_EAGER": "0"}, args, log)
        wait_for(args.port, plan["home"])
        total = int(args.rate * args.seconds / 60)
        gap = 60 / args.rate
        print(
            f"gunicorn: {args.workers} {args.worker_class} workers x {args.threads} threads; "
            f"client: {total} requests over {args.seconds:.0f} s ({args.rate:.0f}/min), each "
            f"from its own address; load average before: {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        results: list[tuple[int, tuple]] = []
        lock = threading.Lock()
        client_cpu_before = process_cpu(os.getpid())
        start_at = time.time() + 1
        watch = CpuWatch(server.pid, start_at, args.seconds)
        watch.start()

        def one(number: int) -> None:
            time.sleep(max(0.0, start_at + number * gap - time.time()))
            outcome = send(args.port, plan["forms"][number % len(plan["forms"])], number)
            with lock:
                results.append((number, outcome))

        with ThreadPoolExecutor(max_workers=args.client_threads) as pool:
            list(pool.map(one, range(total)))
        elapsed = time.time() - start_at
        watch.join()
        client_cpu = process_cpu(os.getpid()) - client_cpu_before

        statuses = Counter(outcome[0] for _n, outcome in results)
        latencies = sorted(outcome[1] for _n, outcome in results)
        accepted = {f"{MARKER}{n}": outcome[2] for n, outcome in results if outcome[2]}
        server_errors = sum(n for s, n in statuses.items() if isinstance(s, int) and s >= 500)
        unanswered = sum(n for s, n in statuses.items() if not isinstance(s, int))
        ms = [percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99)] + [latencies[-1] * 1000]
        print(
            f"load average after: {os.getloadavg()[0]:.2f}; CPU seconds in the "
            f"{args.seconds:.0f} s: server {watch.server:.1f}, client {client_cpu:.1f}, machine "
            f"busy {watch.machine:.1f} of {args.seconds * (os.cpu_count() or 1):.0f}\n"
        )
        print(f"sent {len(results)} in {elapsed:.1f} s ({len(results) / elapsed * 60:.0f}/min)")
        print(f"answers: {dict(sorted(statuses.items(), key=str))}")
        print("latency ms: p50 {:.1f}  p95 {:.1f}  p99 {:.1f}  max {:.1f}".format(*ms))
        print(f"accepted (302 to the receipt): {len(accepted)}; 5xx: {server_errors}")

        check = django_run(
            CHECK,
            {**env, "REQLOAD_ACCEPTED": json.dumps(accepted), "REQLOAD_MARKER": MARKER},
            "REQLOAD-CHECK",
        )
        consistent = (
            check["rows"] == len(accepted)
            and check["twice"] == 0
            and check["missing"] == 0
            and check["unexpected"] == 0
            and check["duplicate_numbers"] == 0
        )
        print(
            f"database: {check['rows']} requests stored for {len(accepted)} accepted, "
            f"{check['twice']} stored twice, {check['missing']} missing, "
            f"{check['unexpected']} not accepted but stored, {check['duplicate_numbers']} "
            f"register numbers used twice: " + ("consistent" if consistent else "MISMATCH")
        )
        failed = bool(server_errors or unanswered or not consistent)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        postgres(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        redis.flushdb()
        server_log = log.read_text(errors="replace") if log.exists() else ""
        shutil.rmtree(var, ignore_errors=True)
    if failed:
        print("\nFAILED: 5xx, unanswered requests or a register mismatch. Server log (tail):")
        print("\n".join(server_log.splitlines()[-40:]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
