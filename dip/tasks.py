"""Pushing published editions to the body's aggregators: thin, idempotent tasks.

On publication (the `edition_published` signal, after the commit) one delivery is created per
active aggregator and one `deliver` task queued per delivery. If the broker is down then, or a
retry is lost, `sweep_deliveries` (beat) queues them again; `delivery_send` re-checks under a
row lock, so a delivery already sent is never pushed twice.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import date
from functools import partial

from celery import shared_task
from django.db import OperationalError, transaction
from django.dispatch import receiver
from django.utils import timezone

from dip import selectors, services
from dip.models import DELIVERY_MAX_ATTEMPTS, Announcement, DeliveryStatus, Edition, ImportJob
from dip.services import TransientDeliveryError, audio, imports, rowflags
from dip.signals import announcement_made, edition_published, import_committed

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(TransientDeliveryError, OperationalError),
    retry_backoff=selectors.RETRY_BACKOFF,
    retry_backoff_max=selectors.RETRY_BACKOFF_MAX,
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


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_deliveries() -> int:
    """Queue every delivery that is due (broker down at publication, a lost retry, the PDF
    ready at last)."""
    ids = [
        delivery.pk
        for edition_id in selectors.editions_missing_deliveries()
        for delivery in services.deliveries_create(edition_id=edition_id)
        if delivery.status != DeliveryStatus.SENT and delivery.attempts == 0
    ]
    ids += [pk for pk in selectors.deliveries_due() if pk not in ids]
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
    sweep (or a second beat) queues nothing new and no notice is sent twice.

    One date for every body, the server's: the beat runs at 00:15 WIB, when every Indonesian
    zone (WIB is the westernmost) is on that date too, so each body's rows are flagged on its
    own date (a WIT body's 2 h 15 min after its midnight)."""
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


# --- the spoken version of an announcement ---------------------------------------------------


@shared_task(
    # espeak-ng missing is configuration: the audio stays failed with its error.
    autoretry_for=(OSError, OperationalError, subprocess.SubprocessError),
    dont_autoretry_for=(audio.AudioUnavailable,),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=3,
    acks_late=True,
    soft_time_limit=100,
    time_limit=120,
)
def render_announcement_audio(announcement_id: int) -> str | None:
    """Make the spoken version of one announcement; a ready one is left as it is."""
    made = audio.announcement_audio_build(announcement_id=announcement_id)
    return made.status if made else None


def _queue_audio(announcement_id: int) -> bool:
    try:
        render_announcement_audio.delay(announcement_id)
    except Exception:  # broker down, or (eager) the voice failed: the announcement stands
        logger.exception("could not make the audio of announcement %s", announcement_id)
        return False
    return True


@receiver(announcement_made, sender=Announcement, dispatch_uid="dip.queue_announcement_audio")
def queue_announcement_audio(sender, announcement_id: int, **kwargs) -> None:
    _queue_audio(announcement_id)


@shared_task(ignore_result=True, soft_time_limit=50, time_limit=60)
def sweep_announcement_audio() -> int:
    """Queue the audio of announcements that have none ready (the broker was down at their
    commit, a task was lost, an error that may have passed); the build re-checks under lock."""
    return sum(_queue_audio(pk) for pk in selectors.announcements_missing_audio())


# --- spreadsheet import ------------------------------------------------------------------------


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    # 10,000 rows take well under a minute (benchmarks/imports.py); the limit leaves room.
    soft_time_limit=1500,
    time_limit=1800,
)
def run_import(job_id: int) -> str | None:
    """Write one confirmed import in one transaction; a finished one is left as it is."""
    job = imports.import_job_run(job_id=job_id)
    return job.status if job else None


@receiver(import_committed, sender=ImportJob, dispatch_uid="dip.queue_import")
def queue_import(sender, job_id: int, **kwargs) -> None:
    try:
        run_import.delay(job_id)
    except Exception:  # the broker is down: the job waits; confirming it again re-queues
        logger.exception("could not queue import %s", job_id)
