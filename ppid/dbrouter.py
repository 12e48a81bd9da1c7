"""A PostgreSQL read replica for the public site (DATABASE_REPLICA_URL).

With DATABASE_REPLICA_URL set, settings add a `replica` database alias and this router. The
one door is `PublicReadMiddleware`: for a GET or HEAD of a public page, a public API answer or
a public download (`is_public_read`), by a visitor without a session cookie, it marks the
request, and while it is marked `ReplicaRouter` sends reads to `replica`. Everything else reads
and writes `default`: officers' pages and API, sign-in, any request of someone signed in
(they may have just changed what they look at), management commands, Celery tasks and
migrations. A request that writes anything stops reading the replica at once, so it never
reads behind its own write. Without DATABASE_REPLICA_URL nothing of this is installed.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"

# Public views that only read. Sign-in, token and language views are public but not here.
PUBLIC_READ_PREFIXES = ("dip:public_", "api:public-", "dip:announcement", "dip:verify")
PUBLIC_READ_VIEWS = frozenset({"home", "dip:body_announcements"})
SAFE_METHODS = frozenset({"GET", "HEAD"})

_public_read: ContextVar[bool] = ContextVar("ppid_public_read", default=False)


def is_public_read(view_name: str) -> bool:
    return view_name in PUBLIC_READ_VIEWS or view_name.startswith(PUBLIC_READ_PREFIXES)


def reading_replica() -> bool:
    """Whether reads in this context go to the replica (with the router installed)."""
    return _public_read.get()


class ReplicaRouter:
    """Reads of a marked public request → `replica`; all else → `default`."""

    def db_for_read(self, model, **hints):
        return REPLICA if _public_read.get() else "default"

    def db_for_write(self, model, **hints):
        # Read-your-writes: whatever this request reads after a write comes from the primary.
        _public_read.set(False)
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


class PublicReadMiddleware:
    """Marks a public read (see the module) for the router, for the time of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _public_read.set(False)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            match is not None
            and request.method in SAFE_METHODS
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and is_public_read(match.view_name)
        ):
            _public_read.set(True)
        return None
