"""The register screens: the list, the item form and page, attachments and their downloads."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, F, IntegerField, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from dip import services
from dip.exports import register_xlsx
from dip.forms import AttachmentUploadForm, ItemFilterForm, ItemForm, add_service_errors
from dip.models import (
    CLASSIFICATION_ORDER,
    EXEMPTION_FIELDS,
    OPEN_CHANGE_STATES,
    PERKI_FIELDS,
    AnnouncementKind,
    Attachment,
    Classification,
    Item,
)
from dip.permissions import (
    can_amend_in_consideration,
    can_change_items,
    can_close_exemption_event,
    can_mark_updated,
    can_propose_classification_change,
    can_request_serta_merta,
    can_review_exemption,
)
from dip.selectors import (
    item_editions,
    item_review_edition,
    items_for_user,
    register_filtered,
    register_items,
    register_years,
)
from ppid.calendar import body_time
from ppid.downloads import content_disposition, file_response
from ppid.models import Body
from ppid.selectors import bodies_for_user
from ppid.spreadsheet import XLSX_CONTENT_TYPE

PAGE_SIZE = 25
SORTABLE = {
    "title": gettext_lazy("title"),
    "classification": gettext_lazy("classification"),
    "produced_at": gettext_lazy("date produced"),
    "updated_at": gettext_lazy("last changed"),
}
DEFAULT_SORT = "title"


# --- lookups -------------------------------------------------------------------------------


def _body(request: HttpRequest, slug: str) -> Body:
    """A body where the user holds a role; any other is 404 so that slugs do not leak."""
    return get_object_or_404(bodies_for_user(request.user), slug=slug)


def _item(request: HttpRequest, pk: int) -> Item:
    """An item the user may see; another body's item is 404."""
    return get_object_or_404(items_for_user(request.user), pk=pk)


def _require_change(request: HttpRequest, body: Body) -> None:
    if not can_change_items(request.user, body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))


def _is_htmx_partial(request: HttpRequest) -> bool:
    headers = request.headers
    return headers.get("HX-Request") == "true" and headers.get("HX-History-Restore-Request") != (
        "true"
    )


def missing_labels(item: Item) -> list[str]:
    return [
        capfirst(Item._meta.get_field(name).verbose_name)
        if name != "exemption_period"
        else capfirst(_("exemption period"))
        for name in item.missing_fields()
    ]


# --- the register --------------------------------------------------------------------------


def _sorted(items, sort: str):
    key = sort.lstrip("-")
    descending = sort.startswith("-")
    if key == "classification":
        expression = Case(
            *[When(classification=c, then=Value(n)) for c, n in CLASSIFICATION_ORDER.items()],
            output_field=IntegerField(),
        )
    else:
        expression = F(key)
    order = expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)
    return items.order_by(order, "title", "pk")


def _register_filters(request: HttpRequest, body: Body) -> tuple[ItemFilterForm, dict[str, Any]]:
    """The register's search and filters from the query string (bad values dropped)."""
    form = ItemFilterForm(request.GET, body=body, years=register_years(body))
    return form, form.filters()


def _filters_line(form: ItemFilterForm, filters: dict[str, Any]) -> str:
    """The filters applied, in Indonesian, for the title block of a filtered export."""
    parts = []
    with translation.override("id"):
        for name in ("q", "classification", "unit", "year", "attachments"):
            if name not in filters:
                continue
            field = form.fields[name]
            value = filters[name]
            if name == "q":
                shown = f"“{value}”"
            elif name == "unit":
                shown = value.name
            elif hasattr(field, "choices"):
                shown = str(dict(field.choices).get(value, value))
            else:
                shown = str(value)
            parts.append(f"{capfirst(str(field.label))}: {shown}")
    return "Disaring menurut " + "; ".join(parts) if parts else ""


def _export_query(request: HttpRequest) -> str:
    """The page's search and filters as the export's query string (no page, no sort)."""
    params = request.GET.copy()
    for name in ("page", "sort"):
        params.pop(name, None)
    return params.urlencode()


