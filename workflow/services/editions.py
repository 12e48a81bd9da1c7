"""The approval chain: open an edition on its body's SOP, run transitions, publish.

Every transition has one shape: atomic → row lock → state check (409) → role check (403) →
for a signature (the step into publication) a verified second factor when PPID_REQUIRE_2FA is
on (403, ppid.twofactor) → transition → save → close the step and open the next with its
deadline → audit row, all in one transaction; work outside the database (Celery) is queued on
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from dip import services as dip_services
from dip.models import SYSTEM_ACTOR, TRANSITIONS, Edition, EditionDocument, EditionKind, Stage
from dip.services import announcements, classification
from dip.signals import edition_published
from ppid.calendar import calendar_for_body
from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body
from ppid.pagecache import invalidate_public_pages
from ppid.permissions import user_roles
from ppid.twofactor import check_signing_allowed
from workflow.deadlines import compute_deadline
from workflow.models import AuditEntry, Sop, Step
from workflow.services import review
from workflow.signals import edition_signed

USER_TRANSITIONS = frozenset(name for name, spec in TRANSITIONS.items() if not spec.system)


class TransitionConflict(Conflict):
    """The transition is not possible from the edition's current state (or lost a race)."""

    def __init__(self, edition: Edition, name: str):
        self.edition = edition
        self.name = name
        self.state = edition.state
        super().__init__(
            _(
                "Already processed or not available: the edition is now at stage "
                "“%(stage)s”, where “%(name)s” cannot run."
            )
            % {"stage": edition.get_state_display(), "name": name}
        )


class UnknownTransition(Exception):
    pass


# --- SOPs ----------------------------------------------------------------------------------


def active_sop(body: Body, kind: str) -> Sop | None:
    return Sop.objects.filter(body=body, applies_to=kind, is_active=True).first()


def sop_route(sop: Sop) -> dict[str, Any]:
    """The route an edition carries: the SOP's stages, actors and time standards, frozen."""
    steps = list(sop.steps.order_by("number"))
    stages = [s.stage for s in steps]
    problems = []
    if Stage.COLLECTION not in stages:
        problems.append(_("The SOP has no collection step."))
    if not stages or stages[-1] != Stage.PUBLICATION:
        problems.append(_("The SOP must end with the publication step."))
    if stages != sorted(stages, key=list(Stage.values).index):
        problems.append(_("The SOP's steps are not in the order of the stages."))
    if problems:
        raise ValidationError(problems)
    return {
        "sop": {"id": sop.pk, "number": sop.number, "name": sop.name},
        "stages": [
            {
                "stage": s.stage,
                "role": SYSTEM_ACTOR if s.stage == Stage.PUBLICATION else s.role,
                "lane_role": s.role,
                "lane": s.lane,
                "step": s.number,
                "activity": s.activity,
                "output": s.output,
                "requirements": s.requirements,
                "amount": s.time_amount,
                "unit": s.time_unit,
                "return_to": s.return_to or None,
            }
            for s in steps
        ],
    }


# --- editions ------------------------------------------------------------------------------


@transaction.atomic
def edition_open(
    *, body: Body, kind: str, year: int, title: str, user: AbstractBaseUser
) -> Edition:
    sop = active_sop(body, kind)
    if sop is None:
        raise ValidationError(
            {
                "kind": [
                    _("%(body)s has no SOP in force for the %(kind)s yet.")
                    % {"body": body.name, "kind": EditionKind(kind).label}
                ]
            }
        )
    edition = dip_services.edition_create(
        body=body, kind=kind, year=year, title=title, route=sop_route(sop), user=user
    )
    # Classification changes waiting for a DIK ride on this one (the tim decides them).
    classification.classification_changes_attach(edition=edition)
    _step_open(edition, handed_over_by=user)
    return edition


def _step_open(edition: Edition, *, handed_over_by: AbstractBaseUser | None) -> Step:
    info = edition.route_stage(edition.state)
    now = timezone.now()
    step = Step(
        edition=edition,
        stage=edition.state,
        role=info["role"],
        sop_step_number=info.get("step"),
        standard_amount=info.get("amount"),
        standard_unit=info.get("unit") or "",
        started_at=now,
        handed_over_by=handed_over_by,
    )
    if info.get("amount"):
        deadline = compute_deadline(
            now, info["amount"], info["unit"], calendar_for_body(edition.body)
        )
        step.due_at = deadline.due_at
        step.due_explanation = deadline.explain(edition.body.time_zone)
        step.remind_at = step.next_notice_at = deadline.remind_at
    step.save()
    return step


def _step_close(
    edition: Edition, *, user: AbstractBaseUser | None, name: str, note: str
) -> Step | None:
    step = Step.objects.select_for_update().filter(edition=edition, finished_at=None).first()
    if step is None:
        return None
    step.finished_at = timezone.now()
    step.finished_by = user
    step.transition = name
    step.note = note
    step.duration_seconds = int((step.finished_at - step.started_at).total_seconds())
    step.save()
    return step


def _audit_transition(
    edition: Edition, *, user, name: str, from_state: str, note: str, step: Step | None
) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=edition.body,
        edition=edition,
        action=f"edition.{name}",
        transition=name,
        from_state=from_state,
        to_state=edition.state,
        note=note,
        duration_seconds=step.duration_seconds if step else None,
        standard_seconds=step.standard_seconds if step else None,
        target_type="dip.edition",
        target_id=str(edition.pk),
    )


