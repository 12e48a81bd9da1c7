"""Thin tasks: ids in, re-fetch, call one service."""

from __future__ import annotations

import logging

from celery import shared_task
from django.dispatch import receiver

from ppid import services
from ppid.signals import account_invited

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=10,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def send_invitation(user_id: int) -> bool:
    """E-mail the invitation; does nothing for an account that has set its password since."""
    return services.invitation_send(user_id=user_id)


@receiver(account_invited, dispatch_uid="ppid.queue_invitation")
def queue_invitation(sender, *, user_id: int, **kwargs) -> None:
    try:
        send_invitation.delay(user_id)
    except Exception:  # the broker is down: the account stands; "send again" resends it
        logger.exception("could not queue the invitation of user %s", user_id)
