"""The audit log a PPID Utama may read, and its filter's security actions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from ppid.models import Body, BodyUserObjectPermission, Role
from workflow.models import AuditEntry

# The audit log's action filter: a group (prefix ending in ".") or one action.
SECURITY_ACTIONS = (
    "account.login",
    "account.login_failed",
    "account.locked_out",
    "account.logout",
    "account.create",
    "account.invite",
    "account.password_set",
    "account.deactivate",
    "account.reactivate",
    "account.token",
    "account.2fa_enrol",
    "account.2fa_verify",
    "account.2fa_failed",
    "account.2fa_recovery_codes",
    "account.2fa_reset",
    "role.grant",
    "role.revoke",
)


def audit_entries_for(
    user: AbstractBaseUser | AnonymousUser,
    *,
    bodies: QuerySet[Body],
    body: Body | None = None,
    username: str = "",
    action: str = "",
) -> QuerySet[AuditEntry]:
    """The audit trail a PPID Utama may read, newest first: entries of the bodies they oversee
    (`bodies`), and account entries (sign-ins, second factor) of people holding a role there.
    A superuser reads everything, including failed sign-ins of unknown usernames."""
    if not user.is_authenticated or not user.is_active:
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.all()
    if not user.is_superuser:
        grants = BodyUserObjectPermission.objects.filter(
            content_object__in=bodies, permission__codename__in=[role.codename for role in Role]
        )
        about_people = grants.annotate(uid=Cast("user_id", CharField())).filter(
            uid=OuterRef("target_id")
        )
        entries = entries.filter(
            Q(body__in=bodies)
            | Q(body=None, actor_id__in=grants.values("user_id"))
            | Q(Exists(about_people), body=None, target_type="auth.user")
        )
    if body is not None:
        entries = entries.filter(body=body)
    if username:
        user_ids = get_user_model().objects.filter(username__iexact=username).values("pk")
        entries = entries.filter(Q(actor_id__in=user_ids) | Q(data__username__iexact=username))
    if action.endswith("."):
        entries = entries.filter(action__startswith=action)
    elif action:
        entries = entries.filter(action=action)
    return entries.select_related("actor", "body", "edition").order_by("-at", "-pk")
