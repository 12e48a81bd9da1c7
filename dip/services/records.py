"""The berita acara uji konsekuensi: written by the tim pertimbangan while it considers an
edition, required before it passes the consideration on, signed and published beside the DIK."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dip.models import ConsiderationRecord, Edition, Stage
from dip.permissions import can_write_consideration_record
from dip.selectors import record_member_candidates
from dip.services.common import audit, require
from ppid.calendar import body_today


def _member_snapshot(user: AbstractBaseUser) -> dict:
    officer = getattr(user, "officer", None)
    return {
        "user": user.pk,
        "name": user.get_full_name() or user.get_username(),
        "position": officer.position if officer else "",
    }


@transaction.atomic
def consideration_record_save(
    *,
    edition: Edition,
    user: AbstractBaseUser,
    place: str,
    held_on: date | None,
    member_ids: Iterable[int],
    opening: str = "",
) -> ConsiderationRecord:
    """Write (or rewrite) the edition's berita acara: place, date, the members of the body's
    tim who were present (names and positions copied as they are now) and an opening text.
    Only the tim of the edition's body, while the edition is at its consideration stage."""
    edition = (
        Edition.objects.select_for_update(of=("self",), no_key=True)
        .select_related("body")
        .get(pk=edition.pk)
    )
    if edition.state != Stage.CONSIDERATION:
        raise ValidationError(
            _("The berita acara is written at the consideration stage; the edition is at “%(s)s”.")
            % {"s": edition.get_state_display()}
        )
    require(can_write_consideration_record(user, edition))
    errors: dict[str, list[str]] = {}
    place = (place or "").strip()
    if not place:
        errors["place"] = [_("Say where the tim met.")]
    today = body_today(edition.body)
    if held_on is None:
        errors["held_on"] = [_("Give the date the tim met.")]
    elif held_on > today:
        errors["held_on"] = [_("The date cannot be in the future.")]
    wanted = list(dict.fromkeys(int(pk) for pk in member_ids))
    candidates = {u.pk: u for u in record_member_candidates(edition)}
    unknown = [pk for pk in wanted if pk not in candidates]
    if unknown:
        errors["members"] = [_("Choose the members present from the tim of this public body.")]
    elif not wanted:
        errors["members"] = [_("Choose at least one member of the tim who was present.")]
    if errors:
        raise ValidationError(errors)
    record = ConsiderationRecord.objects.filter(edition=edition).first() or ConsiderationRecord(
        edition=edition
    )
    record.place = place
    record.held_on = held_on
    record.opening = (opening or "").strip()
    record.members = [_member_snapshot(candidates[pk]) for pk in wanted]
    record.written_by = user
    record.full_clean()
    record.save()
    audit(
        actor=user,
        body=edition.body,
        action="consideration_record.save",
        target=edition,
        data={
            "place": record.place,
            "held_on": record.held_on.isoformat(),
            "members": [m["name"] for m in record.members],
        },
    )
    return record


def consideration_record_check(edition: Edition) -> None:
    """The tim passes its consideration on only with its berita acara written."""
    if not ConsiderationRecord.objects.filter(edition=edition).exists():
        raise ValidationError(
            {
                "consideration_record": [
                    _(
                        "Write the berita acara uji konsekuensi (place, date and the members "
                        "present) before passing the consideration on."
                    )
                ]
            }
        )


def consideration_record_reset(edition: Edition) -> None:
    """A return to the consideration stage or before it asks the tim to meet again: the
    unsigned berita acara goes with the per-row decisions (called in the return's
    transaction)."""
    ConsiderationRecord.objects.filter(edition=edition).delete()
