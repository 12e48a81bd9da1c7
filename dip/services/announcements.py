"""Public announcements, kept as evidence: serta merta rows announced at once when the PPID
approves an operator's request, or (a fallback for rows not announced so) when the PPID verifies
the edition (Pasal 10); exempted rows opened to the public. Each announcement gets a spoken
version (`dip.services.audio`, queued after the commit)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from functools import partial
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import (
    ANNOUNCEMENT_FIELDS,
    Announcement,
    AnnouncementKind,
    Classification,
    Edition,
    EditionItem,
    EditionKind,
    Item,
    Stage,
)
from dip.permissions import can_approve_serta_merta
from dip.services.common import audit, item_save, require
from dip.services.editions import assembling_edition, edition_append_items
from dip.signals import announcement_made
from ppid.pagecache import invalidate_public_pages

# --- announcements ---------------------------------------------------------------------------


def public_fields(item: Item) -> dict[str, Any]:
    """The row's public DIP columns as they are now (what an announcement may show)."""
    values = {name: getattr(item, name) for name in ANNOUNCEMENT_FIELDS if name != "unit_name"}
    values["unit_name"] = item.unit.name if item.unit_id else ""
    return values


def _digest(fields: dict[str, Any]) -> str:
    text = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def announce(
    *,
    item: Item,
    kind: str,
    key: str,
    fields: dict[str, Any],
    user: AbstractBaseUser | None,
    edition: Edition | None,
    requested_at: datetime | None = None,
) -> Announcement | None:
    """Store the announcement named `key` once; None when it was made before. After the commit
    its spoken version is queued (`dip.signals.announcement_made`)."""
    announcement, created = Announcement.objects.get_or_create(
        key=key,
        defaults={
            "body": item.body,
            "item": item,
            "edition": edition,
            "kind": kind,
            "announced_at": timezone.now(),
            "announced_by": user if getattr(user, "is_authenticated", False) else None,
            "requested_at": requested_at,
            **fields,
        },
    )
    if not created:
        return None
    audit(
        actor=user,
        body=item.body,
        action="announcement.create",
        target=announcement,
        data={
            "kind": kind,
            "item": item.pk,
            "edition": edition.pk if edition else None,
            "title": announcement.title,
        },
    )
    transaction.on_commit(invalidate_public_pages, robust=True)
    transaction.on_commit(
        partial(announcement_made.send, sender=Announcement, announcement_id=announcement.pk),
        robust=True,
    )
    return announcement


# --- serta merta (Pasal 10) ------------------------------------------------------------------


def serta_merta_key(item: Item) -> str:
    """Names the announcement of a serta merta row with its public content as it is now: the
    same key whichever way it is announced, so the row is never announced twice."""
    return f"serta_merta:{item.pk}:{_digest(public_fields(item))}"


def serta_merta_announcement(item: Item) -> Announcement | None:
    """The announcement of the item's current public content, if it was made."""
    return Announcement.objects.filter(key=serta_merta_key(item)).first()


@transaction.atomic
def item_announce_serta_merta(
    *, item: Item, user: AbstractBaseUser, requested_at: datetime
) -> Announcement:
    """Announce one serta merta item on the public site now, on the PPID's approval of the
    operator's request (Pasal 10: without waiting for the yearly edition), and list it in the
    next DIP: it joins the DIP being assembled, or waits for the next one opened.

    Called by the workflow's `serta_merta_request_approve` inside its transaction; only the
    PPID of the body may. An item already announced with the same content is not announced
    again (its first announcement is returned).

    The body's row is locked and the DIP being assembled looked up first (`assembling_edition`),
    then the item is locked: the order `edition_create` takes them. A DIP opened at the same
    moment either is found, or waits for this transaction and then takes the item from its
    flag; without the lock each could miss the other, and the item would wait for next year's
    DIP."""
    require(can_approve_serta_merta(user, item.body))
    dip = assembling_edition(item.body_id, EditionKind.DIP)
    item = (
        Item.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body", "unit")
        .get(pk=item.pk)
    )
    if item.classification != Classification.SERTA_MERTA:
        raise ValidationError({"item": [_("Only serta merta information is announced at once.")]})
    fields = public_fields(item)
    key = serta_merta_key(item)
    announcement = announce(
        item=item,
        kind=AnnouncementKind.SERTA_MERTA,
        key=key,
        fields=fields,
        user=user,
        edition=None,
        requested_at=requested_at,
    ) or Announcement.objects.get(key=key)
    if dip is not None:
        edition_append_items(edition=dip, items=[item], user=user)
    elif (
        not EditionItem.objects.filter(item=item, edition__kind=EditionKind.DIP)
        .exclude(edition__state=Stage.PUBLISHED)
        .exists()
    ):
        # No DIP is being assembled, and none under review lists it: the next one opened
        # takes it (edition_create).
        item.reopened_awaiting_dip = True
        item_save(item, update_fields=["reopened_awaiting_dip"])
    return announcement


def edition_announce_serta_merta(*, edition: Edition, user: AbstractBaseUser) -> list[Announcement]:
    """Announce each serta merta row of the edition on the public site, now (Pasal 10: without
    waiting for the signature). Called by the workflow inside the PPID's `verify` transaction;
    the fallback for rows not announced at once on their own request (`serta_merta_key` is
    shared, so a row announced so is not announced again).

    Idempotent: a row is announced once for the same public content, so a verification after
    a return announces nothing again unless the row was corrected meanwhile (then the corrected
    text is announced, and the first announcement stays as evidence)."""
    if edition.kind != EditionKind.DIP:
        return []
    entries = (
        EditionItem.objects.filter(edition=edition, item__classification=Classification.SERTA_MERTA)
        .select_related("item__body", "item__unit")
        .order_by("position", "pk")
    )
    made = []
    for entry in entries:
        announcement = announce(
            item=entry.item,
            kind=AnnouncementKind.SERTA_MERTA,
            key=serta_merta_key(entry.item),
            fields=public_fields(entry.item),
            user=user,
            edition=edition,
        )
        if announcement is not None:
            made.append(announcement)
    return made
