"""Review actions posted from the edition page: comments, the tim's consideration, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dip.models import Item
from dip.selectors import items_for_user
from workflow import services
from workflow.forms import CommentForm, ConsiderationForm
from workflow.models import AuditEntry
from workflow.views.common import get_edition


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