def _sort_columns(request: HttpRequest, sort: str) -> dict[str, dict[str, Any]]:
    columns = {}
    for key, label in SORTABLE.items():
        current = sort.lstrip("-") == key
        descending = sort.startswith("-")
        params = request.GET.copy()
        params.pop("page", None)
        params["sort"] = f"-{key}" if current and not descending else key
        columns[key] = {
            "label": label,
            "query": params.urlencode(),
            "aria_sort": ("descending" if descending else "ascending") if current else "",
        }
    return columns


@login_required
def item_list(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    form, filters = _register_filters(request, body)
    sort = filters.get("sort", DEFAULT_SORT)
    if sort.lstrip("-") not in SORTABLE:
        sort = DEFAULT_SORT
    items = _sorted(register_filtered(register_items(request.user, body), filters), sort)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "body": body,
        "form": form,
        "page": page,
        "rows": [{"item": item, "missing": missing_labels(item)} for item in page],
        "columns": _sort_columns(request, sort),
        "sort": sort,
        "page_query": params.urlencode(),
        "may_change": can_change_items(request.user, body),
        "filtered": any(k != "sort" for k in filters),
        "export_query": _export_query(request),
    }
    partial = _is_htmx_partial(request)
    context["partial"] = partial
    template = "dip/_item_results.html" if partial else "dip/item_list.html"
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@login_required
@require_safe
def item_export(request: HttpRequest, slug: str) -> HttpResponse:
    """The body's register as .xlsx, every field, as the officer may see it: the whole register,
    or, given the register page's search and filters (its query string), the same rows the page
    shows (`register_filtered`, the one door), said so in the title block."""
    body = _body(request, slug)
    form, filters = _register_filters(request, body)
    items = register_filtered(register_items(request.user, body), filters)
    at = timezone.now()
    content = register_xlsx(
        body=body, items=items, at=at, filters_line=_filters_line(form, filters)
    )
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    # The day of the body's clock, as the title block says it.
    name = f"{body.slug}-register-{body_time(at, body):%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = content_disposition(name, as_attachment=True)
    response["Cache-Control"] = "private, no-store"
    return response


# --- one item ------------------------------------------------------------------------------


def _form_page(request: HttpRequest, form: ItemForm, body: Body, item: Item | None):
    return render(request, "dip/item_form.html", {"form": form, "body": body, "item": item})


