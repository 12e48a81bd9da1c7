"""Helpers shared by the services of the dip app: the audit event, the role check, the
field checks, and the rule that items under review do not move."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dip.models import (
    EXEMPTION_FIELDS,
    ITEM_FIELDS,
    Item,
)
from dip.selectors import item_review_edition
from dip.signals import audit_event, audit_events
from ppid.exceptions import Conflict
from ppid.models import Body
from ppid.pagecache import invalidate_public_pages

EMPTY_EXEMPTION = {
    f: (False if f == "exemption_permanent" else None if f == "exemption_until" else "")
    for f in EXEMPTION_FIELDS
}


def audit(*, actor, body: Body, action: str, target, data: dict[str, Any] | None = None) -> None:
    audit_event.send(
        sender=type(target), actor=actor, body=body, action=action, target=target, data=data or {}
    )


def audit_many(*, events: list[dict[str, Any]]) -> None:
    """Many audit events at once (each: actor, body, action, target, data), written in one
    batch in the same transaction."""
    if events:
        audit_events.send(sender=type(events[0]["target"]), events=events)


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("Your role in this public body does not allow this action."))


def check_item_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown item fields: {sorted(unknown)}")


def refuse_if_in_review(item: Item) -> None:
    edition = item_review_edition(item)
    if edition is not None:
        raise ValidationError(
            _(
                "This item is being reviewed in %(edition)s; it can be changed only after the "
                "edition is returned."
            )
            % {"edition": edition.title}
        )


def item_save(item: Item, **kwargs: Any) -> None:
    """Save an item (every service saves items through here): when the change takes a public
    "perlu pembaruan" flag away, the cached public pages are retired on commit."""
    if item.sync_row_flags():
        transaction.on_commit(invalidate_public_pages, robust=True)
    item.save(**kwargs)


class AlreadyProcessed(Conflict):
    """The item changed since the confirmation page was shown (a second click, another tab)."""

    def __init__(self, item: Item):
        self.item = item
        super().__init__(
            _("Already processed: “%(title)s” has changed since this page was shown.")
            % {"title": item.title}
        )
