"""Writes on editions: open, assemble, check, sign (freeze the rows), and the tim's changes
while it considers a DIK."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import (
    CLASSIFICATION_ORDER,
    Attachment,
    Classification,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
)
from dip.permissions import (
    can_amend_in_consideration,
    can_assemble_edition,
    can_open_edition,
)
from dip.selectors import edition_entries
from dip.services.common import (
    audit,
    check_item_fields,
    item_save,
    require,
)
from dip.services.documents import new_verification_code
from ppid.models import Body


def edition_create(
    *,
    body: Body,
    kind: str,
    year: int,
    title: str,
    route: dict[str, Any],
    user: AbstractBaseUser,
) -> Edition:
    """Create an edition at the first stage of its route. Called by workflow.edition_open."""
    require(can_open_edition(user, body))
    kind = EditionKind(kind)
    revision = Edition.objects.filter(body=body, kind=kind, year=year).aggregate(m=Max("revision"))[
        "m"
    ]
    edition = Edition(
        body=body,
        kind=kind,
        year=year,
        revision=0 if revision is None else revision + 1,
        title=title.strip() or f"{kind.name} {year}",
        route=route,
        state=route["stages"][0]["stage"],
        created_by=user,
    )
    edition.full_clean()
    edition.save()
    audit(
        actor=user,
        body=body,
        action="edition.create",
        target=edition,
        data={"title": edition.title, "kind": kind, "year": year},
    )
    if kind == EditionKind.DIP:
        # Information re-opened from the DIK while no DIP was being assembled goes in this one.
        waiting = Item.objects.filter(body=body, reopened_awaiting_dip=True).order_by("pk")
        edition_append_items(edition=edition, items=waiting, user=user)
    return edition


def _classification_error(edition: Edition, item: Item) -> str | None:
    dikecualikan = item.classification == Classification.DIKECUALIKAN
    if edition.kind == EditionKind.DIK and not dikecualikan:
        return _("“%(title)s” is not dikecualikan; a DIK lists only exempted information.") % {
            "title": item.title
        }
    if edition.kind == EditionKind.DIP and dikecualikan:
        return _("“%(title)s” is dikecualikan; it belongs in the DIK, never in the DIP.") % {
            "title": item.title
        }
    return None


def _lock_editable(edition: Edition) -> Edition:
    edition = Edition.objects.select_for_update().select_related("body").get(pk=edition.pk)
    if not edition.is_editable:
        raise ValidationError(
            _("The edition is at stage “%(stage)s”; its items can no longer be changed.")
            % {"stage": edition.get_state_display()}
        )
    return edition


@transaction.atomic
def edition_add_items(
    *, edition: Edition, items: Iterable[Item], user: AbstractBaseUser
) -> Edition:
    """Add items to an editable edition: all of them or, on any error, none."""
    require(can_assemble_edition(user, edition))
    edition = _lock_editable(edition)
    items = list(items)
    errors = []
    for item in items:
        if item.body_id != edition.body_id:
            errors.append(_("Item %(id)s belongs to another public body.") % {"id": item.pk})
        elif message := _classification_error(edition, item):
            errors.append(message)
    if errors:
        raise ValidationError({"items": errors})
    edition_append_items(edition=edition, items=items, user=user)
    return edition


def edition_append_items(
    *, edition: Edition, items: Iterable[Item], user: AbstractBaseUser | None
) -> list[EditionItem]:
    """Append items not yet in the (locked, editable) edition, after its last row; audited.

    For the callers that have checked the rules already: `edition_add_items`, a new DIP edition
    taking the items re-opened while none was being assembled, and the re-opening itself."""
    items = list(items)
    present = set(edition.entries.values_list("item_id", flat=True))
    position = edition.entries.aggregate(m=Max("position"))["m"] or 0
    new = []
    for item in items:
        if item.pk in present:
            continue
        position += 1
        present.add(item.pk)
        new.append(EditionItem(edition=edition, item=item, position=position, added_by=user))
    EditionItem.objects.bulk_create(new)
    if edition.kind == EditionKind.DIP:
        # A re-opened item waiting for a DIP has found one.
        Item.objects.filter(pk__in=[e.item_id for e in new], reopened_awaiting_dip=True).update(
            reopened_awaiting_dip=False
        )
    if new:
        audit(
            actor=user,
            body=edition.body,
            action="edition.add_items",
            target=edition,
            data={"items": [e.item_id for e in new]},
        )
    return new


@transaction.atomic
def edition_remove_item(*, edition: Edition, item: Item, user: AbstractBaseUser) -> Edition:
    require(can_assemble_edition(user, edition))
    edition = _lock_editable(edition)
    deleted, _count = EditionItem.objects.filter(edition=edition, item=item).delete()
    if deleted:
        audit(
            actor=user,
            body=edition.body,
            action="edition.remove_item",
            target=edition,
            data={"item": item.pk},
        )
    return edition


def edition_check_ready(edition: Edition) -> None:
    """Refuse to hand an edition on while it is empty, mixed, or has incomplete rows."""
    items = edition_entries(edition)
    if not items and not edition.classification_changes.exists():
        # A DIK may carry only classification changes (e.g. it opens its last exempted row).
        raise ValidationError({"items": [_("The edition has no items yet.")]})
    problems: dict[str, list[str]] = {}
    for item in items:
        messages = []
        if message := _classification_error(edition, item):
            messages.append(message)
        missing = item.missing_fields()
        if missing:
            labels = ", ".join(
                str(Item._meta.get_field(f).verbose_name)
                if f != "exemption_period"
                else _("exemption period")
                for f in missing
            )
            messages.append(
                _("“%(title)s” is missing: %(fields)s.") % {"title": item.title, "fields": labels}
            )
        if messages:
            problems[str(item.pk)] = messages
    if problems:
        raise ValidationError({"items": [m for ms in problems.values() for m in ms]})


def edition_freeze(*, edition: Edition, user: AbstractBaseUser) -> Edition:
    """Sign: copy every row as it is now. Must run inside the transition's transaction."""
    edition_check_ready(edition)
    items = sorted(
        edition_entries(edition),
        key=lambda i: (CLASSIFICATION_ORDER[Classification(i.classification)],),
    )
    attachments: dict[int, list[dict[str, Any]]] = {}
    for a in Attachment.objects.filter(item__in=items).order_by("uploaded_at", "pk"):
        attachments.setdefault(a.item_id, []).append(
            {
                "id": a.pk,
                "name": a.original_name,
                "sha256": a.sha256,
                "size": a.size,
                "content_type": a.content_type,
                "kind": a.kind,
            }
        )
    rows = []
    for number, item in enumerate(items, start=1):
        rows.append(
            EditionRow(
                edition=edition,
                item=item,
                number=number,
                classification=item.classification,
                title=item.title,
                summary=item.summary,
                unit_name=item.unit.name if item.unit else "",
                holding_unit=item.holding_unit,
                responsible=item.responsible,
                produced_at=item.produced_at,
                produced_place=item.produced_place,
                form=item.form,
                retention=item.retention,
                update_period_months=(
                    item.update_period_months
                    if item.classification == Classification.BERKALA
                    else None
                ),
                exemption_ground=item.exemption_ground,
                exemption_law=item.exemption_law,
                consequence_if_opened=item.consequence_if_opened,
                consequence_if_closed=item.consequence_if_closed,
                public_interest=item.public_interest,
                exemption_until=item.exemption_until,
                exemption_event=item.exemption_event,
                exemption_permanent=item.exemption_permanent,
                attachments=attachments.get(item.pk, []),
            )
        )
    EditionRow.objects.bulk_create(rows)
    edition.signed_at = timezone.now()
    edition.signed_by = user
    edition.verification_code = edition.verification_code or new_verification_code()
    edition.save(update_fields=["signed_at", "signed_by", "verification_code"])
    # The signed PDF is an artefact of its own, pending until the publication task builds it.
    EditionDocument.objects.get_or_create(edition=edition)
    return edition


def _lock_for_consideration(edition: Edition, user: AbstractBaseUser) -> Edition:
    edition = Edition.objects.select_for_update().select_related("body").get(pk=edition.pk)
    require(can_amend_in_consideration(user, edition))
    return edition


@transaction.atomic
def edition_amend_row(
    *, edition: Edition, item: Item, user: AbstractBaseUser, **fields: Any
) -> Item:
    """The tim pertimbangan changes a row's consequence test while it considers the DIK."""
    edition = _lock_for_consideration(edition, user)
    check_item_fields(fields)
    item = Item.objects.select_for_update().get(pk=item.pk, entries__edition=edition)
    before = {name: getattr(item, name) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value)
    item.full_clean()
    item_save(item)
    audit(
        actor=user,
        body=edition.body,
        action="item.amend_in_consideration",
        target=item,
        data={k: str(v) for k, v in fields.items() if before[k] != v} | {"edition": edition.pk},
    )
    return item
