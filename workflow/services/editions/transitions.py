"""Open an edition on its body's SOP and run its transitions.

Every transition has one shape: atomic → row lock → state check (409) → role check (403) →
for a signature (the step into publication) a verified second factor when PPID_REQUIRE_2FA is
on (403, ppid.twofactor) → transition → save → close the step and open the next with its
deadline → audit row, all in one transaction; work outside the database (Celery) is queued on
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from dip import services as dip_services
from dip.models import TRANSITIONS, Edition, EditionKind, Stage
from dip.services import announcements, classification, reclassify
from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body
from ppid.permissions import user_roles
from ppid.twofactor import check_signing_allowed
from workflow.selectors import PRECONDITIONS, preconditions_check, ready_check
from workflow.services import clock, review
from workflow.services.editions.lock import _locked_with_open_step
from workflow.services.editions.publication import _queue_publication
from workflow.services.editions.sops import active_sop, sop_route
from workflow.services.editions.steps import _audit_transition, _step_close, _step_open

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


@transaction.atomic
def edition_open(
    *,
    body: Body,
    kind: str,
    year: int,
    title: str,
    user: AbstractBaseUser,
    revise: bool = False,
) -> Edition:
    """Open an edition on the body's SOP in force. A second edition of the same body, kind and
    year is a revision ("Perubahan ke-N"), opened only with `revise` (dip.edition_create)."""
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
        body=body,
        kind=kind,
        year=year,
        title=title,
        route=sop_route(sop),
        user=user,
        revise=revise,
    )
    # Classification changes waiting for a DIK ride on this one (the tim decides them).
    classification.classification_changes_attach(edition=edition)
    step = _step_open(edition, handed_over_by=user)
    clock.step_handover_notify(step, by=user, transition="open", note="")
    return edition


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


def _preconditions(name: str, edition: Edition, note: str) -> None:
    preconditions_check(edition, name)


# What a transition checks before it runs, besides the shape every transition has (each check
# raises ValidationError), and what it writes after it ran, in the same transaction. The
# transitions themselves (name, stage, label, decision word) are declared on Edition.
# The preconditions (what must be done before) are read from workflow.selectors.PRECONDITIONS,
# the same table the pages and the API use to show a blocked button with its missing step.
CHECKS: dict[str, Callable[[Edition, str], None]] = {
    **{name: partial(_preconditions, name) for name in PRECONDITIONS},
    "return": _note_given,
}
# The transitions whose check reads the edition's rows (`ready_check`): the lock reads whether
# they are complete, so that the usual case reads no row.
ROWS_CHECKED = frozenset(
    name for name, pres in PRECONDITIONS.items() if any(p.check is ready_check for p in pres)
)
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
    *,
    edition: Edition | int,
    name: str,
    user: AbstractBaseUser,
    note: str = "",
    decree_number: str = "",
    decree_date: date | None = None,
    count_rows: bool = False,
) -> Edition:
    """Run the transition `name`. The signature (the step into publication) also records the
    decree (Keputusan) that sets the list: `decree_number` and `decree_date` are required then
    (400 naming the fields when missing or wrong) and ignored by every other transition.

    An edition the user does not reach (`editions_for_user`) is Edition.DoesNotExist, with
    nothing written. Returns the edition as the transition left it, with its new open step
    (`open_steps`, as `editions_with_clock` reads it) and with `count_rows` its number of rows
    (`rows_count`), so that an answer needs not read it again."""
    if name not in USER_TRANSITIONS:
        raise UnknownTransition(name)
    spec = TRANSITIONS[name]
    pk = edition.pk if isinstance(edition, Edition) else edition
    note = (note or "").strip()
    note_check(note)
    try:
        with transaction.atomic():
            edition = _locked_with_open_step(
                pk, user=user, rows_ready=name in ROWS_CHECKED, count_rows=count_rows
            )
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
            signs = spec.completes is not None and edition.next_stage() == Stage.PUBLICATION
            if signs:
                # Signing (the step into publication) needs a verified second factor, and the
                # decree that sets the list.
                check_signing_allowed(user)
                decree_number, decree_date = dip_services.edition_decree_check(
                    edition, number=decree_number, dated=decree_date
                )
            if check := CHECKS.get(name):
                check(edition, note)
            from_state = edition.state
            method()
            edition.save()
            step = _step_close(edition, user=user, name=name, note=note)
            decree = {}
            if edition.state == Stage.PUBLICATION:
                # The signature applies the classification changes the DIK carries.
                reclassify.classification_changes_apply(edition=edition, user=user)
                dip_services.edition_freeze(
                    edition=edition,
                    user=user,
                    decree_number=decree_number,
                    decree_date=decree_date,
                )
                decree = {
                    "decree_number": edition.decree_number,
                    "decree_date": edition.decree_date.isoformat(),
                }
            opened = _step_open(edition, handed_over_by=user)
            edition.open_steps = [opened]
            clock.step_handover_notify(opened, by=user, transition=name, note=note)
            _audit_transition(
                edition,
                user=user,
                name=name,
                from_state=from_state,
                note=note,
                step=step,
                data=decree,
            )
            if effect := EFFECTS.get(name):
                effect(edition, user)
            if edition.state == Stage.PUBLICATION:
                _queue_publication(edition.pk)
    except ConcurrentTransition:
        edition = Edition.objects.select_related("body").get(pk=pk)
        raise TransitionConflict(edition, name) from None
    return edition
