"""What every move along the chain writes besides the edition: the step it closes, the next
step it opens with its deadline, and the audit row. The user's transitions and the system's
publication both write them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from dip.models import Edition
from ppid.calendar import calendar_for_body
from workflow.deadlines import compute_deadline
from workflow.models import AuditEntry, Step, standard_seconds_of


def _step_open(edition: Edition, *, handed_over_by: AbstractBaseUser | None) -> Step:
    info = edition.route_stage(edition.state)
    now = timezone.now()
    step = Step(
        edition=edition,
        stage=edition.state,
        role=info["role"],
        sop_step_number=info.get("step"),
        standard_amount=info.get("amount"),
        standard_unit=info.get("unit") or "",
        started_at=now,
        handed_over_by=handed_over_by,
    )
    if info.get("amount"):
        calendar = calendar_for_body(edition.body)
        step.standard_seconds = standard_seconds_of(
            info["amount"], info["unit"], calendar.office_day_seconds
        )
        deadline = compute_deadline(now, info["amount"], info["unit"], calendar)
        step.due_at = deadline.due_at
        step.due_explanation = deadline.explain(edition.body.time_zone)
        step.remind_at = step.next_notice_at = deadline.remind_at
    step.save()
    return step


def _step_close(
    edition: Edition, *, user: AbstractBaseUser | None, name: str, note: str
) -> Step | None:
    if hasattr(edition, "open_step_id"):
        # Read with the edition's lock (`_locked_with_open_step`): one UPDATE, which takes the
        # step's row lock itself (the clock sweep re-checks a step under that lock).
        if edition.open_step_id is None:
            return None
        now = timezone.now()
        duration = int((now - edition.open_step_started_at).total_seconds())
        fields = {
            "finished_at": now,
            "finished_by": user,
            "transition": name,
            "note": note,
            "duration_seconds": duration,
        }
        if not Step.objects.filter(pk=edition.open_step_id, finished_at=None).update(**fields):
            return None
        return Step(
            pk=edition.open_step_id,
            edition=edition,
            started_at=edition.open_step_started_at,
            standard_seconds=edition.open_step_standard_seconds,
            **fields,
        )
    # The step's row only: its default order joins the edition and the body, which a plain
    # FOR UPDATE would lock too (the body's row would hold every insert naming the body).
    step = (
        Step.objects.select_for_update(of=("self",), no_key=True)
        .filter(edition=edition, finished_at=None)
        .order_by()
        .first()
    )
    if step is None:
        return None
    step.finished_at = timezone.now()
    step.finished_by = user
    step.transition = name
    step.note = note
    step.duration_seconds = int((step.finished_at - step.started_at).total_seconds())
    step.save()
    return step


def _audit_transition(
    edition: Edition,
    *,
    user,
    name: str,
    from_state: str,
    note: str,
    step: Step | None,
    data: dict[str, Any] | None = None,
) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=edition.body,
        edition=edition,
        action=f"edition.{name}",
        transition=name,
        from_state=from_state,
        to_state=edition.state,
        note=note,
        duration_seconds=step.duration_seconds if step else None,
        standard_seconds=step.standard_seconds if step else None,
        target_type="dip.edition",
        target_id=str(edition.pk),
        data=data or {},
    )
