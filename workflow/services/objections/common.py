"""What the objection services share: a moment and a count of working days in the body's
time, the audit row, and the words and link of the officers' notices."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone

from ppid.calendar import calendar_for_body
from ppid.models import Body
from workflow.deadlines import compute_deadline
from workflow.models import (
    AuditEntry,
    Objection,
    ObjectionGround,
    TimeUnit,
)


def _calendar(body: Body):
    return calendar_for_body(body)


def working_days_after(body: Body, start: datetime, days: int):
    """The deadline `days` working days after `start` by the body's office calendar."""
    return compute_deadline(start, days, TimeUnit.HARI_KERJA, _calendar(body))


def when(moment: datetime, body: Body) -> str:
    local = timezone.localtime(moment, ZoneInfo(body.time_zone or settings.TIME_ZONE))
    return f"{formats.date_format(local, 'l, j F Y H:i')} {local.tzname()}"


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