@login_required
def item_create(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    _require_change(request, body)
    form = ItemForm(request.POST or None, body=body)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(body=body, user=request.user, **form.item_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("“%(title)s” was added to the register.") % {"title": item.title}
            )
            return redirect("dip:item", pk=item.pk)
    return _form_page(request, form, body, None)


@login_required
def item_update(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    _require_change(request, item.body)
    # The form works on a copy, so the page keeps the stored title while it shows errors.
    form = ItemForm(request.POST or None, instance=copy.copy(item), body=item.body)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_update(item=item, user=request.user, **form.item_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Changes to “%(title)s” saved.") % {"title": item.title})
            return redirect("dip:item", pk=item.pk)
    return _form_page(request, form, item.body, item)


def _field_rows(item: Item) -> list[dict[str, Any]]:
    names = ["classification", "unit"]
    if item.classification == Classification.BERKALA:
        names.append("update_period_months")
    names += PERKI_FIELDS
    if item.classification == Classification.DIKECUALIKAN:
        names += EXEMPTION_FIELDS
    missing = set(item.missing_fields())
    rows = []
    for name in names:
        field = Item._meta.get_field(name)
        value = getattr(item, name)
        if field.choices and value:
            value = getattr(item, f"get_{name}_display")()
        elif isinstance(value, bool):
            value = _("Yes") if value else _("No")
        rows.append(
            {
                "name": name,
                "label": capfirst(field.verbose_name),
                "value": "" if value is None else value,
                "missing": name in missing,
            }
        )
    return rows


def _item_page(
    request: HttpRequest, item: Item, upload_form: AttachmentUploadForm | None = None
) -> HttpResponse:
    may_change = can_change_items(request.user, item.body)
    review = item_review_edition(item)
    if upload_form is None:
        upload_form = AttachmentUploadForm(max_size=filesizeformat(settings.PPID_UPLOAD_MAX_BYTES))
    changes = list(
        item.classification_changes.select_related("edition", "proposed_by", "decided_by").order_by(
            "-proposed_at", "-pk"
        )[:10]
    )
    pending = next((c for c in changes if c.state in OPEN_CHANGE_STATES), None)
    dikecualikan = item.classification == Classification.DIKECUALIKAN
    context = {
        "item": item,
        "body": item.body,
        "fields": _field_rows(item),
        "missing": missing_labels(item),
        "attachments": list(item.attachments.all()),
        "editions": list(item_editions(item)),
        "review": review,
        "may_change": may_change,
        "may_edit_now": may_change and review is None,
        "upload_form": upload_form,
        # A refused upload is shown with its errors even if the item went into review meanwhile.
        "show_upload": (may_change and review is None) or upload_form.is_bound,
        "may_mark_updated": item.classification == Classification.BERKALA
        and can_mark_updated(request.user, item.body),
        "may_review_exemption": item.exemption_ended_on is not None
        and review is None
        and can_review_exemption(request.user, item.body),
        "changes": changes,
        "pending_change": pending,
        "may_propose_change": pending is None
        and review is None
        and can_propose_classification_change(request.user, item.body),
        "may_decide_change": pending is not None
        and pending.edition is not None
        and can_amend_in_consideration(request.user, pending.edition),
        "may_close_event": dikecualikan
        and bool(item.exemption_event.strip())
        and item.exemption_event_happened_on is None
        and can_close_exemption_event(request.user, item.body),
        # Serta merta (Pasal 10): announced at once on its own request, approved by the PPID.
        "may_request_serta_merta": item.classification == Classification.SERTA_MERTA
        and can_request_serta_merta(request.user, item.body),
        "serta_merta_announcements": list(
            item.announcements.filter(kind=AnnouncementKind.SERTA_MERTA).order_by("-announced_at")
        )
        if item.classification == Classification.SERTA_MERTA
        else [],
    }
    return render(request, "dip/item_detail.html", context)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_page(request, _item(request, pk))


@login_required
def item_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    _require_change(request, item.body)
    if request.method == "POST":
        try:
            services.item_delete(item=item, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("dip:item", pk=item.pk)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": item.title})
        return redirect("dip:items", slug=item.body.slug)
    return render(request, "dip/item_confirm_delete.html", {"item": item, "body": item.body})


# --- attachments ---------------------------------------------------------------------------


@login_required
@require_POST
def attachments_upload(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    _require_change(request, item.body)
    form = AttachmentUploadForm(
        request.POST,
        request.FILES,
        max_size=filesizeformat(settings.PPID_UPLOAD_MAX_BYTES),
    )
    if form.is_valid():
        try:
            created = services.attachments_create(
                item=item,
                user=request.user,
                uploads=form.cleaned_data["file"],
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            names = ", ".join(a.original_name for a in created)
            messages.success(request, _("Attached: %(names)s.") % {"names": names})
            return redirect("dip:item", pk=item.pk)
    return _item_page(request, item, form)


def _visible_attachment(request: HttpRequest, pk: int) -> Attachment:
    return get_object_or_404(
        Attachment.objects.filter(item__in=items_for_user(request.user).values("pk")), pk=pk
    )


def _file_response(field, **kwargs: Any) -> HttpResponseBase:
    response = file_response(field, **kwargs)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = _visible_attachment(request, pk)
    return _file_response(
        attachment.file,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
def attachment_thumbnail(request: HttpRequest, pk: int) -> HttpResponseBase:
    attachment = _visible_attachment(request, pk)
    if not attachment.thumbnail:
        raise Http404
    return _file_response(
        attachment.thumbnail,
        as_attachment=False,
        filename=f"{Path(attachment.original_name).stem}.png",
        content_type="image/png",
    )
