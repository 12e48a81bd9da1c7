from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

from dip.models import SYSTEM_ACTOR, Stage
from ppid.models import Body
from workflow.models import Sop, route_problems

# How far up `Body.parent` the default route is looked for (a guard against a cycle).
MAX_DEPTH = 10


def bodies_above(body: Body) -> list[Body]:
    """`body`'s PPID Utama bodies, nearest first (its parent, the parent's parent, ...)."""
    chain: list[Body] = []
    seen = {body.pk}
    current = body
    while current.parent_id and current.parent_id not in seen and len(chain) < MAX_DEPTH:
        current = current.parent
        seen.add(current.pk)
        chain.append(current)
    return chain


def utama_name(body: Body) -> str:
    """How a default route names who set it: "PPID Utama <body>", unless the body's name says
    so already ("PPID Utama Pemerintah Provinsi Kalimantan Barat")."""
    return body.name if body.name.lower().startswith("ppid utama") else f"PPID Utama {body.name}"


def active_sop(body: Body, kind: str) -> Sop | None:
    """The route `body` uses for its DIP or DIK (`kind`): its own SOP in force for that list,
    or else the default route set by the nearest PPID Utama (the body itself, then the bodies
    above it) for that list; None when there is neither. The one door: every caller that asks
    "which route does this body follow for this list" asks here."""
    own = Sop.objects.filter(
        body=body, applies_to=kind, is_active=True, is_default_route=False
    ).first()
    if own is not None:
        return own
    chain = [body, *bodies_above(body)]
    defaults = {
        sop.body_id: sop
        for sop in Sop.objects.filter(
            body__in=chain, applies_to=kind, is_active=True, is_default_route=True
        ).select_related("body")
    }
    return next((defaults[b.pk] for b in chain if b.pk in defaults), None)


def sop_route(sop: Sop) -> dict[str, Any]:
    """The route an edition carries: the SOP's stages, actors and time standards, frozen."""
    steps = list(sop.steps.order_by("number"))
    if problems := route_problems(steps):
        raise ValidationError(problems)
    sop_info: dict[str, Any] = {
        "id": sop.pk,
        "number": sop.number,
        "name": sop.name,
        "version": sop.version,
    }
    if sop.is_default_route:
        # Where the route came from, for the edition's page: "the default route set by ...".
        sop_info["default_route_of"] = {
            "slug": sop.body.slug,
            "name": sop.body.name,
            "set_by": utama_name(sop.body),
        }
    return {
        "sop": sop_info,
        "stages": [
            {
                "stage": s.stage,
                "role": SYSTEM_ACTOR if s.stage == Stage.PUBLICATION else s.role,
                "lane_role": s.role,
                "lane": s.lane,
                "step": s.number,
                "activity": s.activity,
                "output": s.output,
                "requirements": s.requirements,
                "amount": s.time_amount,
                "unit": s.time_unit,
                "return_to": s.return_to or None,
            }
            for s in steps
        ],
    }
