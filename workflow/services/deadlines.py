"""Recomputing the deadline of an open step, on request (`manage.py recompute_deadlines`).

A deadline is stored when its step opens and is never recomputed on read: a change of the
calendar or of how a unit counts ("hari" became office days, issue 16) applies to steps opened
afterwards. When the PPID wants the open steps to follow the new count too, this recomputes a
step's deadline, reminder point and explanation from its own start and standard (the route it
carries, not today's SOP) under the body's current calendar, and writes an audit row
(`step.deadline_recomputed`) with the old and new values in the same transaction. Notices
already sent are not taken back; the clock watch picks up from the new schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from ppid.calendar import calendar_for_body
from workflow.deadlines import compute_deadline
from workflow.models import AuditEntry, Step, TimeUnit
from workflow.services.clock import next_notice_moment

RECOMPUTE_ACTION = "step.deadline_recomputed"


@dataclass(frozen=True)
class DeadlineChange:
    step_id: int
    edition_id: int
    body_name: str
    time_zone: str
    stage: str
    standard: str
    old_due_at: datetime | None
    new_due_at: datetime
    old_explanation: str
    new_explanation: str

    @property
    def moved(self) -> bool:
        return self.old_due_at != self.new_due_at


def open_steps_with_a_standard(*, body_slugs: list[str] | None = None, units=None):
    """The open steps that carry a time standard (the ones a deadline can be counted for)."""
    steps = Step.objects.filter(
        finished_at__isnull=True,
        standard_amount__isnull=False,
        standard_unit__in=units or TimeUnit.values,
    )
    if body_slugs:
        steps = steps.filter(edition__body__slug__in=body_slugs)
    return steps.order_by("pk")


def step_deadline_recompute(
    *,
    step_id: int,
    dry_run: bool = False,
    user: AbstractBaseUser | None = None,
    note: str = "",
) -> DeadlineChange | None:
    """Recount one open step's deadline; None when nothing would change (or the step is gone,
    finished, or has no standard). With `dry_run` the change is returned and nothing stored."""
    with transaction.atomic():
        step = (
            Step.objects.select_for_update(of=("self",), no_key=True)
            .select_related("edition__body")
            .filter(pk=step_id)
            .first()
        )
        if (
            step is None
            or step.finished_at is not None
            or not step.standard_amount
            or step.standard_unit not in TimeUnit.values
        ):
            return None
        body = step.edition.body
        deadline = compute_deadline(
            step.started_at, step.standard_amount, step.standard_unit, calendar_for_body(body)
        )
        explanation = deadline.explain(body.time_zone)
        if (step.due_at, step.remind_at, step.due_explanation) == (
            deadline.due_at,
            deadline.remind_at,
            explanation,
        ):
            return None
        change = DeadlineChange(
            step_id=step.pk,
            edition_id=step.edition_id,
            body_name=body.name,
            time_zone=body.time_zone,
            stage=step.stage,
            standard=f"{step.standard_amount} {TimeUnit(step.standard_unit).label}",
            old_due_at=step.due_at,
            new_due_at=deadline.due_at,
            old_explanation=step.due_explanation,
            new_explanation=explanation,
        )
        if dry_run:
            return change
        old_remind_at = step.remind_at
        step.due_at = deadline.due_at
        step.remind_at = deadline.remind_at
        step.due_explanation = explanation
        # The earliest moment still owed, even a past one: the next sweep sends it.
        step.next_notice_at = next_notice_moment(step, datetime.min.replace(tzinfo=UTC))
        step.save(update_fields=["due_at", "remind_at", "due_explanation", "next_notice_at"])
        AuditEntry.objects.create(
            at=timezone.now(),
            actor=user,
            body=body,
            edition=step.edition,
            action=RECOMPUTE_ACTION,
            note=note,
            target_type="workflow.step",
            target_id=str(step.pk),
            data={
                "stage": step.stage,
                "standard_amount": step.standard_amount,
                "standard_unit": step.standard_unit,
                "started_at": step.started_at.isoformat(),
                "old_due_at": change.old_due_at.isoformat() if change.old_due_at else None,
                "new_due_at": change.new_due_at.isoformat(),
                "old_remind_at": old_remind_at.isoformat() if old_remind_at else None,
                "new_remind_at": step.remind_at.isoformat(),
                "old_explanation": change.old_explanation,
                "new_explanation": change.new_explanation,
            },
        )
        return change
