"""An edition's progress: its open step (and the list that prefetches it), its history of
transitions, its stage, and the signed editions waiting to be published."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from dip.models import DocumentStatus, Edition, EditionDocument, RecordDocument, Stage
from dip.selectors import editions_for_user
from workflow.models import AuditEntry, Step


def open_step(edition: Edition) -> Step | None:
    """The open step, from the prefetch made by `editions_with_clock` when there is one."""
    cached = getattr(edition, "open_steps", None)
    if cached is not None:
        return cached[0] if cached else None
    return Step.objects.filter(edition=edition, finished_at=None).first()


def editions_with_clock(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Edition]:
    return editions_for_user(user).prefetch_related(
        Prefetch("steps", queryset=Step.objects.filter(finished_at=None), to_attr="open_steps")
    )


def edition_history(edition: Edition) -> QuerySet[AuditEntry]:
    """The edition's transitions, each with the step it closed: `step_standard_seconds` (the
    SOP's standard), `step_due_at` (its deadline) and `step_finished_at` (read from the step,
    so rows written before the standard was stored read right too)."""
    closed = Step.objects.filter(
        edition=OuterRef("edition"),
        stage=OuterRef("from_state"),
        transition=OuterRef("transition"),
        finished_at__lte=OuterRef("at"),
    ).order_by("-finished_at", "-pk")[:1]
    return (
        AuditEntry.objects.filter(edition=edition)
        .exclude(transition="")
        .annotate(
            step_standard_seconds=Subquery(closed.values("standard_seconds")),
            step_due_at=Subquery(closed.values("due_at")),
            step_finished_at=Subquery(closed.values("finished_at")),
        )
        .select_related("actor")
        .order_by("at", "pk")
    )


def edition_state(edition_id: int) -> str | None:
    """The edition's stage, or None when there is no such edition."""
    return Edition.objects.filter(pk=edition_id).values_list("state", flat=True).first()


def editions_awaiting_publication() -> list[int]:
    """Signed editions not yet published, except those whose document or berita acara failed
    (they wait for someone to retry) or is being rendered right now (its task still runs)."""
    running_since = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    holding = Q(status=DocumentStatus.FAILED) | Q(
        status=DocumentStatus.RENDERING, updated_at__gt=running_since
    )
    held = EditionDocument.objects.filter(holding, edition=OuterRef("pk"))
    held_record = RecordDocument.objects.filter(holding, edition=OuterRef("pk"))
    return list(
        Edition.objects.filter(state=Stage.PUBLICATION)
        .exclude(Exists(held))
        .exclude(Exists(held_record))
        .order_by("signed_at")
        .values_list("pk", flat=True)
    )
