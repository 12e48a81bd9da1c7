"""Writes on the register: create, change and delete information items."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dip.models import (
    Attachment,
    Item,
)
from dip.permissions import (
    can_change_items,
)
from dip.services.classification import crosses_exemption
from dip.services.common import (
    audit,
    audit_many,
    check_item_fields,
    item_save,
    refuse_if_in_review,
    require,
)
from ppid.models import Body

CROSSING_REFUSED = gettext_lazy(
    "A change into or out of dikecualikan cannot be saved as an edit: it goes to the tim "
    "pertimbangan and the atasan. Use “Propose a classification change” on the item's page."
)


@transaction.atomic
def item_create(*, body: Body, user: AbstractBaseUser, **fields: Any) -> Item:
    require(can_change_items(user, body))
    check_item_fields(fields)
    item = Item(body=body, created_by=user, **fields)
    item.full_clean()
    item_save(item)
    audit(
        actor=user,
        body=body,
        action="item.create",
        target=item,
        data={"title": item.title, "classification": item.classification},
    )
    return item


# The fields Item.full_clean need not check again when items are made from a body and a user
# already in hand: the body and the user exist (FK existence is one query each), and the unit is
# an object of the body's own units, which Item.clean checks against the body.
GIVEN = ["body", "created_by", "unit"]


def item_prepare(*, body: Body, user: AbstractBaseUser, **fields: Any) -> Item:
    """A new item, checked by the register's rules (Item.full_clean) but not saved: what
    `items_create_many` stores, and what the spreadsheet import's preview shows. `unit`, if
    given, is a Unit object."""
    check_item_fields(fields)
    item = Item(body=body, created_by=user, **fields)
    item.full_clean(exclude=GIVEN)
    return item


@transaction.atomic
def items_create_many(*, body: Body, user: AbstractBaseUser, items: list[Item]) -> list[Item]:
    """Store many new items at once (the spreadsheet import), each made and checked by
    `item_prepare` (the register's rules, as `item_create` checks them) for this body and user:
    inserted in batches, each with its audit row; all or none."""
    require(can_change_items(user, body))
    for item in items:
        if item.pk is not None or item.body_id != body.pk or item.created_by_id != user.pk:
            raise ValueError("items_create_many stores new items made by item_prepare")
        item.sync_row_flags()
    Item.objects.bulk_create(items, batch_size=500)
    audit_many(
        events=[
            {
                "actor": user,
                "body": body,
                "action": "item.create",
                "target": item,
                "data": {"title": item.title, "classification": item.classification},
            }
            for item in items
        ]
    )
    return items


@transaction.atomic
def item_update(*, item: Item, user: AbstractBaseUser, **fields: Any) -> Item:
    require(can_change_items(user, item.body))
    item = (
        Item.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=item.pk)
    )
    refuse_if_in_review(item)
    check_item_fields(fields)
    before = {name: getattr(item, name) for name in fields}
    if crosses_exemption(item.classification, fields.get("classification", item.classification)):
        # Into or out of dikecualikan only through the tim pertimbangan and the atasan.
        raise ValidationError({"classification": [CROSSING_REFUSED]})
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item_save(item)
    changed = {k: str(v) for k, v in fields.items() if before[k] != getattr(item, k)}
    audit(actor=user, body=item.body, action="item.update", target=item, data=changed)
    return item


@transaction.atomic
def item_delete(*, item: Item, user: AbstractBaseUser) -> None:
    require(can_change_items(user, item.body))
    # FOR UPDATE, not NO KEY UPDATE: the row is deleted; an edition adding it meanwhile waits.
    item = Item.objects.select_for_update(of=("self",)).select_related("body").get(pk=item.pk)
    refuse_if_in_review(item)
    if item.entries.exists():
        raise ValidationError(
            _(
                "This item is part of an edition. Remove it from the edition first; "
                "signed editions keep their own copy of it."
            )
        )
    audit(actor=user, body=item.body, action="item.delete", target=item, data={"title": item.title})
    files = [
        name for a in item.attachments.all() for name in (a.file.name, a.thumbnail.name) if name
    ]
    storage = Attachment._meta.get_field("file").storage
    item.delete()
    transaction.on_commit(lambda: [storage.delete(name) for name in files])
