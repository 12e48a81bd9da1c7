"""Receivers of ppid's own; connected in PpidConfig.ready()."""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from ppid.middleware import LAST_SEEN_KEY


@receiver(user_logged_in, dispatch_uid="ppid.session_seen_at_login")
def session_seen_at_login(sender, request, user, **kwargs) -> None:
    """Signing in saves the session with a fresh expiry: the idle clock starts there, so the
    first pages after it need not save the session again (AccountSecurityMiddleware)."""
    session = getattr(request, "session", None)
    if session is not None:
        session[LAST_SEEN_KEY] = int(time.time())
