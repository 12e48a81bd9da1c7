"""Serta merta announced at once (Pasal 10): the operator asks from the item, the PPID approves
or returns on the request's page. The services decide who may, and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dip.models import Classification
from dip.permissions import can_approve_serta_merta, can_request_serta_merta
from dip.selectors import items_for_user
from ppid.forms import add_service_errors
from workflow.forms import SertaMertaNoteForm, SertaMertaStandardForm
from workflow.models import SertaMertaRequest, SertaMertaState
from workflow.permissions import can_edit_sop
from workflow.selectors import serta_merta_requests_for_user
from workflow.services import sertamerta
from workflow.views.common import get_body


def _request(request: HttpRequest, pk: int) -> SertaMertaRequest:
    return get_object_or_404(serta_merta_requests_for_user(request.user), pk=pk)


@login_required
def serta_merta_list(request: HttpRequest) -> HttpResponse:
    """The requests of the user's bodies: those waiting first, then the newest."""
    rows = serta_merta_requests_for_user(request.user).order_by("-requested_at", "-pk")
    waiting = rows.filter(state=SertaMertaState.DIAJUKAN)
    decided = rows.exclude(state=SertaMertaState.DIAJUKAN)
    return render(
        request,
        "workflow/serta_merta_list.html",
        {
            "waiting": list(waiting),
            "page": Paginator(decided, 50).get_page(request.GET.get("page")),
            "page_param": "page",
            "page_query": "",
        },
    )


@login_required
def serta_merta_ask(request: HttpRequest, item_id: int) -> HttpResponse:
    """GET: the confirmation page; POST: ask the PPID to announce the item at once."""
    item = get_object_or_404(items_for_user(request.user).select_related("body"), pk=item_id)
    if not can_request_serta_merta(request.user, item.body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    if item.classification != Classification.SERTA_MERTA:
        messages.warning(request, _("Only serta merta information can be announced at once."))
        return redirect("dip:item", pk=item.pk)
    form = SertaMertaNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = sertamerta.serta_merta_request_create(
                item=item, user=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The announcement of “%(title)s” is sent to the PPID for approval.")
                % {"title": item.title},
            )
            return redirect("workflow:serta_merta", pk=made.pk)
    earlier = serta_merta_requests_for_user(request.user).filter(item=item)[:20]
    return render(
        request,
        "workflow/serta_merta_ask.html",
        {"item": item, "body": item.body, "form": form, "earlier": earlier},
    )


@login_required
def serta_merta_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    may_decide = found.state == SertaMertaState.DIAJUKAN and can_approve_serta_merta(
        request.user, found.body
    )
    return render(
        request,
        "workflow/serta_merta_detail.html",
        {
            "req": found,
            "body": found.body,
            "may_decide": may_decide,
            "return_form": SertaMertaNoteForm(note_required=True),
        },
    )


@login_required
@require_POST
def serta_merta_approve(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    try:
        sertamerta.serta_merta_request_approve(request=found, user=request.user)
    except sertamerta.RequestAlreadyDecided as conflict:
        messages.warning(request, str(conflict))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is announced on the public site now.") % {"title": found.title},
        )
    return redirect("workflow:serta_merta", pk=found.pk)


@login_required
@require_POST
def serta_merta_return(request: HttpRequest, pk: int) -> HttpResponse:
    found = _request(request, pk)
    form = SertaMertaNoteForm(request.POST, note_required=True)
    if form.is_valid():
        try:
            sertamerta.serta_merta_request_return(
                request=found, user=request.user, note=form.cleaned_data["note"]
            )
        except sertamerta.RequestAlreadyDecided as conflict:
            messages.warning(request, str(conflict))
            return redirect("workflow:serta_merta", pk=found.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is returned with your note."))
            return redirect("workflow:serta_merta", pk=found.pk)
    if not can_approve_serta_merta(request.user, found.body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    return render(
        request,
        "workflow/serta_merta_detail.html",
        {"req": found, "body": found.body, "may_decide": True, "return_form": form},
        status=400,
    )


@login_required
def serta_merta_standard(request: HttpRequest, slug: str) -> HttpResponse:
    """The body's own time standard for the PPID's serta merta decision: the PPID Utama over
    the body or its atasan set it here (or go back to the project's default); the SOP page
    shows it. GET: the form with the standard in force; POST: the service (errors next to the
    field, nothing stored)."""
    body = get_body(request, slug)
    if not can_edit_sop(request.user, body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    current = sertamerta.standard(body)
    initial = {"amount": current.amount, "unit": current.unit} if current.own else {}
    form = SertaMertaStandardForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            after = sertamerta.serta_merta_standard_set(
                body=body,
                user=request.user,
                amount=None if data["use_default"] else data["amount"],
                unit="" if data["use_default"] else data["unit"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The serta merta time standard of %(body)s is now %(standard)s.")
                % {"body": body.name, "standard": after.label},
            )
            return redirect("workflow:sop", slug=body.slug)
    context = {"body": body, "form": form, "current": current}
    return render(request, "workflow/serta_merta_standard.html", context)
