"""What the objection services share: the audit row, and the words and link of the officers'
notices. (A count of working days and a moment in the body's time are `workflow.deadlines`'
`working_days_after` and `when`.)"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from workflow.deadlines import when
from workflow.models import AuditEntry, Objection, ObjectionGround


def audit(objection: Objection, *, action: str, user=None, note: str = "", **data) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user if getattr(user, "is_authenticated", False) else None,
        body=objection.body,
        action=action,
        note=note,
        target_type="workflow.objection",
        target_id=str(objection.pk),
        data={
            "number": objection.register_number,
            "request": objection.request.register_number,
            "ground": objection.ground,
            "status": objection.status,
            "due_at": objection.due_at.isoformat(),
            **data,
        },
    )


def notice_names(objection: Objection) -> dict[str, str]:
    return {
        "number": objection.register_number,
        "request": objection.request.register_number,
        "body": objection.body.name,
        "ground": str(ObjectionGround(objection.ground).label),
        "deadline": when(objection.due_at, objection.body),
    }


def objection_url(objection: Objection) -> str:
    return reverse("workflow:objection", args=[objection.pk])
