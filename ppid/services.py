from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.authtoken.models import Token

from ppid.models import Body, Officer, Role, Unit
from ppid.permissions import forget_roles
from ppid.signals import audit_event

User = get_user_model()


def body_create(
    *,
    slug: str,
    name: str,
    short_name: str = "",
    address: str = "",
    parent: Body | None = None,
    website: str = "",
) -> Body:
    body = Body(
        slug=slug,
        name=name,
        short_name=short_name,
        address=address,
        parent=parent,
        website=website,
    )
    body.full_clean()
    body.save()
    return body


def unit_create(*, body: Body, name: str) -> Unit:
    unit = Unit(body=body, name=name)
    unit.full_clean()
    unit.save()
    return unit


def role_grant(*, user: AbstractBaseUser, body: Body, role: Role | str) -> None:
    role = Role(role)
    assign_perm(f"ppid.{role.codename}", user, body)
    forget_roles(user)


def role_revoke(*, user: AbstractBaseUser, body: Body, role: Role | str) -> None:
    role = Role(role)
    remove_perm(f"ppid.{role.codename}", user, body)
    forget_roles(user)


@transaction.atomic
def officer_upsert(
    *,
    username: str,
    password: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    position: str = "",
    nip: str = "",
) -> AbstractBaseUser:
    user, _created = User.objects.get_or_create(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_active = True
    user.set_password(password)
    user.full_clean()
    user.save()
    Officer.objects.update_or_create(user=user, defaults={"position": position, "nip": nip})
    return user


# --- API tokens -----------------------------------------------------------------------------


@transaction.atomic
def token_revoke(*, user: AbstractBaseUser, actor: AbstractBaseUser | None) -> bool:
    """Delete the user's API token: every call with it answers 401 from now on. The user gets a
    new one from POST /api/auth/token/. Audited; False when there was no token."""
    deleted, _rows = Token.objects.filter(user=user).delete()
    if deleted:
        audit_event.send(
            sender=Token,
            actor=actor,
            body=None,
            action="token_revoked",
            target=user,
            data={"username": user.get_username(), "by": getattr(actor, "username", "")},
        )
    return bool(deleted)
