"""Row flags and public announcements: writes (services) for the rows that the law gives a clock.

- Berkala (Pasal 9): an item's next update is due `update_period_months` after its last update.
  The daily sweep flags it ("perlu pembaruan", shown on the public pages); an officer confirms
  the update ("mark as updated"), which clears the flag and starts the next period.
- Serta merta (Pasal 10): when the PPID verifies an edition, each of its serta merta rows is
  announced on the public site at once, before the signature (`edition_announce_serta_merta`,
  called by the workflow's `verify`).
- Exemptions that end (Pasal 17 with Perki 1/2021): a dikecualikan item whose exemption ran until
  a date that has passed is flagged to the PPID and the tim pertimbangan, who re-open it (it
  becomes public, joins the next DIP and the re-opening is announced) or test it again.

Flagging sends `dip.signals.row_flagged` inside its transaction; the workflow app turns it into
notices. Every change that alters a public page retires the cached public pages on commit.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import (
    ChangeState,
    Classification,
    ClassificationChange,
    Item,
    add_months,
)
from dip.permissions import can_mark_updated, can_review_exemption
from dip.services.classification import open_change
from dip.services.common import (
    AlreadyProcessed,
    audit,
    item_save,
    refuse_if_in_review,
    require,
)
from dip.services.editions import item_lock_after_body
from dip.services.exemptions import (
    FLAG_EXEMPTION_ENDED,
    PUBLIC_CLASSIFICATIONS,
    classification_change_for_ended,
    classification_change_withdraw_ended,
)
from dip.signals import row_flagged
from ppid.calendar import body_today
from ppid.fields import note_check
from ppid.pagecache import invalidate_public_pages

FLAG_BERKALA_DUE = "berkala_due"
__all__ = [
    "FLAG_BERKALA_DUE",
    "FLAG_EXEMPTION_ENDED",
    "PUBLIC_CLASSIFICATIONS",
    "AlreadyProcessed",
]


def flag_token(value: date | None) -> str:
    """What a confirmation page carries of the flag it was shown for ("" when none)."""
    return value.isoformat() if value else ""


def _lock(item: Item | int) -> Item:
    pk = item.pk if isinstance(item, Item) else item
    return (
        Item.objects.select_for_update(of=("self",), no_key=True).select_related("body").get(pk=pk)
    )


def _expect(item: Item, current: date | None, expected: str | None) -> None:
    if expected is not None and expected != flag_token(current):
        raise AlreadyProcessed(item)


# --- the daily sweep's per-item work ---------------------------------------------------------


def item_flag_update_due(*, item_id: int, today: date) -> Item | None:
    """Flag a berkala item whose next update was due by `today`. Run by the system (a task);
    idempotent: an item already flagged, no longer due or gone is left alone (None)."""
    with transaction.atomic():
        item = (
            Item.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body")
            .filter(pk=item_id)
            .first()
        )
        if (
            item is None
            or item.needs_update_since is not None
            or item.next_update_on is None
            or item.next_update_on > today
        ):
            return None
        item.needs_update_since = item.next_update_on
        item.needs_update_changed_at = timezone.now()
        item_save(item, update_fields=["needs_update_since", "needs_update_changed_at"])
        since = item.needs_update_since
        audit(
            actor=None,
            body=item.body,
            action="item.update_due",
            target=item,
            data={"since": since.isoformat(), "period_months": item.update_period_months},
        )
        row_flagged.send(
            sender=Item,
            item=item,
            flag=FLAG_BERKALA_DUE,
            key=f"berkala:{item.pk}:{since.isoformat()}",
            since=since,
        )
        transaction.on_commit(invalidate_public_pages, robust=True)
    return item


def item_flag_exemption_ended(*, item_id: int, today: date) -> Item | None:
    """Flag a dikecualikan item whose exemption ran until a date before `today`. Run by the
    system; idempotent like `item_flag_update_due`. The row leaves the public DIK at once
    (dip.selectors.public) and an opening change waits for the tim and the atasan."""
    with transaction.atomic():
        # The body before the item (`item_lock_after_body`): the opening change looks for the
        # DIK being assembled under the body's lock. An item's body never changes.
        body_id = Item.objects.filter(pk=item_id).values_list("body_id", flat=True).first()
        try:
            item = item_lock_after_body(item_id, body_id, "body") if body_id else None
        except Item.DoesNotExist:  # deleted meanwhile
            item = None
        end = item.exemption_end_day() if item else None
        if item is None or item.exemption_ended_on is not None or end is None or end > today:
            return None
        item.exemption_ended_on = end
        # The row leaves the public DIK now: the public pages' mark moves (PublicMarks).
        item.needs_update_changed_at = timezone.now()
        item_save(item, update_fields=["exemption_ended_on", "needs_update_changed_at"])
        audit(
            actor=None,
            body=item.body,
            action="item.exemption_ended",
            target=item,
            data={"exemption_until": item.exemption_until.isoformat()},
        )
        classification_change_for_ended(
            item=item,
            user=None,
            reason=_("The exemption period ended on %(date)s.")
            % {"date": item.exemption_until.isoformat()},
        )
        row_flagged.send(
            sender=Item,
            item=item,
            flag=FLAG_EXEMPTION_ENDED,
            key=f"exemption:{item.pk}:{item.exemption_until.isoformat()}",
            since=end,
        )
        transaction.on_commit(invalidate_public_pages, robust=True)
    return item


# --- berkala: the officer confirms the update ------------------------------------------------


@transaction.atomic
def item_mark_updated(
    *,
    item: Item,
    user: AbstractBaseUser,
    updated_on: date,
    note: str = "",
    expected: str | None = None,
) -> Item:
    """Record that a berkala item's content was updated on `updated_on`: the next period starts
    there and a "perlu pembaruan" flag goes away. `expected` is the next-update date the
    confirmation page showed; another value means someone else was quicker."""
    note_check(note.strip())
    require(can_mark_updated(user, item.body))
    item = _lock(item)
    _expect(item, item.next_update_on, expected)
    if item.classification != Classification.BERKALA:
        raise ValidationError({"updated_on": [_("Only berkala information has an update period.")]})
    today = body_today(item.body)
    errors = []
    if updated_on > today:
        errors.append(_("The update date cannot be in the future."))
    elif item.last_updated_on and updated_on < item.last_updated_on:
        errors.append(
            _("The last update was recorded on %(date)s; this date is earlier.")
            % {"date": item.last_updated_on.isoformat()}
        )
    elif add_months(updated_on, item.update_period_months) <= today:
        errors.append(
            _(
                "An update on this date is already more than %(months)d month(s) old: "
                "the information needs a newer update."
            )
            % {"months": item.update_period_months}
        )
    if errors:
        raise ValidationError({"updated_on": errors})
    before = {
        "last_updated_on": flag_token(item.last_updated_on),
        "needs_update_since": flag_token(item.needs_update_since),
    }
    item.last_updated_on = updated_on
    item.full_clean()
    item_save(item)
    audit(
        actor=user,
        body=item.body,
        action="item.mark_updated",
        target=item,
        data={
            **before,
            "updated_on": updated_on.isoformat(),
            "next_update_on": flag_token(item.next_update_on),
            "note": note.strip(),
        },
    )
    return item


# --- exemptions that end ---------------------------------------------------------------------


def _lock_ended_exemption(item: Item, user: AbstractBaseUser, expected: str | None) -> Item:
    require(can_review_exemption(user, item.body))
    # The body first: re-opening the item looks for the DIK being assembled under its lock.
    item = item_lock_after_body(item.pk, item.body_id, "body")
    _expect(item, item.exemption_ended_on, expected)
    if item.classification != Classification.DIKECUALIKAN or item.exemption_ended_on is None:
        raise AlreadyProcessed(item)
    refuse_if_in_review(item)
    return item


@transaction.atomic
def item_exemption_retest(
    *,
    item: Item,
    user: AbstractBaseUser,
    exemption_until: date | None,
    note: str,
    expected: str | None = None,
) -> Item:
    """The consequence test was run again and the item stays closed until a new date."""
    item = _lock_ended_exemption(item, user, expected)
    note_check(note.strip())
    errors: dict[str, list[str]] = {}
    if exemption_until is None:
        errors["exemption_until"] = [_("Give the date until which it stays exempted.")]
    elif exemption_until <= body_today(item.body):
        errors["exemption_until"] = [_("The new exemption period must end after today.")]
    if not note.strip():
        errors["note"] = [_("Write down the outcome of the new consequence test.")]
    if errors:
        raise ValidationError(errors)
    previous = item.exemption_until
    item.exemption_until = exemption_until
    # An exemption that ran until an event now runs until the new date.
    item.exemption_event = ""
    item.exemption_event_happened_on = None
    item.full_clean()
    item_save(item)  # the new date no longer matches the flag: it goes away
    classification_change_withdraw_ended(item=item, user=user)
    audit(
        actor=user,
        body=item.body,
        action="item.exemption_retest",
        target=item,
        data={
            "exemption_until_before": flag_token(previous),
            "exemption_until": exemption_until.isoformat(),
            "note": note.strip(),
        },
    )
    return item


@transaction.atomic
def item_reopen(
    *,
    item: Item,
    user: AbstractBaseUser,
    classification: str,
    update_period_months: int | None = None,
    note: str = "",
    expected: str | None = None,
) -> ClassificationChange:
    """Choose the public class an item whose exemption has ended is re-opened as. The opening
    itself goes the way of every classification change (dip.services.classification): the tim
    pertimbangan decides it in the body's DIK, and when the atasan signs that DIK the item
    becomes public, joins the next DIP and the re-opening is announced."""
    item = _lock_ended_exemption(item, user, expected)
    note_check(note.strip())
    if classification not in PUBLIC_CLASSIFICATIONS:
        raise ValidationError(
            {"classification": [_("Choose serta merta, berkala or setiap saat.")]}
        )
    change = open_change(item)
    if change is None:
        change = classification_change_for_ended(
            item=item,
            user=user,
            reason=note.strip() or _("The exemption period has ended."),
            to=classification,
        )
    elif change.state != ChangeState.PENDING:
        raise ValidationError(
            {
                "classification": [
                    _("The tim has decided this change already; it waits for the signature.")
                ]
            }
        )
    change.to_classification = classification
    change.update_period_months = (
        (update_period_months or 6) if classification == Classification.BERKALA else None
    )
    if note.strip():
        change.reason = note.strip()
    change.full_clean()
    change.save()
    audit(
        actor=user,
        body=item.body,
        action="item.reopen",
        target=item,
        data={
            "change": change.pk,
            "classification": classification,
            "exemption_ended_on": flag_token(item.exemption_ended_on),
            "dik_edition": change.edition_id,
            "note": note.strip(),
        },
    )
    return change
