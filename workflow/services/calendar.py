"""Writes of the working calendar: office hours, local days off and worked holidays.

A body without its own calendar follows its PPID Utama's; the first change made for such a body
gives it its own, starting as a copy of the one it followed. Deadlines already stored on open
steps keep the value they were given when the step opened.
"""

from __future__ import annotations

from datetime import date, time

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ppid.calendar import WorkCalendar, calendar_for_body, calendar_owner, national_holidays
from ppid.models import Body, CalendarDay, WorkingCalendar
from workflow.models import AuditEntry


def _audit(*, body: Body, user: AbstractBaseUser, action: str, **data) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        body=body,
        action=action,
        target_type="calendar",
        target_id=str(body.pk),
        data=data,
    )


def _own_calendar(body: Body) -> WorkingCalendar:
    existing = WorkingCalendar.objects.select_for_update(no_key=True).filter(body=body).first()
    if existing is not None:
        return existing
    owner = calendar_owner(body)
    if owner is None:
        return WorkingCalendar.objects.create(body=body)
    source = WorkingCalendar.objects.get(body=owner)
    own = WorkingCalendar.objects.create(
        body=body, office_hours=source.office_hours, national_holidays=source.national_holidays
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(calendar=own, date=d.date, kind=d.kind, name=d.name, added_by=d.added_by)
        for d in source.days.all()
    )
    return own


@transaction.atomic
def calendar_hours_set(
    *,
    body: Body,
    hours: dict[int, tuple[time, time] | None],
    national_holidays: bool,
    user: AbstractBaseUser,
) -> WorkingCalendar:
    """Set the office hours per ISO weekday (None: not worked) and whether national holidays
    and cuti bersama are observed."""
    errors = {}
    if any(span is not None and not span[0] < span[1] for span in hours.values()):
        errors["office_hours"] = _("The office closes after it opens.")
    if not any(span for span in hours.values()):
        errors["__all__"] = _("At least one day of the week must be a working day.")
    if errors:
        raise ValidationError(errors)
    calendar = _own_calendar(body)
    calendar.office_hours = {
        str(day): [f"{span[0]:%H:%M}", f"{span[1]:%H:%M}"]
        for day, span in sorted(hours.items())
        if span is not None
    }
    calendar.national_holidays = national_holidays
    calendar.full_clean()
    calendar.save()
    _audit(
        body=body,
        user=user,
        action="calendar.hours_set",
        office_hours=calendar.office_hours,
        national_holidays=national_holidays,
    )
    return calendar


@transaction.atomic
def calendar_day_add(
    *, body: Body, date: date, kind: str, name: str, user: AbstractBaseUser
) -> CalendarDay:
    """Add a local day off, or work on a national holiday (kind `work`)."""
    name = name.strip()
    calendar = _own_calendar(body)
    current: WorkCalendar = calendar_for_body(body)
    if CalendarDay.objects.filter(calendar=calendar, date=date).exists():
        raise ValidationError({"date": _("This date is already in the calendar.")})
    if kind == CalendarDay.Kind.OFF and not current.is_working_day(date):
        raise ValidationError(
            {
                "date": _("%(day)s is already a day off (%(why)s).")
                % {"day": date.isoformat(), "why": current.why_not_working(date)}
            }
        )
    if kind == CalendarDay.Kind.WORK and not national_holidays(date.year).get(date):
        raise ValidationError(
            {"kind": _("Only a national holiday or cuti bersama can be made a working day.")}
        )
    day = CalendarDay(calendar=calendar, date=date, kind=kind, name=name, added_by=user)
    day.full_clean()
    day.save()
    _audit(
        body=body,
        user=user,
        action="calendar.day_add",
        date=date.isoformat(),
        kind=kind,
        name=name,
    )
    return day


@transaction.atomic
def calendar_day_remove(*, body: Body, day_id: int, user: AbstractBaseUser) -> None:
    # Only the day (the join would lock its calendar too), and FOR UPDATE: it is deleted.
    day = (
        CalendarDay.objects.select_for_update(of=("self",))
        .filter(pk=day_id, calendar__body=body)
        .first()
    )
    if day is None:
        raise ValidationError(_("This day is no longer in the calendar."))
    day.delete()
    _audit(
        body=body,
        user=user,
        action="calendar.day_remove",
        date=day.date.isoformat(),
        kind=day.kind,
        name=day.name,
    )


@transaction.atomic
def calendar_follow_parent(*, body: Body, user: AbstractBaseUser) -> None:
    """Drop the body's own calendar so that it follows its PPID Utama's again."""
    if body.parent_id is None:
        raise ValidationError(_("This body has no PPID Utama to follow."))
    deleted, _rows = WorkingCalendar.objects.filter(body=body).delete()
    if deleted:
        _audit(body=body, user=user, action="calendar.follow_parent", parent=body.parent_id)
