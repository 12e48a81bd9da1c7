"""Receivers for what dip announces; connected in WorkflowConfig.ready()."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.dispatch import receiver
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from dip.models import Edition, Item
from dip.rowflags import FLAG_BERKALA_DUE, FLAG_EXEMPTION_ENDED
from dip.signals import audit_event, row_flagged
from ppid.models import Role
from ppid.selectors import users_with_roles
from workflow.models import AuditEntry, NoticeKind
from workflow.services.notices import notify


@receiver(audit_event, dispatch_uid="workflow.record_audit")
def record_audit(sender, *, actor, body, action: str, target, data: dict, **kwargs) -> None:
    AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        body=body,
        edition=target if isinstance(target, Edition) else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data,
    )


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
            "date": formats.date_format(item.exemption_until, "j F Y"),
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
