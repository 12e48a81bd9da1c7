"""Objections (keberatan): the requester's form by the request's tracking code (public, no
login, no cookie, a honeypot and a rate limit per address; nothing stored on bad input, no
personal data shown), and the officers' register and objection page, where the atasan PPID
answers. The services decide who may, count the time limits and audit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ppid.downloads import file_response
from ppid.forms import FLOOD_REFUSED, add_service_errors
from ppid.throttling import ObjectionThrottle, public_form_wait
from workflow.forms import ObjectionAnswerForm, ObjectionFilterForm, ObjectionForm
from workflow.models import InformationRequest, Objection, ObjectionStatus
from workflow.selectors.objections import (
    late_filter,
    objection_register,
    objections_for_user,
    public_answer_document,
    public_objections,
    ready_answer_document,
)
from workflow.selectors.requests import request_by_tracking_code
from workflow.services import objections as service

PAGE_SIZE = 50


# --- public: the requester's objection, by tracking code ----------------------------------


def _tracked(code: str) -> InformationRequest:
    found = request_by_tracking_code(code)
    if found is None:
        raise Http404(_("No request has this tracking code."))
    return found


def _private(response: HttpResponseBase) -> HttpResponseBase:
    patch_cache_control(response, private=True, no_store=True)
    return response


def _public_page(request, tracked, form, status=200, filed=None, refused="") -> HttpResponse:
    now = timezone.now()
    grounds = service.open_grounds(tracked, now)
    return _private(
        render(
            request,
            "workflow/objection_public.html",
            {
                "tracked": tracked,
                "body": tracked.body,
                "objections": public_objections(tracked),
                "grounds": sorted(grounds.items()),
                "form": form,
                "filed": filed,
                "refused": refused,
            },
            status=status,
        )
    )


# No CSRF token: the page sets no cookie (the form is anonymous; the honeypot and the limit per
# address keep robots out, and there is no session to ride on).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def objection_public(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the request's objections and, while one may be filed, the form with the grounds
    still open and their last day; POST: file it (then the same page confirms it)."""
    tracked = _tracked(code)
    if request.method != "POST":
        grounds = service.open_grounds(tracked)
        return _public_page(request, tracked, ObjectionForm(grounds=grounds))
    form = ObjectionForm(request.POST)
    wait = public_form_wait(request, ObjectionThrottle)
    if wait is not None:
        response = _public_page(request, tracked, form, status=429, refused=FLOOD_REFUSED)
        response["Retry-After"] = str(wait)
        return response
    if form.is_valid():
        try:
            filed = service.objection_file(
                request=tracked,
                ground=form.cleaned_data["ground"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _public_page(request, tracked, ObjectionForm(grounds={}), filed=filed)
    return _public_page(request, tracked, form, status=400)


@require_safe
def objection_public_answer(request: HttpRequest, code: str, pk: int) -> HttpResponseBase:
    """The signed answer, for whoever holds the request's tracking code."""
    document = public_answer_document(_tracked(code), pk)
    if document is None:
        raise Http404
    return _private(
        file_response(
            document.file,
            as_attachment=False,
            content_type="application/pdf",
            filename=f"tanggapan-keberatan-{document.objection.register_number}.pdf".replace(
                "/", "-"
            ),
        )
    )


# --- officers: the register and the answer -----------------------------------------------------


@login_required
@require_safe
def objection_list(request: HttpRequest) -> HttpResponse:
    """The objection register of the user's bodies, filtered; overdue rows marked."""
    form = ObjectionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    now = timezone.now()
    rows = objection_register(
        request.user,
        now=now,
        status=filters.get("status", ""),
        ground=filters.get("ground", ""),
        overdue=bool(filters.get("overdue")),
        query=(filters.get("q") or "").strip(),
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    late = set(
        objections_for_user(request.user)
        .filter(late_filter(now), pk__in=[o.pk for o in page])
        .values_list("pk", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workflow/objection_list.html",
        {
            "form": form,
            "page": page,
            "late": late,
            "page_param": "page",
            "page_query": query.urlencode(),
        },
    )


def _objection(request: HttpRequest, pk: int) -> Objection:
    return get_object_or_404(objections_for_user(request.user), pk=pk)


def _is_late(objection: Objection) -> bool:
    if objection.answered_at is not None:
        return objection.answered_at > objection.due_at
    return timezone.now() > objection.due_at


def _detail(request: HttpRequest, objection: Objection, form=None, status=200) -> HttpResponse:
    may_answer = objection.status == ObjectionStatus.FILED and service.can_answer_objection(
        request.user, objection.body
    )
    return render(
        request,
        "workflow/objection_detail.html",
        {
            "objection": objection,
            "tracked": objection.request,
            "body": objection.body,
            "late": _is_late(objection),
            "may_answer": may_answer,
            "form": form or (ObjectionAnswerForm() if may_answer else None),
            "document": getattr(objection, "answer_document", None),
            "may_retry": service.may_retry_answer_document(request.user, objection.body),
        },
        status=status,
    )


@login_required
@require_safe
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _objection(request, pk))


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = _objection(request, pk)
    if not service.can_answer_objection(request.user, objection.body):
        raise PermissionDenied(_("Only the atasan PPID of the public body answers objections."))
    form = ObjectionAnswerForm(request.POST)
    if form.is_valid():
        try:
            service.objection_answer(
                objection=objection,
                user=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except service.ObjectionAlreadyAnswered as conflict:
            messages.warning(request, str(conflict))
            return redirect("workflow:objection", pk=objection.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Objection %(number)s is answered. The signed answer is being prepared and "
                    "the requester is told."
                )
                % {"number": objection.register_number},
            )
            return redirect("workflow:objection", pk=objection.pk)
    return _detail(request, objection, form, status=400)


@login_required
@require_safe
def objection_answer_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    objection = _objection(request, pk)
    document = ready_answer_document(objection)
    if document is None:
        raise Http404
    response = file_response(
        document.file,
        as_attachment=False,
        content_type="application/pdf",
        filename=f"tanggapan-keberatan-{objection.register_number}.pdf".replace("/", "-"),
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
@require_POST
def objection_answer_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Build a failed signed answer again (atasan or PPID of the body)."""
    objection = _objection(request, pk)
    try:
        service.objection_answer_document_retry(objection=objection, user=request.user)
    except service.AnswerDocumentNotFailed as conflict:
        messages.warning(request, str(conflict))
    else:
        messages.success(request, _("The signed answer will be built again."))
    return redirect("workflow:objection", pk=objection.pk)
