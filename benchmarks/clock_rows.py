"""The rows each clock sweep of `clock_sweep.py` is timed on, written with INSERT ... SELECT
generate_series into the bench body, and the sweeps themselves: their beat task, their
selector, the partial index its selection must use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# `every`-th open row (n counted from 1), the first `due` of them, owes its notice now (spread
# evenly through the table); the others an hour to ten days from now.
NEXT_NOTICE = """CASE WHEN n %% %(every)s = 0 AND n / %(every)s <= %(due)s
                      THEN now() - (n %% 3600) * interval '1 second'
                      ELSE now() + interval '1 hour' + (n %% 864000) * interval '1 second'
                 END"""


TABLES = (
    "dip_edition",
    "workflow_step",
    "workflow_informationrequest",
    "workflow_objection",
    "workflow_sertamertarequest",
)


def clear(body_id: int) -> None:
    """The bench body's clock rows of every kind (its editions stay, to be reused)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("workflow_objection", "workflow_informationrequest"):
            cursor.execute(f"DELETE FROM {table} WHERE body_id = %s", [body_id])
        cursor.execute("DELETE FROM workflow_sertamertarequest WHERE body_id = %s", [body_id])
        cursor.execute(
            "DELETE FROM workflow_step WHERE edition_id IN "
            "(SELECT id FROM dip_edition WHERE body_id = %s)",
            [body_id],
        )


def fill_steps(cursor, params: dict) -> None:
    """`total` editions of the bench body, each with one finished and one open step."""
    cursor.execute("SELECT count(*) FROM dip_edition WHERE body_id = %(body)s", params)
    have = cursor.fetchone()[0]
    if have < params["total"]:
        cursor.execute(
            """
            INSERT INTO dip_edition (body_id, kind, year, revision, title, state, route,
                                     decree_number, created_at)
            SELECT %(body)s, 'dip', 1000 + n / 20000, n %% 20000, 'Bench ' || n, 'verification',
                   '{}'::jsonb, '', now()
            FROM generate_series(%(have)s, %(total)s - 1) AS n
            """,
            {**params, "have": have},
        )
    cursor.execute(
        f"""
        WITH e AS (
            SELECT id, row_number() OVER (ORDER BY id) AS n FROM dip_edition
            WHERE body_id = %(body)s ORDER BY id LIMIT %(total)s
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
               now() + interval '1 hour', '', now() + interval '48 minutes', {NEXT_NOTICE}, 0,
               NULL, '', ''
        FROM e
        """,
        params,
    )


REQUEST_INSERT = """
    INSERT INTO workflow_informationrequest (body_id, year, number, tracking_code, channel,
        received_at, name, address, phone, email, occupation, identity_number, information,
        purpose, obtain, form, delivery, status, due_at, due_explanation, remind_at,
        next_notice_at, escalation_level, extended_at, extension_reason, extension_days,
        extended_due_at, extended_due_explanation, decision_note, refusal_ground, refusal_law,
        refusal_consequence, holder, created_at)
    SELECT %(body)s, 2000, n, 'BENCH' || lpad(n::text, 11, '0'), 'online',
           now() - interval '3 days', 'Bench', 'Jalan Bench', '', '', '', '6100000000000000',
           'Bench information', 'Bench purpose', 'copy', 'softcopy', 'email', {status},
           now() + interval '7 days', '', now() + interval '5 days', {next_notice}, 0,
           {extended}, '', {days}, {extended_due}, '', '', '', '', '', '', now()
    FROM generate_series({first}, {last}) AS n
"""


def fill_requests(cursor, params: dict) -> None:
    """`total` open requests (received and extended by turns) and as many decided ones."""
    extended = "n %% 2 = 0"
    cursor.execute(
        REQUEST_INSERT.format(
            status=f"CASE WHEN {extended} THEN 'extended' ELSE 'received' END",
            next_notice=NEXT_NOTICE,
            extended=f"CASE WHEN {extended} THEN now() - interval '1 day' END",
            days=f"CASE WHEN {extended} THEN 7 END",
            extended_due=f"CASE WHEN {extended} THEN now() + interval '14 days' END",
            first="1",
            last="%(total)s",
        ),
        params,
    )
    insert_closed_requests(cursor, params, first="%(total)s + 1", last="2 * %(total)s")


def insert_closed_requests(cursor, params: dict, *, first: str, last: str) -> None:
    cursor.execute(
        REQUEST_INSERT.format(
            status="'granted'",
            next_notice="NULL",
            extended="NULL",
            days="NULL",
            extended_due="NULL",
            first=first,
            last=last,
        ),
        params,
    )


