"""Exemptions that end (UU 14/2008 Pasal 17 with Perki 1/2021): an exemption "until an event"
closed by the PPID when the event happens, and the opening change an ended exemption gets (the
daily sweep in `dip.services.rowflags` finds those whose date passed). An ended exemption leaves
the public DIK at once (dip.selectors.public) and goes into the re-opening path of
`dip.services.classification`: the tim decides it, the atasan's signature applies it.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import (
    OPEN_CHANGE_STATES,
    ChangeOrigin,
    ChangeState,
    Classification,
    ClassificationChange,
    Item,
)
from dip.permissions import can_close_exemption_event
from dip.services.classification import new_change, open_change
from dip.services.common import AlreadyProcessed, audit, item_save, require
from dip.services.editions import item_lock_after_body
from dip.signals import row_flagged
from ppid.calendar import body_today
from ppid.fields import note_check
from ppid.pagecache import invalidate_public_pages

PUBLIC_CLASSIFICATIONS = (
    Classification.SERTA_MERTA,
    Classification.BERKALA,
    Classification.SETIAP_SAAT,
)
FLAG_EXEMPTION_ENDED = "exemption_ended"


def classification_change_for_ended(
    *, item: Item, user: AbstractBaseUser | None, reason: str, to: str = Classification.SETIAP_SAAT
) -> ClassificationChange | None:
    """An ended exemption goes into the re-opening path: an opening change (setiap saat unless
    the PPID chooses otherwise), unless one is already waiting. Inside the caller's transaction,
    with the item locked."""
    if open_change(item) is not None:
        return None
    return new_change(
        item=item, user=user, to=to, reason=reason, origin=ChangeOrigin.EXEMPTION_ENDED
    )


def classification_change_withdraw_ended(*, item: Item, user: AbstractBaseUser) -> None:
    """The exemption was tested again and stays: the automatic opening change is withdrawn."""
    for change in item.classification_changes.filter(
        state__in=OPEN_CHANGE_STATES, origin=ChangeOrigin.EXEMPTION_ENDED
    ):
        change.state = ChangeState.WITHDRAWN
        change.save(update_fields=["state"])
        audit(
            actor=user,
            body=item.body,
            action="classification_change.withdraw",
            target=item,
            data={"change": change.pk},
        )


@transaction.atomic
def item_exemption_event_close(
    *,
    item: Item,
    user: AbstractBaseUser,
    happened_on: date | None,
    note: str,
    to_classification: str = Classification.SETIAP_SAAT,
    update_period_months: int | None = None,
) -> Item:
    """The PPID records that the event an exemption ran until has happened: the exemption ends
    that day, the row leaves the public DIK at once, and the item goes into the re-opening path
    (an opening change for the tim and the atasan, announced when signed). Recorded already:
    AlreadyProcessed (409)."""
    require(can_close_exemption_event(user, item.body))
    # The body before the item: the opening change below looks for the DIK being assembled
    # under the body's lock (`item_lock_after_body`).
    item = item_lock_after_body(item.pk, item.body_id, "body", "unit")
    note = note.strip()
    note_check(note)
    if item.exemption_event_happened_on is not None:
        raise AlreadyProcessed(item)  # recorded already (a second click, another tab): 409
    if item.classification != Classification.DIKECUALIKAN or not item.exemption_event.strip():
        raise ValidationError(
            {"happened_on": [_("This item has no exemption running until an event.")]}
        )
    errors: dict[str, list[str]] = {}
    if happened_on is None:
        errors["happened_on"] = [_("Give the date the event happened.")]
    elif happened_on > body_today(item.body):
        errors["happened_on"] = [_("The event cannot have happened in the future.")]
    if not note:
        errors["note"] = [_("Say what happened (for example the ruling and its number).")]
    if to_classification not in PUBLIC_CLASSIFICATIONS:
        errors["classification"] = [_("Choose serta merta, berkala or setiap saat.")]
    if errors:
        raise ValidationError(errors)
    item.exemption_event_happened_on = happened_on
    item.exemption_ended_on = item.exemption_end_day()
    # The public pages' mark (dip.selectors.PublicMarks): the row leaves the public DIK now.
    item.needs_update_changed_at = timezone.now()
    item.full_clean()
    item_save(
        item,
        update_fields=[
            "exemption_event_happened_on",
            "exemption_ended_on",
            "needs_update_changed_at",
        ],
    )
    audit(
        actor=user,
        body=item.body,
        action="item.exemption_event_closed",
        target=item,
        data={
            "exemption_event": item.exemption_event,
            "happened_on": happened_on.isoformat(),
            "note": note,
        },
    )
    existing = open_change(item)
    if existing is None:
        change = new_change(
            item=item,
            user=user,
            to=to_classification,
            reason=note,
            origin=ChangeOrigin.EXEMPTION_ENDED,
            period=update_period_months,
        )
    else:
        change = existing
    row_flagged.send(
        sender=Item,
        item=item,
        flag=FLAG_EXEMPTION_ENDED,
        key=f"exemption-event:{item.pk}:{happened_on.isoformat()}:{change.pk}",
        since=happened_on,
    )
    transaction.on_commit(invalidate_public_pages, robust=True)
    return item
