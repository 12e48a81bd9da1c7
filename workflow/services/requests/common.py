"""What the request services share: the conflict of a decided request, the audit row, the row
lock, the event sent after commit and the officers' link. (A count of working days and a moment
in the body's time are `workflow.deadlines`' `working_days_after` and `when`.)"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.exceptions import Conflict
from workflow.models import AuditEntry, InformationRequest
from workflow.signals import request_event

TARGET_TYPE = "workflow.informationrequest"


class RequestAlreadyDecided(Conflict):
    """The request has its written notice already (a second click, another tab): HTTP 409."""

    def __init__(self, request: InformationRequest):
        self.state = request.status
        super().__init__(
            _("Already processed: request %(number)s is “%(status)s”.")
            % {"number": request.register_number, "status": request.get_status_display()}
        )


def audit(
    request: InformationRequest,
    *,
    user: AbstractBaseUser | None,
    action: str,
    note: str = "",
    from_state: str = "",
    at: datetime | None = None,
    **data,
) -> None:
    AuditEntry.objects.create(
        at=at or timezone.now(),
        actor=user if getattr(user, "is_authenticated", False) else None,
        body=request.body,
        action=action,
        note=note,
        from_state=from_state,
        to_state=request.status if from_state else "",
        target_type=TARGET_TYPE,
        target_id=str(request.pk),
        data={"number": request.register_number, **data},
    )


def clean_text(value: str) -> str:
    return (value or "").strip()


def send_event(request: InformationRequest, event: str) -> None:
    request_id = request.pk
    transaction.on_commit(
        lambda: request_event.send(sender=InformationRequest, request_id=request_id, event=event),
        robust=True,
    )


def lock(request: InformationRequest) -> InformationRequest:
    return (
        InformationRequest.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=request.pk)
    )


def officer_url(request: InformationRequest) -> str:
    return reverse("workflow:request", args=[request.pk])
