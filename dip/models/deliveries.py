"""Pushes of published editions to outside systems (aggregators)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dip.models.editions import Edition
from ppid.models import Body


class Aggregator(models.Model):
    """An outside system a body's published editions are pushed to (e.g. the province's SIKEDIP)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="aggregators")
    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("push URL"))
    secret = models.CharField(_("shared secret"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["body", "name"]
        constraints = [
            models.UniqueConstraint(fields=["body", "name"], name="aggregator_unique_name")
        ]
        verbose_name = _("aggregator")
        verbose_name_plural = _("aggregators")

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# Automatic pushes per delivery (the task's retries and the sweep together); past this a delivery
# stays failed, with its last error, until someone sends it again.
DELIVERY_MAX_ATTEMPTS = 10


class Delivery(models.Model):
    """One push of one published edition to one aggregator, with its last outcome."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="deliveries")
    aggregator = models.ForeignKey(Aggregator, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "aggregator"], name="delivery_once")
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.edition_id} → {self.aggregator} ({self.status})"
