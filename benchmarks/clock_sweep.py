#!/usr/bin/env python
"""Time of one run of each clock-watch sweep on PostgreSQL, and that it grows with the due rows
only. Four sweeps, four beat entries, one shape (`workflow.tasks._fan_out`): the step clock
(`sweep_step_clock`, beat `watch-step-clock`), the requests' (`sweep_request_clock`,
`watch-request-clock`), the objections' (`sweep_objection_clock`, `watch-objection-clock`) and
the serta merta requests' (`sweep_serta_merta_clock`, `watch-serta-merta-clock`).

For each sweep it fills a throw-away database with open rows (steps: one per edition, beside
one finished step, as a year of history would leave; requests, objections, serta merta
requests: as many closed ones beside them), of which a given number have `next_notice_at` in
the past and the rest in the future, then times the sweep's selector alone and one run of the
real beat task: the indexed selection plus the fan-out of one watch message per
PPID_CLOCK_FANOUT_CHUNK (100) due ids. The fan-out publishes to Celery's in-memory transport
(`memory://`), so what is timed is the query, the message serialisation and the publish call,
not a network round trip to Redis and not the work of the fanned-out tasks. The batch cap is
lifted for the run so that every due row is handed out. For the record, the first scenario of
the steps is also timed with one message per step (chunk 1). Each selector's own SQL (as it
runs) is EXPLAINed at every scenario: its scan is printed, its partial index must be in the
plan, and the whole plan of the first scenario is printed at the end. Rows are inserted with
INSERT ... SELECT generate_series (seconds, not minutes).

    .venv/bin/python benchmarks/clock_sweep.py [--repeat 5] [--million] [--only requests ...]

DATABASE_URL: a PostgreSQL database the script may fill (it adds one body, one user and their
editions, steps, requests, objections and serta merta requests, and deletes them at the end).
Unset: it creates `ppid_bench_clock` on postgres://postgres@127.0.0.1:5432 and drops it
afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.clock_rows import SWEEPS, Sweep, clear, counts, fill  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
THROWAWAY = "ppid_bench_clock"
BENCH = "bench-clock"  # the body's slug and the user's name (the rows: clock_rows.py)
SCENARIOS = [  # (open rows, due rows)
    (100_000, 1_000),
    (100_000, 10_000),
    (20_000, 1_000),
    (100_000, 100),
]
MILLION = [(1_000_000, 1_000), (1_000_000, 10_000)]


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
    os.environ.setdefault("PPID_VAR_DIR", tempfile.mkdtemp(prefix="ppid-bench-clock-"))
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_hex(32))  # DEBUG stays off
    os.environ.pop("CELERY_TASK_ALWAYS_EAGER", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.PPID_CLOCK_SWEEP_BATCH = 10_000_000
    from ppid.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"


def selector_of(sweep: Sweep):
    from importlib import import_module

    module, name = sweep.selector.split(":")
    return getattr(import_module(module), name)


def time_sweep(sweep: Sweep, repeat: int, chunk: int = 100) -> tuple[float, float, int]:
    """Median seconds of (the selection alone, the whole sweep task), and rows handed out."""
    from django.conf import settings
    from django.utils import timezone

    from workflow import tasks

    settings.PPID_CLOCK_FANOUT_CHUNK = chunk
    task, selector = getattr(tasks, sweep.task), selector_of(sweep)
    select, run, handed = [], [], 0
    task.run()  # warm: connection, plan, producer pool
    for _ in range(repeat):
        start = time.perf_counter()
        selector(now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH)
        select.append(time.perf_counter() - start)
        start = time.perf_counter()
        handed = task.run()
        run.append(time.perf_counter() - start)
    return statistics.median(select), statistics.median(run), handed


def explain(sweep: Sweep) -> str:
    """EXPLAIN ANALYZE of the query the selector itself runs (captured, not rebuilt)."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    with CaptureQueriesContext(connection) as captured:
        selector_of(sweep)(now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
        return "\n".join(row[0] for row in cursor.fetchall())


def scan_of(plan: str) -> str:
    """The plan's scan node, e.g. 'Index Scan using step_open_next_notice'."""
    line = next((line for line in plan.splitlines() if "Scan" in line), "?")
    return line.strip().removeprefix("->").strip().split(" on ")[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 open rows")
    parser.add_argument("--only", nargs="+", choices=list(SWEEPS), default=list(SWEEPS))
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    throwaway = not url
    if throwaway:
        admin_sql(f"DROP DATABASE IF EXISTS {THROWAWAY}")
        admin_sql(f"CREATE DATABASE {THROWAWAY}")
        url = f"{DEFAULT_SERVER}/{THROWAWAY}"
    try:
        setup_django(url)
        from django.contrib.auth import get_user_model
        from django.db import connection

        from ppid.models import Body

        body, _ = Body.objects.get_or_create(slug=BENCH, defaults={"name": "Bench"})
        user, _ = get_user_model().objects.get_or_create(username=BENCH)
        print(f"PostgreSQL {connection.pg_version}; fan-out to Celery's memory:// transport")
        print(
            f"{'sweep':<12} {'open':>10} {'due':>8} {'select ms':>10} {'sweep ms':>10} "
            f"{'handed':>8}  selection's scan"
        )
        scenarios = SCENARIOS + (MILLION if args.million else [])
        plans, scans = {}, []
        for name in args.only:
            sweep = SWEEPS[name]
            for total, due in scenarios:
                fill(sweep, body.pk, user.pk, total, due)
                assert counts(sweep, body.pk) == (total, due), counts(sweep, body.pk)
                select, run, handed = time_sweep(sweep, args.repeat)
                assert handed == due, handed
                plan = explain(sweep)
                scans.append((name, total, due, plan))
                ms = f"{select * 1000:>10.1f} {run * 1000:>10.1f}"
                print(f"{name:<12} {total:>10,} {due:>8,} {ms} {handed:>8,}  {scan_of(plan)}")
                if (total, due) == SCENARIOS[0]:
                    plans[name] = plan
                    if name == "steps":
                        _, per_step, _ = time_sweep(sweep, args.repeat, chunk=1)
                        one = f"{per_step * 1000:>10.1f}  (one message a step)"
                        print(f"{'':<12} {'':>10} {'':>8} {'':>10} {one}")
        for name, plan in plans.items():
            print(
                f"\nEXPLAIN of the {name} selection at {SCENARIOS[0][0]:,} open / "
                f"{SCENARIOS[0][1]:,} due:"
            )
            print(plan)
        for name, total, due, plan in scans:
            assert SWEEPS[name].index in plan, f"{name} {total}/{due}: partial index not used"
    finally:
        if throwaway:
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {THROWAWAY}")
        else:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM ppid_body WHERE slug = %s", [BENCH])
                for (body_id,) in cursor.fetchall():
                    clear(body_id)
                    cursor.execute("DELETE FROM dip_edition WHERE body_id = %s", [body_id])
                    cursor.execute("DELETE FROM ppid_body WHERE id = %s", [body_id])
                cursor.execute("DELETE FROM auth_user WHERE username = %s", [BENCH])


if __name__ == "__main__":
    main()
