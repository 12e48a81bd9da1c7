from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from ppid.models import Body, BodyUserObjectPermission, Role


def bodies_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Body]:
    """The bodies where the user holds any role, directly or as PPID Utama of the parent."""
    if not user.is_authenticated or not user.is_active:
        return Body.objects.none()
    role_codenames = [role.codename for role in Role]
    direct = BodyUserObjectPermission.objects.filter(
        user=user, content_object=OuterRef("pk"), permission__codename__in=role_codenames
    )
    via_parent = BodyUserObjectPermission.objects.filter(
        user=user,
        content_object=OuterRef("parent"),
        permission__codename=Role.PPID_UTAMA.codename,
    )
    return Body.objects.filter(Q(Exists(direct)) | Q(Exists(via_parent)))


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
