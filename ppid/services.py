from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.authtoken.models import Token

from ppid import twofactor
from ppid.models import Body, BodyUserObjectPermission, Officer, Role, Unit
from ppid.permissions import forget_roles, grantable_roles, may_deactivate
from ppid.signals import account_invited, audit_event

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


def _audit(
    *, actor: AbstractBaseUser | None, body: Body | None, action: str, target, data: dict
) -> None:
    audit_event.send(
        sender=type(target), actor=actor, body=body, action=action, target=target, data=data
    )


def _check_may_grant(actor: AbstractBaseUser | None, body: Body, role: Role) -> None:
    if actor is not None and role not in grantable_roles(actor, body):
        raise PermissionDenied(
            _("You may not grant or revoke the role “%(role)s” in %(body)s.")
            % {"role": role.label, "body": body.name}
        )


# --- roles -----------------------------------------------------------------------------------


def _role_change(
    *, user: AbstractBaseUser, body: Body, role: Role, actor: AbstractBaseUser | None, grant: bool
) -> bool:
    _check_may_grant(actor, body, role)
    held = BodyUserObjectPermission.objects.filter(
        user=user, content_object=body, permission__codename=role.codename
    ).exists()
    if held == grant:
        return False
    (assign_perm if grant else remove_perm)(f"ppid.{role.codename}", user, body)
    forget_roles(user)
    _audit(
        actor=actor,
        body=body,
        action="role.grant" if grant else "role.revoke",
        target=user,
        data={"role": role.value, "username": user.get_username()},
    )
    return True


@transaction.atomic
def role_grant(
    *,
    user: AbstractBaseUser,
    body: Body,
    role: Role | str,
    actor: AbstractBaseUser | None = None,
) -> bool:
    """Grant `role` on `body`, audited; False when the user already held it (nothing written).
    With an `actor`, only a role they may grant there (PermissionDenied otherwise); without
    one it is the system (seed_demo, the admin)."""
    return _role_change(user=user, body=body, role=Role(role), actor=actor, grant=True)


@transaction.atomic
def role_revoke(
    *,
    user: AbstractBaseUser,
    body: Body,
    role: Role | str,
    actor: AbstractBaseUser | None = None,
) -> bool:
    """Revoke `role` on `body`, audited; False when the user did not hold it."""
    return _role_change(user=user, body=body, role=Role(role), actor=actor, grant=False)


# --- accounts --------------------------------------------------------------------------------


@transaction.atomic
def officer_upsert(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    position: str = "",
    nip: str = "",
    actor: AbstractBaseUser | None = None,
    body: Body | None = None,
) -> AbstractBaseUser:
    """Create or update an officer's account. `password=None` keeps an existing password and
    gives a new account none that works (it is set through an invitation link)."""
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    user.first_name = first_name
    user.last_name = last_name
    user.email = email
    user.is_active = True
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    officer = Officer.objects.filter(user=user).first() or Officer(user=user)
    officer.position = position
    officer.nip = nip
    officer.full_clean()
    officer.save()
    _audit(
        actor=actor,
        body=body,
        action="account.create" if created else "account.update",
        target=user,
        data={"username": username},
    )
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


