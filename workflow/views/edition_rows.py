"""An edition's rows while it is assembled: pick items from the register, take one out."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dip import services as dip_services
from dip.models import EditionItem, EditionKind
from dip.permissions import can_assemble_edition
from dip.selectors import items_for_user
from workflow.views.common import get_edition


@login_required
def edition_pick(request, pk):
    """Search the register and add many items at once (all or none)."""
    edition = get_edition(request, pk)
    if not (edition.is_editable and can_assemble_edition(request.user, edition)):
        raise PermissionDenied
    present = EditionItem.objects.filter(edition=edition).values("item_id")
    candidates = items_for_user(request.user).filter(body=edition.body).exclude(pk__in=present)
    candidates = (
        candidates.filter(classification="dikecualikan")
        if edition.kind == EditionKind.DIK
        else candidates.exclude(classification="dikecualikan")
    )
    query = request.POST.get("q", request.GET.get("q", "")).strip()
    if query:
        candidates = candidates.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    if request.method == "POST":
        if request.POST.get("all"):  # "select all": every item that matches, on every page
            items = list(candidates.order_by("title", "pk"))
        else:
            ids = [int(i) for i in request.POST.getlist("items") if i.isdigit()]
            items = list(items_for_user(request.user).filter(pk__in=ids))
        if not items:
            messages.error(request, _("Choose at least one item."))
        else:
            try:
                dip_services.edition_add_items(edition=edition, items=items, user=request.user)
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("%(n)d items added.") % {"n": len(items)})
                return redirect("workflow:edition", pk=edition.pk)
    page = Paginator(candidates.order_by("title", "pk"), 50).get_page(request.GET.get("page"))
    template = (
        "workflow/_pick_rows.html"
        if request.headers.get("HX-Request")
        else "workflow/edition_pick.html"
    )
    return render(
        request, template, {"edition": edition, "body": edition.body, "page": page, "q": query}
    )


@login_required
@require_POST
def edition_unpick(request, pk, item_id):
    edition = get_edition(request, pk)
    item = items_for_user(request.user).filter(pk=item_id).first()
    if item is None:
        raise Http404
    try:
        dip_services.edition_remove_item(edition=edition, item=item, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("“%(t)s” removed from the edition.") % {"t": item.title})
    return redirect("workflow:edition", pk=edition.pk)
