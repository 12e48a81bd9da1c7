"""Spreadsheet import of an existing register (dip.services.imports)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ppid.models import Body


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """One spreadsheet brought into a body's register. The file is read when it is uploaded
    (a file that cannot be read stores nothing) and kept only as its cells (`source`); the
    preview (`rows`) is built from them with the column mapping, and the commit writes every
    valid row in one transaction (dip.tasks.run_import). The figures are the outcome; while the
    transaction runs, its live count is in the cache (dip.selectors.import_progress)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    # The file as read: {"columns": [{"key", "heading"}], "rows": [{"sheet", "row", "class",
    # "cells": {key: value}}]}, cells as text, numbers or ISO dates.
    source = models.JSONField(default=dict)
    # Column key → item field ("" ignores the column).
    mapping = models.JSONField(default=dict)
    # The preview: [{"index", "sheet", "row", "title", "values", "errors", "duplicate_of"}].
    rows = models.JSONField(default=list)
    # The officer's choice for rows that match an existing item (title and unit).
    update_all = models.BooleanField(default=False)
    update_rows = models.JSONField(default=list)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    # [{"row", "sheet", "errors": [...]}]: what was not imported, and why.
    skipped = models.JSONField(default=list)
    # [{"row", "sheet", "item", "action": "created"|"updated"}]
    outcome = models.JSONField(default=list)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["body", "-created_at"], name="import_job_body")]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"


class ImportMapping(models.Model):
    """The column mapping a body's officers chose last, remembered for its next spreadsheet:
    normalised heading → item field ("" ignores it)."""

    body = models.OneToOneField(Body, on_delete=models.CASCADE, related_name="import_mapping")
    columns = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("import column mapping")
        verbose_name_plural = _("import column mappings")

    def __str__(self) -> str:
        return str(self.body)