def fill_objections(cursor, params: dict) -> None:
    """`total` filed objections and as many answered ones (all about one decided request)."""
    insert_closed_requests(cursor, params, first="0", last="0")
    cursor.execute(
        f"""
        INSERT INTO workflow_objection (body_id, request_id, year, number, ground, reason,
            channel, filed_at, status, due_at, due_explanation, remind_at, next_notice_at,
            escalation_level, answer_note, created_at, verification_code,
            dispute_due_explanation)
        SELECT %(body)s, r.id, 2000, n, 'a', 'Bench reason', 'online', now() - interval '3 days',
               CASE WHEN n <= %(total)s THEN 'filed' ELSE 'upheld' END,
               now() + interval '30 days', '', now() + interval '24 days',
               CASE WHEN n <= %(total)s THEN {NEXT_NOTICE} END, 0, '', now(), '', ''
        FROM generate_series(1, 2 * %(total)s) AS n,
             (SELECT id FROM workflow_informationrequest
              WHERE body_id = %(body)s AND number = 0) AS r
        """,
        params,
    )


def fill_serta_merta(cursor, params: dict) -> None:
    """`total` waiting serta merta requests and as many approved ones."""
    cursor.execute(
        f"""
        INSERT INTO workflow_sertamertarequest (body_id, title, state, note, requested_by_id,
            requested_at, standard_amount, standard_unit, standard_seconds, due_at,
            due_explanation, remind_at, next_notice_at, decision_note)
        SELECT %(body)s, 'Bench ' || n,
               CASE WHEN n <= %(total)s THEN 'diajukan' ELSE 'disetujui' END, '', %(user)s,
               now() - interval '1 hour', 1, 'jam', 3600, now() + interval '1 hour', '',
               now() + interval '48 minutes',
               CASE WHEN n <= %(total)s THEN {NEXT_NOTICE} END, ''
        FROM generate_series(1, 2 * %(total)s) AS n
        """,
        params,
    )


@dataclass(frozen=True)
class Sweep:
    fill: Callable[[Any, dict], None]  # fill_*(cursor, params)
    task: str  # in workflow.tasks
    selector: str  # module:function
    index: str  # the partial index its selection must use
    rows: str  # SQL: the bench body's rows (FROM ... WHERE, the body's id as %s)
    open: str  # SQL: which of them are open


SWEEPS = {
    "steps": Sweep(
        fill_steps,
        "sweep_step_clock",
        "workflow.selectors.steps:steps_due_for_notice",
        "step_open_next_notice",
        "workflow_step s JOIN dip_edition e ON e.id = s.edition_id WHERE e.body_id = %s",
        "finished_at IS NULL",
    ),
    "requests": Sweep(
        fill_requests,
        "sweep_request_clock",
        "workflow.selectors.requests:requests_due_for_notice",
        "request_open_next_notice",
        "workflow_informationrequest WHERE body_id = %s",
        "status IN ('received', 'extended')",
    ),
    "objections": Sweep(
        fill_objections,
        "sweep_objection_clock",
        "workflow.selectors.objections:objections_due_for_notice",
        "objection_open_next_notice",
        "workflow_objection WHERE body_id = %s",
        "status = 'filed'",
    ),
    "serta-merta": Sweep(
        fill_serta_merta,
        "sweep_serta_merta_clock",
        "workflow.selectors.sertamerta:serta_merta_requests_due_for_notice",
        "serta_merta_next_notice",
        "workflow_sertamertarequest WHERE body_id = %s",
        "state = 'diajukan'",
    ),
}


def fill(sweep: Sweep, body_id: int, user_id: int, total: int, due: int) -> None:
    """Only this sweep's rows: `total` open, `due` of them owing a notice now."""
    from django.db import connection

    clear(body_id)
    params = {"body": body_id, "user": user_id, "total": total, "due": due}
    params["every"] = max(total // max(due, 1), 1)
    with connection.cursor() as cursor:
        sweep.fill(cursor, params)
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")


def counts(sweep: Sweep, body_id: int) -> tuple[int, int]:
    """(open rows, open rows owing a notice now) of the bench body, counted apart from the
    selector."""
    from django.db import connection

    open_ = sweep.open
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FILTER (WHERE {open_}), "
            f"count(*) FILTER (WHERE {open_} AND next_notice_at <= now()) FROM {sweep.rows}",
            [body_id],
        )
        return cursor.fetchone()
