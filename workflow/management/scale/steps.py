"""The step clocks: one row per stage each edition went through, with its deadline, its
reminder and the officer who closed it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from workflow import scale_data as words
from workflow.deadlines import compute_deadline
from workflow.management.scale.pgcopy import copy_rows
from workflow.models import Step

if TYPE_CHECKING:
    from workflow.management.scale.seed import ScaleSeed


def add_steps(seed: ScaleSeed) -> str:
    columns = [
        "edition_id",
        "stage",
        "role",
        "sop_step_number",
        "standard_amount",
        "standard_unit",
        "standard_seconds",
        "started_at",
        "due_at",
        "due_explanation",
        "remind_at",
        "next_notice_at",
        "reminded_at",
        "overdue_noticed_at",
        "escalation_level",
        "escalated_at",
        "handed_over_by_id",
        "finished_at",
        "finished_by_id",
        "transition",
        "note",
        "duration_seconds",
    ]
    tz = "Asia/Pontianak"

    def generate():
        for entry in seed.plan:
            edition = entry["edition"]
            previous_actor = edition.created_by
            for step in entry["steps"]:
                info = step["info"]
                role = info["role"]
                started = step["started_at"]
                due = remind = None
                explanation = ""
                if info.get("amount"):
                    deadline = compute_deadline(
                        started, info["amount"], info["unit"], seed.calendar
                    )
                    due, remind = deadline.due_at, deadline.remind_at
                    explanation = deadline.explain(tz)[:500]
                finished = step["finished_at"]
                actor = None if role == "system" else seed.officer[(edition.body_id, role)]
                next_notice = reminded = overdue = None
                if finished is None and due is not None:
                    if remind and remind > seed.now:
                        next_notice = remind
                    else:
                        reminded = remind
                        if due > seed.now:
                            next_notice = due
                        else:
                            overdue = due
                note = ""
                if step["transition"] == "return":
                    note = seed.rng.choice(words.NOTES[1:4])
                elif step["transition"]:
                    note = seed.rng.choice(["", "", words.NOTES[0], words.NOTES[4]])
                step["actor"], step["note"], step["due_at"] = actor, note, due
                yield (
                    edition.pk,
                    step["stage"],
                    role,
                    info.get("step"),
                    info.get("amount"),
                    info.get("unit") or "",
                    step["standard"],
                    started,
                    due,
                    explanation,
                    remind,
                    next_notice,
                    reminded,
                    overdue,
                    0,
                    None,
                    previous_actor.pk if previous_actor else None,
                    finished,
                    actor.pk if (finished and actor) else None,
                    step["transition"],
                    note,
                    int((finished - started).total_seconds()) if finished else None,
                )
                previous_actor = actor

    count = copy_rows(Step, columns, generate())
    return f"{count} steps"
