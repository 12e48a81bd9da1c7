"""Serta merta requests: those a user sees, those owing a notice, those waiting on a user."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from ppid.models import Role
from ppid.oversight import bodies_reached
from ppid.selectors import bodies_for_user
from workflow.models import SertaMertaRequest, SertaMertaState


def serta_merta_requests_for_user(
    user: AbstractBaseUser | AnonymousUser,
) -> QuerySet[SertaMertaRequest]:
    """The requests of the bodies where the user holds a role, newest first."""
    return SertaMertaRequest.objects.filter(body__in=bodies_for_user(user)).select_related(
        "body", "item", "requested_by", "decided_by", "announcement__audio"
    )


def serta_merta_requests_due_for_notice(*, now: datetime, limit: int) -> list[int]:
    """Waiting requests whose clock owes a notice now (reminder, terlambat or escalation), the
    longest due first: one query on a partial index."""
    return list(
        SertaMertaRequest.objects.filter(
            state=SertaMertaState.DIAJUKAN, next_notice_at__isnull=False, next_notice_at__lte=now
        )
        .order_by("next_notice_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def serta_merta_waiting_for(user: AbstractBaseUser | AnonymousUser) -> list[SertaMertaRequest]:
    """The requests waiting for this user's decision: as the PPID of their body."""
    return list(
        SertaMertaRequest.objects.filter(
            state=SertaMertaState.DIAJUKAN, body__in=bodies_reached(user, [Role.PPID])
        )
        .select_related("body")
        .order_by("due_at", "pk")
    )