def officer_create(
    *,
    actor: AbstractBaseUser,
    body: Body,
    role: Role | str,
    username: str,
    first_name: str,
    last_name: str = "",
    email: str = "",
    position: str = "",
    nip: str = "",
    password: str | None = None,
) -> AbstractBaseUser:
    """A new officer with a role on `body`. Without a password it is an invitation: the
    account has no usable password and an e-mail with a one-time link to set one is sent
    after the commit."""
    role = Role(role)
    _check_may_grant(actor, body, role)
    errors: dict[str, list[str]] = {}
    if User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("This username is taken. Choose another one.")]
    if password is None and not email:
        errors["email"] = [_("An invitation needs an e-mail address.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        user = officer_upsert(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=email,
            position=position,
            nip=nip,
            actor=actor,
            body=body,
        )
        role_grant(user=user, body=body, role=role, actor=actor)
        if password is None:
            _audit(
                actor=actor,
                body=body,
                action="account.invite",
                target=user,
                data={"username": username, "email": email, "role": role.value},
            )
            user_id = user.pk
            transaction.on_commit(
                lambda: account_invited.send(sender=User, user_id=user_id), robust=True
            )
    return user


@transaction.atomic
def invitation_resend(
    *, user: AbstractBaseUser, actor: AbstractBaseUser, body: Body | None = None
) -> None:
    """A new invitation e-mail for an account that has not chosen its password yet."""
    if user.has_usable_password() or not user.email or not user.is_active:
        raise ValidationError(_("This account cannot be invited again."))
    _audit(
        actor=actor,
        body=body,
        action="account.invite",
        target=user,
        data={"username": user.get_username(), "email": user.email, "again": True},
    )
    user_id = user.pk
    transaction.on_commit(lambda: account_invited.send(sender=User, user_id=user_id), robust=True)


def invitation_link(user: AbstractBaseUser) -> str:
    """The one-time link to set a password (Django's token: it stops working once the
    password is set, and after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "accounts:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return f"{settings.PPID_PUBLIC_BASE_URL.rstrip('/')}{path}"


def invitation_send(*, user_id: int) -> bool:
    """E-mail the invitation to an active account that has no usable password yet."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or user.has_usable_password() or not user.email:
        return False
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 3600))
    message = _(
        "Hello %(name)s,\n\n"
        "An account has been made for you in PPID Documentation (username: %(username)s).\n"
        "Open this link to choose your password; it works once, for %(days)d days:\n\n"
        "%(link)s\n\n"
        "If you did not expect this e-mail, ignore it."
    ) % {
        "name": user.get_full_name() or user.get_username(),
        "username": user.get_username(),
        "days": days,
        "link": invitation_link(user),
    }
    send_mail(
        subject=_("[PPID] Your account: choose a password"),
        message=message,
        from_email=None,
        recipient_list=[user.email],
    )
    return True


def password_set_audit(*, user: AbstractBaseUser) -> None:
    _audit(
        actor=user,
        body=None,
        action="account.password_set",
        target=user,
        data={"username": user.get_username()},
    )


def _sessions_end(user: AbstractBaseUser) -> int:
    """End the user's browser sessions (database-backed sessions: decode the live ones)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


@transaction.atomic
def account_deactivate(
    *, user: AbstractBaseUser, actor: AbstractBaseUser, body: Body | None = None
) -> AbstractBaseUser:
    """The account can no longer sign in; its API tokens are revoked and its sessions end.
    Its roles stay, so reactivating it restores what it had."""
    if not may_deactivate(actor, user):
        raise PermissionDenied(_("You may not deactivate this account."))
    if not user.is_active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    tokens = Token.objects.filter(user=user).delete()[0]
    sessions = _sessions_end(user)
    _audit(
        actor=actor,
        body=body,
        action="account.deactivate",
        target=user,
        data={"username": user.get_username(), "tokens": tokens, "sessions": sessions},
    )
    return user


@transaction.atomic
def account_reactivate(
    *, user: AbstractBaseUser, actor: AbstractBaseUser, body: Body | None = None
) -> AbstractBaseUser:
    if not may_deactivate(actor, user):
        raise PermissionDenied(_("You may not reactivate this account."))
    if user.is_active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=True)
    user.is_active = True
    _audit(
        actor=actor,
        body=body,
        action="account.reactivate",
        target=user,
        data={"username": user.get_username()},
    )
    return user


@transaction.atomic
def token_issue(*, user: AbstractBaseUser, second_factor: bool) -> Token:
    """The user's API token. Obtained with a second factor, it is a new one (the old one is
    revoked) marked as verified, which signing through the API requires."""
    if second_factor:
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        twofactor.token_mark_verified(token)
    else:
        token, _created = Token.objects.get_or_create(user=user)
    _audit(
        actor=user,
        body=None,
        action="account.token",
        target=user,
        data={"username": user.get_username(), "second_factor": second_factor},
    )
    return token
