"""Filing an objection (keberatan) to the atasan PPID: numbered in the body's register of the
year, the atasan's 30 working days stored, the officers told, the requester e-mailed."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ppid.calendar import body_time
from ppid.models import Body, Role
from ppid.selectors import users_with_roles
from workflow.deadlines import when, working_days_after
from workflow.models import (
    OBJECTION_ANSWER_WORKING_DAYS,
    OBJECTION_REASON_MAX_LENGTH,
    InformationRequest,
    NoticeKind,
    Objection,
    ObjectionGround,
)
from workflow.services.notices import notify
from workflow.services.objections.common import audit, notice_names, objection_url
from workflow.services.objections.limits import filing_deadline
from workflow.services.objections.mail import mail_requester_on_commit


def _next_number(body: Body, year: int) -> int:
    """The next register number of the body's year; the body row is locked by the caller."""
    last = Objection.objects.filter(body=body, year=year).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if "\x00" in reason:
        raise ValidationError({"reason": [_("The text contains a NUL character.")]})
    if not reason:
        raise ValidationError({"reason": [_("Say why you object.")]})
    if len(reason) > OBJECTION_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    _("At most %(n)d characters (it has %(m)d).")
                    % {"n": OBJECTION_REASON_MAX_LENGTH, "m": len(reason)}
                ]
            }
        )
    return reason


def objection_file(
    *,
    request: InformationRequest,
    ground: str,
    reason: str,
    user: AbstractBaseUser | None = None,
    now: datetime | None = None,
) -> Objection:
    """File an objection to the request's atasan PPID (the public form and API, by tracking
    code; `user` when an officer enters one received on paper). Refused with a ValidationError
    and nothing stored: an unknown ground, no reason, a reason that has not arisen, past the 30
    working days, the same ground already objected to."""
    now = now or timezone.now()
    if ground not in ObjectionGround.values:
        raise ValidationError({"ground": [_("Choose one of the grounds a to g of Pasal 35(1).")]})
    reason = _clean_reason(reason)
    with transaction.atomic():
        Body.objects.select_for_update(no_key=True).filter(pk=request.body_id).first()
        request = (
            InformationRequest.objects.select_for_update(of=("self",), no_key=True)
            .select_related("body")
            .get(pk=request.pk)
        )
        body = request.body
        until = filing_deadline(request, ground, now)
        if now > until:
            raise ValidationError(
                {
                    "ground": [
                        _(
                            "The time to object on this ground ended on %(until)s: 30 working "
                            "days after its reason arose (Pasal 35-36)."
                        )
                        % {"until": when(until, body)}
                    ]
                }
            )
        if Objection.objects.filter(request=request, ground=ground).exists():
            raise ValidationError(
                {"ground": [_("An objection on this ground was already filed for the request.")]}
            )
        deadline = working_days_after(body, now, OBJECTION_ANSWER_WORKING_DAYS)
        year = body_time(now, body).year
        objection = Objection(
            request=request,
            body=body,
            year=year,
            number=_next_number(body, year),
            ground=ground,
            reason=reason,
            entered_by=user if getattr(user, "is_authenticated", False) else None,
            filed_at=now,
            due_at=deadline.due_at,
            due_explanation=deadline.explain(body.time_zone),
            remind_at=deadline.remind_at,
            next_notice_at=deadline.remind_at,
        )
        objection.full_clean()
        objection.save()
        audit(
            objection,
            action="objection.file",
            user=user,
            filing_deadline=until.isoformat(),
        )
        with translation.override(settings.LANGUAGE_CODE):
            names = notice_names(objection)
            notify(
                recipients=users_with_roles(body, [Role.ATASAN, Role.PPID]),
                kind=NoticeKind.HANDOVER,
                key=f"objection:{objection.pk}:filed",
                title=_("Objection %(number)s filed: request %(request)s") % names,
                message=_(
                    "An objection (keberatan) on ground %(ground)s was filed against request "
                    "%(request)s of %(body)s. The atasan PPID answers in writing by "
                    "%(deadline)s."
                )
                % names,
                url=objection_url(objection),
                body=body,
            )
        mail_requester_on_commit(objection, "filed")
    return objection
