#!/usr/bin/env python
"""Time of one clock-watch sweep on PostgreSQL, and that it grows with the due steps only.

Fills a throw-away database with open steps (one per edition, plus one finished step per
edition, as a year of history would leave), of which a given number have `next_notice_at` in
the past and the rest in the future, then times one run of the real beat task
`workflow.tasks.sweep_step_clock`: the indexed selection plus the fan-out of one `watch_steps`
message per PPID_CLOCK_FANOUT_CHUNK (100) due steps. The fan-out publishes to Celery's
in-memory transport (`memory://`), so what is timed is the query, the message serialisation
and the publish call, not a network round trip to Redis and not the work of the fanned-out
tasks. The batch cap is lifted for the run so that every due step is handed out. For the
record, the first scenario is also timed with one message per step (chunk 1). Rows are
inserted with INSERT ... SELECT generate_series (seconds, not minutes).

    .venv/bin/python benchmarks/clock_sweep.py [--repeat 5] [--million]

DATABASE_URL: a PostgreSQL database the script may fill (it adds one body, its editions and
steps, and deletes them at the end). Unset: it creates `ppid_bench_clock` on
postgres://postgres@127.0.0.1:5432 and drops it afterwards.
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
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
THROWAWAY = "ppid_bench_clock"
SCENARIOS = [  # (open steps, due steps)
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
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.PPID_CLOCK_SWEEP_BATCH = 10_000_000
    from ppid.celery import app

    app.conf.task_always_eager = False
    app.conf.broker_url = "memory://"


def fill(body_id: int, total: int, due: int) -> None:
    """`total` editions of the bench body, each with one finished and one open step; `due` of
    the open steps (spread evenly through the table) have their next notice in the past."""
    from django.db import connection

    every = max(total // max(due, 1), 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM workflow_step WHERE edition_id IN "
            "(SELECT id FROM dip_edition WHERE body_id = %s)",
            [body_id],
        )
        cursor.execute("SELECT count(*) FROM dip_edition WHERE body_id = %s", [body_id])
        have = cursor.fetchone()[0]
        if have < total:
            cursor.execute(
                """
                INSERT INTO dip_edition (body_id, kind, year, revision, title, state, route,
                                         created_at)
                SELECT %s, 'dip', 1000 + n / 20000, n %% 20000, 'Bench ' || n, 'verification',
                       '{}'::jsonb, now()
                FROM generate_series(%s, %s - 1) AS n
                """,
                [body_id, have, total],
            )
        cursor.execute(
            """
            WITH e AS (
                SELECT id, row_number() OVER (ORDER BY id) AS n FROM dip_edition
                WHERE body_id = %s ORDER BY id LIMIT %s
            )
            INSERT INTO workflow_step (edition_id, stage, role, standard_unit, started_at,
                due_at, due_explanation, remind_at, next_notice_at, escalation_level,
                finished_at, transition, note)
            SELECT id, 'collection', 'operator', 'hari', now() - interval '30 days',
                   now() - interval '29 days', '', NULL, NULL, 0,
                   now() - interval '29 days', 'submit', ''
            FROM e
            UNION ALL
            SELECT id, 'verification', 'ppid', 'menit', now() - interval '1 day',
                   due, '', due - interval '12 minutes', nna, 0, NULL, '', ''
            FROM (
                SELECT id,
                       CASE WHEN n %% %s = 0 AND n / %s <= %s
                            THEN now() - (n %% 3600) * interval '1 second'
                            ELSE now() + interval '1 hour' + (n %% 864000) * interval '1 second'
                       END AS nna,
                       now() + interval '1 hour' AS due
                FROM e
            ) AS s
            """,
            [body_id, total, every, every, due],
        )
        cursor.execute("ANALYZE workflow_step")
        cursor.execute("ANALYZE dip_edition")


def counts(body_id: int) -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE finished_at IS NULL), "
            "count(*) FILTER (WHERE finished_at IS NULL AND next_notice_at <= now()) "
            "FROM workflow_step s JOIN dip_edition e ON e.id = s.edition_id WHERE e.body_id = %s",
            [body_id],
        )
        return cursor.fetchone()


def time_sweep(repeat: int, chunk: int = 100) -> tuple[float, float, int]:
    """Median seconds of (the selection alone, the whole sweep task), and steps handed out."""
    from django.conf import settings
    from django.utils import timezone

    from workflow import tasks
    from workflow.selectors import steps_due_for_notice

    settings.PPID_CLOCK_FANOUT_CHUNK = chunk
    select, sweep, handed = [], [], 0
    tasks.sweep_step_clock.run()  # warm: connection, plan, producer pool
    for _ in range(repeat):
        start = time.perf_counter()
        steps_due_for_notice(now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH)
        select.append(time.perf_counter() - start)
        start = time.perf_counter()
        handed = tasks.sweep_step_clock.run()
        sweep.append(time.perf_counter() - start)
    return statistics.median(select), statistics.median(sweep), handed


def explain() -> str:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from workflow.models import Step

    queryset = (
        Step.objects.filter(finished_at=None, next_notice_at__lte=timezone.now())
        .order_by("next_notice_at")
        .values_list("pk", flat=True)[: settings.PPID_CLOCK_SWEEP_BATCH]
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 open steps")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    throwaway = not url
    if throwaway:
        admin_sql(f"DROP DATABASE IF EXISTS {THROWAWAY}")
        admin_sql(f"CREATE DATABASE {THROWAWAY}")
        url = f"{DEFAULT_SERVER}/{THROWAWAY}"
    try:
        setup_django(url)
        from django.db import connection

        from ppid.models import Body

        body, _ = Body.objects.get_or_create(slug="bench-clock", defaults={"name": "Bench"})
        print(f"PostgreSQL {connection.pg_version}; fan-out to Celery's memory:// transport")
        print(f"{'open':>10} {'due':>8} {'select ms':>10} {'sweep ms':>10} {'handed':>8}")
        scenarios = SCENARIOS + (MILLION if args.million else [])
        plan = ""
        for total, due in scenarios:
            fill(body.pk, total, due)
            open_steps, due_steps = counts(body.pk)
            assert (open_steps, due_steps) == (total, due), (open_steps, due_steps)
            select, sweep, handed = time_sweep(args.repeat)
            assert handed == due, handed
            ms = f"{select * 1000:>10.1f} {sweep * 1000:>10.1f}"
            print(f"{total:>10,} {due:>8,} {ms} {handed:>8,}")
            if (total, due) == SCENARIOS[0]:
                plan = explain()
                _, per_step, _ = time_sweep(args.repeat, chunk=1)
                print(f"{'':>10} {'':>8} {'':>10} {per_step * 1000:>10.1f}  (one message a step)")
        print(f"\nEXPLAIN of the selection at {SCENARIOS[0][0]:,} open / {SCENARIOS[0][1]:,} due:")
        print(plan)
        assert "step_open_next_notice" in plan, "the partial index was not used"
    finally:
        if throwaway:
            from django.db import connections

            connections.close_all()
            admin_sql(f"DROP DATABASE IF EXISTS {THROWAWAY}")
        else:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM workflow_step WHERE edition_id IN (SELECT e.id FROM dip_edition "
                    "e JOIN ppid_body b ON b.id = e.body_id WHERE b.slug = 'bench-clock')"
                )
                cursor.execute(
                    "DELETE FROM dip_edition WHERE body_id IN "
                    "(SELECT id FROM ppid_body WHERE slug = 'bench-clock')"
                )
                cursor.execute("DELETE FROM ppid_body WHERE slug = 'bench-clock'")


if __name__ == "__main__":
    main()
