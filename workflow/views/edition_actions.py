"""An edition's transitions from its page: confirm, then run one through the same service as
the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dip.models import TRANSITIONS, Stage
from ppid.forms import add_service_errors
from ppid.twofactor import SecondFactorRequired
from workflow import services
from workflow.forms import ActionForm
from workflow.selectors import available_transitions, blocked_transitions
from workflow.views.common import get_edition


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
