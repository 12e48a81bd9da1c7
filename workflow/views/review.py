"""Review records of an edition: the Nota Dinas, comments, the tim's consideration, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dip import selectors as dip_selectors
from dip import services as dip_services
from dip.models import EditionKind, Item, Stage
from dip.permissions import can_write_consideration_record
from dip.selectors import consideration_record_of, items_for_user, record_member_candidates
from ppid.calendar import body_today
from ppid.forms import add_service_errors
from workflow import services
from workflow.forms import CommentForm, ConsiderationForm, ConsiderationRecordForm, NotaDinasForm
from workflow.models import AuditEntry, ConsiderationDecision, NotaDinas
from workflow.selectors import available_transitions, blocked_transitions
from workflow.views.common import get_edition


@login_required
def nota_dinas(request, pk):
    edition = get_edition(request, pk)
    nota = NotaDinas.objects.filter(edition=edition).first()
    may_write = edition.state == "instruction" and "instruct" in available_transitions(
        edition, request.user
    )
    form = NotaDinasForm(
        request.POST or None, instance=nota, initial={"dated": body_today(edition.body)}
    )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.nota_dinas_save(
                    edition=edition,
                    user=request.user,
                    **{f: form.cleaned_data[f] for f in NotaDinasForm.Meta.fields},
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Nota Dinas saved. Issue it to send it to the units."))
                return redirect("workflow:edition", pk=edition.pk)
    return render(
        request,
        "workflow/nota_dinas.html",
        {
            "edition": edition,
            "body": edition.body,
            "form": form,
            "nota": nota,
            "may_write": may_write,
        },
    )


@login_required
def nota_dinas_print(request, pk):
    edition = get_edition(request, pk)
    nota = NotaDinas.objects.filter(edition=edition).select_related("written_by__officer").first()
    if nota is None:
        raise Http404
    return render(
        request,
        "workflow/nota_dinas_print.html",
        {"edition": edition, "body": edition.body, "nota": nota},
    )


@login_required
@require_POST
def comment_add(request, pk):
    edition = get_edition(request, pk)
    form = CommentForm(request.POST)
    item = None
    if form.is_valid():
        if form.cleaned_data["item"]:
            item = items_for_user(request.user).filter(pk=form.cleaned_data["item"]).first()
        try:
            services.review_comment_add(
                edition=edition, user=request.user, item=item, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error("text", error.messages)
    if request.headers.get("HX-Request"):
        comments = edition.comments.filter(item=item).select_related("author")
        return render(
            request,
            "workflow/_comments.html",
            {
                "edition": edition,
                "comments": comments,
                "item_id": item.pk if item else None,
                "comment_form": form if form.errors else CommentForm(),
                "may_comment": True,
            },
        )
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        messages.success(request, _("Comment saved."))
    return redirect("workflow:edition", pk=edition.pk)


@login_required
@require_POST
def consideration_record(request, pk, item_id):
    edition = get_edition(request, pk)
    item = get_object_or_404(items_for_user(request.user), pk=item_id)
    form = ConsiderationForm(request.POST)
    if form.is_valid():
        try:
            services.consideration_record(
                edition=edition,
                item=item,
                user=request.user,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                changes=form.changes(),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, f"{item.title}: {message}")
        else:
            messages.success(request, _("Consideration recorded for “%(t)s”.") % {"t": item.title})
    else:
        for errors in form.errors.values():
            messages.error(request, f"{item.title}: {' '.join(errors)}")
    return redirect(f"{reverse('workflow:edition', args=[edition.pk])}#row-{item.pk}")


@login_required
def consideration_record_page(request, pk):
    """The berita acara uji konsekuensi: the tim writes it at the consideration stage; everyone
    who sees the edition reads it."""
    edition = get_edition(request, pk)
    if edition.route_stage(Stage.CONSIDERATION) is None:
        raise Http404
    record = consideration_record_of(edition)
    may_write = can_write_consideration_record(request.user, edition)
    initial = {"held_on": body_today(edition.body)}
    if record is not None:
        initial = {
            "place": record.place,
            "held_on": record.held_on,
            "opening": record.opening,
            "members": [m["user"] for m in record.members],
        }
    form = ConsiderationRecordForm(
        request.POST or None, initial=initial, candidates=record_member_candidates(edition)
    )
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                dip_services.consideration_record_save(
                    edition=edition,
                    user=request.user,
                    place=data["place"],
                    held_on=data["held_on"],
                    member_ids=[u.pk for u in data["members"]],
                    opening=data["opening"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Berita acara uji konsekuensi saved."))
                return redirect("workflow:edition", pk=edition.pk)
    return render(
        request,
        "workflow/consideration_record.html",
        {
            "edition": edition,
            "body": edition.body,
            "form": form,
            "record": record,
            "may_write": may_write,
        },
    )


@login_required
def considerations(request, pk):
    """The tim's page: each row's consequence test (legal ground, consequences, public
    interest, period) beside a compact decision ("setuju" by default), one save for all rows
    (all of them or, on any error, none, each error next to its row)."""
    edition = get_edition(request, pk)
    if edition.kind != EditionKind.DIK and edition.route_stage(Stage.CONSIDERATION) is None:
        raise Http404
    names = available_transitions(edition, request.user)
    may_decide = "consider" in names
    blocked = blocked_transitions(edition, names).get("consider")
    decided = {c.item_id: c for c in edition.considerations.select_related("decided_by")}
    items = list(dip_selectors.edition_entries(edition))
    data = request.POST if request.method == "POST" else None
    rows = []
    for number, item in enumerate(items, start=1):
        current = decided.get(item.pk)
        form = ConsiderationForm(
            data,
            prefix=f"r{item.pk}",
            initial={
                "decision": current.decision if current else ConsiderationDecision.AGREE,
                "note": current.note if current else "",
            },
        )
        rows.append({"number": number, "item": item, "form": form, "decided": current})
    if request.method == "POST":
        if not may_decide:
            raise PermissionDenied
        if all(row["form"].is_valid() for row in rows):
            try:
                services.considerations_record_all(
                    edition=edition,
                    user=request.user,
                    decisions=[
                        {
                            "item": row["item"],
                            "decision": row["form"].cleaned_data["decision"],
                            "note": row["form"].cleaned_data["note"],
                            "changes": row["form"].changes(),
                        }
                        for row in rows
                    ],
                )
            except services.RowErrors as error:
                for row in rows:
                    if row_errors := error.rows.get(str(row["item"].pk)):
                        add_service_errors(row["form"], ValidationError(row_errors))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request,
                    _("The tim's decisions on %(n)d rows are saved.") % {"n": len(rows)},
                )
                return redirect("workflow:considerations", pk=edition.pk)
        if any(row["form"].errors for row in rows):
            messages.error(request, _("Nothing was saved: correct the rows marked below."))
    return render(
        request,
        "workflow/considerations.html",
        {
            "edition": edition,
            "body": edition.body,
            "rows": rows,
            "may_decide": may_decide,
            "all_decided": bool(items) and all(i.pk in decided for i in items),
            "may_pass_on": may_decide and blocked is None,
            "blocked": blocked,
        },
    )


@login_required
def item_history(request, item_id):
    """The audit trail of one item (loaded into the item page with htmx)."""
    item = get_object_or_404(items_for_user(request.user), pk=item_id)
    entries = (
        AuditEntry.objects.filter(target_type="dip.item", target_id=str(item.pk))
        .select_related("actor")
        .order_by("-at", "-pk")[:100]
    )
    rows = [
        {
            "at": e.at,
            "actor": e.actor,
            "what": ITEM_ACTIONS.get(e.action, e.action),
            "details": [(_field_label(k), v) for k, v in e.data.items()],
        }
        for e in entries
    ]
    return render(request, "workflow/_item_history.html", {"item": item, "rows": rows})


ITEM_ACTIONS = {
    "item.create": gettext_lazy("added to the register"),
    "item.update": gettext_lazy("changed"),
    "item.delete": gettext_lazy("deleted"),
    "item.amend_in_consideration": gettext_lazy("changed by the tim pertimbangan"),
    "item.opened_in_consideration": gettext_lazy("opened by the tim pertimbangan"),
    "classification_change.propose": gettext_lazy("classification change proposed"),
    "classification_change.decide": gettext_lazy(
        "classification change decided by the tim pertimbangan"
    ),
    "classification_change.apply": gettext_lazy("classification changed (DIK signed)"),
    "classification_change.withdraw": gettext_lazy("classification change withdrawn"),
    "item.exemption_event_closed": gettext_lazy("the event ending the exemption happened"),
}


def _field_label(name: str) -> str:
    try:
        return str(Item._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name
