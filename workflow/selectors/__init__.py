from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from dip.models import DocumentStatus, Edition, EditionDocument, Stage
from dip.selectors import editions_for_user
from ppid.models import Body, BodyUserObjectPermission, Role
from ppid.oversight import bodies_reached
from ppid.selectors import bodies_for_user
from workflow.models import (
    AuditEntry,
    Notice,
    SertaMertaRequest,
    SertaMertaState,
    Sop,
    SopStep,
    Step,
)


def available_transitions(edition: Edition, user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """The names of the transitions `user` may run on the edition now, in stage order."""
    return [t.custom["name"] for t in edition.get_available_user_state_transitions(user)]


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
    return (
        AuditEntry.objects.filter(edition=edition)
        .exclude(transition="")
        .select_related("actor")
        .order_by("at", "pk")
    )


def edition_state(edition_id: int) -> str | None:
    """The edition's stage, or None when there is no such edition."""
    return Edition.objects.filter(pk=edition_id).values_list("state", flat=True).first()


def editions_awaiting_publication() -> list[int]:
    """Signed editions not yet published, except those whose document failed (they wait for
    someone to retry) or is being rendered right now (its task is still running)."""
    running_since = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    held = EditionDocument.objects.filter(edition=OuterRef("pk")).filter(
        Q(status=DocumentStatus.FAILED)
        | Q(status=DocumentStatus.RENDERING, updated_at__gt=running_since)
    )
    return list(
        Edition.objects.filter(state=Stage.PUBLICATION)
        .exclude(Exists(held))
        .order_by("signed_at")
        .values_list("pk", flat=True)
    )


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
        Step.objects.filter(finished_at=None)
        .filter(Exists(holds_role))
        .select_related("edition__body", "handed_over_by")
        .order_by(F("due_at").asc(nulls_last=True), "started_at")
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


def notices_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notice]:
    """The user's own notices, newest first; nobody else's, ever."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return (
        Notice.objects.filter(recipient=user).select_related("body").order_by("-created_at", "-pk")
    )


def unread_notice_count(user: AbstractBaseUser | AnonymousUser) -> int:
    """The bell's number: one COUNT over the partial index `notice_unread`."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at=None).count()


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
    holds = BodyUserObjectPermission.objects.filter(
        user=user,
        content_object=OuterRef("body"),
        permission__codename=Concat(Value("role_"), OuterRef("signing_role")),
    )
    return (
        Sop.objects.filter(is_active=True)
        .annotate(signing_role=Subquery(signing_role))
        .filter(Exists(holds))
        .exists()
    )


# The audit log's action filter: a group (prefix ending in ".") or one action.
SECURITY_ACTIONS = (
    "account.login",
    "account.login_failed",
    "account.locked_out",
    "account.logout",
    "account.create",
    "account.invite",
    "account.password_set",
    "account.deactivate",
    "account.reactivate",
    "account.token",
    "account.2fa_enrol",
    "account.2fa_verify",
    "account.2fa_failed",
    "account.2fa_recovery_codes",
    "account.2fa_reset",
    "role.grant",
    "role.revoke",
)


def audit_entries_for(
    user: AbstractBaseUser | AnonymousUser,
    *,
    bodies: QuerySet[Body],
    body: Body | None = None,
    username: str = "",
    action: str = "",
) -> QuerySet[AuditEntry]:
    """The audit trail a PPID Utama may read, newest first: entries of the bodies they oversee
    (`bodies`), and account entries (sign-ins, second factor) of people holding a role there.
    A superuser reads everything, including failed sign-ins of unknown usernames."""
    if not user.is_authenticated or not user.is_active:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    if not user.is_superuser:
        grants = BodyUserObjectPermission.objects.filter(
            content_object__in=bodies, permission__codename__in=[role.codename for role in Role]
        )
        about_people = grants.annotate(uid=Cast("user_id", CharField())).filter(
            uid=OuterRef("target_id")
        )
        entries = entries.filter(
            Q(body__in=bodies)
            | Q(body=None, actor_id__in=grants.values("user_id"))
            | Q(Exists(about_people), body=None, target_type="auth.user")
        )
    if body is not None:
        entries = entries.filter(body=body)
    if username:
        user_ids = get_user_model().objects.filter(username__iexact=username).values("pk")
        entries = entries.filter(Q(actor_id__in=user_ids) | Q(data__username__iexact=username))
    if action.endswith("."):
        entries = entries.filter(action__startswith=action)
    elif action:
        entries = entries.filter(action=action)
    return entries.select_related("actor", "body", "edition").order_by("-at", "-pk")


# --- serta merta requests ---------------------------------------------------------------------


def serta_merta_requests_for_user(
    user: AbstractBaseUser | AnonymousUser,
) -> QuerySet[SertaMertaRequest]:
    """The requests of the bodies where the user holds a role, newest first."""
    return SertaMertaRequest.objects.filter(body__in=bodies_for_user(user)).select_related(
        "body", "item", "requested_by", "decided_by", "announcement__audio"
    )


def serta_merta_requests_overdue(*, now: datetime, limit: int) -> list[int]:
    """Requests still waiting past their deadline and not yet noticed (a partial index)."""
    return list(
        SertaMertaRequest.objects.filter(
            state=SertaMertaState.DIAJUKAN, overdue_noticed_at__isnull=True, due_at__lte=now
        )
        .order_by("due_at")
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
