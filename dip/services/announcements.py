"""Public announcements, kept as evidence: serta merta rows announced when the PPID verifies
the edition (Pasal 10), exempted rows opened to the public."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from dip.models import (
    ANNOUNCEMENT_FIELDS,
    Announcement,
    AnnouncementKind,
    Classification,
    Edition,
    EditionItem,
    EditionKind,
    Item,
)
from dip.services.common import audit
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
) -> Announcement | None:
    """Store the announcement named `key` once; None when it was made before."""
    announcement, created = Announcement.objects.get_or_create(
        key=key,
        defaults={
            "body": item.body,
            "item": item,
            "edition": edition,
            "kind": kind,
            "announced_at": timezone.now(),
            "announced_by": user if getattr(user, "is_authenticated", False) else None,
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
    return announcement


def edition_announce_serta_merta(*, edition: Edition, user: AbstractBaseUser) -> list[Announcement]:
    """Announce each serta merta row of the edition on the public site, now (Pasal 10: without
    waiting for the signature). Called by the workflow inside the PPID's `verify` transaction.

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
        fields = public_fields(entry.item)
        announcement = announce(
            item=entry.item,
            kind=AnnouncementKind.SERTA_MERTA,
            key=f"serta_merta:{entry.item_id}:{_digest(fields)}",
            fields=fields,
            user=user,
            edition=edition,
        )
        if announcement is not None:
            made.append(announcement)
    return made
