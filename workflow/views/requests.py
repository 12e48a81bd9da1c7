"""The officers' side of requests for information: the Buku Register Permohonan (search,
filters, overdue marked, CSV export), a request's page (clock, hand-over, notes, the one
extension, the decision giving the signed written notice), and offline entry. Another body's
request is 404; the services decide who may act, and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dip.models import DocumentStatus
from ppid.calendar import body_time, zone_name
from ppid.downloads import file_response
from ppid.forms import add_service_errors
from ppid.models import Unit
from ppid.selectors import bodies_for_user
from ppid.spreadsheet import csv_bytes
from workflow.forms import (
    OfflineRequestForm,
    RequestDecideForm,
    RequestExtendForm,
    RequestHandOverForm,
    RequestNoteForm,
    RequestRegisterFilterForm,
)
from workflow.models import InformationRequest, RequestNoticeDocument
from workflow.permissions import can_decide_requests, can_handle_requests
from workflow.selectors.requests import (
    dik_items_for_refusal,
    request_notes,
    request_register,
    requests_for_user,
)
from workflow.services import requests as services
from workflow.views.common import get_body

REGISTER_PAGE_SIZE = 50
EXPORT_MAX_ROWS = 20000
# The hand-over form shares the page with the decision form: its "note" needs its own id.
HANDOVER_PREFIX = "serah"


def _find(request: HttpRequest, pk: int) -> InformationRequest:
    return get_object_or_404(requests_for_user(request.user), pk=pk)


def _filtered(request: HttpRequest):
    form = RequestRegisterFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    body = None
    if slug := request.GET.get("badan", ""):
        body = get_body(request, slug)
    rows = request_register(
        user=request.user,
        body=body,
        status=data.get("status") or "",
        overdue=bool(data.get("overdue")),
        search=data.get("q") or "",
        year=data.get("year"),
        now=timezone.now(),
    )
    return form, body, rows


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Buku Register Permohonan of the user's bodies (one body with ?badan=slug)."""
    form, body, rows = _filtered(request)
    now = timezone.now()
    page = Paginator(rows, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    bodies = list(bodies_for_user(request.user).order_by("name"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflow/request_list.html",
        {
            "form": form,
            "body": body,
            "bodies": bodies,
            "page": page,
            "now": now,
            "page_param": "page",
            "page_query": query.urlencode(),
            "export_query": query.urlencode(),
            "may_enter": [b for b in bodies if can_handle_requests(request.user, b)],
        },
    )


REGISTER_COLUMNS = [
    "Nomor",
    "Tanggal permohonan",
    "Saluran",
    "Nama",
    "Alamat",
    "Telepon/e-mail",
    "Pekerjaan",
    "Nomor identitas",
    "Informasi yang diminta",
    "Tujuan penggunaan",
    "Cara memperoleh",
    "Bentuk",
    "Cara penyampaian",
    "Batas waktu",
    "Diperpanjang sampai",
    "Status",
    "Alasan penolakan",
    "Tanggal pemberitahuan",
    "Tanggal penyerahan",
    "Badan publik",
    # The times above are on the clock of the row's body (`body_time`): WIB, WITA or WIT. Said
    # in a column rather than in the headings, so that a register of bodies in several zones,
    # or the registers of several bodies put together, keep one header, and the times stay
    # values a spreadsheet reads as dates.
    "Zona waktu",
]


@login_required
def request_export(request: HttpRequest) -> HttpResponse:
    """The register as CSV (identity numbers masked, as in every list), each row's times on its
    own body's clock, the zone named in the last column."""
    _form, body, rows = _filtered(request)

    def when(moment, owner):
        return body_time(moment, owner).strftime("%Y-%m-%d %H:%M") if moment else ""

    lines = (
        [
            r.register_number,
            when(r.received_at, r.body),
            r.get_channel_display(),
            r.name,
            r.address,
            " / ".join(v for v in (r.phone, r.email) if v),
            r.occupation,
            r.masked_identity_number,
            r.information,
            r.purpose,
            r.get_obtain_display(),
            r.get_form_display(),
            r.get_delivery_display(),
            when(r.due_at, r.body),
            when(r.extended_due_at, r.body),
            r.get_status_display(),
            (f"Pasal 17 huruf {r.refusal_ground} " if r.refusal_ground else "") + r.refusal_law,
            when(r.decided_at, r.body),
            when(r.delivered_at, r.body),
            r.body.name,
            zone_name(r.body),
        ]
        for r in rows[:EXPORT_MAX_ROWS]
    )
    response = HttpResponse(csv_bytes(REGISTER_COLUMNS, lines), content_type="text/csv")
    name = f"register-permohonan-{body.slug if body else 'semua'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _detail_context(request: HttpRequest, found: InformationRequest, **forms) -> dict:
    user = request.user
    may_handle = can_handle_requests(user, found.body)
    may_decide = can_decide_requests(user, found.body)
    units = Unit.objects.filter(body=found.body).order_by("name")
    now = timezone.now()
    notice = RequestNoticeDocument.objects.filter(request=found).first()
    return {
        "req": found,
        "body": found.body,
        "now": now,
        "overdue": found.is_open and found.deadline < now,
        "notes": list(request_notes(found)),
        "notice": notice,
        "may_handle": may_handle and found.is_open,
        "may_note": may_handle or may_decide,
        "may_extend": may_decide and found.status == "received" and found.extended_at is None,
        "may_decide": may_decide and found.is_open,
        "may_retry": may_decide,
        "hand_over_form": forms.get("hand_over_form")
        or RequestHandOverForm(units=units, prefix=HANDOVER_PREFIX),
        "note_form": forms.get("note_form") or RequestNoteForm(),
        "extend_form": forms.get("extend_form") or RequestExtendForm(),
        "decide_form": forms.get("decide_form")
        or RequestDecideForm(dik_items=dik_items_for_refusal(found.body)),
    }


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    return render(request, "workflow/request_detail.html", _detail_context(request, found))


def _done(request: HttpRequest, found: InformationRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("workflow:request", pk=found.pk)


def _conflict(request: HttpRequest, found: InformationRequest, conflict) -> HttpResponse:
    messages.warning(request, str(conflict))
    return redirect("workflow:request", pk=found.pk)


def _invalid(request: HttpRequest, found: InformationRequest, **forms) -> HttpResponse:
    return render(
        request,
        "workflow/request_detail.html",
        _detail_context(request, found, **forms),
        status=400,
    )


@login_required
@require_POST
def request_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    form = RequestHandOverForm(
        request.POST, units=Unit.objects.filter(body=found.body), prefix=HANDOVER_PREFIX
    )
    if form.is_valid():
        try:
            services.request_hand_over(
                request=found,
                unit=form.cleaned_data["unit"],
                user=request.user,
                note=form.cleaned_data["note"],
            )
        except services.RequestAlreadyDecided as conflict:
            return _conflict(request, found, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request,
                found,
                _("Handed over to %(unit)s.") % {"unit": form.cleaned_data["unit"].name},
            )
    return _invalid(request, found, hand_over_form=form)


@login_required
@require_POST
def request_note(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    form = RequestNoteForm(request.POST)
    if form.is_valid():
        try:
            services.request_note_add(
                request=found, user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, found, _("The note is saved."))
    return _invalid(request, found, note_form=form)


@login_required
@require_POST
def request_extend(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    form = RequestExtendForm(request.POST)
    if form.is_valid():
        try:
            services.request_extend(
                request=found,
                user=request.user,
                reason=form.cleaned_data["reason"],
                days=form.cleaned_data["days"],
            )
        except (services.RequestAlreadyExtended, services.RequestAlreadyDecided) as conflict:
            return _conflict(request, found, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(request, found, _("The deadline is extended; the requester is told."))
    return _invalid(request, found, extend_form=form)


@login_required
@require_POST
def request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    form = RequestDecideForm(request.POST, dik_items=dik_items_for_refusal(found.body))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_decide(
                request=found,
                user=request.user,
                decision=data["decision"],
                note=data["note"],
                dik_item=data["dik_item"],
                holder=data["holder"],
                fee=data["fee"],
            )
        except services.RequestAlreadyDecided as conflict:
            return _conflict(request, found, conflict)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _done(
                request,
                found,
                _("The written notice is given; its signed PDF is being prepared."),
            )
    return _invalid(request, found, decide_form=form)


@login_required
@require_POST
def request_delivered(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    try:
        services.request_mark_delivered(request=found, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workflow:request", pk=found.pk)
    return _done(request, found, _("The delivery date is recorded."))


@login_required
@require_POST
def request_notice_retry(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    try:
        services.request_notice_retry(request=found, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("workflow:request", pk=found.pk)
    return _done(request, found, _("The signed notice is being built again."))


@login_required
def request_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = _find(request, pk)
    document = RequestNoticeDocument.objects.filter(request=found).first()
    if document is None or document.status != DocumentStatus.READY or not document.file:
        raise Http404
    response = file_response(
        document.file,
        as_attachment=False,
        content_type="application/pdf",
        filename=f"pemberitahuan-{found.body.slug}-{found.number}-{found.year}.pdf",
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
def request_create(request: HttpRequest, slug: str) -> HttpResponse:
    """An offline request (walk-in, letter, telephone, e-mail), with its real receipt date."""
    body = get_body(request, slug)
    if not can_handle_requests(request.user, body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    form = OfflineRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.request_receive(
                body=body,
                user=request.user,
                channel=form.cleaned_data["channel"],
                received_at=form.cleaned_data["received_at"],
                **form.requester_data(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Request %(number)s is registered.") % {"number": made.register_number},
            )
            return redirect("workflow:request", pk=made.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "workflow/request_create.html", {"body": body, "form": form}, status=status
    )
