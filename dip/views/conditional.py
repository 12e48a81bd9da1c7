"""What the public views share: conditional GET (ETag / Last-Modified → 304), cache headers,
the WSGI page cache's mark, and lookups made once per request.

A published edition never changes, so its pages and files are identified by the edition, its
publication time and its signed document's SHA-256 (`edition_token`). Pages that show the
*current* edition also put the current editions into their ETag, so the next publication
changes it. The language is part of every page's ETag (it is chosen by cookie).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import patch_cache_control, patch_vary_headers

from dip.models import Edition, EditionRow
from dip.selectors import (
    public_row,
    published_editions,
    ready_document,
    ready_record_document,
)
from ppid.models import Body
from ppid.pagecache import cache_public_page

# How long browsers may keep a file of a published edition without asking again. Pages that
# name the current edition are revalidated on every visit (no-cache): a 304 costs little.
IMMUTABLE_MAX_AGE = 24 * 3600
# A signed PDF never changes under its address once it is ready (a ready document is never
# rebuilt): browsers and a CDN may keep it for a year without asking again.
SIGNED_FILE_MAX_AGE = 365 * 24 * 3600
ROW_MAX_AGE = 3600


def etag(*parts: Any) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()
    return f'"{digest[:32]}"'


def memo(request: HttpRequest, key: tuple, make: Callable[[], Any]) -> Any:
    """Look something up once per request: the ETag, Last-Modified and the view share it."""
    store = request.__dict__.setdefault("_public_lookups", {})
    if key not in store:
        store[key] = make()
    return store[key]


def public_response(
    *, max_age: int | None = None, page: bool = True, immutable: bool = False
) -> Callable:
    """Cache headers for a public response; `page` also lets the WSGI page cache keep it;
    `immutable` (with `max_age`) for what never changes under its address.

    A search (`?q=`) is never kept by the page cache: its keys would be unbounded.
    """

    def decorator(view: Callable) -> Callable:
        cached_view = cache_public_page(view) if page else view

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            searching = bool(request.GET.get("q", "").strip())
            response = (view if searching else cached_view)(request, *args, **kwargs)
            if response.status_code in (200, 304):
                if max_age is None:
                    patch_cache_control(response, public=True, no_cache=True)
                elif immutable:
                    patch_cache_control(response, public=True, max_age=max_age, immutable=True)
                else:
                    patch_cache_control(response, public=True, max_age=max_age)
                patch_vary_headers(response, ["Cookie"])
            return response

        return wrapped

    return decorator


def edition_token(edition: Edition | None) -> str:
    """What makes a published edition's pages what they are: it, its date, its document."""
    if edition is None:
        return "-"
    document = ready_document(edition)
    record = ready_record_document(edition)
    return (
        f"{edition.pk}@{edition.published_at.isoformat()}#{document.sha256 if document else ''}"
        f"#{record.sha256 if record else ''}"
    )


def last_modified(*editions: Edition | None) -> datetime | None:
    stamps = []
    for edition in editions:
        if edition is None:
            continue
        stamps.append(edition.published_at)
        for document in (ready_document(edition), ready_record_document(edition)):
            if document is not None and document.rendered_at:
                stamps.append(document.rendered_at)
    stamps = [s for s in stamps if s is not None]
    return max(stamps) if stamps else None


def body_token(body: Body) -> tuple:
    return (body.pk, body.slug, body.name, body.short_name, body.address, body.website)


# --- lookups --------------------------------------------------------------------------------


def published_edition(request: HttpRequest, slug: str, pk: int) -> tuple[Edition, Edition | None]:
    """A published edition of the body and the current edition of its kind (maybe itself)."""

    def make() -> tuple[Edition, Edition | None]:
        edition = get_object_or_404(published_editions().filter(body__slug=slug), pk=pk)
        current = published_editions().filter(body=edition.body, kind=edition.kind).first()
        return edition, current

    return memo(request, ("edition", slug, pk), make)


def published_row(request: HttpRequest, slug: str, pk: int, number: int) -> EditionRow:
    def make() -> EditionRow:
        row = public_row(slug=slug, edition_id=pk, number=number)
        if row is None:
            raise Http404
        return row

    return memo(request, ("row", slug, pk, number), make)
