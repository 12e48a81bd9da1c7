"""Receivers for what dip announces; connected in WorkflowConfig.ready()."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils import timezone

from dip.models import Edition
from dip.signals import audit_event
from workflow.models import AuditEntry


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
