"""Which pushes to aggregators are due: what the delivery sweep selects."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from dip.models import (
    DELIVERY_MAX_ATTEMPTS,
    Aggregator,
    Delivery,
    DeliveryStatus,
    DocumentStatus,
    Edition,
    EditionDocument,
)
from dip.selectors.public import published

# The delivery task's retry backoff (its first wait, doubled each time, and the longest).
RETRY_BACKOFF = 10
RETRY_BACKOFF_MAX = 30 * 60
# A delivery untouched this long is not waiting on a retry of its own: the sweep may queue it.
SWEEP_AFTER = timedelta(minutes=1)
SWEEP_RETRY_AFTER = timedelta(seconds=RETRY_BACKOFF_MAX) + SWEEP_AFTER
# The sweep also creates the deliveries of editions published this recently that have none
# (the receiver did not run: the process died right after the publication's commit).
SWEEP_CREATE_WITHIN = timedelta(days=1)


def deliveries_due(now: datetime | None = None) -> list[int]:
    """Deliveries not sent, of published editions, that no task is about to try: never tried
    and a minute old, or failed and untouched for longer than the longest retry wait."""
    now = now or timezone.now()
    pdf_not_ready = EditionDocument.objects.filter(edition=OuterRef("edition_id")).exclude(
        status=DocumentStatus.READY
    )
    return list(
        Delivery.objects.filter(
            published("edition__"),
            status__in=[DeliveryStatus.PENDING, DeliveryStatus.FAILED],
            attempts__lt=DELIVERY_MAX_ATTEMPTS,
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


def editions_missing_deliveries(now: datetime | None = None) -> list[int]:
    """Editions published within SWEEP_CREATE_WITHIN (and not just now) with an active
    aggregator that has no delivery of them."""
    now = now or timezone.now()
    missing = Aggregator.objects.filter(body_id=OuterRef("body_id"), is_active=True).exclude(
        Exists(
            Delivery.objects.filter(edition_id=OuterRef(OuterRef("pk")), aggregator=OuterRef("pk"))
        )
    )
    return list(
        Edition.objects.filter(
            published(),
            published_at__gte=now - SWEEP_CREATE_WITHIN,
            published_at__lt=now - SWEEP_AFTER,
        )
        .filter(Exists(missing))
        .values_list("pk", flat=True)
    )
