"""Review records: the Nota Dinas, reviewers' comments, and the tim's per-row consideration."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip import services as dip_services
from dip.models import REVIEW_STAGES, Classification, Edition, ExemptionGround, Item, Stage
from ppid.fields import note_check
from workflow.models import (
    AuditEntry,
    Consideration,
    ConsiderationDecision,
    NotaDinas,
    ReviewComment,
)

# What each decision may change on the item, and what it must change.
DECISION_FIELDS: dict[str, tuple[str, ...]] = {
    ConsiderationDecision.AGREE: (),
    ConsiderationDecision.CHANGE_GROUND: ("exemption_ground", "exemption_law"),
    ConsiderationDecision.CHANGE_PERIOD: (
        "exemption_until",
        "exemption_event",
        "exemption_permanent",
    ),
    ConsiderationDecision.CHANGE_CLASSIFICATION: ("classification",),
}


def _locked(edition: Edition) -> Edition:
    return (
        Edition.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=edition.pk)
    )


def require_current_actor(edition: Edition, user: AbstractBaseUser, stages) -> None:
    if edition.state not in stages:
        raise ValidationError(
            _("This cannot be done at stage “%(stage)s”.") % {"stage": edition.get_state_display()}
        )
    if not edition.may_act(user):
        raise PermissionDenied(_("Only the officer who must act at this stage can do this."))


# --- Nota Dinas ----------------------------------------------------------------------------


@transaction.atomic
def nota_dinas_save(
    *,
    edition: Edition,
    user: AbstractBaseUser,
    number: str,
    dated: date,
    addressed_to: str,
    subject: str,
    content: str,
) -> NotaDinas:
    edition = _locked(edition)
    require_current_actor(edition, user, {Stage.INSTRUCTION})
    nota = NotaDinas.objects.filter(edition=edition).first() or NotaDinas(edition=edition)
    nota.number = number.strip()
    nota.dated = dated
    nota.addressed_to = addressed_to.strip()
    nota.subject = subject.strip()
    nota.content = content.strip()
    nota.written_by = user
    nota.full_clean()
    nota.save()
    _audit(edition, user, "nota_dinas.save", {"number": nota.number, "subject": nota.subject})
    return nota


def nota_dinas_issue(edition: Edition) -> None:
    NotaDinas.objects.filter(edition=edition).update(issued_at=timezone.now())


# --- comments ------------------------------------------------------------------------------


@transaction.atomic
def review_comment_add(
    *, edition: Edition, user: AbstractBaseUser, text: str, item: Item | None = None
) -> ReviewComment:
    edition = _locked(edition)
    require_current_actor(edition, user, REVIEW_STAGES)
    if item is not None and not edition.entries.filter(item=item).exists():
        raise ValidationError({"item": [_("This item is not in the edition.")]})
    comment = ReviewComment(
        edition=edition, item=item, stage=edition.state, author=user, text=text.strip()
    )
    comment.full_clean()
    comment.save()
    _audit(
        edition,
        user,
        "comment.add",
        {"item": item.pk if item else None, "text": comment.text[:500]},
    )
    return comment


# --- consideration (tim pertimbangan) ------------------------------------------------------


@transaction.atomic
def consideration_record(
    *,
    edition: Edition,
    item: Item,
    user: AbstractBaseUser,
    decision: str,
    note: str = "",
    changes: dict[str, Any] | None = None,
) -> Consideration:
    """Record the tim's decision on one row and apply the change it makes to the item."""
    edition = _locked(edition)
    require_current_actor(edition, user, {Stage.CONSIDERATION})
    if decision not in DECISION_FIELDS:
        raise ValidationError({"decision": [_("Choose a decision.")]})
    if not edition.entries.filter(item=item).exists():
        raise ValidationError({"item": [_("This item is not in the edition.")]})
    note_check(note.strip())
    changes = _typed_changes(decision, changes or {})
    if decision != ConsiderationDecision.AGREE:
        if not note.strip():
            raise ValidationError({"note": [_("Explain the change in a note.")]})
        if not changes:
            raise ValidationError({"changes": [_("Say what changes.")]})
    if decision == ConsiderationDecision.CHANGE_CLASSIFICATION:
        if changes["classification"] == Classification.DIKECUALIKAN:
            raise ValidationError(
                {"classification": [_("Choose the public classification it moves to.")]}
            )
        # Not opened now: the atasan's signature opens it (issue 12 rule 1), announced then.
        dip_services.classification.classification_change_by_tim(
            edition=edition,
            item=item,
            user=user,
            to_classification=changes["classification"],
            note=note.strip(),
        )
    else:
        dip_services.classification.classification_change_tim_withdraw(edition=edition, item=item)
    if decision == ConsiderationDecision.CHANGE_GROUND:
        if changes.get("exemption_ground") not in ExemptionGround.values:
            raise ValidationError({"exemption_ground": [_("Choose the legal ground.")]})
        changes.setdefault("exemption_law", "")
        dip_services.edition_amend_row(edition=edition, item=item, user=user, **changes)
    elif decision == ConsiderationDecision.CHANGE_PERIOD:
        period = {
            "exemption_until": None,
            "exemption_event": "",
            "exemption_permanent": False,
            **changes,
        }
        if not (
            period["exemption_until"]
            or period["exemption_event"].strip()
            or period["exemption_permanent"]
        ):
            raise ValidationError(
                {
                    "exemption_until": [
                        _("Give the new period: until a date, until an event, or permanent.")
                    ]
                }
            )
        dip_services.edition_amend_row(edition=edition, item=item, user=user, **period)
    consideration, _created = Consideration.objects.update_or_create(
        edition=edition,
        item=item,
        defaults={
            "decision": decision,
            "note": note.strip(),
            "changes": {k: v.isoformat() if isinstance(v, date) else v for k, v in changes.items()},
            "decided_by": user,
        },
    )
    _audit(
        edition,
        user,
        "consideration.record",
        {
            "item": item.pk,
            "decision": decision,
            "note": note.strip(),
            **{k: str(v) for k, v in changes.items()},
        },
    )
    return consideration


