"""The approval chain: open an edition on its body's SOP, run transitions, publish.

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

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import OuterRef, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from dip import services as dip_services
from dip.models import (
    SYSTEM_ACTOR,
    TRANSITIONS,
    Edition,
    EditionDocument,
    EditionKind,
    SignedArtefact,
    Stage,
)
from dip.selectors import edition_rows_ready, rows_count
from dip.services import announcements, classification, reclassify
from dip.signals import edition_published
from ppid.calendar import calendar_for_body
from ppid.exceptions import Conflict
from ppid.fields import note_check
from ppid.models import Body
from ppid.oversight import roles_held_expressions
from ppid.pagecache import invalidate_public_pages
from ppid.permissions import reaches_body, remember_roles, user_roles
from ppid.twofactor import check_signing_allowed
from workflow.deadlines import compute_deadline
from workflow.models import AuditEntry, Sop, Step, route_problems, standard_seconds_of
from workflow.selectors import PRECONDITIONS, preconditions_check, ready_check
from workflow.services import clock, review
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


# How far up `Body.parent` the default route is looked for (a guard against a cycle).
MAX_DEPTH = 10


def bodies_above(body: Body) -> list[Body]:
    """`body`'s PPID Utama bodies, nearest first (its parent, the parent's parent, ...)."""
    chain: list[Body] = []
    seen = {body.pk}
    current = body
    while current.parent_id and current.parent_id not in seen and len(chain) < MAX_DEPTH:
        current = current.parent
        seen.add(current.pk)
        chain.append(current)
    return chain


def utama_name(body: Body) -> str:
    """How a default route names who set it: "PPID Utama <body>", unless the body's name says
    so already ("PPID Utama Pemerintah Provinsi Kalimantan Barat")."""
    return body.name if body.name.lower().startswith("ppid utama") else f"PPID Utama {body.name}"


def active_sop(body: Body, kind: str) -> Sop | None:
    """The route `body` uses for its DIP or DIK (`kind`): its own SOP in force for that list,
    or else the default route set by the nearest PPID Utama (the body itself, then the bodies
    above it) for that list; None when there is neither. The one door: every caller that asks
    "which route does this body follow for this list" asks here."""
    own = Sop.objects.filter(
        body=body, applies_to=kind, is_active=True, is_default_route=False
    ).first()
    if own is not None:
        return own
    chain = [body, *bodies_above(body)]
    defaults = {
        sop.body_id: sop
        for sop in Sop.objects.filter(
            body__in=chain, applies_to=kind, is_active=True, is_default_route=True
        ).select_related("body")
    }
    return next((defaults[b.pk] for b in chain if b.pk in defaults), None)


def sop_route(sop: Sop) -> dict[str, Any]:
    """The route an edition carries: the SOP's stages, actors and time standards, frozen."""
    steps = list(sop.steps.order_by("number"))
    if problems := route_problems(steps):
        raise ValidationError(problems)
    sop_info: dict[str, Any] = {
        "id": sop.pk,
        "number": sop.number,
        "name": sop.name,
        "version": sop.version,
    }
    if sop.is_default_route:
        # Where the route came from, for the edition's page: "the default route set by ...".
        sop_info["default_route_of"] = {
            "slug": sop.body.slug,
            "name": sop.body.name,
            "set_by": utama_name(sop.body),
        }
    return {
        "sop": sop_info,
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
        calendar = calendar_for_body(edition.body)
        step.standard_seconds = standard_seconds_of(
            info["amount"], info["unit"], calendar.office_day_seconds
        )
        deadline = compute_deadline(now, info["amount"], info["unit"], calendar)
        step.due_at = deadline.due_at
        step.due_explanation = deadline.explain(edition.body.time_zone)
        step.remind_at = step.next_notice_at = deadline.remind_at
    step.save()
    return step


def _open_step(column: str) -> Subquery:
    # One open step per edition (step_one_open_per_edition): no order to sort it by (a
    # Step's default order joins its edition and body).
    open_step = Step.objects.filter(edition=OuterRef("pk"), finished_at=None).order_by()
    return Subquery(open_step.values(column)[:1])


# What the lock reads of every edition, the same for every edition and every caller: the open
# step's id, start and standard, whether the rows are complete, and how many there are.
_OPEN_STEP = ["open_step_id", "open_step_started_at", "open_step_standard_seconds"]
_LOCK_ANNOTATIONS: dict[str, Callable[[], Any]] = {
    "open_step_id": lambda: _open_step("pk"),
    "open_step_started_at": lambda: _open_step("started_at"),
    "open_step_standard_seconds": lambda: _open_step("standard_seconds"),
    "rows_ready": edition_rows_ready,
    "rows_count": rows_count,
}
_compiled_lock_annotations: dict[tuple[str, str], RawSQL | None] = {}
# The id of a stand-in user the role checks are compiled with; the caller's id takes its place.
_STAND_IN_USER_ID = -7_654_321
_compiled_lock_roles: dict[str, dict[str, RawSQL] | None] = {}


def _compiled_on_editions(expressions: dict[str, Any], *, using: str) -> dict[str, RawSQL] | None:
    """`expressions` compiled to SQL for a query of the editions' table, or None when one of
    them needs a join of the outer query (its SQL would name a table alias the lock's query
    may not have: it is then left to the ORM)."""
    query = Edition.objects.annotate(**expressions).query
    joined = [alias for alias, refs in query.alias_refcount.items() if refs]
    if joined != [Edition._meta.db_table]:
        return None
    compiler = query.get_compiler(using)
    compiled = {}
    for name in expressions:
        expression = query.annotations[name]
        sql, params = compiler.compile(expression)
        compiled[name] = RawSQL(sql, tuple(params), output_field=expression.output_field)
    return compiled


def _lock_annotation(name: str, *, using: str) -> RawSQL | Any:
    """The lock's annotation `name`, compiled to SQL once per database and kept: building and
    compiling its subqueries (the row check's are a dozen lookups) took 6 ms of CPU of every
    submit, the same SQL each time (issue 15). For the lock's own query only, whose table is
    the editions' (the SQL names "dip_edition" for the edition it is read with). One that
    needs a join of its own (a column of the body, say) is left to the ORM at each call."""
    key = (connections[using].vendor, name)
    if key not in _compiled_lock_annotations:
        compiled = _compiled_on_editions({"value": _LOCK_ANNOTATIONS[name]()}, using=using)
        _compiled_lock_annotations[key] = compiled and compiled["value"]
    return _compiled_lock_annotations[key] or _LOCK_ANNOTATIONS[name]()


def _lock_roles(user: AbstractBaseUser, *, using: str) -> dict[str, Any]:
    """`roles_held_expressions(user, "body")` for the lock's query: compiled once per database
    for a stand-in user, whose id the caller's takes at each call. Building and compiling the
    five EXISTS was the largest part of the lock's query build left (issue 15)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    vendor = connections[using].vendor
    if vendor not in _compiled_lock_roles:
        # The user model itself: a page's `request.user` is a SimpleLazyObject around it.
        stand_in = get_user_model()(pk=_STAND_IN_USER_ID, is_active=True)
        _compiled_lock_roles[vendor] = _compiled_on_editions(
            roles_held_expressions(stand_in, "body"), using=using
        )
    compiled = _compiled_lock_roles[vendor]
    if compiled is None:
        return roles_held_expressions(user, "body")
    return {
        name: RawSQL(
            raw.sql,
            tuple(user.pk if p == _STAND_IN_USER_ID else p for p in raw.params),
            output_field=raw.output_field,
        )
        for name, raw in compiled.items()
    }


def _locked_with_open_step(
    pk: int,
    *,
    user: AbstractBaseUser,
    rows_ready: bool = False,
    count_rows: bool = False,
) -> Edition:
    """The edition, locked, with in the same query what the transition reads of it: its open
    step's id, start and standard (`open_step_*`, so that closing the step is one UPDATE, not a
    read and a write), the user's roles on its body (kept for the request: the permission
    check asks no query), with `rows_ready` whether its rows are complete (the submit's check
    then reads no row) and with `count_rows` their number (`rows_count`, for an answer).

    An edition the user does not reach (no role on its body, as `editions_for_user` reads it)
    is Edition.DoesNotExist, told from the roles the lock read: the caller's editions are not
    listed first (issue 15: building that list was 2 ms of CPU of every transition). Only the
    edition's row is locked, not its body's, and the transaction that took it is rolled back
    by the caller's error."""
    using = Edition.objects.db
    wanted = [*_OPEN_STEP]
    wanted += ["rows_ready"] if rows_ready else []
    wanted += ["rows_count"] if count_rows else []
    # The edition's row only (`of`): its body's row stays free, so that transitions on two
    # editions of one body do not wait for each other. What numbers within a body (editions,
    # requests, objections, routes) locks the body itself.
    edition = (
        Edition.objects.select_for_update(of=("self",))
        .select_related("body")
        .annotate(
            **{name: _lock_annotation(name, using=using) for name in wanted},
            **_lock_roles(user, using=using),
        )
        .get(pk=pk)
    )
    remember_roles(user, edition.body, edition)
    if not reaches_body(user, edition.body):
        raise Edition.DoesNotExist
    return edition


