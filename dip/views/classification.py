"""Classification changes into or out of dikecualikan: an officer proposes one, the tim
pertimbangan decides it while it considers the DIK it rides on. The services decide and audit;
the change takes effect only when the atasan signs that DIK."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dip.forms import ChangeDecisionForm, ClassificationChangeForm, add_service_errors
from dip.permissions import can_propose_classification_change
from dip.selectors import classification_changes_for_user, items_for_user
from dip.services import classification


@login_required
def propose(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(items_for_user(request.user), pk=pk)
    if not can_propose_classification_change(request.user, item.body):
        raise PermissionDenied(_("Your role in this public body does not allow this action."))
    form = ClassificationChangeForm(request.POST or None, item=item)
    if request.method == "POST" and form.is_valid():
        try:
            change = classification.classification_change_propose(
                item=item, user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "The change of “%(title)s” to %(classification)s is proposed. The tim "
                    "pertimbangan decides it in the DIK; it takes effect when the atasan signs."
                )
                % {"title": item.title, "classification": change.get_to_classification_display()},
            )
            return redirect("dip:item", pk=item.pk)
    context = {"item": item, "body": item.body, "form": form, "opens": form.opens}
    return render(request, "dip/classification_change_form.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    change = get_object_or_404(classification_changes_for_user(request.user), pk=pk)
    form = ChangeDecisionForm(request.POST)
    # Back to the edition page when the tim decided there, else to the item's page.
    back = (
        redirect("workflow:edition", pk=change.edition_id)
        if request.POST.get("back") == "edition" and change.edition_id
        else redirect("dip:item", pk=change.item_id)
    )
    if not form.is_valid():
        messages.error(request, _("Choose agree or refuse."))
        return back
    agree = form.cleaned_data["decision"] == ChangeDecisionForm.AGREE
    try:
        classification.classification_change_decide(
            change=change, user=request.user, agree=agree, note=form.cleaned_data["note"]
        )
    except classification.ChangeClosed as conflict:
        messages.warning(request, str(conflict))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The classification change is agreed; it takes effect when the atasan signs.")
            if agree
            else _("The classification change is refused."),
        )
    return back