@transaction.atomic
def considerations_record_all(
    *, edition: Edition, user: AbstractBaseUser, decisions: list[dict[str, Any]]
) -> list[Consideration]:
    """The tim's decisions on several rows in one save: all of them or, on any error, none.

    Each entry: {"item": Item, "decision": ..., "note": ..., "changes": {...}}. The errors come
    back keyed by the item's id ({"<item id>": {"note": [...]}}), so a page shows each next
    to its row."""
    edition = _locked(edition)
    require_current_actor(edition, user, {Stage.CONSIDERATION})
    recorded: list[Consideration] = []
    errors: dict[str, Any] = {}
    for entry in decisions:
        item = entry["item"]
        try:
            recorded.append(
                consideration_record(
                    edition=edition,
                    item=item,
                    user=user,
                    decision=entry["decision"],
                    note=entry.get("note", ""),
                    changes=entry.get("changes") or {},
                )
            )
        except ValidationError as error:
            errors[str(item.pk)] = (
                error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            )
    if errors:
        raise RowErrors(errors)
    return recorded


class RowErrors(ValidationError):
    """Errors of several rows at once: `rows` maps an item's id to {field: [messages]}."""

    def __init__(self, rows: dict[str, dict[str, list[str]]]):
        self.rows = rows
        super().__init__([m for fields in rows.values() for ms in fields.values() for m in ms])


def _typed_changes(decision: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Keep the fields this decision may change, each converted by the item's own field."""
    typed, errors = {}, {}
    for name in DECISION_FIELDS[decision]:
        if name not in changes:
            continue
        field = Item._meta.get_field(name)
        value = changes[name]
        try:
            if value in ("", None) and field.null:
                typed[name] = None
            else:
                typed[name] = field.to_python(value if value is not None else "")
        except ValidationError as error:
            errors[name] = error.messages
    if errors:
        raise ValidationError(errors)
    return typed


def _audit(edition: Edition, user: AbstractBaseUser, action: str, data: dict) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=edition.body,
        edition=edition,
        action=action,
        target_type="dip.edition",
        target_id=str(edition.pk),
        data=data,
    )


def considerations_reset(edition: Edition) -> None:
    """A return to the consideration stage or before it asks the tim to consider again."""
    if edition.route_stage(Stage.CONSIDERATION) is None:
        return
    order = [s["stage"] for s in edition.stages]
    if order.index(edition.state) <= order.index(Stage.CONSIDERATION):
        Consideration.objects.filter(edition=edition).delete()
        dip_services.consideration_record_reset(edition)
