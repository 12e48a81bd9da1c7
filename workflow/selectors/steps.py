"""The steps: the open ones waiting on a user's roles, how each came (the step before), an
edition's steps, and those whose clock owes a notice."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat

from dip.models import Edition
from ppid.models import BodyUserObjectPermission
from workflow.models import Step


def tasks_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Step]:
    """Open steps that wait on a role the user holds in that step's body (one query)."""
    if not user.is_authenticated or not user.is_active:
        return Step.objects.none()
    holds_role = BodyUserObjectPermission.objects.filter(
        user=user,
        content_object=OuterRef("edition__body"),
        permission__codename=Concat(Value("role_"), OuterRef("role")),
    )
    return (
        with_arrival(Step.objects.filter(finished_at=None).filter(Exists(holds_role)))
        .select_related("edition__body", "handed_over_by")
        .order_by(F("due_at").asc(nulls_last=True), "started_at")
    )


def with_arrival(steps: QuerySet[Step]) -> QuerySet[Step]:
    """Each step annotated with how it came: `arrived_by` (the transition that closed the step
    before it: "return" for a return, "" for the first step) and `arrived_note` (its note)."""
    before = Step.objects.filter(
        edition=OuterRef("edition"),
        finished_at__isnull=False,
        started_at__lte=OuterRef("started_at"),
    ).order_by("-finished_at", "-pk")
    return steps.annotate(
        arrived_by=Coalesce(
            Subquery(before.values("transition")[:1]), Value(""), output_field=CharField()
        ),
        arrived_note=Coalesce(
            Subquery(before.values("note")[:1]), Value(""), output_field=TextField()
        ),
    )


def step_arrival(step: Step | None) -> Step | None:
    """The finished step that handed this one over (its transition and note), or None."""
    if step is None:
        return None
    return (
        Step.objects.filter(edition_id=step.edition_id, finished_at__isnull=False)
        .select_related("finished_by")
        .order_by("-finished_at", "-pk")
        .first()
    )


def edition_steps(edition: Edition) -> QuerySet[Step]:
    return Step.objects.filter(edition=edition).select_related("finished_by", "handed_over_by")


def steps_due_for_notice(*, now: datetime, limit: int) -> list[int]:
    """Ids of the open steps whose next notice is due, oldest first, at most `limit`: one range
    scan of the partial index `step_open_next_notice`, so its cost follows the due steps, not
    the open ones."""
    return list(
        Step.objects.filter(finished_at=None, next_notice_at__lte=now)
        .order_by("next_notice_at")
        .values_list("pk", flat=True)[:limit]
    )
