"""Which announcements still need their spoken version: what the audio sweep selects."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from dip.models import Announcement, DocumentStatus

# Automatic builds of one announcement's audio (the task's retries and the sweep together);
# past this it stays failed with its last error.
AUDIO_MAX_ATTEMPTS = 5
# An announcement this fresh is left to the task queued at its commit.
AUDIO_SWEEP_AFTER = timedelta(minutes=5)


def announcements_missing_audio(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Announcements without a ready audio that no task is about to build: none made (the
    broker was down at the commit), or pending/failed and untouched for a while, under the
    attempt limit. Oldest first."""
    now = now or timezone.now()
    settled = now - AUDIO_SWEEP_AFTER
    return list(
        Announcement.objects.filter(announced_at__lt=settled)
        .filter(
            Q(audio__isnull=True)
            | Q(
                audio__status__in=[DocumentStatus.PENDING, DocumentStatus.FAILED],
                audio__attempts__lt=AUDIO_MAX_ATTEMPTS,
                audio__updated_at__lt=settled,
            )
        )
        .order_by("announced_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
