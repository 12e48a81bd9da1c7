"""Writes on editions: open, assemble, check, sign (freeze the rows), and the tim's changes
while it considers a DIK."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import (
    DECREE_NUMBER_MAX_LENGTH,
    EDITABLE_STAGES,
    Classification,
    ConsiderationRecord,
    Edition,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
    RecordDocument,
    Stage,
    revision_label,
)
from dip.permissions import (
    can_amend_in_consideration,
    can_assemble_edition,
    can_open_edition,
)
from dip.selectors import edition_entries_to_check, edition_rows_as_signed
from dip.services.common import (
    audit,
    check_item_fields,
    item_save,
    require,
)
from dip.services.documents import new_verification_code
from dip.services.search import search_words_add
from ppid.calendar import body_today
from ppid.models import Body

# A decree number as it stands on a Keputusan: "188.4/123/DINSOS/2026", "065/2551/DISDUKCAPIL",
# "Nomor 46 Tahun 2022"; at least one digit, no line breaks or markup.
DECREE_NUMBER = re.compile(r"(?=.*\d)[0-9A-Za-z][0-9A-Za-z .,/\-:()]*")


def edition_year_conflict(*, body: Body, kind: str, year: int) -> str | None:
    """Why a plain (not a revision) edition of this year cannot be opened, or None: one
    edition per body, kind and year; a second one is a revision, opened on purpose."""
    existing = (
        Edition.objects.filter(body=body, kind=kind, year=year).order_by("-revision", "-pk").first()
    )
    if existing is None:
        return None
    names = {
        "title": existing.title,
        "stage": existing.get_state_display(),
        "revision": revision_label(existing.revision + 1),
    }
    if existing.state != Stage.PUBLISHED:
        return (
            _(
                "“%(title)s” of this year is still open (stage “%(stage)s”): continue it. Open "
                "a revision (%(revision)s) only on purpose: both editions would then be open."
            )
            % names
        )
    return (
        _(
            "“%(title)s” of this year is already published. Another edition of the same year "
            "is a revision (%(revision)s): open it on purpose."
        )
        % names
    )


def body_lock(body_id: int) -> None:
    """Lock the body's row FOR NO KEY UPDATE, for the rest of the transaction: it conflicts
    with itself, not with the key-share lock that every row naming the body takes."""
    Body.objects.select_for_update(no_key=True).filter(pk=body_id).first()


def item_lock_after_body(item_id: int, body_id: int, *related: str) -> Item:
    """The item, locked FOR NO KEY UPDATE after its body's row (`body_lock`), with `related`
    read alongside: the lock order of `assembling_edition`, for what locks an item and may then
    look for an edition being assembled (a classification change, an ended exemption). Taken
    the other way round (item, then body) against a proposal or a DIP being opened on the same
    item, PostgreSQL would abort one of the two as a deadlock."""
    body_lock(body_id)
    return (
        Item.objects.select_for_update(of=("self",), no_key=True)
        .select_related(*related)
        .get(pk=item_id)
    )


def assembling_edition(body_id: int, kind: str) -> Edition | None:
    """The body's edition of `kind` being assembled (locked), newest first, or None; the body's
    row is locked first, as `edition_create` locks it.

    What finds no such edition waits for the next one opened: a classification change for a
    DIK (`classification_changes_attach`), an item re-opened or announced serta merta for a
    DIP (`reopened_awaiting_dip`). Under the body's lock an edition being opened at the same
    moment is either found here, or waits for this transaction and then takes what it left
    waiting; without the lock each would miss the other (neither sees the other's rows before
    it commits), and what waits would wait for next year's edition.

    Lock order: the body, then its items. `edition_create` locks the items a new DIP takes (it
    clears their flag), so a caller that also locks an item calls this first where it can."""
    body_lock(body_id)
    return (
        Edition.objects.select_for_update(no_key=True)
        .filter(body_id=body_id, kind=kind, state__in=EDITABLE_STAGES)
        .order_by("-year", "-revision", "-pk")
        .first()
    )


@transaction.atomic
def edition_create(
    *,
    body: Body,
    kind: str,
    year: int,
    title: str,
    route: dict[str, Any],
    user: AbstractBaseUser,
    revise: bool = False,
) -> Edition:
    """Create an edition at the first stage of its route. Called by workflow.edition_open.

    One edition per body, kind and year: another one of the same year is a revision
    ("Perubahan ke-N"), opened only when the officer asks for it (`revise`); without it the
    request is refused (ValidationError on `revise`). The body's row is locked, so two
    officers opening at once cannot both pass the check, nor take the same revision. FOR NO
    KEY UPDATE: it conflicts with itself (and with `new_change`), not with the key-share lock
    that every row naming the body takes, so the body's other work goes on meanwhile. What
    waits for the next edition (`assembling_edition`) is taken under the same lock."""
    require(can_open_edition(user, body))
    kind = EditionKind(kind)
    body_lock(body.pk)
    if not revise and (problem := edition_year_conflict(body=body, kind=kind, year=year)):
        raise ValidationError({"revise": [problem]}, code="edition_exists")
    revision = Edition.objects.filter(body=body, kind=kind, year=year).aggregate(m=Max("revision"))[
        "m"
    ]
    revision = 0 if revision is None else revision + 1
    default_title = f"{kind.name} {year}"
    if revision:
        default_title = f"{default_title} {revision_label(revision)}"
    edition = Edition(
        body=body,
        kind=kind,
        year=year,
        revision=revision,
        title=title.strip() or default_title,
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
    edition = (
        Edition.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=edition.pk)
    )
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
    """Refuse to hand an edition on while it is empty, mixed, or has incomplete rows. One query
    reads only the rows with a problem (and the first row, to tell an empty edition); none
    when the query that locked the edition found it ready already (`rows_ready`, from
    `dip.selectors.edition_rows_ready`)."""
    if getattr(edition, "rows_ready", False):
        return
    items = edition_entries_to_check(edition)
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


def edition_decree_check(
    edition: Edition, *, number: str | None, dated: date | None
) -> tuple[str, date]:
    """The decree (Keputusan) that sets the list, as the signer writes it: its number (as it
    stands on the decision, e.g. 188.4/123/DINSOS/2026) and its date, both required; the date
    not after today (the body's day) and not before the year before the edition's. Returns them
    cleaned; raises ValidationError naming the fields."""
    errors: dict[str, list[str]] = {}
    number = (number or "").strip()
    if not number:
        errors["decree_number"] = [_("Write the number of the decree (Keputusan) that sets it.")]
    elif len(number) > DECREE_NUMBER_MAX_LENGTH or not DECREE_NUMBER.fullmatch(number):
        errors["decree_number"] = [
            _(
                "Write the decree number as it stands on the Keputusan, for example "
                "188.4/123/DINSOS/2026 (letters, digits, spaces and the signs . , / - : ( ) only, "
                "at most %(max)d characters)."
            )
            % {"max": DECREE_NUMBER_MAX_LENGTH}
        ]
    if dated is None:
        errors["decree_date"] = [_("Give the date of the decree (Keputusan).")]
    else:
        today = body_today(edition.body)
        earliest = date(edition.year - 1, 1, 1)
        if dated > today:
            errors["decree_date"] = [_("The decree cannot be dated after today.")]
        elif dated < earliest:
            errors["decree_date"] = [
                _("A decree setting the lists of %(year)d is dated %(earliest)s or later.")
                % {"year": edition.year, "earliest": earliest.isoformat()}
            ]
    if errors:
        raise ValidationError(errors)
    return number, dated


def edition_freeze(
    *,
    edition: Edition,
    user: AbstractBaseUser,
    decree_number: str,
    decree_date: date,
) -> Edition:
    """Sign: copy every row as it is now, and record the decree that sets the list (checked by
    `edition_decree_check` first). Must run inside the transition's transaction."""
    decree_number, decree_date = edition_decree_check(
        edition, number=decree_number, dated=decree_date
    )
    edition_check_ready(edition)
    rows = edition_rows_as_signed(edition)
    EditionRow.objects.bulk_create(rows)
    search_words_add(edition=edition)
    edition.signed_at = timezone.now()
    edition.signed_by = user
    edition.verification_code = edition.verification_code or new_verification_code()
    edition.decree_number = decree_number
    edition.decree_date = decree_date
    edition.save(
        update_fields=[
            "signed_at",
            "signed_by",
            "verification_code",
            "decree_number",
            "decree_date",
        ]
    )
    # The signed PDF is an artefact of its own, pending until the publication task builds it.
    EditionDocument.objects.get_or_create(edition=edition)
    # So is the tim's berita acara, when the edition went through a consideration.
    if ConsiderationRecord.objects.filter(edition=edition).exists():
        RecordDocument.objects.get_or_create(edition=edition)
    return edition


def _lock_for_consideration(edition: Edition, user: AbstractBaseUser) -> Edition:
    edition = (
        Edition.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=edition.pk)
    )
    require(can_amend_in_consideration(user, edition))
    return edition


@transaction.atomic
def edition_amend_row(
    *, edition: Edition, item: Item, user: AbstractBaseUser, **fields: Any
) -> Item:
    """The tim pertimbangan changes a row's consequence test while it considers the DIK."""
    edition = _lock_for_consideration(edition, user)
    check_item_fields(fields)
    item = Item.objects.select_for_update(of=("self",), no_key=True).get(
        pk=item.pk, entries__edition=edition
    )
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
