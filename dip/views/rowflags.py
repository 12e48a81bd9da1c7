"""The officers' answers to a flagged row: confirm a berkala update, re-open an item whose
exemption has ended, or test it again. Each is a confirmation page that names the item and
carries the flag it was shown for; the services decide and audit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dip.forms import (
    ExemptionEventForm,
    ExemptionRetestForm,
    MarkUpdatedForm,
    ReopenForm,
    RowFlagForm,
    add_service_errors,
)
from dip.models import Classification, Item
from dip.permissions import can_close_exemption_event, can_mark_updated, can_review_exemption
from dip.selectors import items_for_user
from dip.services import exemptions, rowflags
from ppid.calendar import body_today


def _item(request: HttpRequest, pk: int) -> Item:
    return get_object_or_404(items_for_user(request.user), pk=pk)


def _flag_page(
    request: HttpRequest,
    item: Item,
    *,
    form_class: type[RowFlagForm],
    allowed: Callable[[Any, Any], bool],
    available: bool,
    current: Any,
    run: Callable[[Item, dict[str, Any]], Item],
    heading: str,
    intro: str,
    button: str,
    done: str,
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """GET: the confirmation page with its form. POST: run the service; on a bad value, the
    page again with the error next to its field (nothing stored)."""
    if not allowed(request.user, item.body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    token = rowflags.flag_token(current)
    form = form_class(request.POST or None, initial={"expected": token, **(initial or {})})
    if request.method == "POST":
        if form.is_valid():
            try:
                run(item, form.cleaned_data)
            except rowflags.AlreadyProcessed as conflict:
                messages.warning(request, str(conflict))
                return redirect("dip:item", pk=item.pk)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, done)
                return redirect("dip:item", pk=item.pk)
    elif not available:
        messages.warning(request, _("This action is not available for this item now."))
        return redirect("dip:item", pk=item.pk)
    context = {
        "item": item,
        "body": item.body,
        "form": form,
        "heading": heading,
        "intro": intro,
        "button": button,
        "danger": form_class is ReopenForm,
    }
    return render(request, "dip/row_flag_confirm.html", context)


def _day(value) -> str:
    return date_format(value, "j F Y") if value else "—"


@login_required
def mark_updated(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _flag_page(
        request,
        item,
        form_class=MarkUpdatedForm,
        allowed=can_mark_updated,
        available=item.classification == Classification.BERKALA,
        current=item.next_update_on,
        initial={"updated_on": body_today(item.body)},
        run=lambda item, data: rowflags.item_mark_updated(
            item=item,
            user=request.user,
            updated_on=data["updated_on"],
            note=data["note"],
            expected=data["expected"],
        ),
        heading=_("Mark as updated"),
        intro=_(
            "“%(title)s” is berkala information, updated every %(months)d month(s). Its next "
            "update is due on %(due)s. Confirm the day its content was last updated: the next "
            "period starts from that day, and a “perlu pembaruan” mark on the public site goes "
            "away."
        )
        % {
            "title": item.title,
            "months": item.update_period_months,
            "due": _day(item.next_update_on),
        },
        button=_("Yes, mark “%(title)s” as updated") % {"title": item.title},
        done=_("“%(title)s” is marked as updated.") % {"title": item.title},
    )


@login_required
def exemption_retest(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _flag_page(
        request,
        item,
        form_class=ExemptionRetestForm,
        allowed=can_review_exemption,
        available=item.exemption_ended_on is not None,
        current=item.exemption_ended_on,
        run=lambda item, data: rowflags.item_exemption_retest(
            item=item,
            user=request.user,
            exemption_until=data["exemption_until"],
            note=data["note"],
            expected=data["expected"],
        ),
        heading=_("Test the exemption again"),
        intro=_(
            "The exemption of “%(title)s” ran until %(until)s. If a new consequence test "
            "finds that it must stay closed, record its outcome and the new end date."
        )
        % {"title": item.title, "until": _day(item.exemption_until)},
        button=_("Yes, keep “%(title)s” exempted") % {"title": item.title},
        done=_("“%(title)s” stays exempted until the new date.") % {"title": item.title},
    )


@login_required
def exemption_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _flag_page(
        request,
        item,
        form_class=ReopenForm,
        allowed=can_review_exemption,
        available=item.exemption_ended_on is not None,
        current=item.exemption_ended_on,
        run=lambda item, data: rowflags.item_reopen(
            item=item,
            user=request.user,
            classification=data["classification"],
            update_period_months=data["update_period_months"],
            note=data["note"],
            expected=data["expected"],
        ),
        heading=_("Re-open as public information"),
        intro=_(
            "The exemption of “%(title)s” has ended; it is no longer listed in the public DIK. "
            "Choose the public class it is re-opened as. The re-opening goes to the tim "
            "pertimbangan in the DIK of %(body)s; when the atasan signs that DIK, the item "
            "becomes public, goes into the next DIP and the re-opening is announced."
        )
        % {"title": item.title, "body": item.body.name},
        button=_("Yes, re-open “%(title)s”") % {"title": item.title},
        done=_(
            "The re-opening of “%(title)s” is proposed to the tim pertimbangan; it takes effect "
            "when the atasan signs the DIK."
        )
        % {"title": item.title},
    )


@login_required
def exemption_event_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    return _flag_page(
        request,
        item,
        form_class=ExemptionEventForm,
        allowed=can_close_exemption_event,
        available=item.classification == Classification.DIKECUALIKAN
        and bool(item.exemption_event.strip())
        and item.exemption_event_happened_on is None,
        current=item.exemption_event_happened_on,
        initial={"happened_on": body_today(item.body)},
        run=lambda item, data: exemptions.item_exemption_event_close(
            item=item,
            user=request.user,
            happened_on=data["happened_on"],
            note=data["note"],
            to_classification=data["classification"],
            update_period_months=data["update_period_months"],
        ),
        heading=_("The event has happened"),
        intro=_(
            "“%(title)s” is exempted until: %(event)s. Record the day it happened and what "
            "happened. The exemption ends that day: the row leaves the public DIK at once, and "
            "re-opening it goes to the tim pertimbangan in the DIK of %(body)s; when the atasan "
            "signs, it is announced and goes into the next DIP."
        )
        % {"title": item.title, "event": item.exemption_event, "body": item.body.name},
        button=_("Yes, the event has happened"),
        done=_(
            "The exemption of “%(title)s” has ended: it is no longer listed in the public DIK, "
            "and its re-opening waits for the tim pertimbangan."
        )
        % {"title": item.title},
    )
