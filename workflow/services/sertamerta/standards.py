from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.services.common import require
from ppid.models import Body
from workflow.models import UNIT_SECONDS, AuditEntry, SertaMertaStandard, TimeUnit
from workflow.permissions import can_edit_sop


@dataclass(frozen=True)
class Standard:
    """The time standard of the PPID's decision on a body's serta merta requests."""

    amount: int
    unit: str
    own: bool  # the body's own (SertaMertaStandard), not the project's default
    set_by: AbstractBaseUser | None = None
    set_at: datetime | None = None

    @property
    def label(self) -> str:
        return f"{self.amount} {TimeUnit(self.unit).label}"


def standard(body: Body) -> Standard:
    """The body's own standard when its PPID Utama or atasan set one, else the project's."""
    own = SertaMertaStandard.objects.filter(body=body).select_related("set_by").first()
    if own is not None:
        return Standard(own.amount, own.unit, True, own.set_by, own.set_at)
    return Standard(
        settings.PPID_SERTA_MERTA_STANDARD_AMOUNT, settings.PPID_SERTA_MERTA_STANDARD_UNIT, False
    )


# At most this long for a decision "without delay" (Pasal 10), whatever the unit.
STANDARD_MAX_SECONDS = 3 * 86400


@transaction.atomic
def serta_merta_standard_set(
    *, body: Body, user: AbstractBaseUser, amount: int | None, unit: str
) -> Standard:
    """The PPID Utama over the body or its atasan sets the body's own standard for the PPID's
    serta merta decision (`amount=None`: back to the project's default). Requests already
    asked keep theirs. Audited; refused (nothing stored) on a bad value or another role."""
    require(can_edit_sop(user, body))
    before = standard(body)
    if amount is None:
        deleted, _count = SertaMertaStandard.objects.filter(body=body).delete()
        if not deleted:
            return before
    else:
        errors: dict[str, list[str]] = {}
        if unit not in TimeUnit.values:
            errors["unit"] = [_("Choose a time unit.")]
        if amount < 1:
            errors["amount"] = [_("The time standard is at least 1.")]
        elif unit in TimeUnit.values and _seconds(amount, unit) > STANDARD_MAX_SECONDS:
            errors["amount"] = [
                _("Serta merta is announced without delay: at most 3 days (or 3 working days).")
            ]
        if errors:
            raise ValidationError(errors)
        row = SertaMertaStandard.objects.select_for_update().filter(body=body).first()
        row = row or SertaMertaStandard(body=body)
        row.amount, row.unit, row.set_by, row.set_at = amount, unit, user, timezone.now()
        row.full_clean()
        row.save()
    after = standard(body)
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=body,
        action="serta_merta.standard_set",
        target_type="ppid.body",
        target_id=str(body.pk),
        data={
            "from": {"amount": before.amount, "unit": before.unit, "own": before.own},
            "to": {"amount": after.amount, "unit": after.unit, "own": after.own},
        },
    )
    return after


def _seconds(amount: int, unit: str) -> int:
    """A rough length of the standard, to bound it (a working day counted as a calendar day)."""
    per = UNIT_SECONDS.get(TimeUnit(unit), 86400)
    return amount * per
