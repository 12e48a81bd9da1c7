"""The signed artefacts of an edition: its PDF, and the berita acara uji konsekuensi of a DIK
with its own signed PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dip.models.editions import Edition
from ppid.fields import bounded_text


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class SignedArtefact(models.Model):
    """A signed PDF built once by the system, with its status, checksum and last error."""

    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(upload_to="documents/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    signer_subject = models.CharField(_("signed with"), max_length=500, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.edition} ({self.status})"


class EditionDocument(SignedArtefact):
    """The signed PDF of an edition: an artefact built once, with its status and checksum."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="document")

    class Meta:
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")


# The longest opening text of a berita acara (who met, why, under which decree).
RECORD_OPENING_MAX_LENGTH = 3000


class ConsiderationRecord(models.Model):
    """The berita acara uji konsekuensi of a DIK edition: where and when the tim pertimbangan
    met, who of the body's tim was present (names and positions as they were then), and an
    opening text. Its rows are the edition's signed DIK rows; it is signed and published as a
    PDF of its own beside the DIK."""

    edition = models.OneToOneField(
        Edition, on_delete=models.CASCADE, related_name="consideration_record"
    )
    place = models.CharField(_("place"), max_length=255)
    held_on = models.DateField(_("date"))
    opening = bounded_text(_("opening text"), max_length=RECORD_OPENING_MAX_LENGTH, blank=True)
    # [{"user": id, "name": "...", "position": "..."}], in the order chosen.
    members = models.JSONField(_("members present"), default=list)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consequence-test record")
        verbose_name_plural = _("consequence-test records")

    def __str__(self) -> str:
        return f"{self.edition} ({self.held_on})"


class RecordDocument(SignedArtefact):
    """The signed PDF of an edition's berita acara uji konsekuensi (DIK editions only)."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="record_document"
    )

    class Meta:
        verbose_name = _("signed consequence-test record")
        verbose_name_plural = _("signed consequence-test records")
