"""Logging filters (settings.LOGGING)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class PermissionDeniedWithoutTraceback(logging.Filter):
    """Keep django.request's "Forbidden (Permission denied): /path" line, drop its traceback.

    Django logs every PermissionDenied with the exception attached, so an officer opening a
    step that is not theirs, or another body's page, filled the log with tracebacks that look
    like failures. A 403 is the rules working: one warning line says enough. Every other
    record (a 500 above all) keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
