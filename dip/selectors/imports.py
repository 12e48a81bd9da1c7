"""Reads of spreadsheet imports: the jobs an officer may see, the body's remembered mapping,
and the live progress of a job being written."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db.models import QuerySet

from dip.models import ImportJob, ImportMapping, ImportStatus
from ppid.models import Body
from ppid.oversight import bodies_reached
from ppid.permissions import EDITOR_ROLES
from ppid.selectors import bodies_for_user

User = AbstractBaseUser | AnonymousUser


def import_jobs_for_user(user: User) -> QuerySet[ImportJob]:
    """The imports of the bodies where the user holds a role (any other is not found)."""
    return ImportJob.objects.filter(body__in=bodies_for_user(user)).select_related("body")


def import_jobs_to_keep(user: User) -> QuerySet[ImportJob]:
    """The imports of the bodies where the user may keep the register (the API's list)."""
    return ImportJob.objects.filter(body__in=bodies_reached(user, EDITOR_ROLES)).select_related(
        "body"
    )


def body_import_jobs(user: User, body: Body) -> QuerySet[ImportJob]:
    """A body's imports, newest first, without their (large) cells and preview."""
    return (
        import_jobs_for_user(user)
        .filter(body=body)
        .defer("source", "rows", "outcome")
        .order_by("-created_at", "-pk")
    )


def remembered_mapping(body: Body) -> dict[str, str]:
    found = ImportMapping.objects.filter(body=body).values_list("columns", flat=True).first()
    return dict(found or {})


def progress_key(job_id: int) -> str:
    return f"dip:import:{job_id}:done"


def import_progress(job: ImportJob) -> int:
    """Rows written so far. The writing runs in one transaction, which no other connection can
    see before it commits; while it runs, its count is kept in the cache (Redis in production,
    so a reloaded page or another worker reads it)."""
    if job.status == ImportStatus.RUNNING:
        return max(job.done, int(cache.get(progress_key(job.pk)) or 0))
    return job.done