def _step_close(
    edition: Edition, *, user: AbstractBaseUser | None, name: str, note: str
) -> Step | None:
    if hasattr(edition, "open_step_id"):
        # Read with the edition's lock (`_locked_with_open_step`): one UPDATE, which takes the
        # step's row lock itself (the clock sweep re-checks a step under that lock).
        if edition.open_step_id is None:
            return None
        now = timezone.now()
        duration = int((now - edition.open_step_started_at).total_seconds())
        fields = {
            "finished_at": now,
            "finished_by": user,
            "transition": name,
            "note": note,
            "duration_seconds": duration,
        }
        if not Step.objects.filter(pk=edition.open_step_id, finished_at=None).update(**fields):
            return None
        return Step(
            pk=edition.open_step_id,
            edition=edition,
            started_at=edition.open_step_started_at,
            standard_seconds=edition.open_step_standard_seconds,
            **fields,
        )
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
    edition: Edition,
    *,
    user,
    name: str,
    from_state: str,
    note: str,
    step: Step | None,
    data: dict[str, Any] | None = None,
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
        data=data or {},
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


def _queue_publication(edition_id: int) -> None:
    """On commit, the publication task builds the signed PDF and publishes the edition."""
    transaction.on_commit(
        lambda: edition_signed.send(sender=Edition, edition_id=edition_id), robust=True
    )


@transaction.atomic
def edition_document_rebuild(
    *,
    edition: Edition,
    user: AbstractBaseUser,
    artefact: type[SignedArtefact] = EditionDocument,
) -> SignedArtefact:
    """Build a failed signed artefact again (the PPID, the atasan or the PPID Utama): the
    edition's document, or with `artefact=RecordDocument` its berita acara uji konsekuensi. It
    goes back to pending and the publication task is queued on commit (it builds what is not
    ready, then publishes). Raises DocumentNotFailed (409) when it has not failed."""
    document = dip_services.edition_document_retry(edition=edition, user=user, artefact=artefact)
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
