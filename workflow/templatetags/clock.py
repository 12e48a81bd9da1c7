"""Durations and time left, in words an officer reads at a glance."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    if seconds is None:
        return "—"
    seconds = int(abs(seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(ngettext("%d day", "%d days", days) % days)
    if hours:
        parts.append(ngettext("%d hour", "%d hours", hours) % hours)
    if minutes and not days:
        parts.append(ngettext("%d minute", "%d minutes", minutes) % minutes)
    return " ".join(parts) or _("under a minute")


@register.filter
def time_left(due_at: datetime | None) -> str:
    if not due_at:  # None, or "" from a template lookup on a missing step
        return "—"
    now = timezone.now()
    # Overdue as `is_overdue` says, from the first instant past the deadline: the pages mark
    # an overdue step by this text alone ("terlambat kurang dari semenit"), not by "sisa".
    if due_at < now:
        return _("overdue by %(d)s") % {"d": duration(int((now - due_at).total_seconds()))}
    return _("%(d)s left") % {"d": duration(int((due_at - now).total_seconds()))}


@register.filter
def is_overdue(due_at: datetime | None) -> bool:
    return bool(due_at and due_at < timezone.now())
