"""The SOPs: each step with where it leads, a body's versions, and whether a user signs in one
of them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.db.models.functions import Concat

from dip.models import Stage
from ppid.models import Body, BodyUserObjectPermission
from workflow.models import AuditEntry, Sop, SopStep


def user_signs(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Whether the user holds, on some body, the role of the step that leads into publication
    in one of that body's SOPs in force: the atasan's `sign`, or the final approver's `verify`
    where the SOP has no atasan (one query)."""
    if not user.is_authenticated or not user.is_active:
        return False
    signing_role = (
        SopStep.objects.filter(sop=OuterRef("pk"))
        .exclude(stage=Stage.PUBLICATION)
        .order_by("-number")
        .values("role")[:1]
    )
    grants = BodyUserObjectPermission.objects.filter(
        user=user, permission__codename=Concat(Value("role_"), OuterRef("signing_role"))
    )
    holds = grants.filter(content_object=OuterRef("body"))
    # A default route is followed by the bodies below its PPID Utama's body.
    holds_below = grants.filter(
        Q(content_object__parent=OuterRef("body"))
        | Q(content_object__parent__parent=OuterRef("body"))
        | Q(content_object__parent__parent__parent=OuterRef("body"))
    )
    return (
        Sop.objects.filter(is_active=True)
        .annotate(signing_role=Subquery(signing_role))
        .filter(Exists(holds) | Q(Exists(holds_below), is_default_route=True))
        .exists()
    )


def sop_steps_with_paths(sop: Sop) -> list[SopStep]:
    """The SOP's steps, each with where it leads: `next_number` (the next step, what "setuju"
    or a hand-over leads to; None after the last) and `return_number` (the step of the stage a
    "tidak setuju" returns to; None when the step cannot return)."""
    steps = list(sop.steps.all())
    steps.sort(key=lambda s: s.number)
    by_stage = {s.stage: s.number for s in steps}
    for index, step in enumerate(steps):
        step.next_number = steps[index + 1].number if index + 1 < len(steps) else None
        step.return_number = by_stage.get(step.return_to) if step.return_to else None
    return steps


def sop_versions(body: Body) -> list[Sop]:
    """Every SOP of the body, each version, newest first within its kind; each carries `change`,
    the audit row that made it (None for a version made outside the app: the seed, the admin)."""
    sops = list(
        Sop.objects.filter(body=body)
        .select_related("created_by")
        .order_by("applies_to", "-version", "-pk")
    )
    entries = AuditEntry.objects.filter(
        action="sop.revise", target_type="workflow.sop", target_id__in=[str(s.pk) for s in sops]
    ).select_related("actor")
    made = {entry.target_id: entry for entry in entries}
    for sop in sops:
        sop.change = made.get(str(sop.pk))
    return sops
