"""Reads of objections (keberatan): the officers' register (their bodies only), the clock's
sweep, the public tracking page (never personal data) and the verification of signed answers."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, F, OuterRef, Q, QuerySet

from dip.models import DocumentStatus
from dip.verification import OtherDocument
from ppid.models import Role
from ppid.oversight import bodies_reached
from ppid.selectors import bodies_for_user
from workflow.models import (
    InformationRequest,
    Objection,
    ObjectionAnswerDocument,
    ObjectionStatus,
)


def objections_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Objection]:
    """The objections of the bodies where the user holds a role (the PPID Utama: also those
    it oversees); any other is not there for them (404)."""
    return Objection.objects.filter(
        Exists(bodies_for_user(user).filter(pk=OuterRef("body_id")))
    ).select_related("body", "request", "answered_by", "answer_document")


def objection_register(
    user: AbstractBaseUser | AnonymousUser,
    *,
    now: datetime,
    body_slug: str = "",
    status: str = "",
    ground: str = "",
    overdue: bool = False,
    query: str = "",
) -> QuerySet[Objection]:
    """The register page's rows, filtered; open past their deadline first within the order."""
    rows = objections_for_user(user)
    if body_slug:
        rows = rows.filter(body__slug=body_slug)
    if status:
        rows = rows.filter(status=status)
    if ground:
        rows = rows.filter(ground=ground)
    if overdue:
        rows = rows.filter(late_filter(now))
    if query:
        rows = rows.filter(
            Q(request__information__icontains=query)
            | Q(reason__icontains=query)
            | Q(number__iexact=query.split("/")[0] if query.split("/")[0].isdigit() else -1)
        )
    return rows.order_by("-filed_at", "-pk")


def late_filter(now: datetime) -> Q:
    """Open past the deadline, or answered after it."""
    return Q(status=ObjectionStatus.FILED, due_at__lt=now) | Q(answered_at__gt=F("due_at"))


def objections_due_for_notice(*, now: datetime, limit: int) -> list[int]:
    """Open objections whose next clock notice is due (the partial index), oldest first."""
    return list(
        Objection.objects.filter(
            status=ObjectionStatus.FILED, next_notice_at__isnull=False, next_notice_at__lte=now
        )
        .order_by("next_notice_at")
        .values_list("pk", flat=True)[:limit]
    )


def objection_answers_unbuilt(*, limit: int) -> list[int]:
    """Answered objections whose signed answer waits to be built (its task was never queued)."""
    return list(
        ObjectionAnswerDocument.objects.filter(status=DocumentStatus.PENDING)
        .exclude(objection__status=ObjectionStatus.FILED)
        .order_by("pk")
        .values_list("objection_id", flat=True)[:limit]
    )


def ready_answer_document(objection: Objection) -> ObjectionAnswerDocument | None:
    return ObjectionAnswerDocument.objects.filter(
        objection=objection, status=DocumentStatus.READY
    ).first()


def _other(document: ObjectionAnswerDocument | None) -> OtherDocument | None:
    if document is None:
        return None
    objection = document.objection
    outcome = "dikabulkan" if objection.status == ObjectionStatus.UPHELD else "ditolak"
    return OtherDocument(
        kind="tanggapan atasan PPID atas keberatan",
        title=f"Tanggapan atas Keberatan Nomor {objection.register_number}: {outcome}",
        body_name=objection.body.name,
        signed_at=objection.answered_at,
        sha256=document.sha256,
        size=document.size or 0,
    )


def _ready() -> QuerySet[ObjectionAnswerDocument]:
    return ObjectionAnswerDocument.objects.filter(status=DocumentStatus.READY).select_related(
        "objection__body"
    )


def answer_by_sha256(sha256: str) -> OtherDocument | None:
    """The signed answer with exactly these bytes, as the public verification page shows it."""
    return _other(_ready().filter(sha256=sha256).first())


def answer_by_code(code: str) -> OtherDocument | None:
    """The signed answer whose QR code carries this verification code."""
    return _other(_ready().filter(objection__verification_code__iexact=code).first())


def public_objections(request: InformationRequest) -> list[Objection]:
    """A request's objections for its tracking page and API (the caller shows no personal
    data), oldest first, with their signed answer."""
    return list(
        Objection.objects.filter(request=request)
        .select_related("answer_document")
        .order_by("filed_at", "pk")
    )


def public_answer_document(
    request: InformationRequest, objection_id: int
) -> ObjectionAnswerDocument | None:
    """The ready signed answer of one of the request's objections."""
    return (
        ObjectionAnswerDocument.objects.filter(
            objection__request=request, objection_id=objection_id, status=DocumentStatus.READY
        )
        .select_related("objection")
        .first()
    )


def objections_waiting_for(user: AbstractBaseUser | AnonymousUser) -> list[Objection]:
    """The objections waiting for this user's written answer: as the atasan of their body,
    the nearest deadline first (one query)."""
    return list(
        Objection.objects.filter(
            status=ObjectionStatus.FILED, body__in=bodies_reached(user, [Role.ATASAN])
        )
        .select_related("body")
        .order_by("due_at", "pk")
    )
