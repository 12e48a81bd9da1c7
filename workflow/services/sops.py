"""SOPs edited in the app: each change is a new version.

`sop_revise` writes the SOP's header and steps as a new `Sop` row (version + 1, `replaces` the
one in force) in one transaction: the old row stays, no longer in force, for history and for the
editions in flight, which carry its route frozen (`Edition.route`) and so keep the stages, actors
and time standards they started with. Only the PPID Utama over the body or the body's atasan may
do it. Nothing is stored on bad input; the audit row names what changed.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from ppid.exceptions import Conflict
from ppid.fields import note_check
from workflow.models import AuditEntry, Sop, SopStep, route_problems
from workflow.permissions import can_edit_sop

# The header as the seed documents show it, and the columns of a step.
HEADER_FIELDS = (
    "number",
    "made_on",
    "revised_on",
    "effective_on",
    "approved_by",
    "name",
    "legal_basis",
    "qualifications",
    "related",
    "equipment",
    "warnings",
    "records",
)
STEP_FIELDS = (
    "number",
    "activity",
    "role",
    "lane",
    "stage",
    "requirements",
    "time_amount",
    "time_unit",
    "output",
    "notes",
    "return_to",
)
MAX_STEPS = 30


class SopNotInForce(Conflict):
    """The SOP was replaced by a newer version meanwhile (HTTP 409)."""

    def __init__(self, sop: Sop):
        self.sop = sop
        super().__init__(
            _(
                "This version of the SOP is no longer in force: someone saved a newer one. "
                "Open the SOP again and make your change on it."
            )
        )


def _plain(value: Any) -> Any:
    """Text as stored: the line ends a browser sends (CR LF) made LF, the ends trimmed, so
    that saving a form unchanged changes nothing."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def sop_header(sop: Sop) -> dict[str, Any]:
    return {name: getattr(sop, name) for name in HEADER_FIELDS}


def sop_step_rows(sop: Sop) -> list[dict[str, Any]]:
    return [{name: getattr(s, name) for name in STEP_FIELDS} for s in sop.steps.order_by("number")]


# What a new version does not take from the one it replaces: its own identity and history.
NOT_CARRIED = frozenset({"id", "version", "replaces", "created_by", "created_at", "is_active"})


def _carried_over(sop: Sop) -> dict[str, Any]:
    """Every field of `sop` a new version keeps unless the form changes it (the header, the
    kind, the lanes, and whatever else an SOP comes to hold), by attname."""
    return {
        field.attname: getattr(sop, field.attname)
        for field in Sop._meta.concrete_fields
        if field.name not in NOT_CARRIED
    }


def _lanes(previous: list[dict], steps: list[SopStep]) -> list[dict]:
    """The SOP's pelaksana columns: one per role the steps name, in the order the previous
    version had them (new roles after, as the steps first name them), labelled as the first
    step of that role names its pelaksana."""
    labels: dict[str, str] = {}
    for step in sorted(steps, key=lambda s: s.number):
        labels.setdefault(step.role, step.lane)
    order = [lane["role"] for lane in previous if lane.get("role") in labels]
    order += [role for role in labels if role not in order]
    return [{"role": role, "label": labels[role]} for role in order]


def _display(instance, name: str) -> str:
    value = getattr(instance, name)
    field = instance._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value)) if value else "-"
    if value is None or value == "":
        return "-"
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _diff(old: Sop, new: Sop, old_steps: list[SopStep], new_steps: list[SopStep]) -> list[str]:
    """What changed, one line each: "Nama SOP: ... → ...", "Langkah 4: waktu 15 → 30", ..."""
    changes = []
    for name in HEADER_FIELDS:
        if getattr(old, name) != getattr(new, name):
            label = capfirst(str(Sop._meta.get_field(name).verbose_name))
            changes.append(f"{label}: {_display(old, name)} → {_display(new, name)}")
    before = {s.number: s for s in old_steps}
    after = {s.number: s for s in new_steps}
    for number in sorted(before.keys() | after.keys()):
        if number not in after:
            changes.append(_("Step %(n)d removed") % {"n": number})
        elif number not in before:
            changes.append(_("Step %(n)d added") % {"n": number})
        else:
            fields = [
                f"{capfirst(str(SopStep._meta.get_field(name).verbose_name))}: "
                f"{_display(before[number], name)} → {_display(after[number], name)}"
                for name in STEP_FIELDS
                if getattr(before[number], name) != getattr(after[number], name)
            ]
            if fields:
                line = _("Step %(n)d: %(fields)s") % {"n": number, "fields": "; ".join(fields)}
                changes.append(line)
    return changes


