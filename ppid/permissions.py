"""Who holds which role where. Every rule about roles asks these predicates.

A user's roles in a body are the role permissions granted on that body, plus `ppid_utama` when
the user holds it on the body's parent. They are read with one query per (user, body) and kept
on the user object for the rest of the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q

from ppid.models import Body, BodyUserObjectPermission, Role

ROLE_CODENAMES = {role.codename: role for role in Role}
# Roles that may edit a body's register and assemble its editions.
EDITOR_ROLES = frozenset({Role.OPERATOR, Role.PPID, Role.PPID_UTAMA})

_CACHE_ATTR = "_ppid_roles_cache"


def user_roles(user: AbstractBaseUser | AnonymousUser, body: Body) -> frozenset[Role]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if body.pk in cache:
        return cache[body.pk]
    scope = Q(content_object_id=body.pk)
    if body.parent_id:
        scope |= Q(content_object_id=body.parent_id, permission__codename=Role.PPID_UTAMA.codename)
    codenames = BodyUserObjectPermission.objects.filter(scope, user=user).values_list(
        "permission__codename", flat=True
    )
    roles = frozenset(ROLE_CODENAMES[c] for c in codenames if c in ROLE_CODENAMES)
    cache[body.pk] = roles
    return roles


def forget_roles(user: AbstractBaseUser) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)


def has_role(user: AbstractBaseUser | AnonymousUser, body: Body, role: Role | str) -> bool:
    return Role(role) in user_roles(user, body)


def has_any_role(
    user: AbstractBaseUser | AnonymousUser, body: Body, roles: Iterable[Role | str]
) -> bool:
    return bool(user_roles(user, body) & {Role(r) for r in roles})


def can_edit_register(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    return has_any_role(user, body, EDITOR_ROLES)


def warm_roles(user: AbstractBaseUser | AnonymousUser, bodies: Iterable[Body]) -> None:
    """Read the user's roles for many bodies with one query (for lists)."""
    if not user.is_authenticated or not user.is_active:
        return
    bodies = list(bodies)
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    ids = {b.pk for b in bodies} | {b.parent_id for b in bodies if b.parent_id}
    granted: dict[int, set[str]] = {}
    for body_id, codename in BodyUserObjectPermission.objects.filter(
        user=user, content_object_id__in=ids
    ).values_list("content_object_id", "permission__codename"):
        granted.setdefault(body_id, set()).add(codename)
    utama = Role.PPID_UTAMA.codename
    for body in bodies:
        codenames = set(granted.get(body.pk, ()))
        if body.parent_id and utama in granted.get(body.parent_id, ()):
            codenames.add(utama)
        cache[body.pk] = frozenset(ROLE_CODENAMES[c] for c in codenames if c in ROLE_CODENAMES)


def can_manage_calendar(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    """The PPID Utama (of the body or of its parent) keeps the working calendar."""
    return has_role(user, body, Role.PPID_UTAMA)
