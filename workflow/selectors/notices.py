"""A user's own notices and the bell's unread count."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from workflow.models import Notice


def notices_for_user(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Notice]:
    """The user's own notices, newest first; nobody else's, ever."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return (
        Notice.objects.filter(recipient=user).select_related("body").order_by("-created_at", "-pk")
    )


def unread_notice_count(user: AbstractBaseUser | AnonymousUser) -> int:
    """The bell's number: one COUNT over the partial index `notice_unread`."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at=None).count()
