"""The routes a body follows for its two lists, on its SOP page, and the PPID Utama's default
routes (set from the Perki steps, or withdrawn)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dip.models import EditionKind
from ppid.models import Body
from workflow import services
from workflow.models import Sop
from workflow.views.common import get_body


def routes_context(request, body: Body) -> dict:
    """For the SOP page: each list's route in force (own SOP or a default route, and whose),
    the default routes from above to show beside the body's own SOPs, and what the PPID Utama
    of this body may set."""
    routes = []
    inherited: list[Sop] = []
    for kind in EditionKind:
        sop = services.active_sop(body, kind)
        if sop is not None and sop.is_default_route:
            sop.set_by = services.utama_name(sop.body)
        routes.append({"kind": kind, "label": kind.label, "sop": sop})
        if sop is not None and sop.body_id != body.pk:
            inherited.append(sop)
    may_set = services.may_set_default_routes(request.user, body)
    defaults = (
        [{"kind": kind, "sop": services.default_route(body, kind)} for kind in EditionKind]
        if may_set or body.children.exists()
        else []
    )
    return {
        "routes": routes,
        "inherited_sops": inherited,
        "default_routes": defaults,
        "may_set_default_routes": may_set,
    }


def _kind(kind: str) -> str:
    if kind not in EditionKind.values:
        raise Http404
    return kind


@login_required
@require_POST
def default_route_set(request, slug, kind):
    body = get_body(request, slug)
    kind = _kind(kind)
    if not services.may_set_default_routes(request.user, body):
        raise PermissionDenied
    try:
        sop = services.default_route_set(body=body, kind=kind, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _(
                "Default route “%(name)s” set: the bodies below without their own SOP "
                "for the %(kind)s follow it."
            )
            % {"name": sop.name, "kind": EditionKind(kind).label},
        )
    return redirect("workflow:sop", slug=body.slug)


@login_required
@require_POST
def default_route_withdraw(request, slug, kind):
    body = get_body(request, slug)
    kind = _kind(kind)
    if not services.may_set_default_routes(request.user, body):
        raise PermissionDenied
    try:
        sop = services.default_route_withdraw(body=body, kind=kind, user=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Default route “%(name)s” withdrawn; editions in flight keep their route.")
            % {"name": sop.name},
        )
    return redirect("workflow:sop", slug=body.slug)
