"""The public website, no login: the bodies, their current and archived DIP and DIK, an
edition's page and a row's page with its public attachments. Downloads are in `downloads`, the
verification of signed documents in `verify`, the shared caching in `conditional`.

Every lookup goes through the public selectors in dip.selectors, which find published editions
only: a draft, an edition under review or one signed but not yet published is 404 by any id.
Pages carry an ETag and a Last-Modified and answer 304; they are also marked for the WSGI page
cache in front of Django (ppid.pagecache), which keeps them until the next publication.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from dip.forms import PublicRowFilterForm
from dip.models import AttachmentKind, Classification, Edition, EditionKind, EditionRow, Item
from dip.selectors import (
    PublicMarks,
    bodies_with_current_editions,
    body_announcements,
    body_public_marks,
    body_published_editions,
    current_dip_rows_search,
    public_row_units,
    public_row_years,
    public_rows,
    public_rows_filtered,
    ready_record_document,
    rows_with_update_flags,
)
from dip.serializers import DIP_COLUMNS
from dip.views.conditional import (
    ROW_MAX_AGE,
    body_token,
    edition_token,
    etag,
    last_modified,
    memo,
    public_response,
    published_edition,
    published_row,
    ready_document,
)
from ppid.models import Body
from ppid.selectors import public_bodies

PAGE_SIZE = 100
SEARCH_PAGE_SIZE = 50
# The latest announcements shown on a body's page (the rest on its announcements page).
BODY_ANNOUNCEMENTS = 5

# The Perki fields of a row's page: the public DIP columns without the row number.
ROW_FIELDS = tuple(column for column in DIP_COLUMNS if column != "number")


# --- lookups --------------------------------------------------------------------------------


@dataclass
class BodyEditions:
    """A body and its published editions, newest first (one query)."""

    body: Body
    editions: list[Edition]
    dip: Edition | None = field(init=False)
    dik: Edition | None = field(init=False)
    archive: list[Edition] = field(init=False)

    def __post_init__(self) -> None:
        self.dip = next((e for e in self.editions if e.kind == EditionKind.DIP), None)
        self.dik = next((e for e in self.editions if e.kind == EditionKind.DIK), None)
        self.archive = [e for e in self.editions if e not in (self.dip, self.dik)]


def _body_editions(request: HttpRequest, slug: str) -> BodyEditions:
    def make() -> BodyEditions:
        body = get_object_or_404(public_bodies(), slug=slug)
        return BodyEditions(body, body_published_editions(body))

    return memo(request, ("body", slug), make)


def _marks(request: HttpRequest, body: Body) -> PublicMarks:
    """The body's row flags and announcements as they stand (they change between publications,
    so every page showing them puts them in its ETag and Last-Modified)."""
    return memo(request, ("marks", body.pk), lambda: body_public_marks(body))


def _home_bodies(request: HttpRequest) -> list[tuple[Body, Edition | None, Edition | None]]:
    return memo(request, ("home",), bodies_with_current_editions)


# --- tables ---------------------------------------------------------------------------------


def _page_query(request: HttpRequest, page_param: str) -> str:
    params = request.GET.copy()
    params.pop(page_param, None)
    return params.urlencode()


def _dip_table(request: HttpRequest, edition: Edition) -> dict[str, Any]:
    """A published DIP's rows, filtered and paginated: a fixed number of queries."""
    form = PublicRowFilterForm(
        request.GET, units=public_row_units(edition), years=public_row_years(edition)
    )
    filters = form.filters()
    rows = rows_with_update_flags(public_rows_filtered(public_rows(edition), **filters))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "edition": edition,
        "document": ready_document(edition),
        "form": form,
        "filtered": bool(filters),
        "page": page,
        "page_param": "page",
        "page_query": _page_query(request, "page"),
    }


def _dik_table(request: HttpRequest, edition: Edition, page_param: str) -> dict[str, Any]:
    """A published DIK: its DIK columns only (the templates never show a summary or files)."""
    page = Paginator(public_rows(edition), PAGE_SIZE).get_page(request.GET.get(page_param))
    return {
        "edition": edition,
        "document": ready_document(edition),
        "record": ready_record_document(edition),
        "page": page,
        "page_param": page_param,
        "page_query": _page_query(request, page_param),
    }


def _table(request: HttpRequest, edition: Edition | None, page_param: str = "page"):
    if edition is None:
        return None
    if edition.kind == EditionKind.DIK:
        return _dik_table(request, edition, page_param)
    return _dip_table(request, edition)


# --- home -----------------------------------------------------------------------------------


def _home_etag(request: HttpRequest) -> str:
    tokens = [
        (*body_token(b), edition_token(dip), edition_token(dik))
        for b, dip, dik in _home_bodies(request)
    ]
    return etag("home", get_language(), *tokens)


def _home_modified(request: HttpRequest) -> datetime | None:
    return last_modified(*[e for _b, dip, dik in _home_bodies(request) for e in (dip, dik)])


