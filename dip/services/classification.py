"""Classification changes into or out of dikecualikan (UU 14/2008 Pasal 17, Perki 1/2021).

Such a change is never a plain item edit (`item_update` refuses it). It is proposed as a
`ClassificationChange`, rides on the body's DIK edition (the one being assembled or, with none,
the next one opened), is decided by the tim pertimbangan at the consideration stage, and is
applied to the item only when the atasan signs that DIK (`dip.services.reclassify`). An item
opened that way is announced on the public site and goes into the DIP being assembled (or the
next one opened).

Exemptions that end (a date passed, an event recorded by the PPID) are in
`dip.services.exemptions`: they get an opening change of their own through `new_change`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import (
    EXEMPTION_FIELDS,
    OPEN_CHANGE_STATES,
    ChangeOrigin,
    ChangeState,
    Classification,
    ClassificationChange,
    Edition,
    EditionKind,
    Item,
    Stage,
)
from dip.permissions import (
    can_amend_in_consideration,
    can_propose_classification_change,
)
from dip.services.common import EMPTY_EXEMPTION, audit, refuse_if_in_review, require
from dip.services.editions import assembling_edition, item_lock_after_body
from ppid.exceptions import Conflict
from ppid.fields import note_check


class ChangeClosed(Conflict):
    """The change was refused, applied or withdrawn meanwhile: nothing to decide (HTTP 409)."""

    def __init__(self, change: ClassificationChange):
        self.state = change.state
        super().__init__(
            _("Already processed: this classification change is “%(state)s” now.")
            % {"state": change.get_state_display()}
        )


def crosses_exemption(before: str, after: str) -> bool:
    """A change into or out of dikecualikan (the only kind that needs the tim)."""
    return before != after and Classification.DIKECUALIKAN in (before, after)


def open_change(item: Item) -> ClassificationChange | None:
    return item.classification_changes.filter(state__in=OPEN_CHANGE_STATES).first()


def _lock_item(pk: int) -> Item:
    return (
        Item.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body", "unit")
        .get(pk=pk)
    )


def _period(value: int | None, to: str) -> int | None:
    if to != Classification.BERKALA:
        return None
    return value or 6


# --- propose ---------------------------------------------------------------------------------


def _check_proposal(item: Item, to: str, reason: str, period: int | None, test: dict) -> None:
    errors: dict[str, list[str]] = {}
    if to not in Classification.values:
        errors["to_classification"] = [_("Choose the classification it moves to.")]
    elif not crosses_exemption(item.classification, to):
        errors["to_classification"] = [
            _(
                "Only a change into or out of dikecualikan goes through the tim pertimbangan; "
                "other classes are changed in the item form."
            )
        ]
    if not reason.strip():
        errors["reason"] = [_("Give the reason for the change.")]
    if to == Classification.BERKALA and period is not None and not 1 <= period <= 6:
        errors["update_period_months"] = [
            _("Berkala information is updated at least every 6 months (1 to 6).")
        ]
    if errors:
        raise ValidationError(errors)
    if to == Classification.DIKECUALIKAN:
        # The consequence test the tim will decide on must be complete and valid now.
        probe = Item(
            body=item.body,
            title=item.title,
            classification=Classification.DIKECUALIKAN,
            **{**EMPTY_EXEMPTION, **test},
        )
        try:
            probe.clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        missing = [
            f
            for f in (
                "exemption_ground",
                "consequence_if_opened",
                "consequence_if_closed",
                "public_interest",
            )
            if not probe_value(probe, f)
        ]
        for name in missing:
            errors.setdefault(name, []).append(_("The consequence test needs this."))
        period = probe.exemption_until or probe.exemption_event.strip()
        if not (period or probe.exemption_permanent):
            errors.setdefault("exemption_until", []).append(
                _("Give the exemption period: until a date, until an event, or permanent.")
            )
        if errors:
            raise ValidationError(errors)
    elif any(test.get(f) for f in EXEMPTION_FIELDS):
        raise ValidationError(
            {"exemption_ground": [_("Only a change into dikecualikan has a consequence test.")]}
        )


def probe_value(item: Item, name: str) -> Any:
    value = getattr(item, name)
    return value.strip() if isinstance(value, str) else value


def new_change(
    *,
    item: Item,
    user: AbstractBaseUser | None,
    to: str,
    reason: str,
    origin: str,
    period: int | None = None,
    test: dict[str, Any] | None = None,
) -> ClassificationChange:
    """Store a pending change on the body's DIK being assembled (or none yet) with its audit
    row. No role check: the callers (the services) check it.

    `assembling_edition` locks the body's row first, as `edition_create` does: a DIK being
    opened at the same moment either is found here, or attaches this change once it commits;
    without the lock the change could miss both and wait for next year's DIK."""
    edition = assembling_edition(item.body_id, EditionKind.DIK)
    change = ClassificationChange(
        body=item.body,
        item=item,
        edition=edition,
        origin=origin,
        from_classification=item.classification,
        to_classification=to,
        update_period_months=_period(period, to),
        reason=reason.strip(),
        proposed_by=user if getattr(user, "is_authenticated", False) else None,
        proposed_at=timezone.now(),
        **(test or {}),
    )
    change.full_clean()
    change.save()
    audit(
        actor=user,
        body=item.body,
        action="classification_change.propose",
        target=item,
        data={
            "change": change.pk,
            "origin": origin,
            "from": change.from_classification,
            "to": to,
            "reason": change.reason,
            "dik_edition": edition.pk if edition else None,
        },
    )
    return change


