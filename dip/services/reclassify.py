"""The atasan's signature of a DIK applies the classification changes it carries (the tim
agreed them, or the route has no tim): an item opened leaves the DIK and any DIK being
assembled, joins the DIP being assembled (or waits for the next one) and is announced; an item
closed takes its consequence test, is frozen into the DIK, and leaves every DIP of its body not
signed yet, each told to whoever acts on it. Proposing and deciding are in
`dip.services.classification`.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from dip.models import (
    EDITABLE_STAGES,
    EXEMPTION_FIELDS,
    REVIEW_STAGES,
    AnnouncementKind,
    ChangeState,
    Classification,
    ClassificationChange,
    Edition,
    EditionItem,
    EditionKind,
    Item,
    Stage,
)
from dip.services.announcements import announce, public_fields
from dip.services.common import EMPTY_EXEMPTION, audit, item_save
from dip.services.editions import assembling_edition, edition_append_items
from dip.signals import row_removed
from ppid.calendar import body_today
from ppid.pagecache import invalidate_public_pages

# --- the atasan signs: apply -----------------------------------------------------------------


def classification_changes_apply(*, edition: Edition, user: AbstractBaseUser) -> list[int]:
    """Apply the changes the DIK carries, before its rows are frozen; inside the signing
    transaction. Agreed changes are applied (pending ones too when the route has no tim),
    refused ones stay closed. Returns the ids of the items changed."""
    with_tim = edition.route_stage(Stage.CONSIDERATION) is not None
    states = [ChangeState.AGREED] if with_tim else [ChangeState.AGREED, ChangeState.PENDING]
    changes = list(
        edition.classification_changes.select_for_update(no_key=True)
        .filter(state__in=states)
        .order_by("proposed_at", "pk")
    )
    # The DIP an opened item joins is looked up (the body's row locked) before any item is
    # locked: the body, then its items (`assembling_edition`).
    dip = (
        assembling_edition(edition.body_id, EditionKind.DIP)
        if any(change.opens for change in changes)
        else None
    )
    changed = []
    for change in changes:
        item = (
            Item.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body", "unit")
            .get(pk=change.item_id)
        )
        if item.classification != change.from_classification:
            # Changed meanwhile some other way (e.g. the tim opened the row): nothing to apply.
            change.state = ChangeState.WITHDRAWN
            change.save(update_fields=["state"])
            continue
        if change.opens:
            _apply_opening(change, item, edition, dip, user)
        else:
            _apply_closing(change, item, edition, user)
        change.state = ChangeState.APPLIED
        change.applied_at = timezone.now()
        change.save(update_fields=["state", "applied_at"])
        changed.append(item.pk)
    if changed:
        transaction.on_commit(invalidate_public_pages, robust=True)
    return changed


def _apply_opening(
    change: ClassificationChange,
    item: Item,
    edition: Edition,
    dip: Edition | None,
    user: AbstractBaseUser,
) -> None:
    """`dip`: the DIP being assembled, found under the body's lock. A DIP opened at the same
    moment waits for the signature's transaction and then takes the item from its flag
    (`reopened_awaiting_dip`); without the lock it could miss the flag, while this missed it,
    and the item would wait for next year's DIP."""
    ended = item.exemption_end_day()
    item.classification = change.to_classification
    for name, value in EMPTY_EXEMPTION.items():
        setattr(item, name, value)
    item.exemption_event_happened_on = None
    if change.to_classification == Classification.BERKALA:
        item.update_period_months = change.update_period_months or 6
        item.last_updated_on = body_today(item.body)  # published from today on (its clock)
    item.needs_update_changed_at = timezone.now()  # the public pages change (PublicMarks)
    item.full_clean()
    item_save(item)
    # Out of this DIK and any other DIK being assembled; into the DIP being assembled.
    EditionItem.objects.filter(item=item, edition=edition).delete()
    EditionItem.objects.filter(
        item=item, edition__kind=EditionKind.DIK, edition__state__in=EDITABLE_STAGES
    ).delete()
    if dip is None:
        item.reopened_awaiting_dip = True
        item_save(item, update_fields=["reopened_awaiting_dip"])
    else:
        edition_append_items(edition=dip, items=[item], user=user)
    audit(
        actor=user,
        body=item.body,
        action="classification_change.apply",
        target=item,
        data={
            "change": change.pk,
            "edition": edition.pk,
            "from": change.from_classification,
            "to": change.to_classification,
            "exemption_ended_on": ended.isoformat() if ended else None,
            "dip_edition": dip.pk if dip else None,
        },
    )
    announce(
        item=item,
        kind=AnnouncementKind.REOPENED,
        key=f"reopened:{item.pk}:change:{change.pk}",
        fields=public_fields(item),
        user=user,
        edition=None,
    )


def _apply_closing(
    change: ClassificationChange, item: Item, edition: Edition, user: AbstractBaseUser
) -> None:
    item.classification = Classification.DIKECUALIKAN
    for name in EXEMPTION_FIELDS:
        setattr(item, name, getattr(change, name))
    item.exemption_event_happened_on = None
    item.needs_update_changed_at = timezone.now()  # the public pages change (PublicMarks)
    item.full_clean()
    item_save(item)
    _out_of_unsigned_dips(item, edition, user)
    edition_append_items(edition=edition, items=[item], user=user)
    audit(
        actor=user,
        body=item.body,
        action="classification_change.apply",
        target=item,
        data={
            "change": change.pk,
            "edition": edition.pk,
            "from": change.from_classification,
            "to": change.to_classification,
        },
    )


def _out_of_unsigned_dips(item: Item, dik: Edition, user: AbstractBaseUser) -> None:
    """An item the DIK's signature closes leaves every DIP of its body not yet signed (being
    assembled or under review), each with an audit row and a notice to whoever must act on it
    (`row_removed`), instead of being refused at that DIP's signature (which still checks)."""
    holding = EditionItem.objects.filter(item=item).values("edition_id")
    dips = (
        Edition.objects.select_for_update(of=("self",), no_key=True)
        .filter(
            pk__in=holding,
            body=item.body,
            kind=EditionKind.DIP,
            state__in=EDITABLE_STAGES | REVIEW_STAGES,
        )
        .select_related("body")
        .order_by("pk")
    )
    for dip in dips:
        EditionItem.objects.filter(edition=dip, item=item).delete()
        audit(
            actor=user,
            body=dip.body,
            action="edition.remove_closed_item",
            target=dip,
            data={"item": item.pk, "title": item.title, "dik_edition": dik.pk, "stage": dip.state},
        )
        row_removed.send(sender=Edition, edition=dip, item=item, by_edition=dik)
