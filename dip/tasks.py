"""Pushing published editions to the body's aggregators: thin, idempotent tasks.

On publication (the `edition_published` signal, after the commit) one delivery is created per
active aggregator and one `deliver` task queued per delivery. If the broker is down then, or a
retry is lost, `sweep_deliveries` (beat) queues them again; `delivery_send` re-checks under a
row lock, so a delivery already sent is never pushed twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from functools import partial

from celery import shared_task
from django.db import OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import receiver
from django.utils import timezone

from dip import rowflags, selectors, services
from dip.models import (
    Aggregator,
    Delivery,
    DeliveryStatus,
    DocumentStatus,
    Edition,
    EditionDocument,
    Stage,
)
from dip.services import DELIVERY_MAX_ATTEMPTS, TransientDeliveryError
from dip.signals import edition_published

logger = logging.getLogger(__name__)

RETRY_BACKOFF = 10  # seconds before the first retry; doubled each time, with jitter
RETRY_BACKOFF_MAX = 30 * 60
# A delivery untouched this long is not waiting on a retry of its own: the sweep may queue it.
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_RETRY_AFTER = timedelta(seconds=RETRY_BACKOFF_MAX) + SWEEP_AFTER
# The sweep also creates the deliveries of editions published this recently that have none
# (the receiver did not run: the process died right after the publication's commit).
SWEEP_CREATE_WITHIN = timedelta(days=1)


@shared_task(
    autoretry_for=(TransientDeliveryError, OperationalError),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=DELIVERY_MAX_ATTEMPTS - 1,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def deliver(delivery_id: int) -> str | None:
    delivery = services.delivery_send(delivery_id=delivery_id)
    return delivery.status if delivery else None


def _queue(delivery_id: int) -> None:
    try:
        deliver.delay(delivery_id)
    except Exception:  # the broker is down: the publication stands, the sweep sends it later
        logger.exception("could not queue delivery %s", delivery_id)


@receiver(edition_published, sender=Edition, dispatch_uid="dip.queue_deliveries")
def queue_deliveries(sender, edition_id: int, **kwargs) -> None:
    for delivery in services.deliveries_create(edition_id=edition_id):
        if delivery.status != DeliveryStatus.SENT:
            transaction.on_commit(partial(_queue, delivery.pk))


def deliveries_due(now=None) -> list[int]:
    """Deliveries not sent, of published editions, that no task is about to try: never tried
    and a minute old, or failed and untouched for longer than the longest retry wait."""
    now = now or timezone.now()
    pdf_not_ready = EditionDocument.objects.filter(edition=OuterRef("edition_id")).exclude(
        status=DocumentStatus.READY
    )
    return list(
        Delivery.objects.filter(
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
            attempts__lt=DELIVERY_MAX_ATTEMPTS,
            edition__state=Stage.PUBLISHED,
            aggregator__is_active=True,
        )
        .filter(
            Q(attempts=0, updated_at__lt=now - SWEEP_AFTER)
            | Q(updated_at__lt=now - SWEEP_RETRY_AFTER)
        )
        # A permanent failure (a 3xx or 4xx answer) waits for someone to send it again.
        .exclude(
            Q(status=DeliveryStatus.FAILED, response_status__lt=500)
            & ~Q(response_status__in=[408, 425, 429])
        )
        .exclude(Exists(pdf_not_ready))
        .order_by("updated_at")
        .values_list("pk", flat=True)
    )


def editions_missing_deliveries(now=None) -> list[int]:
    now = now or timezone.now()
    missing = Aggregator.objects.filter(body_id=OuterRef("body_id"), is_active=True).exclude(
        Exists(
            Delivery.objects.filter(edition_id=OuterRef(OuterRef("pk")), aggregator=OuterRef("pk"))
        )
    )
    return list(
        Edition.objects.filter(
            state=Stage.PUBLISHED,
            published_at__gte=now - SWEEP_CREATE_WITHIN,
            published_at__lt=now - SWEEP_AFTER,
        )
        .filter(Exists(missing))
        .values_list("pk", flat=True)
    )


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_deliveries() -> int:
    """Queue every delivery that is due (broker down at publication, a lost retry, the PDF
    ready at last)."""
    ids = [
        delivery.pk
        for edition_id in editions_missing_deliveries()
        for delivery in services.deliveries_create(edition_id=edition_id)
        if delivery.status != DeliveryStatus.SENT and delivery.attempts == 0
    ]
    ids += [pk for pk in deliveries_due() if pk not in ids]
    for delivery_id in ids:
        _queue(delivery_id)
    return len(ids)


# --- row flags: berkala updates due, exemptions that have ended -------------------------------


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def flag_update_due(item_id: int, today: str) -> bool:
    """Flag one berkala item if its update is (still) due on `today` (ISO date)."""
    return (
        rowflags.item_flag_update_due(item_id=item_id, today=date.fromisoformat(today)) is not None
    )


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    max_retries=5,
    soft_time_limit=50,
    time_limit=60,
)
def flag_exemption_ended(item_id: int, today: str) -> bool:
    """Flag one dikecualikan item if its exemption has (still) ended by `today` (ISO date)."""
    return (
        rowflags.item_flag_exemption_ended(item_id=item_id, today=date.fromisoformat(today))
        is not None
    )


@shared_task(ignore_result=True, soft_time_limit=240, time_limit=300)
def sweep_row_flags() -> int:
    """Daily: find the rows to flag with two indexed queries and queue one small task per row,
    which re-checks under a row lock. Rows already flagged are not selected again, so a second
    sweep (or a second beat) queues nothing new and no notice is sent twice."""
    today = timezone.localdate()
    queued = 0
    for task, ids in (
        (flag_update_due, selectors.items_update_due(today)),
        (flag_exemption_ended, selectors.items_exemption_ended(today)),
    ):
        for item_id in ids:
            try:
                task.delay(item_id, today.isoformat())
            except Exception:  # the broker is down: tomorrow's sweep selects the row again
                logger.exception("could not queue %s for item %s", task.name, item_id)
                continue
            queued += 1
    return queued
