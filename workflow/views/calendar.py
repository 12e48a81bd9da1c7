"""The working calendar page: who it belongs to, office hours, the year's holidays and the
local days the PPID Utama adds or removes. Everyone with a role in the body may read it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ppid.calendar import body_today, calendar_for_body, calendar_owner, calendar_year
from ppid.forms import add_service_errors
from ppid.models import CalendarDay
from ppid.permissions import can_manage_calendar
from workflow.forms import CalendarDayForm, OfficeHoursForm
from workflow.services import calendar as services
from workflow.views.common import get_body


def _year(request, body) -> int:
    """The year asked for (`?tahun=`), else the body's year now, on its clock."""
    this_year = body_today(body).year
    try:
        year = int(request.GET.get("tahun", this_year))
    except ValueError:
        return this_year
    return year if 2000 <= year <= this_year + 5 else this_year


def _page(request, body, *, year=None, day_form=None, hours_form=None, status=200):
    year = year or _year(request, body)
    calendar = calendar_for_body(body)
    context = {
        "body": body,
        "year": year,
        "owner": calendar_owner(body),
        "calendar": calendar,
        "days": calendar_year(body, year),
        "can_manage": can_manage_calendar(request.user, body),
        "day_form": day_form or CalendarDayForm(),
        "hours_form": hours_form or OfficeHoursForm(initial=OfficeHoursForm.initial_from(calendar)),
    }
    return render(request, "workflow/calendar.html", context, status=status)


def _managed_body(request, slug):
    body = get_body(request, slug)
    if not can_manage_calendar(request.user, body):
        raise PermissionDenied(_("Only the PPID Utama keeps the working calendar."))
    return body


def _back(body, year: int):
    return redirect(f"{reverse('workflow:calendar', args=[body.slug])}?tahun={year}")


@login_required
def calendar_page(request, slug):
    return _page(request, get_body(request, slug))


@login_required
@require_POST
def calendar_day_add(request, slug):
    body = _managed_body(request, slug)
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            day = services.calendar_day_add(
                body=body,
                date=data["date"],
                kind=data["kind"],
                name=data["name"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(date)s “%(name)s” was added to the calendar of %(body)s.")
                % {"date": day.date.isoformat(), "name": day.name, "body": body.name},
            )
            return _back(body, day.date.year)
    year = form.cleaned_data.get("date").year if form.cleaned_data.get("date") else None
    return _page(request, body, year=year, day_form=form, status=400)


@login_required
@require_POST
def calendar_hours(request, slug):
    body = _managed_body(request, slug)
    form = OfficeHoursForm(request.POST)
    if form.is_valid():
        try:
            services.calendar_hours_set(
                body=body,
                hours=form.cleaned_data["hours"],
                national_holidays=form.cleaned_data["national_holidays"],
                user=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The office hours of %(body)s were saved.") % {"body": body.name}
            )
            return _back(body, _year(request, body))
    return _page(request, body, hours_form=form, status=400)


@login_required
def calendar_day_remove(request, slug, day_id):
    body = _managed_body(request, slug)
    day = CalendarDay.objects.filter(pk=day_id, calendar__body=body).first()
    if request.method == "POST":
        try:
            services.calendar_day_remove(body=body, day_id=day_id, user=request.user)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(date)s “%(name)s” was removed from the calendar.")
                % {"date": day.date.isoformat(), "name": day.name},
            )
        return _back(body, day.date.year if day else _year(request, body))
    if day is None:
        messages.warning(request, _("This day is no longer in the calendar."))
        return _back(body, _year(request, body))
    return render(
        request,
        "workflow/calendar_confirm.html",
        {"body": body, "day": day, "action": "remove"},
    )


@login_required
def calendar_follow(request, slug):
    body = _managed_body(request, slug)
    if request.method == "POST":
        try:
            services.calendar_follow_parent(body=body, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(body)s follows the calendar of %(parent)s again.")
                % {"body": body.name, "parent": body.parent.name},
            )
        return _back(body, _year(request, body))
    return render(request, "workflow/calendar_confirm.html", {"body": body, "action": "follow"})
