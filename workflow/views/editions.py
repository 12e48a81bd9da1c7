"""Edition screens: list and create, the workspace/review page, actions, Nota Dinas, timeline."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dip import rendering
from dip import services as dip_services
from dip.models import (
    TRANSITIONS,
    DocumentStatus,
    EditionDocument,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
    RecordDocument,
    Stage,
)
from dip.permissions import (
    can_amend_in_consideration,
    can_assemble_edition,
    can_open_edition,
    can_retry_document,
)
from dip.selectors import (
    EDITION_ROWS_PER_PAGE,
    consideration_record_of,
    edition_classification_changes,
    edition_document,
    edition_entries_page_queryset,
    edition_incomplete_count,
    items_for_user,
    record_document_of,
)
from dip.services import DocumentNotFailed
from ppid.downloads import file_response
from ppid.forms import add_service_errors
from ppid.twofactor import SecondFactorRequired
from workflow import services
from workflow.forms import (
    ActionForm,
    CommentForm,
    EditionCreateForm,
    NotaDinasForm,
)
from workflow.models import NotaDinas, Sop
from workflow.permissions import can_edit_sop
from workflow.selectors import (
    available_transitions,
    blocked_transitions,
    edition_history,
    edition_steps,
    open_step,
    sop_steps_with_paths,
    sop_versions,
    step_arrival,
)
from workflow.services import sertamerta
from workflow.views.common import get_body, get_edition
from workflow.views.routes import routes_context


def _decision(transition: str) -> str:
    """The word the history shows for a transition (its own name when unknown)."""
    spec = TRANSITIONS.get(transition)
    return spec.decision if spec else transition


@login_required
def edition_list(request, slug):
    body = get_body(request, slug)
    editions = body.editions.order_by("-year", "-revision", "kind")
    form = EditionCreateForm(request.POST or None, initial={"year": timezone.localdate().year})
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
        **_document_context(request, edition),
    }
    return render(request, "workflow/edition_detail.html", context)


# --- the signed document ----------------------------------------------------------------------


def _document_context(request, edition) -> dict:
    document = edition_document(edition) if edition.is_signed else None
    record = record_document_of(edition) if edition.is_signed else None
    publishing = edition.state == Stage.PUBLICATION
    status = document.status if document else DocumentStatus.PENDING
    if DocumentStatus.FAILED in (status, record.status if record else None):
        phase = "failed"  # either signed PDF: publication waits for a retry
    elif not publishing and status == DocumentStatus.READY:
        phase = "done"
    elif status == DocumentStatus.READY:
        phase = "publishing"  # the PDF is signed and stored; the edition goes public now
    else:
        phase = "rendering" if status == DocumentStatus.RENDERING else "queued"
    may_retry = can_retry_document(request.user, edition)
    return {
        "document": document,
        "record_document": record,
        "publishing": publishing,
        "publication_phase": phase,
        "document_busy": phase in ("queued", "rendering", "publishing")
        and (publishing or document is not None),
        "may_retry_document": document is not None
        and document.status == DocumentStatus.FAILED
        and may_retry,
        "may_retry_record": record is not None
        and record.status == DocumentStatus.FAILED
        and may_retry,
    }


@login_required
def edition_document_status(request, pk):
    """The document's status as a fragment; the edition page polls it while the system
    publishes (waiting, rendering and signing, publishing), and reloads itself once the phase
    it showed (`?phase=`) has moved on to an end (or, without it, once the build has ended)."""
    edition = get_edition(request, pk)
    context = {"edition": edition, **_document_context(request, edition)}
    if context["document"] is None and not context["publishing"]:
        raise Http404
    phase, seen = context["publication_phase"], request.GET.get("phase", "")
    ended = phase in ("done", "failed") or (not seen and phase == "publishing")
    if request.headers.get("HX-Request") and (ended or not context["document_busy"]):
        context["document_busy"] = False
        response = render(request, "workflow/_document_status.html", context)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "workflow/_document_status.html", context)


# The signed artefacts an officer may ask to build again, by the URL's word.
RETRY_ARTEFACTS = {"document": EditionDocument, "record": RecordDocument}


@login_required
def edition_document_retry(request, pk, artefact: str = "document"):
    """Confirm, then build a failed signed PDF again (the edition's document, or its berita
    acara uji konsekuensi): the same service as the API's retry."""
    edition = get_edition(request, pk)
    model = RETRY_ARTEFACTS[artefact]
    if not can_retry_document(request.user, edition):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    if request.method == "POST":
        try:
            services.edition_document_rebuild(edition=edition, user=request.user, artefact=model)
        except DocumentNotFailed as conflict:
            messages.warning(request, str(conflict))
        else:
            messages.success(
                request,
                _("The signed document will be built again.")
                if model is EditionDocument
                else _("The signed berita acara will be built again."),
            )
        return redirect("workflow:edition", pk=edition.pk)
    document = model.objects.filter(edition=edition).first()
    if document is None or document.status != DocumentStatus.FAILED:
        messages.warning(request, str(DocumentNotFailed(document)))
        return redirect("workflow:edition", pk=edition.pk)
    context = {
        "edition": edition,
        "body": edition.body,
        "document": document,
        "record": model is RecordDocument,
    }
    return render(request, "workflow/document_retry_confirm.html", context)