def _step_error_lines(number: Any, error: ValidationError) -> list[str]:
    lines = []
    for field, messages in error.message_dict.items():
        label = str(SopStep._meta.get_field(field).verbose_name) if field in STEP_FIELDS else ""
        for message in messages:
            where = _("Step %(n)s") % {"n": number}
            lines.append(f"{where}, {label}: {message}" if label else f"{where}: {message}")
    return lines


@transaction.atomic
def sop_revise(
    *,
    sop: Sop,
    user: AbstractBaseUser,
    header: dict[str, Any],
    steps: list[dict[str, Any]],
    note: str = "",
) -> Sop:
    """Save the SOP's header and steps as its next version, in force from now on.

    Raises PermissionDenied (not the PPID Utama over the body nor its atasan), SopNotInForce
    (409: a newer version was saved meanwhile) or ValidationError (header errors by field,
    step and route errors under "steps"; nothing stored)."""
    if not can_edit_sop(user, sop.body):
        raise PermissionDenied(_("Only the PPID Utama or the head of the body may change its SOP."))
    unknown = (set(header) - set(HEADER_FIELDS)) | {k for s in steps for k in s} - set(STEP_FIELDS)
    if unknown:
        raise TypeError(f"unknown SOP fields: {sorted(unknown)}")
    header = {name: _plain(value) for name, value in header.items()}
    steps = [{name: _plain(value) for name, value in row.items()} for row in steps]
    note = _plain(note or "")
    note_check(note)
    # The SOP's row only: its default order (body, ...) would join and lock the body's row.
    current = (
        Sop.objects.select_for_update(of=("self",), no_key=True)
        .filter(pk=sop.pk)
        .order_by()
        .first()
    )
    if current is None or not current.is_active:
        raise SopNotInForce(sop)
    old_steps = list(current.steps.order_by("number"))

    new = Sop(
        **{**_carried_over(current), **header},
        version=current.version + 1,
        replaces=current,
        created_by=user,
        is_active=False,  # in force once it is whole (one SOP in force per kind)
    )
    errors: dict[str, list[str]] = {}
    try:
        new.full_clean(exclude=["lanes", "is_active"])
    except ValidationError as error:
        errors.update(error.message_dict)
    new_steps = [SopStep(**{"notes": "", "return_to": "", **row}) for row in steps]
    step_errors: list[str] = []
    if not new_steps:
        step_errors.append(_("The SOP needs at least one step."))
    if len(new_steps) > MAX_STEPS:
        step_errors.append(_("An SOP has at most %(n)d steps.") % {"n": MAX_STEPS})
    for step in new_steps:
        try:
            step.full_clean(exclude=["sop"], validate_constraints=False)
        except ValidationError as error:
            step_errors += _step_error_lines(step.number, error)
    if not step_errors:
        step_errors += route_problems(new_steps)
    if step_errors:
        errors.setdefault("steps", []).extend(step_errors)
    if errors:
        raise ValidationError(errors)
    changes = _diff(current, new, old_steps, new_steps)
    if not changes:
        raise ValidationError(_("Nothing was changed, so no new version was made."))

    current.is_active = False
    current.save(update_fields=["is_active"])
    new.is_active = True
    new.lanes = _lanes(current.lanes, new_steps)
    new.save()
    for step in new_steps:
        step.sop = new
    SopStep.objects.bulk_create(new_steps)
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=new.body,
        action="sop.revise",
        note=note,
        target_type="workflow.sop",
        target_id=str(new.pk),
        data={
            "number": new.number,
            "applies_to": new.applies_to,
            "from_version": current.version,
            "to_version": new.version,
            "replaces": current.pk,
            "changes": changes,
        },
    )
    return new
