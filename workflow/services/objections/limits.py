"""The time limits of the law around an objection: when its reason arose and until when it may
be filed (30 working days, Pasal 35-36), and until when the requester may go on to the Komisi
Informasi (14 working days, Pasal 37)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.deadlines import when, working_days_after
from workflow.models import (
    DISPUTE_FILING_WORKING_DAYS,
    REQUEST_OPEN_STATUSES,
    InformationRequest,
    Objection,
    ObjectionGround,
    RequestStatus,
)
from workflow.selectors.requests import objection_filing_deadline

# A refusal (ground a) is one only when the notice refused, in full or in part.
REFUSING_DECISIONS = frozenset({RequestStatus.REFUSED, RequestStatus.PARTLY_GRANTED})


def reason_arose_at(request: InformationRequest, ground: str, now: datetime) -> datetime:
    """When the reason of an objection on `ground` arose; a ValidationError (on `ground`) when
    it has not arisen (no notice yet, the request still within its time, ...)."""
    if ground == ObjectionGround.C:
        if request.status in REQUEST_OPEN_STATUSES:
            if now < request.deadline:
                raise ValidationError(
                    {
                        "ground": [
                            _(
                                "The request is still within its time limit (until %(due)s): "
                                "an objection because it was not answered can be filed after "
                                "that."
                            )
                            % {"due": when(request.deadline, request.body)}
                        ]
                    }
                )
            return request.deadline
        raise ValidationError(
            {
                "ground": [
                    _("The request has been answered; if the answer came late, choose ground g.")
                ]
            }
        )
    if request.status in REQUEST_OPEN_STATUSES or request.decided_at is None:
        raise ValidationError(
            {
                "ground": [
                    _(
                        "The request has no written notice yet: only ground c (not answered) "
                        "applies, once its time limit has passed."
                    )
                ]
            }
        )
    if ground == ObjectionGround.A and request.status not in REFUSING_DECISIONS:
        raise ValidationError(
            {"ground": [_("The written notice did not refuse the request (ground a).")]}
        )
    if ground == ObjectionGround.G and request.decided_at <= request.deadline:
        raise ValidationError(
            {"ground": [_("The written notice was given within the time limit (ground g).")]}
        )
    return request.decided_at


def filing_deadline(request: InformationRequest, ground: str, now: datetime) -> datetime:
    """The last moment to file an objection on `ground`: 30 working days after its reason,
    counted by the selectors' single definition (`objection_filing_deadline`)."""
    return objection_filing_deadline(request, reason_arose_at(request, ground, now))


def open_grounds(request: InformationRequest, now: datetime | None = None) -> dict[str, datetime]:
    """The grounds an objection may be filed on now, each with its last moment (for the
    tracking page and the form: the requester sees the deadline before filing); a ground
    already objected to on this request is not offered again."""
    now = now or timezone.now()
    filed = set(Objection.objects.filter(request=request).values_list("ground", flat=True))
    found = {}
    for ground in ObjectionGround.values:
        if ground in filed:
            continue
        try:
            until = filing_deadline(request, ground, now)
        except ValidationError:
            continue
        if now <= until:
            found[ground] = until
    return found


def dispute_deadline_set(objection: Objection, *, start: datetime) -> None:
    """Store (in memory; the caller saves) the last moment to take the objection to the Komisi
    Informasi: 14 working days after `start`, the atasan's answer or the lapse of its time."""
    dispute = working_days_after(objection.body, start, DISPUTE_FILING_WORKING_DAYS)
    objection.dispute_due_at = dispute.due_at
    objection.dispute_due_explanation = dispute.explain(objection.body.time_zone)