@login_required
def edition_document_pdf(request, pk):
    """The signed PDF, for the officers who see the edition."""
    edition = get_edition(request, pk)
    document = edition_document(edition)
    if document is None or document.status != DocumentStatus.READY or not document.file:
        raise Http404
    revision = f"-perubahan-{edition.revision}" if edition.revision else ""
    response = file_response(
        document.file,
        as_attachment=False,
        content_type="application/pdf",
        filename=f"{edition.kind}-{edition.body.slug}-{edition.year}{revision}.pdf",
    )
    response["Cache-Control"] = "private, max-age=0"
    return response


@login_required
def edition_preview_pdf(request, pk):
    """The DRAF preview of an unsigned edition: the document it would become, rendered with the
    official template and watermarked "DRAF"; never signed, never stored. For the officers who
    see the edition (others get 404 from get_edition)."""
    edition = get_edition(request, pk)
    if edition.is_signed or not edition.entries.exists():
        raise Http404
    response = HttpResponse(rendering.render_draft_pdf(edition), content_type="application/pdf")
    revision = f"-perubahan-{edition.revision}" if edition.revision else ""
    name = f"DRAF-{edition.kind}-{edition.body.slug}-{edition.year}{revision}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


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


@login_required
def edition_action(request, pk, name):
    """Confirm, then run a transition: the same service the API uses."""
    if name not in services.USER_TRANSITIONS:
        raise Http404
    edition = get_edition(request, pk)
    spec = TRANSITIONS[name]
    signs = (
        spec.completes is not None
        and spec.completes == edition.state
        and edition.next_stage() == Stage.PUBLICATION
    )
    form = ActionForm(request.POST or None, initial={"expected_state": edition.state}, signs=signs)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["expected_state"] != edition.state:
            messages.warning(
                request,
                _("Already processed: the edition is now at stage “%(s)s”.")
                % {"s": edition.get_state_display()},
            )
            return redirect("workflow:edition", pk=edition.pk)
        try:
            edition = services.edition_transition(
                edition=edition,
                name=name,
                user=request.user,
                note=form.cleaned_data["note"],
                **form.decree(),
            )
        except services.TransitionConflict as conflict:
            messages.warning(request, str(conflict))
            return redirect("workflow:edition", pk=edition.pk)
        except SecondFactorRequired as refusal:
            return render(
                request,
                "ppid/second_factor_required.html",
                {"message": str(refusal), "next": request.get_full_path()},
                status=403,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            edition.refresh_from_db()  # publication may already have run on commit
            messages.success(
                request,
                _("Done: the edition is now at stage “%(s)s”.")
                % {"s": edition.get_state_display()},
            )
            return redirect("workflow:edition", pk=edition.pk)
    elif request.method == "GET":
        names = available_transitions(edition, request.user)
        if name not in names:
            messages.warning(request, _("This action is not available to you at this stage."))
            return redirect("workflow:edition", pk=edition.pk)
        if blocked := blocked_transitions(edition, [name], request.user).get(name):
            # Offered only once it can succeed: say what is missing and go where it is done.
            messages.warning(request, f"{blocked.reason} {blocked.fix_label}.")
            return redirect(blocked.fix_url)
    return render(
        request,
        "workflow/edition_action.html",
        {
            "edition": edition,
            "body": edition.body,
            "form": form,
            "name": name,
            "label": TRANSITIONS[name].label,
            "note_required": TRANSITIONS[name].note_required,
            "signs": signs,
        },
    )


@login_required
def nota_dinas(request, pk):
    edition = get_edition(request, pk)
    nota = NotaDinas.objects.filter(edition=edition).first()
    may_write = edition.state == "instruction" and "instruct" in available_transitions(
        edition, request.user
    )
    form = NotaDinasForm(
        request.POST or None, instance=nota, initial={"dated": timezone.localdate()}
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


@login_required
def sop_detail(request, slug):
    body = get_body(request, slug)
    sops = list(Sop.objects.filter(body=body, is_active=True).prefetch_related("steps"))
    context = routes_context(request, body)
    # The default routes this body follows come first, labelled as such (rule: both lists).
    sops = [*context["inherited_sops"], *sops]
    for sop in sops:
        sop.paths = sop_steps_with_paths(sop)
        sop.returning = [step for step in sop.paths if step.return_number]
    return render(
        request,
        "workflow/sop.html",
        {
            "body": body,
            "sops": sops,
            "versions": sop_versions(body),
            "may_edit": can_edit_sop(request.user, body),
            "serta_merta_standard": sertamerta.standard(body),
            **context,
        },
    )
