"""Who holds which role where. Every rule about roles asks these predicates.

A user's roles in a body are the role permissions granted on that body, plus `ppid_utama` when
the user holds it on a body that oversees it (`ppid.oversight`, the one rule for that). They
are read with one query per (user, body) and kept on the user object for the rest of the
request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from ppid.models import Body, BodyUserObjectPermission, Role
from ppid.oversight import ROLE_CODENAMES, grants_for, roles_held, utama_above

# Roles that may edit a body's register and assemble its editions.
EDITOR_ROLES = frozenset({Role.OPERATOR, Role.PPID, Role.PPID_UTAMA})

_CACHE_ATTR = "_ppid_roles_cache"
_ANYWHERE_ATTR = "_ppid_roles_anywhere"


def user_roles(user: AbstractBaseUser | AnonymousUser, body: Body) -> frozenset[Role]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    if body.pk not in cache:
        cache[body.pk] = roles_held(body, grants_for(user, [body]))
    return cache[body.pk]


def remember_roles(user: AbstractBaseUser | AnonymousUser, body: Body, row) -> None:
    """Keep the roles that `row` read with `ppid.oversight.roles_held_expressions` as the
    user's roles on `body` for the rest of the request (no query)."""
    if not user.is_authenticated or not user.is_active:
        return
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    cache[body.pk] = frozenset(role for role in Role if getattr(row, f"holds_{role.value}"))


def forget_roles(user: AbstractBaseUser) -> None:
    user.__dict__.pop(_CACHE_ATTR, None)
    user.__dict__.pop(_ANYWHERE_ATTR, None)


def has_role(user: AbstractBaseUser | AnonymousUser, body: Body, role: Role | str) -> bool:
    return Role(role) in user_roles(user, body)


def has_any_role(
    user: AbstractBaseUser | AnonymousUser, body: Body, roles: Iterable[Role | str]
) -> bool:
    return bool(user_roles(user, body) & {Role(r) for r in roles})


def reaches_body(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    """`body` is among `ppid.selectors.bodies_for_user(user)`: the user holds a role there (the
    PPID Utama also on the bodies it oversees), or is a superuser."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return True
    return bool(user_roles(user, body))


def can_edit_register(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    return has_any_role(user, body, EDITOR_ROLES)


def warm_roles(user: AbstractBaseUser | AnonymousUser, bodies: Iterable[Body]) -> None:
    """Read the user's roles for many bodies with one query (for lists)."""
    if not user.is_authenticated or not user.is_active:
        return
    bodies = list(bodies)
    cache: dict[int, frozenset[Role]] = user.__dict__.setdefault(_CACHE_ATTR, {})
    granted = grants_for(user, bodies)
    for body in bodies:
        cache[body.pk] = roles_held(body, granted)


def can_manage_calendar(user: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    """The PPID Utama (of the body or of its parent) keeps the working calendar."""
    return has_role(user, body, Role.PPID_UTAMA)


# --- people management ------------------------------------------------------------------------
# A PPID Utama (the role on a body, or on its parent) manages everyone in that body; granting or
# revoking the PPID Utama role itself takes a PPID Utama of the parent, or a superuser. A body's
# PPID manages the body's operators only.
STAFF_ROLES = frozenset({Role.OPERATOR, Role.PPID, Role.TIM, Role.ATASAN})


def grantable_roles_many(
    actor: AbstractBaseUser | AnonymousUser, bodies: Iterable[Body]
) -> dict[int, frozenset[Role]]:
    """For each body, the roles `actor` may grant and revoke there (one query)."""
    bodies = list(bodies)
    if not actor.is_authenticated or not actor.is_active:
        return {body.pk: frozenset() for body in bodies}
    if actor.is_superuser:
        return {body.pk: frozenset(Role) for body in bodies}
    granted = grants_for(actor, bodies)
    result = {}
    for body in bodies:
        own = granted.get(body.pk, set())
        if utama_above(body, granted):
            result[body.pk] = frozenset(Role)
        elif Role.PPID_UTAMA.codename in own:
            result[body.pk] = STAFF_ROLES
        elif Role.PPID.codename in own:
            result[body.pk] = frozenset({Role.OPERATOR})
        else:
            result[body.pk] = frozenset()
    return result


def grantable_roles(actor: AbstractBaseUser | AnonymousUser, body: Body) -> frozenset[Role]:
    """The roles `actor` may grant and revoke on `body` (empty: may not manage it at all)."""
    return grantable_roles_many(actor, [body])[body.pk]


def manages_everyone(actor: AbstractBaseUser | AnonymousUser, body: Body) -> bool:
    """A PPID Utama of the body (or a superuser): every officer, not only the operators."""
    return grantable_roles(actor, body) >= STAFF_ROLES


def roles_anywhere(user: AbstractBaseUser | AnonymousUser) -> frozenset[Role]:
    """Every role the user holds on any body (one query, kept for the request)."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached = user.__dict__.get(_ANYWHERE_ATTR)
    if cached is None:
        codenames = set(
            BodyUserObjectPermission.objects.filter(user=user).values_list(
                "permission__codename", flat=True
            )
        )
        cached = frozenset(ROLE_CODENAMES[c] for c in codenames if c in ROLE_CODENAMES)
        user.__dict__[_ANYWHERE_ATTR] = cached
    return cached


def may_manage_people(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Shows the people pages: a superuser, a PPID Utama or a body's PPID."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(roles_anywhere(user) & {Role.PPID_UTAMA, Role.PPID})


def may_view_audit(user: AbstractBaseUser | AnonymousUser) -> bool:
    """The security and audit log: a superuser or a PPID Utama."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Role.PPID_UTAMA in roles_anywhere(user)


def deactivatable(
    actor: AbstractBaseUser | AnonymousUser, users: Iterable[AbstractBaseUser]
) -> set[int]:
    """The ids of those users whose account `actor` may deactivate (three queries): only a
    PPID Utama of every body where the user holds a role, who could also revoke each of those
    roles; never oneself; a superuser only by a superuser."""
    users = [u for u in users if u.pk != actor.pk]
    if not actor.is_authenticated or not actor.is_active or not users:
        return set()
    if actor.is_superuser:
        return {u.pk for u in users}
    candidates = {u.pk for u in users if not u.is_superuser}
    held: dict[int, list[tuple[int, str]]] = {}
    for user_id, body_id, codename in BodyUserObjectPermission.objects.filter(
        user_id__in=candidates, permission__codename__in=list(ROLE_CODENAMES)
    ).values_list("user_id", "content_object_id", "permission__codename"):
        held.setdefault(user_id, []).append((body_id, codename))
    body_ids = {body_id for grants in held.values() for body_id, _ in grants}
    grantable = grantable_roles_many(actor, Body.objects.filter(pk__in=body_ids))
    return {
        user_id
        for user_id, grants in held.items()
        if all(
            grantable[body_id] >= STAFF_ROLES and ROLE_CODENAMES[codename] in grantable[body_id]
            for body_id, codename in grants
        )
    }


def may_deactivate(actor: AbstractBaseUser | AnonymousUser, target: AbstractBaseUser) -> bool:
    return target.pk in deactivatable(actor, [target])
