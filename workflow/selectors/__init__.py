from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import (
    CharField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dip import selectors as dip_selectors
from dip import services as dip_services
from dip.models import (
    TRANSITIONS,
    DocumentStatus,
    Edition,
    EditionDocument,
    RecordDocument,
    Stage,
)
from dip.selectors import editions_for_user
from ppid.models import Body, BodyUserObjectPermission, Role
from ppid.oversight import bodies_reached
from ppid.selectors import bodies_for_user
from ppid.twofactor import has_device, is_verified
from workflow.models import (
    AuditEntry,
    Consideration,
    NotaDinas,
    Notice,
    SertaMertaRequest,
    SertaMertaState,
    Sop,
    SopStep,
    Step,
)


def available_transitions(edition: Edition, user: AbstractBaseUser | AnonymousUser) -> list[str]:
    """The names of the transitions `user` may run on the edition now, in stage order (by
    stage and role; `blocked_transitions` says which of them would still be refused)."""
    return [t.custom["name"] for t in edition.get_available_user_state_transitions(user)]


# --- what a transition needs before it can run -------------------------------------------------
# Each precondition raises ValidationError saying what is missing. The transition service runs
# them (workflow.services.editions.transitions.CHECKS), and the pages and the API read them through
# `blocked_transitions`, so a button is never offered that the service would refuse.


def nota_dinas_check(edition: Edition) -> None:
    if not NotaDinas.objects.filter(edition=edition).exists():
        raise ValidationError(
            {"nota_dinas": [_("Write the Nota Dinas to the units before issuing it.")]}
        )


def considerations_check(edition: Edition) -> None:
    considered = set(
        Consideration.objects.filter(edition=edition).values_list("item_id", flat=True)
    )
    pending = [i.title for i in dip_selectors.edition_entries(edition) if i.pk not in considered]
    if pending:
        raise ValidationError(
            {
                "items": [
                    _("Record a consideration for: %(titles)s.") % {"titles": "; ".join(pending)}
                ]
            }
        )


def ready_check(edition: Edition) -> None:
    dip_services.edition_check_ready(edition)


@dataclass(frozen=True)
class Precondition:
    check: Callable[[Edition], None]
    # Where the missing step is done: (URL name taking the edition's pk, fragment, link text).
    fix_url: str
    fix_fragment: str
    fix_label: str


# Each transition's preconditions, in the order an officer does them: all are checked, and a
# blocked button links to the first one missing.
PRECONDITIONS: dict[str, tuple[Precondition, ...]] = {
    "submit": (
        Precondition(ready_check, "workflow:edition", "rows", gettext_lazy("Complete the rows")),
    ),
    "instruct": (
        Precondition(
            nota_dinas_check, "workflow:nota_dinas", "", gettext_lazy("Write the Nota Dinas")
        ),
    ),
    "consider": (
        Precondition(
            considerations_check,
            "workflow:considerations",
            "",
            gettext_lazy("Record the tim's decision on each row"),
        ),
        Precondition(
            dip_services.classification.classification_changes_check,
            "workflow:edition",
            "classification-changes",
            gettext_lazy("Decide the classification changes"),
        ),
        Precondition(
            dip_services.consideration_record_check,
            "workflow:consideration_record",
            "",
            gettext_lazy("Write the berita acara uji konsekuensi"),
        ),
    ),
}


def preconditions_check(edition: Edition, name: str) -> None:
    """Run every precondition of transition `name`; one ValidationError saying all that is
    missing."""
    errors: dict[str, list[str]] = {}
    for pre in PRECONDITIONS.get(name, ()):
        try:
            pre.check(edition)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@dataclass(frozen=True)
class Blocked:
    name: str
    reason: str
    fix_url: str
    fix_label: str


def transition_signs(edition: Edition, name: str) -> bool:
    """Whether transition `name` is the signature now: the step into publication."""
    spec = TRANSITIONS.get(name)
    return (
        spec is not None
        and spec.completes is not None
        and spec.completes == edition.state
        and edition.next_stage() == Stage.PUBLICATION
    )


def second_factor_blocked(
    edition: Edition, name: str, user: AbstractBaseUser | AnonymousUser
) -> Blocked | None:
    """A signature by a user without a verified second factor while PPID_REQUIRE_2FA is on:
    refused by the service (ppid.twofactor.check_signing_allowed), so shown blocked, with the
    way to set up (enrol) or confirm (verify) the second factor and come back."""
    if not settings.PPID_REQUIRE_2FA or not transition_signs(edition, name):
        return None
    if not user.is_authenticated or is_verified(user):
        return None
    back = reverse("workflow:edition", args=[edition.pk])
    if has_device(user):
        target, label = "accounts:2fa_verify", _("Confirm your second factor")
    else:
        target, label = "accounts:2fa_enrol", _("Set up a second factor")
    return Blocked(
        name=name,
        reason=_("Signing needs a verified second factor (the code from your authenticator app)."),
        fix_url=f"{reverse(target)}?{urlencode({'next': back})}",
        fix_label=label,
    )


def blocked_transitions(
    edition: Edition,
    names: list[str],
    user: AbstractBaseUser | AnonymousUser | None = None,
) -> dict[str, Blocked]:
    """Of the transitions `names` (those the user may run by stage and role), the ones whose
    precondition fails now: why, and where to do the missing step. With `user`, a signature
    also needs that user's verified second factor when PPID_REQUIRE_2FA is on."""
    blocked: dict[str, Blocked] = {}
    for name in names:
        reasons: list[str] = []
        first: Precondition | None = None
        for pre in PRECONDITIONS.get(name, ()):
            try:
                pre.check(edition)
            except ValidationError as error:
                reasons.extend(error.messages)
                first = first or pre
        if first is None:
            if user is not None and (factor := second_factor_blocked(edition, name, user)):
                blocked[name] = factor
            continue
        url = reverse(first.fix_url, args=[edition.pk])
        if first.fix_fragment:
            url = f"{url}#{first.fix_fragment}"
        blocked[name] = Blocked(
            name=name, reason=" ".join(reasons), fix_url=url, fix_label=str(first.fix_label)
        )
    return blocked


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


# --- SOPs ------------------------------------------------------------------------------------


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


# --- serta merta requests ---------------------------------------------------------------------


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
