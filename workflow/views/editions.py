"""Edition screens: the body's editions (list and open), the edition page and its timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dip.models import TRANSITIONS, EditionRow, Item, Stage
from dip.permissions import can_amend_in_consideration, can_assemble_edition, can_open_edition
from dip.selectors import (
    EDITION_ROWS_PER_PAGE,
    consideration_record_of,
    edition_classification_changes,
    edition_entries_page_queryset,
    edition_incomplete_count,
)
from ppid.calendar import body_today
from ppid.forms import add_service_errors
from workflow import services
from workflow.forms import CommentForm, EditionCreateForm
from workflow.models import NotaDinas
from workflow.selectors import (
    available_transitions,
    blocked_transitions,
    edition_history,
    edition_steps,
    open_step,
    step_arrival,
)
from workflow.views.common import get_body, get_edition
from workflow.views.edition_documents import document_context


def _decision(transition: str) -> str:
    """The word the history shows for a transition (its own name when unknown)."""
    spec = TRANSITIONS.get(transition)
    return spec.decision if spec else transition


@login_required
def edition_list(request, slug):
    body = get_body(request, slug)
    editions = body.editions.order_by("-year", "-revision", "kind")
    form = EditionCreateForm(
        request.POST or None, body=body, initial={"year": body_today(body).year}
    )
    may_open = can_open_edition(request.user, body)
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied
        if form.is_valid():
            try:
                edition = services.edition_open(body=body, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Edition “%(t)s” opened.") % {"t": edition.title})
                if edition.revision and (
                    others := [e for e in editions if e.pk != edition.pk and e.is_open]
                ):
                    messages.warning(
                        request,
                        _("Other editions are still open: %(titles)s.")
                        % {"titles": "; ".join(e.display_title for e in others)},
                    )
                return redirect("workflow:edition", pk=edition.pk)
    return render(
        request,
        "workflow/edition_list.html",
        {
            "body": body,
            "editions": editions,
            "open_editions": [e for e in editions if e.is_open],
            "form": form,
            "may_open": may_open,
        },
    )


@login_required
def edition_detail(request, pk):
    edition = get_edition(request, pk)
    names = available_transitions(edition, request.user)
    comments = list(edition.comments.select_related("author", "item"))
    row_comments: dict[int, list] = {}
    for comment in comments:
        row_comments.setdefault(comment.item_id, []).append(comment)
    considerations = {c.item_id: c for c in edition.considerations.select_related("decided_by")}
    rows = []
    # The rows come a page at a time (a province's DIP runs to thousands): the page's rows, the
    # count and the incomplete count are queries of their own, whatever the edition's size.
    if edition.is_signed:
        signed = EditionRow.objects.filter(edition=edition).order_by("number")
        rows_page = Paginator(signed, EDITION_ROWS_PER_PAGE).get_page(request.GET.get("baris"))
        rows = [{"row": r, "comments": row_comments.get(r.item_id, [])} for r in rows_page]
        incomplete = 0
    else:
        rows_page = Paginator(
            edition_entries_page_queryset(edition), EDITION_ROWS_PER_PAGE
        ).get_page(request.GET.get("baris"))
        incomplete = edition_incomplete_count(edition) if edition.is_editable else 0
        for entry in rows_page:
            item = entry.item
            rows.append(
                {
                    "item": item,
                    "missing": [
                        Item._meta.get_field(f).verbose_name
                        if f != "exemption_period"
                        else _("exemption period")
                        for f in item.missing_fields()
                    ],
                    "comments": row_comments.get(item.pk, []),
                    "consideration": considerations.get(item.pk),
                }
            )
    may_comment = (
        edition.actor_role
        and edition.state in ("verification", "consideration", "approval")
        and any(n in names for n in ("verify", "consider", "sign", "return"))
    )
    blocked = blocked_transitions(edition, names, request.user)
    step = open_step(edition)
    context = {
        "edition": edition,
        "body": edition.body,
        "route": [(s, Stage(s["stage"]).label) for s in edition.stages],
        "step": step,
        "arrival": step_arrival(step),
        "rows": rows,
        "actions": [
            {"name": n, "label": TRANSITIONS[n].label, "blocked": blocked.get(n)} for n in names
        ],
        "show_consideration_link": edition.route_stage(Stage.CONSIDERATION) is not None
        and (edition.state == Stage.CONSIDERATION or bool(considerations)),
        "may_preview": not edition.is_signed and bool(rows),
        "rows_page": rows_page,
        "may_assemble": edition.is_editable and can_assemble_edition(request.user, edition),
        "may_comment": may_comment,
        "may_consider": "consider" in names,
        "edition_comments": row_comments.get(None, []),
        "comment_form": CommentForm(),
        "nota": NotaDinas.objects.filter(edition=edition).first(),
        "consideration_record": consideration_record_of(edition),
        "deliveries": list(
            edition.deliveries.select_related("aggregator").order_by("aggregator__name")
        ),
        "trail": [(e, _decision(e.transition)) for e in edition_history(edition)],
        "incomplete": incomplete,
        # Classification changes into or out of dikecualikan this DIK carries (issue 12 rule 1).
        "classification_changes": edition_classification_changes(edition),
        "may_decide_changes": can_amend_in_consideration(request.user, edition),
        "now": timezone.now(),
        **document_context(request, edition),
    }
    return render(request, "workflow/edition_detail.html", context)


@login_required
def timeline(request, pk):
    edition = get_edition(request, pk)
    steps = list(edition_steps(edition))
    now = timezone.now()
    for step in steps:
        end = step.finished_at or now
        step.elapsed = int((end - step.started_at).total_seconds())
        step.late = bool(step.due_at and end > step.due_at)
        step.decision = _decision(step.transition) if step.transition else ""
    return render(
        request,
        "workflow/timeline.html",
        {
            "edition": edition,
            "body": edition.body,
            "steps": steps,
            "history": edition_history(edition),
        },
    )
