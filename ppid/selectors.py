from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from ppid.models import Body, BodyUserObjectPermission, Role
from ppid.oversight import bodies_reached


def bodies_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Body]:
    """The bodies where the user holds any role (the PPID Utama also those it oversees); a
    superuser: all of them, to read what the audit log shows (acting still needs a role)."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Body.objects.all()
    return bodies_reached(user, Role)


def public_bodies() -> QuerySet[Body]:
    return Body.objects.all()


def users_with_roles(body: Body, roles: Iterable[Role | str]) -> QuerySet[AbstractBaseUser]:
    """The active users holding one of `roles` directly on the body (one query)."""
    holds = BodyUserObjectPermission.objects.filter(
        user=OuterRef("pk"),
        content_object=body,
        permission__codename__in=[Role(r).codename for r in roles],
    )
    return get_user_model().objects.filter(Exists(holds), is_active=True).order_by("pk")


def bodies_managed_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Body]:
    """Bodies whose people the user manages: as their PPID Utama (everyone) or as the body's
    PPID (its operators); a superuser manages every body."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Body.objects.all()
    return bodies_reached(user, [Role.PPID_UTAMA, Role.PPID])


def bodies_overseen_by(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Body]:
    """Bodies where the user is PPID Utama (`ppid.oversight`); a superuser: all."""
    if user.is_authenticated and user.is_active and user.is_superuser:
        return Body.objects.all()
    return bodies_reached(user, [Role.PPID_UTAMA])


def role_holders(body: Body, roles: Iterable[Role]) -> list[tuple[AbstractBaseUser, list[Role]]]:
    """The users holding any of `roles` directly on the body, each with those roles (one
    query), ordered by name."""
    codenames = {role.codename: role for role in roles}
    grants = (
        BodyUserObjectPermission.objects.filter(
            content_object=body, permission__codename__in=list(codenames)
        )
        .select_related("user", "user__officer", "permission")
        .order_by("user__first_name", "user__last_name", "user__username")
    )
    holders: dict[int, tuple[AbstractBaseUser, list[Role]]] = {}
    for grant in grants:
        held = holders.setdefault(grant.user_id, (grant.user, []))[1]
        held.append(codenames[grant.permission.codename])
    order = list(Role)
    return [(user, sorted(held, key=order.index)) for user, held in holders.values()]


def officer_in_body(body: Body, user_id: int, roles: Iterable[Role]) -> AbstractBaseUser | None:
    """The user, when they hold one of `roles` directly on the body."""
    held = BodyUserObjectPermission.objects.filter(
        content_object=body,
        user_id=user_id,
        permission__codename__in=[role.codename for role in roles],
    )
    return get_user_model().objects.filter(pk=user_id).filter(Exists(held)).first()
