"""Receivers for what ppid and dip announce (one audit signal, ppid.signals.audit_event), and
for sign-ins; connected in WorkflowConfig.ready()."""

from __future__ import annotations

from datetime import date

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from dip.models import Edition, Item
from dip.services.rowflags import FLAG_BERKALA_DUE, FLAG_EXEMPTION_ENDED
from dip.signals import audit_event, audit_events, row_flagged, row_removed
from ppid.models import Role
from ppid.selectors import users_with_roles
from ppid.signin import client_ip
from workflow.models import AuditEntry, NoticeKind
from workflow.services.notices import notify

USER_TYPE = "auth.user"


def _audit_entry(*, actor, body, action: str, target, data: dict) -> AuditEntry:
    return AuditEntry(
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        body=body,
        edition=target if isinstance(target, Edition) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )


@receiver(audit_event, dispatch_uid="workflow.record_audit")
def record_audit(sender, *, actor, body, action: str, target, data: dict, **kwargs) -> None:
    _audit_entry(actor=actor, body=body, action=action, target=target, data=data).save()


@receiver(audit_events, dispatch_uid="workflow.record_audits")
def record_audits(sender, *, events: list[dict], **kwargs) -> None:
    AuditEntry.objects.bulk_create([_audit_entry(**event) for event in events], batch_size=1000)


# Who is told when a row is flagged.
ROW_FLAG_RECIPIENTS = {
    FLAG_BERKALA_DUE: (Role.OPERATOR, Role.PPID),
    FLAG_EXEMPTION_ENDED: (Role.PPID, Role.TIM),
}


def _row_flag_text(item: Item, flag: str, since: date) -> tuple[str, str]:
    if flag == FLAG_BERKALA_DUE:
        title = _("Berkala information needs an update: %(title)s") % {"title": item.title}
        message = _(
            "“%(title)s” (%(body)s) is published every %(months)d month(s); its update was due "
            "on %(date)s. Update the information, then mark it as updated."
        ) % {
            "title": item.title,
            "body": item.body.name,
            "months": item.update_period_months,
            "date": formats.date_format(since, "j F Y"),
        }
    else:
        title = _("Exemption period has ended: %(title)s") % {"title": item.title}
        message = _(
            "The exemption of “%(title)s” (%(body)s) ran until %(date)s. Re-open it as public "
            "information for the next DIP, or test it again and set a new period."
        ) % {
            "title": item.title,
            "body": item.body.name,
            "date": formats.date_format(item.exemption_until or since, "j F Y"),
        }
    return title, message


@receiver(row_flagged, sender=Item, dispatch_uid="workflow.notify_row_flag")
def notify_row_flag(sender, *, item: Item, flag: str, key: str, since: date, **kwargs) -> None:
    """Tell the body's officers once per flag (the key names the period or the end date)."""
    with translation.override(settings.LANGUAGE_CODE):
        title, message = _row_flag_text(item, flag, since)
    notify(
        recipients=users_with_roles(item.body, ROW_FLAG_RECIPIENTS[flag]),
        kind=NoticeKind(flag),
        key=key,
        title=title,
        message=message,
        url=reverse("dip:item", args=[item.pk]),
        body=item.body,
    )


@receiver(row_removed, sender=Edition, dispatch_uid="workflow.notify_row_removed")
def notify_row_removed(sender, *, edition: Edition, item: Item, by_edition: Edition, **kwargs):
    """A DIK's signature closed an item an unsigned DIP listed: the row left that DIP. Whoever
    must act on the DIP now (its current stage's role) is told, once."""
    role = edition.actor_role
    if role not in Role.values:
        return
    with translation.override(settings.LANGUAGE_CODE):
        names = {
            "title": item.title,
            "edition": edition.display_title,
            "dik": by_edition.display_title,
            "body": edition.body.name,
        }
        title = _("Row taken out of %(edition)s: %(title)s") % names
        message = (
            _(
                "“%(title)s” is dikecualikan since the signature of %(dik)s (%(body)s), so it was "
                "taken out of %(edition)s, which is not signed yet. A DIP never lists exempted "
                "information; check the remaining rows and go on."
            )
            % names
        )
    notify(
        recipients=users_with_roles(edition.body, [role]),
        kind=NoticeKind.ROW_REMOVED,
        key=f"edition:{edition.pk}:removed:{item.pk}:{by_edition.pk}",
        title=title,
        message=message,
        url=reverse("workflow:edition", args=[edition.pk]),
        body=edition.body,
        edition=edition,
    )


# --- sign-ins: each writes one audit entry about the account (no body) -----------------------


def _request_data(request) -> dict:
    if request is None:
        return {}
    data = {"ip": client_ip(request)}
    agent = request.META.get("HTTP_USER_AGENT", "")
    if agent:
        data["user_agent"] = agent[:200]
    return data


def _account_entry(*, action: str, actor, user_id, data: dict) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor,
        action=action,
        target_type=USER_TYPE if user_id else "",
        target_id=str(user_id) if user_id else "",
        data=data,
    )


@receiver(user_logged_in, dispatch_uid="workflow.audit_login")
def audit_login(sender, request, user, **kwargs) -> None:
    _account_entry(
        action="account.login",
        actor=user,
        user_id=user.pk,
        data={"username": user.get_username(), **_request_data(request)},
    )


@receiver(user_logged_out, dispatch_uid="workflow.audit_logout")
def audit_logout(sender, request, user, **kwargs) -> None:
    if user is None or not user.is_authenticated:
        return
    _account_entry(
        action="account.logout",
        actor=user,
        user_id=user.pk,
        data={"username": user.get_username(), **_request_data(request)},
    )


def _known_user_id(username: str) -> int | None:
    if not username:
        return None
    return get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()


@receiver(user_login_failed, dispatch_uid="workflow.audit_login_failed")
def audit_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    username = str(credentials.get("username") or "")[:150]
    _account_entry(
        action="account.login_failed",
        actor=None,
        user_id=_known_user_id(username),
        data={"username": username, **_request_data(request)},
    )


@receiver(user_locked_out, dispatch_uid="workflow.audit_locked_out")
def audit_locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    username = str(username or "")[:150]
    _account_entry(
        action="account.locked_out",
        actor=None,
        user_id=_known_user_id(username),
        data={"username": username, "ip": ip_address},
    )
