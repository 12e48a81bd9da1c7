"""Thin, idempotent tasks: ids in, re-fetch, one service call."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.dispatch import receiver

from dip.models import Edition
from workflow import services
from workflow.selectors import editions_awaiting_publication
from workflow.signals import edition_signed

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
)
def publish_edition(edition_id: int) -> str | None:
    edition = services.edition_publish(edition_id=edition_id)
    return edition.state if edition else None


@shared_task(ignore_result=True)
def sweep_unpublished() -> int:
    """Queue publication of every signed edition not yet published (broker down, lost task)."""
    ids = editions_awaiting_publication()
    for edition_id in ids:
        publish_edition.delay(edition_id)
    return len(ids)


@receiver(edition_signed, sender=Edition, dispatch_uid="workflow.queue_publication")
def queue_publication(sender, edition_id: int, **kwargs) -> None:
    try:
        publish_edition.delay(edition_id)
    except Exception:  # the broker is down: the signature stands, the sweep publishes later
        logger.exception("could not queue publication of edition %s", edition_id)
