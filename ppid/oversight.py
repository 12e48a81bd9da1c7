"""Who oversees whom: the one rule, read by roles (`ppid.permissions`), by the selectors of
every app and by escalation (`workflow.services.watch`).

A PPID Utama holds the role on a body and oversees that body and the bodies directly under it
(`Body.parent`). Every other role reaches only the body it is granted on. A deeper hierarchy
changes `overseer_ids` and `bodies_reached` here, and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from ppid.models import Body, BodyUserObjectPermission, Role

User = AbstractBaseUser | AnonymousUser
ROLE_CODENAMES = {role.codename: role for role in Role}
UTAMA = Role.PPID_UTAMA.codename


def overseer_ids(body: Body, *, including_self: bool = True) -> list[int]:
    """The bodies whose PPID Utama oversees `body`: the body itself and the one above it."""
    above = [body.parent_id] if body.parent_id else []
    return [body.pk, *above] if including_self else above


def bodies_reached(user: User, roles: Iterable[Role | str] = Role) -> QuerySet[Body]:
    """The bodies where `user` holds one of `roles`: granted on the body itself, or, for the
    PPID Utama, on a body that oversees it. One query, as a subquery for filters.

    The set is a UNION of the two ways in (the grants, and the bodies under a PPID Utama
    grant) rather than an OR of two EXISTS: PostgreSQL estimates a union of a user's few grants
    as the few rows it is, and so reads a large table (items, steps, audit rows) through its
    per-body index; an OR of EXISTS it can only test row by row, after scanning everything of
    every body (issue 15: 0.5 s instead of 30 ms for the flagged rows at province scale)."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    roles = {Role(r) for r in roles}
    grants = BodyUserObjectPermission.objects.filter(user=user).order_by()
    reached = grants.filter(permission__codename__in=[r.codename for r in roles]).values(
        "content_object_id"
    )
    if Role.PPID_UTAMA in roles:
        utama = grants.filter(permission__codename=UTAMA).values("content_object_id")
        reached = reached.union(Body.objects.filter(parent__in=utama).order_by().values("pk"))
    return Body.objects.filter(pk__in=reached)


def grants_for(user: User, bodies: Iterable[Body]) -> dict[int, set[str]]:
    """The user's role codenames on each of `bodies` and on the bodies overseeing them, by body
    id (one query)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    ids = {pk for body in bodies for pk in overseer_ids(body)}
    granted: dict[int, set[str]] = {}
    for body_id, codename in BodyUserObjectPermission.objects.filter(
        user=user, content_object_id__in=ids
    ).values_list("content_object_id", "permission__codename"):
        granted.setdefault(body_id, set()).add(codename)
    return granted


def utama_above(body: Body, granted: Mapping[int, set[str]]) -> bool:
    """`granted` (from `grants_for`) holds the PPID Utama role on a body above `body`."""
    return any(UTAMA in granted.get(pk, ()) for pk in overseer_ids(body, including_self=False))


def roles_held(body: Body, granted: Mapping[int, set[str]]) -> frozenset[Role]:
    """The roles that `granted` (from `grants_for`) gives on `body`."""
    codenames = set(granted.get(body.pk, ()))
    if utama_above(body, granted):
        codenames.add(UTAMA)
    return frozenset(ROLE_CODENAMES[c] for c in codenames if c in ROLE_CODENAMES)


def roles_held_expressions(user: User, body_ref: str) -> dict[str, Exists]:
    """`roles_held` in SQL, for a query that reads rows of a body (`body_ref`, the path to the
    body from the rows read, e.g. "body"): one boolean annotation `holds_<role>` per role, true
    when `user` holds it on that row's body (the PPID Utama's also on the body above it). The
    roles then come with the row, without a query of their own (`ppid.permissions
    .remember_roles`)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    grants = BodyUserObjectPermission.objects.filter(user=user)
    here = Q(content_object=OuterRef(body_ref))
    # The body above, as "a grant on the body that has this one among its children": read
    # through the subquery's own join, so the expression names no table of the outer query
    # but the rows' own (a lock compiles it once: workflow.services.editions.lock).
    above = Q(content_object__children=OuterRef(body_ref))
    return {
        f"holds_{role.value}": Exists(
            grants.filter(here | above if role == Role.PPID_UTAMA else here).filter(
                permission__codename=role.codename
            )
        )
        for role in Role
    }


def users_overseeing(body: Body) -> QuerySet[AbstractBaseUser]:
    """The active PPID Utama of `body`: holders of the role on the body or on the one above."""
    holds = BodyUserObjectPermission.objects.filter(
        user=OuterRef("pk"), content_object_id__in=overseer_ids(body), permission__codename=UTAMA
    )
    return get_user_model().objects.filter(Exists(holds), is_active=True).order_by("pk")
