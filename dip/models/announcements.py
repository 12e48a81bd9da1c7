"""Public announcements (serta merta rows, exempted rows opened) and their spoken version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dip.models.classification import Classification, InformationForm
from dip.models.documents import DocumentStatus
from dip.models.editions import Edition
from dip.models.items import Item
from ppid.models import Body


class AnnouncementKind(models.TextChoices):
    SERTA_MERTA = "serta_merta", _("Serta merta information")
    REOPENED = "reopened", _("Information opened to the public")


# The public fields of a row that an announcement copies (the DIP columns; never the
# consequence test, the attachments or anything else of an edition not yet published).
ANNOUNCEMENT_FIELDS = (
    "classification",
    "title",
    "summary",
    "unit_name",
    "holding_unit",
    "responsible",
    "produced_at",
    "produced_place",
    "form",
    "retention",
)


class Announcement(models.Model):
    """A public announcement, kept as evidence of what was announced and when: a serta merta
    row announced when the PPID verified it (before the edition is signed), or an exempted row
    opened to the public. It holds a copy of the row's public fields as they were then."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="announcements")
    item = models.ForeignKey(
        Item, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="announcements"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=AnnouncementKind.choices)
    # Names the event, so that announcing it again does nothing ("serta_merta:<item>:<digest>").
    key = models.CharField(max_length=120, unique=True)
    classification = models.CharField(
        _("classification"), max_length=20, choices=Classification.choices
    )
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary of the content"), blank=True)
    unit_name = models.CharField(_("unit"), max_length=255, blank=True)
    holding_unit = models.CharField(
        _("official or unit holding the information"), max_length=255, blank=True
    )
    responsible = models.CharField(
        _("responsible for producing or issuing it"), max_length=255, blank=True
    )
    produced_at = models.DateField(_("date produced"), null=True, blank=True)
    produced_place = models.CharField(_("place produced"), max_length=255, blank=True)
    form = models.CharField(
        _("form available"), max_length=10, choices=InformationForm.choices, blank=True
    )
    retention = models.CharField(_("retention period"), max_length=255, blank=True)
    announced_at = models.DateTimeField(_("announced at"))
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Serta merta announced on its own request (not with an edition): when the operator asked;
    # `announced_at` is when the PPID approved it. Both are shown as the evidence of Pasal 10.
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    class Meta:
        ordering = ["-announced_at", "-pk"]
        indexes = [
            models.Index(fields=["body", "-announced_at"], name="announcement_body"),
            models.Index(fields=["-announced_at"], name="announcement_recent"),
        ]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class AnnouncementAudio(models.Model):
    """The spoken version of an announcement (Perki 1/2021: information in accessible forms),
    made on the server with espeak-ng's Indonesian voice: an artefact built once, with its
    status, format and checksum, like the signed PDF of an edition."""

    announcement = models.OneToOneField(
        Announcement, on_delete=models.CASCADE, related_name="audio"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    file = models.FileField(upload_to="announcements/", max_length=255, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(_("last error"), blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("announcement audio")
        verbose_name_plural = _("announcement audio")

    def __str__(self) -> str:
        return f"{self.announcement_id} ({self.status})"

    @property
    def extension(self) -> str:
        return "ogg" if self.content_type == "audio/ogg" else "wav"
