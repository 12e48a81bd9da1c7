"""SOP screens: the SOP page, change an SOP (a new version), and one version read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from workflow.forms import SopHeaderForm, sop_step_formset
from workflow.models import Sop
from workflow.permissions import can_edit_sop
from workflow.selectors import sop_steps_with_paths, sop_versions
from workflow.services import sertamerta
from workflow.services.sops import SopNotInForce, sop_header, sop_revise, sop_step_rows
from workflow.views.common import get_body
from workflow.views.routes import routes_context

MAX_EXTRA_ROWS = 10


def _extra_rows(request) -> int:
    try:
        return max(1, min(int(request.GET.get("baris", 1)), MAX_EXTRA_ROWS))
    except ValueError:
        return 1


def _show_service_errors(error: ValidationError, header, formset) -> None:
    """Header errors next to their fields, step and route errors above the steps."""
    if not hasattr(error, "error_dict"):
        header.add_error(None, error.messages)
        return
    for field, messages_ in error.message_dict.items():
        if field == "steps":
            formset._non_form_errors = formset.error_class(
                [*formset.non_form_errors(), *messages_], error_class="nonform"
            )
        elif field == "note":
            header.add_error("change_note", messages_)
        else:
            header.add_error(field if field in header.fields else None, messages_)


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


@login_required
def sop_edit(request, slug, pk):
    body = get_body(request, slug)
    sop = get_object_or_404(Sop, pk=pk, body=body)
    if not can_edit_sop(request.user, body):
        raise PermissionDenied
    if not sop.is_active:
        messages.info(request, _("That version is no longer in force; change the one in force."))
        return redirect("workflow:sop", slug=body.slug)
    data = request.POST if request.method == "POST" else None
    header = SopHeaderForm(
        data,
        instance=Sop(body=body, applies_to=sop.applies_to, is_active=False),
        initial=sop_header(sop),
    )
    extra = _extra_rows(request)
    formset = sop_step_formset(extra)(data, initial=sop_step_rows(sop), prefix="steps")
    if data is not None:
        header_valid = header.is_valid()
        if formset.is_valid() and header_valid:
            values = {k: v for k, v in header.cleaned_data.items() if k != "change_note"}
            try:
                new = sop_revise(
                    sop=sop,
                    user=request.user,
                    header=values,
                    steps=formset.rows(),
                    note=header.cleaned_data["change_note"],
                )
            except SopNotInForce as conflict:
                messages.error(request, str(conflict))
                return redirect("workflow:sop", slug=body.slug)
            except ValidationError as error:
                _show_service_errors(error, header, formset)
            else:
                messages.success(
                    request,
                    _("SOP saved as version %(v)d; it is in force from now on.")
                    % {"v": new.version},
                )
                return redirect("workflow:sop", slug=body.slug)
    return render(
        request,
        "workflow/sop_edit.html",
        {
            "body": body,
            "sop": sop,
            "header": header,
            "formset": formset,
            "more_rows": min(extra + 2, MAX_EXTRA_ROWS),
        },
    )


@login_required
def sop_version(request, slug, pk):
    body = get_body(request, slug)
    sop = get_object_or_404(Sop.objects.select_related("created_by", "replaces"), pk=pk, body=body)
    steps = sop_steps_with_paths(sop)
    returning = [step for step in steps if step.return_number]
    return render(
        request,
        "workflow/sop_version.html",
        {"body": body, "sop": sop, "steps": steps, "returning": returning},
    )
