"""Thin, idempotent tasks: ids in, re-fetch, call the service (publication: the signed
documents first, the DIK's berita acara beside the edition's own, then the stage)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.dispatch import receiver
from django.utils import timezone

from dip import services as dip_services
from dip.models import Edition, Stage
from workflow import services
from workflow.models import InformationRequest, Notice, Objection
from workflow.selectors import (
    edition_state,
    editions_awaiting_publication,
    serta_merta_requests_due_for_notice,
    steps_due_for_notice,
)
from workflow.selectors.objections import objection_answers_unbuilt, objections_due_for_notice
from workflow.selectors.requests import requests_due_for_notice
from workflow.services import (
    clock,
    evidence,
    notices,
    objections,
    request_documents,
    requests,
    sertamerta,
)
from workflow.signals import (
    edition_signed,
    notices_created,
    objection_answered,
    objection_requester_mail,
    request_event,
)

logger = logging.getLogger(__name__)


def _fan_out(watch_task, ids: list[int]) -> int:
    """Hand the due ids to `watch_task`, PPID_CLOCK_FANOUT_CHUNK ids a message; a message that
    waits longer than one sweep period expires, and the next sweep hands its ids out again.
    Returns how many were handed out."""
    chunk = max(settings.PPID_CLOCK_FANOUT_CHUNK, 1)
    for start in range(0, len(ids), chunk):
        watch_task.apply_async(
            (ids[start : start + chunk],), expires=settings.PPID_CLOCK_SWEEP_SECONDS
        )
    return len(ids)


def _watch_each(watch, ids: list[int], what: str) -> int:
    """`watch(pk)` for each id, each in its own transaction under its own lock (the service's);
    one that fails is logged and left to the next sweep, which selects it again (its
    next_notice_at has not moved). Returns how many went."""
    done = 0
    for pk in ids:
        try:
            watch(pk)
        except Exception:
            logger.exception("clock watch of %s %s failed; the next sweep retries it", what, pk)
        else:
            done += 1
    return done


@shared_task(
    autoretry_for=(Exception,),
    # A missing or unreadable signing key is configuration: retrying cannot fix it. The
    # document stays failed with its error until someone fixes it and presses retry.
    dont_autoretry_for=(ImproperlyConfigured,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def publish_edition(edition_id: int) -> str | None:
    """Build the signed document, then publish. A second delivery finds the document ready and
    the edition published, and does nothing (both services are idempotent). A published edition
    whose document is missing (published by hand, or a retry) gets it built."""
    state = edition_state(edition_id)
    if state not in (Stage.PUBLICATION, Stage.PUBLISHED):
        return state  # gone (None) or not signed yet
    dip_services.edition_document_build(edition_id=edition_id)
    dip_services.record_document_build(edition_id=edition_id)
    if state == Stage.PUBLISHED:
        return state
    edition = services.edition_publish(edition_id=edition_id)
    return edition.state if edition else None


def enqueue_publication(edition_id: int) -> bool:
    """Queue the publication task; with the broker down, log it and leave it to the sweep."""
    try:
        publish_edition.delay(edition_id)
    except Exception:  # the broker is down: the signature stands, the sweep publishes later
        logger.exception("could not queue publication of edition %s", edition_id)
        return False
    return True


@shared_task(ignore_result=True)
def sweep_unpublished() -> int:
    """Queue publication of every signed edition not yet published (broker down, lost task)."""
    ids = editions_awaiting_publication()
    for edition_id in ids:
        publish_edition.delay(edition_id)
    return len(ids)


@receiver(edition_signed, sender=Edition, dispatch_uid="workflow.queue_publication")
def queue_publication(sender, edition_id: int, **kwargs) -> None:
    enqueue_publication(edition_id)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    # Both limits: the project-wide soft limit (240 s) above a 60 s hard limit makes Celery
    # refuse to queue the task at all ("soft_time_limit must be less than time_limit").
    soft_time_limit=50,
    time_limit=60,
)
def send_notice_email(notice_id: int) -> bool:
    """E-mail one notice. Claims the notice first, so a redelivered task sends nothing twice;
    a failed send releases the claim and retries."""
    return notices.notice_email_send(notice_id=notice_id)


@receiver(notices_created, sender=Notice, dispatch_uid="workflow.queue_notice_emails")
def queue_notice_emails(sender, notice_ids: list[int], **kwargs) -> None:
    for notice_id in notice_ids:
        try:
            send_notice_email.delay(notice_id)
        except Exception:  # the broker is down: the notice is in the bell; mail is best effort
            logger.exception("could not queue the e-mail of notice %s", notice_id)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=50,
    time_limit=60,
)
def watch_step(step_id: int) -> list[str]:
    """Send what one step's clock owes now. Re-checks under the step's lock, so a duplicate
    (a second sweep, a redelivery) sends nothing; a finished or deleted step is left alone."""
    return clock.step_watch(step_id=step_id)


@shared_task(acks_late=True, ignore_result=True)
def watch_steps(step_ids: list[int]) -> int:
    """`watch_step` for a handful of steps, one after the other, each in its own transaction
    under its own lock. A step that fails is logged and left to the next sweep, which selects
    it again (its next_notice_at has not moved); the others go on. Returns how many went."""
    return _watch_each(lambda pk: clock.step_watch(step_id=pk), step_ids, "step")


@shared_task(ignore_result=True)
def sweep_step_clock() -> int:
    """Hand the open steps whose next notice is due to `watch_steps`, PPID_CLOCK_FANOUT_CHUNK
    ids a message (one indexed query, at most PPID_CLOCK_SWEEP_BATCH steps, oldest first; the
    rest go with the next sweep). Publishing a Celery message costs about a millisecond, so
    one message per step would make a sweep of 1,000 due steps take seconds; a chunk keeps it
    to a few dozen messages while every step is still re-checked under its own lock. A message
    that waits longer than one sweep period expires: the next sweep hands its steps out again,
    so a backlog does not pile up copies."""
    ids = steps_due_for_notice(now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH)
    return _fan_out(watch_steps, ids)


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=50, time_limit=60)
def watch_serta_merta_requests(request_ids: list[int]) -> int:
    """`serta_merta_watch` for a handful of requests, each in its own transaction under its own
    lock (a duplicate message sends nothing twice). One that fails is logged and left to the
    next sweep, which selects it again. Returns how many went."""
    return _watch_each(
        lambda pk: sertamerta.serta_merta_watch(request_id=pk), request_ids, "serta merta request"
    )


@shared_task(ignore_result=True)
def sweep_serta_merta_clock() -> int:
    """Hand the waiting serta merta requests whose next notice is due (reminder at 80% of the
    standard, terlambat, escalation to the PPID Utama) to `watch_serta_merta_requests`, in
    chunks like the steps' sweep; a message older than one sweep period expires and the next
    sweep hands its requests out again. Returns how many were handed out."""
    ids = serta_merta_requests_due_for_notice(
        now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH
    )
    return _fan_out(watch_serta_merta_requests, ids)


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
    acks_late=True,
    soft_time_limit=540,
    time_limit=600,
)
def build_evidence_pack(pack_id: int) -> str | None:
    """Build the monev evidence pack (idempotent: a ready or missing pack is left alone). A
    failure other than the database's leaves the pack failed with its error, for the retry
    button."""
    try:
        pack = evidence.evidence_pack_build(pack_id=pack_id)
    except OperationalError:
        raise
    except Exception:
        logger.exception("evidence pack %s failed", pack_id)
        return "failed"
    return pack.status if pack else None


# --- requests for information -------------------------------------------------------------------


@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(ImproperlyConfigured,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=240,
    time_limit=300,
)
def build_request_notice(request_id: int) -> None:
    """Render and sign the written notice of a decided request. A second delivery finds the
    notice ready and does nothing."""
    request_documents.request_notice_build(request_id=request_id)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    ignore_result=True,
    soft_time_limit=50,
    time_limit=60,
)
def send_requester_email(request_id: int, event: str) -> bool:
    return requests.requester_email_send(request_id=request_id, event=event)


@receiver(request_event, sender=InformationRequest, dispatch_uid="workflow.request_event")
def queue_request_work(sender, request_id: int, event: str, **kwargs) -> None:
    """After a request's commit: the notice of a decision (and its e-mail), the e-mail of a
    receipt or an extension, or a notice built again. With the broker down the request stands;
    the PPID builds the notice again from the request's page, and the e-mail is best effort."""
    try:
        if event in ("decided", "notice_retry"):
            build_request_notice.delay(request_id)
        if event != "notice_retry":
            send_requester_email.delay(request_id, event)
    except Exception:
        logger.exception("could not queue the %s work of request %s", event, request_id)


@shared_task(acks_late=True, ignore_result=True)
def watch_requests(request_ids: list[int]) -> int:
    """`request_watch` for a handful of requests, each in its own transaction under its lock."""
    return _watch_each(lambda pk: requests.request_watch(request_id=pk), request_ids, "request")


@shared_task(ignore_result=True)
def sweep_request_clock() -> int:
    """Hand the open requests whose next notice is due to `watch_requests` (one indexed query,
    chunks like the step clock)."""
    ids = requests_due_for_notice(now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH)
    return _fan_out(watch_requests, ids)


# --- objections (keberatan): the atasan's signed answer, the requester's e-mail, the clock ---


@shared_task(
    autoretry_for=(Exception,),
    dont_autoretry_for=(ImproperlyConfigured,),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def build_objection_answer(objection_id: int) -> str | None:
    """Render, sign and store the atasan's answer to an objection (idempotent)."""
    document = objections.objection_answer_document_build(objection_id=objection_id)
    return document.status if document else None


@receiver(objection_answered, sender=Objection, dispatch_uid="workflow.queue_objection_answer")
def queue_objection_answer(sender, objection_id: int, **kwargs) -> None:
    try:
        build_objection_answer.delay(objection_id)
    except Exception:  # the broker is down: the answer stands; the sweep builds it later
        logger.exception("could not queue the answer document of objection %s", objection_id)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=900,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    soft_time_limit=50,
    time_limit=60,
)
def mail_objection_requester(objection_id: int, event: str) -> bool:
    return objections.objection_requester_mail_send(objection_id=objection_id, event=event)


@receiver(objection_requester_mail, sender=Objection, dispatch_uid="workflow.queue_objection_mail")
def queue_objection_mail(sender, objection_id: int, event: str, **kwargs) -> None:
    try:
        mail_objection_requester.delay(objection_id, event)
    except Exception:  # the broker is down: the tracking page says the same
        logger.exception("could not queue the e-mail of objection %s", objection_id)


@shared_task(acks_late=True, ignore_result=True)
def watch_objections(objection_ids: list[int]) -> int:
    """`objection_watch` for a handful of objections, each under its own lock; one that fails
    is left to the next sweep (its next_notice_at has not moved)."""
    return _watch_each(
        lambda pk: objections.objection_watch(objection_id=pk), objection_ids, "objection"
    )


@shared_task(ignore_result=True)
def sweep_objection_clock() -> int:
    """The objections whose next notice is due (one indexed query), fanned out like the steps;
    answers whose signed PDF is not ready (broker down at answering) are queued again. Its own
    beat entry (`watch-objection-clock`), like the requests' and the steps' sweeps."""
    ids = objections_due_for_notice(now=timezone.now(), limit=settings.PPID_CLOCK_SWEEP_BATCH)
    _fan_out(watch_objections, ids)
    for objection_id in objection_answers_unbuilt(limit=settings.PPID_CLOCK_SWEEP_BATCH):
        build_objection_answer.apply_async(
            (objection_id,), expires=settings.PPID_CLOCK_SWEEP_SECONDS
        )
    return len(ids)