@transaction.atomic
def classification_change_propose(
    *,
    item: Item,
    user: AbstractBaseUser,
    to_classification: str,
    reason: str,
    update_period_months: int | None = None,
    **test: Any,
) -> ClassificationChange:
    """An officer proposes moving an item into or out of dikecualikan. Nothing changes on the
    item: the change joins the body's DIK edition for the tim and the atasan."""
    require(can_propose_classification_change(user, item.body))
    unknown = set(test) - set(EXEMPTION_FIELDS)
    if unknown:
        raise TypeError(f"unknown consequence-test fields: {sorted(unknown)}")
    # The body before the item (lock order, `assembling_edition`): a DIP being opened locks
    # the body, then the item if it waits for a DIP; `new_change` takes the body again.
    item = item_lock_after_body(item.pk, item.body_id, "body")
    refuse_if_in_review(item)
    if open_change(item) is not None:
        raise ValidationError(
            {
                "to_classification": [
                    _("A classification change of this item is already waiting for the tim.")
                ]
            }
        )
    _check_proposal(item, to_classification, reason, update_period_months, test)
    return new_change(
        item=item,
        user=user,
        to=to_classification,
        reason=reason,
        origin=ChangeOrigin.PROPOSED,
        period=update_period_months,
        test=test if to_classification == Classification.DIKECUALIKAN else None,
    )


def classification_changes_attach(*, edition: Edition) -> int:
    """A DIK edition just opened takes the changes waiting for one. Called by the workflow."""
    if edition.kind != EditionKind.DIK:
        return 0
    return ClassificationChange.objects.filter(
        body=edition.body, edition__isnull=True, state__in=OPEN_CHANGE_STATES
    ).update(edition=edition)


# --- the tim decides -------------------------------------------------------------------------


@transaction.atomic
def classification_change_decide(
    *, change: ClassificationChange, user: AbstractBaseUser, agree: bool, note: str = ""
) -> ClassificationChange:
    """The tim pertimbangan agrees or refuses a change while it considers the DIK it rides on
    (again, while it still considers it: an agreed change may be refused). A change closed
    meanwhile (refused, applied, withdrawn): ChangeClosed (409)."""
    change = ClassificationChange.objects.select_for_update(no_key=True).get(pk=change.pk)
    edition = (
        Edition.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=change.edition_id)
        if change.edition_id
        else None
    )
    if edition is None or edition.state != Stage.CONSIDERATION:
        raise ValidationError(
            _("The tim decides a classification change while it considers the DIK it is in.")
        )
    if not can_amend_in_consideration(user, edition):
        raise PermissionDenied(_("Only the officer who must act at this stage can do this."))
    if change.state not in OPEN_CHANGE_STATES:
        raise ChangeClosed(change)
    note = note.strip()
    note_check(note)
    if not agree and not note:
        raise ValidationError({"note": [_("Explain the refusal in a note.")]})
    change.state = ChangeState.AGREED if agree else ChangeState.REFUSED
    change.decided_by = user
    change.decided_at = timezone.now()
    change.decision_note = note
    change.full_clean()
    change.save()
    audit(
        actor=user,
        body=edition.body,
        action="classification_change.decide",
        target=change.item,
        data={"change": change.pk, "edition": edition.pk, "state": change.state, "note": note},
    )
    return change


def classification_change_by_tim(
    *, edition: Edition, item: Item, user: AbstractBaseUser, to_classification: str, note: str
) -> ClassificationChange:
    """The tim, considering a DIK row, decides to open it (the "open it" decision of its
    consideration). Inside the consideration's transaction, the tim's role already checked.
    The row stays in the DIK until the atasan signs; then it is opened like any other change."""
    item = _lock_item(item.pk)
    change = open_change(item)
    if change is None:
        change = ClassificationChange(
            body=item.body,
            item=item,
            origin=ChangeOrigin.TIM,
            from_classification=item.classification,
            proposed_by=user,
            proposed_at=timezone.now(),
            reason=note,
        )
    change.edition = edition
    change.to_classification = to_classification
    change.update_period_months = _period(change.update_period_months, to_classification)
    change.state = ChangeState.AGREED
    change.decided_by = user
    change.decided_at = timezone.now()
    change.decision_note = note
    change.full_clean()
    change.save()
    audit(
        actor=user,
        body=edition.body,
        action="classification_change.decide",
        target=item,
        data={"change": change.pk, "edition": edition.pk, "state": change.state, "note": note},
    )
    return change


def classification_change_tim_withdraw(*, edition: Edition, item: Item) -> None:
    """The tim took back its "open it" decision on a row (it recorded another one)."""
    ClassificationChange.objects.filter(
        edition=edition, item=item, origin=ChangeOrigin.TIM, state__in=OPEN_CHANGE_STATES
    ).update(state=ChangeState.WITHDRAWN)


def classification_changes_check(edition: Edition) -> None:
    """The tim passes the DIK on only after deciding every change it carries."""
    pending = list(
        edition.classification_changes.filter(state=ChangeState.PENDING).values_list(
            "item__title", flat=True
        )
    )
    if pending:
        raise ValidationError(
            {
                "items": [
                    _("Decide the classification change of: %(titles)s.")
                    % {"titles": "; ".join(pending)}
                ]
            }
        )


def classification_changes_reset(edition: Edition) -> None:
    """A return to the consideration stage or before it asks the tim to decide again."""
    if edition.route_stage(Stage.CONSIDERATION) is None:
        return
    order = [s["stage"] for s in edition.stages]
    if order.index(edition.state) <= order.index(Stage.CONSIDERATION):
        edition.classification_changes.filter(
            state__in=[ChangeState.AGREED, ChangeState.REFUSED]
        ).update(state=ChangeState.PENDING, decided_by=None, decided_at=None, decision_note="")
