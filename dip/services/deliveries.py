"""Pushes of published editions to outside aggregators (`dip.connectors`), once each."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone

from dip import connectors
from dip.models import (
    DELIVERY_MAX_ATTEMPTS,
    Aggregator,
    Delivery,
    DeliveryStatus,
    DocumentStatus,
    Edition,
    EditionDocument,
    Stage,
)
from dip.services.common import (
    audit,
)


class TransientDeliveryError(Exception):
    """A push failed in a way a later attempt may not (5xx, 408, 429, network): retry it."""


def deliveries_create(*, edition_id: int) -> list[Delivery]:
    """One delivery per active aggregator of the edition's body; only for a published edition.
    Idempotent: a second call returns the same rows."""
    with transaction.atomic():
        edition = Edition.objects.filter(pk=edition_id, state=Stage.PUBLISHED).first()
        if edition is None:
            return []
        aggregators = Aggregator.objects.filter(body_id=edition.body_id, is_active=True)
        return [
            Delivery.objects.get_or_create(edition=edition, aggregator=aggregator)[0]
            for aggregator in aggregators.order_by("pk")
        ]


def _delivery_pdf(document: EditionDocument | None) -> tuple[bytes | None, str]:
    """The signed PDF's bytes (None without a document), or an error that stops the push."""
    if document is None:
        return None, ""
    try:
        with document.file.open("rb") as handle:
            pdf = handle.read()
    except (OSError, ValueError) as exc:
        return None, f"The signed PDF cannot be read: {exc}"
    if document.sha256 and hashlib.sha256(pdf).hexdigest() != document.sha256:
        return None, "The signed PDF on disk does not match its SHA-256; not sent."
    return pdf, ""


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Push one published edition to one aggregator, once. Run by the system (a task).

    The row stays locked during the push, so two workers never push the same delivery at once,
    and a delivery already sent is left alone. A transient failure is recorded (failed, its
    error) and then raised as TransientDeliveryError for the task to retry, until
    DELIVERY_MAX_ATTEMPTS. The edition waits (pending) while its signed PDF is being rendered.
    """
    retry_error = ""
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(of=("self",), no_key=True)
            .select_related("aggregator", "edition__body")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status == DeliveryStatus.SENT:
            return delivery
        edition, aggregator = delivery.edition, delivery.aggregator
        if edition.state != Stage.PUBLISHED:
            return delivery
        if not aggregator.is_active:
            delivery.last_error = "The aggregator is switched off; not sent."
            delivery.save(update_fields=["last_error", "updated_at"])
            return delivery
        document = EditionDocument.objects.filter(edition=edition).first()
        if document is not None and document.status != DocumentStatus.READY:
            # Sent once the PDF is ready: the sweep picks it up then.
            delivery.last_error = f"Waiting for the signed PDF ({document.status})."
            delivery.save(update_fields=["last_error", "updated_at"])
            return delivery
        pdf, pdf_error = _delivery_pdf(document)
        delivery.attempts += 1
        if pdf_error:
            result = connectors.PushResult(None, ok=False, error=pdf_error)
        else:
            payload = connectors.edition_payload(
                edition, sha256=document.sha256 if document else None
            )
            result = connectors.connector_for(aggregator).push(edition, payload, pdf)
        delivery.response_status = result.status_code
        if result.ok:
            delivery.status = DeliveryStatus.SENT
            delivery.sent_at = timezone.now()
            delivery.last_error = ""
        else:
            delivery.status = DeliveryStatus.FAILED
            delivery.last_error = result.error
            if result.retryable and delivery.attempts < DELIVERY_MAX_ATTEMPTS:
                retry_error = result.error
        delivery.full_clean()
        delivery.save()
        if not retry_error:  # a final outcome: sent, or failed until someone sends it again
            audit(
                actor=None,
                body=edition.body,
                action=f"edition.delivery_{delivery.status}",
                target=edition,
                data={
                    "aggregator": aggregator.name,
                    "delivery": delivery.pk,
                    "attempts": delivery.attempts,
                    "response_status": delivery.response_status,
                    "error": delivery.last_error,
                },
            )
    if retry_error:
        raise TransientDeliveryError(retry_error)
    return delivery