@require_safe
@public_response()
@condition(etag_func=_home_etag, last_modified_func=_home_modified)
def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results: Page | None = None
    search = None
    if query:
        search = current_dip_rows_search(query)
        results = Paginator(search.rows, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    # A search page lists the results, not the bodies (600 in a province): the home page does.
    bodies = (
        []
        if query
        else [{"body": body, "dip": dip, "dik": dik} for body, dip, dik in _home_bodies(request)]
    )
    context = {
        "bodies": bodies,
        "query": query,
        "results": results,
        "search": search,
        "page_query": _page_query(request, "page"),
    }
    return render(request, "public/home.html", context)


# --- a body ---------------------------------------------------------------------------------


def _body_etag(request: HttpRequest, slug: str) -> str:
    found = _body_editions(request, slug)
    return etag(
        "body",
        get_language(),
        *body_token(found.body),
        *[edition_token(e) for e in found.editions],
        _marks(request, found.body).token,
    )


def _body_modified(request: HttpRequest, slug: str) -> datetime | None:
    found = _body_editions(request, slug)
    return _latest(last_modified(*found.editions), _marks(request, found.body).changed_at)


def _latest(*stamps: datetime | None) -> datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


@require_safe
@public_response()
@condition(etag_func=_body_etag, last_modified_func=_body_modified)
def body_page(request: HttpRequest, slug: str) -> HttpResponse:
    found = _body_editions(request, slug)
    context = {
        "body": found.body,
        "dip": _table(request, found.dip),
        "dik": _table(request, found.dik, page_param="dik_page"),
        "archive": [
            {"edition": e, "document": ready_document(e), "record": ready_record_document(e)}
            for e in found.archive
        ],
        "announcements": list(body_announcements(found.body)[: BODY_ANNOUNCEMENTS + 1]),
        "announcements_shown": BODY_ANNOUNCEMENTS,
    }
    return render(request, "public/body.html", context)


# --- an edition -----------------------------------------------------------------------------


def _edition_etag(request: HttpRequest, slug: str, pk: int) -> str:
    edition, current = published_edition(request, slug, pk)
    return etag(
        "edition",
        get_language(),
        *body_token(edition.body),
        edition_token(edition),
        edition_token(current),
        _marks(request, edition.body).token,
    )


def _edition_modified(request: HttpRequest, slug: str, pk: int) -> datetime | None:
    edition, current = published_edition(request, slug, pk)
    return _latest(last_modified(edition, current), _marks(request, edition.body).changed_at)


@require_safe
@public_response()
@condition(etag_func=_edition_etag, last_modified_func=_edition_modified)
def edition_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    edition, current = published_edition(request, slug, pk)
    context = {
        "body": edition.body,
        "edition": edition,
        "current": current,
        "superseded": current is not None and current.pk != edition.pk,
        "table": _table(request, edition),
        "document": ready_document(edition),
        "record": ready_record_document(edition),
    }
    return render(request, "public/edition.html", context)


# --- a row ---------------------------------------------------------------------------------


def _row_etag(request: HttpRequest, slug: str, pk: int, number: int) -> str:
    row = published_row(request, slug, pk, number)
    return etag(
        "row",
        get_language(),
        *body_token(row.edition.body),
        edition_token(row.edition),
        number,
        row.needs_update_since,
        row.needs_update_changed_at,
    )


def _row_modified(request: HttpRequest, slug: str, pk: int, number: int) -> datetime | None:
    row = published_row(request, slug, pk, number)
    return _latest(row.edition.published_at, row.needs_update_changed_at)


def _row_fields(row: EditionRow) -> list[dict[str, Any]]:
    rows = []
    for name in ROW_FIELDS:
        if name == "update_period_months" and row.classification != Classification.BERKALA:
            continue
        label_field = "unit" if name == "unit_name" else name
        value = getattr(row, name)
        if name in ("classification", "form") and value:
            value = getattr(row, f"get_{name}_display")()
        rows.append(
            {
                "name": name,
                "label": capfirst(Item._meta.get_field(label_field).verbose_name),
                "value": value,
            }
        )
    return rows


@require_safe
@public_response(max_age=ROW_MAX_AGE)
@condition(etag_func=_row_etag, last_modified_func=_row_modified)
def row_page(request: HttpRequest, slug: str, pk: int, number: int) -> HttpResponse:
    row = published_row(request, slug, pk, number)
    attachments = [
        {**a, "size_label": filesizeformat(a.get("size") or 0), "kind_label": _kind_label(a)}
        for a in row.attachments
    ]
    context = {
        "body": row.edition.body,
        "edition": row.edition,
        "row": row,
        "fields": _row_fields(row),
        "attachments": attachments,
    }
    return render(request, "public/row.html", context)


def _kind_label(attachment: dict[str, Any]) -> str:
    kind = attachment.get("kind")
    return AttachmentKind(kind).label if kind in AttachmentKind.values else ""