def _acts_elsewhere_on_route(edition: Edition, name: str, user: AbstractBaseUser) -> bool:
    roles = user_roles(user, edition.body)
    completes = TRANSITIONS[name].completes
    return any(
        stage["role"] in roles
        and (stage.get("return_to") if completes is None else completes == stage["stage"])
        for stage in edition.stages
    )


def _note_given(edition: Edition, note: str) -> None:
    if not note:
        raise ValidationError({"note": [_("A return needs a note saying what to fix.")]})


# What a transition checks before it runs, besides the shape every transition has (each check
# raises ValidationError), and what it writes after it ran, in the same transaction. The
# transitions themselves (name, stage, label, decision word) are declared on Edition.
CHECKS: dict[str, Callable[[Edition, str], None]] = {
    "submit": lambda edition, note: dip_services.edition_check_ready(edition),
    "instruct": lambda edition, note: review.nota_dinas_check(edition),
    "consider": lambda edition, note: (
        review.considerations_check(edition),
        classification.classification_changes_check(edition),
    ),
    "return": _note_given,
}
EFFECTS: dict[str, Callable[[Edition, AbstractBaseUser], Any]] = {
    "instruct": lambda edition, user: review.nota_dinas_issue(edition),
    "return": lambda edition, user: (
        review.considerations_reset(edition),
        classification.classification_changes_reset(edition),
    ),
    # Serta merta rows are announced now, not after the signature (Pasal 10).
    "verify": lambda edition, user: announcements.edition_announce_serta_merta(
        edition=edition, user=user
    ),
}


def edition_transition(
    *, edition: Edition | int, name: str, user: AbstractBaseUser, note: str = ""
) -> Edition:
    if name not in USER_TRANSITIONS:
        raise UnknownTransition(name)
    spec = TRANSITIONS[name]
    pk = edition.pk if isinstance(edition, Edition) else edition
    note = (note or "").strip()
    note_check(note)
    try:
        with transaction.atomic():
            edition = Edition.objects.select_for_update().select_related("body").get(pk=pk)
            method = getattr(edition, spec.method)
            if not can_proceed(method):
                raise TransitionConflict(edition, name)
            if not has_transition_perm(method, user):
                if _acts_elsewhere_on_route(edition, name, user):
                    # The caller's own step was overtaken (e.g. a PPID's return after another
                    # PPID verified): that is "already processed", not a missing right.
                    raise TransitionConflict(edition, name)
                raise PermissionDenied(
                    _("Your role in this public body may not run “%(name)s” at this stage.")
                    % {"name": name}
                )
            if spec.completes is not None and edition.next_stage() == Stage.PUBLICATION:
                # Signing (the step into publication) needs a verified second factor.
                check_signing_allowed(user)
            if check := CHECKS.get(name):
                check(edition, note)
            from_state = edition.state
            method()
            edition.save()
            step = _step_close(edition, user=user, name=name, note=note)
            if edition.state == Stage.PUBLICATION:
                # The signature applies the classification changes the DIK carries.
                classification.classification_changes_apply(edition=edition, user=user)
                dip_services.edition_freeze(edition=edition, user=user)
            _step_open(edition, handed_over_by=user)
            _audit_transition(
                edition, user=user, name=name, from_state=from_state, note=note, step=step
            )
            if effect := EFFECTS.get(name):
                effect(edition, user)
            if edition.state == Stage.PUBLICATION:
                _queue_publication(edition.pk)
    except ConcurrentTransition:
        edition = Edition.objects.select_related("body").get(pk=pk)
        raise TransitionConflict(edition, name) from None
    return edition


def _queue_publication(edition_id: int) -> None:
    """On commit, the publication task builds the signed PDF and publishes the edition."""
    transaction.on_commit(
        lambda: edition_signed.send(sender=Edition, edition_id=edition_id), robust=True
    )


@transaction.atomic
def edition_document_rebuild(*, edition: Edition, user: AbstractBaseUser) -> EditionDocument:
    """Build a failed signed document again (the PPID, the atasan or the PPID Utama): it goes
    back to pending and the publication task is queued on commit. Raises DocumentNotFailed
    (409) when the document has not failed."""
    document = dip_services.edition_document_retry(edition=edition, user=user)
    _queue_publication(edition.pk)
    return document


def edition_publish(*, edition_id: int) -> Edition | None:
    """Run by the system after signing. Idempotent: a second call finds it published."""
    with transaction.atomic():
        edition = (
            Edition.objects.select_for_update().select_related("body").filter(pk=edition_id).first()
        )
        if edition is None or edition.state != Stage.PUBLICATION:
            return edition
        from_state = edition.state
        edition.publish()
        edition.save()
        step = _step_close(edition, user=None, name="publish", note="")
        _audit_transition(
            edition, user=None, name="publish", from_state=from_state, note="", step=step
        )
        transaction.on_commit(invalidate_public_pages, robust=True)
        transaction.on_commit(
            lambda: edition_published.send(sender=Edition, edition_id=edition_id), robust=True
        )
    return edition
