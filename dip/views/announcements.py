"""The public announcements, no login: serta merta information announced when the PPID approved
it (or verified the edition), and exempted information opened to the public. Each shows the
copy of the row's public columns taken when it was announced, never anything else of an edition
not yet published. Each is also offered in accessible forms (Perki 1/2021): a plain large-print
page, and its spoken version (espeak-ng's Indonesian voice) once it is made."""

from __future__ import annotations

from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.http import condition, require_safe

from dip.models import Announcement
from dip.selectors import (
    body_announcements,
    public_announcement,
    public_announcements,
    ready_audio,
)
from dip.views.conditional import body_token, etag, memo, public_response
from ppid.downloads import file_response
from ppid.models import Body
from ppid.selectors import public_bodies

PAGE_SIZE = 50


def _body(request: HttpRequest, slug: str | None) -> Body | None:
    if slug is None:
        return None
    return memo(request, ("body-only", slug), lambda: get_object_or_404(public_bodies(), slug=slug))


def _latest(request: HttpRequest, slug: str | None) -> tuple[int | None, datetime | None]:
    """The newest announcement (of the body): announcements are only ever added."""

    def make() -> tuple[int | None, datetime | None]:
        body = _body(request, slug)
        announcements = public_announcements() if body is None else body_announcements(body)
        row = announcements.values_list("pk", "announced_at").first()
        return row if row else (None, None)

    return memo(request, ("announcements", slug), make)


def _etag(request: HttpRequest, slug: str | None = None) -> str:
    body = _body(request, slug)
    return etag(
        "announcements",
        get_language(),
        *(body_token(body) if body else ()),
        *_latest(request, slug),
        request.GET.get("page", ""),
    )


def _modified(request: HttpRequest, slug: str | None = None) -> datetime | None:
    return _latest(request, slug)[1]


def _page(
    request: HttpRequest, announcements: QuerySet[Announcement], body: Body | None
) -> HttpResponse:
    page = Paginator(announcements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/announcements.html",
        {"body": body, "page": page, "page_param": "page", "page_query": "", "show_body": not body},
    )


@require_safe
@public_response()
@condition(etag_func=_etag, last_modified_func=_modified)
def announcement_list(request: HttpRequest) -> HttpResponse:
    return _page(request, public_announcements(), None)


@require_safe
@public_response()
@condition(etag_func=_etag, last_modified_func=_modified)
def body_announcement_list(request: HttpRequest, slug: str) -> HttpResponse:
    body = _body(request, slug)
    return _page(request, body_announcements(body), body)


def _announcement(pk: int) -> Announcement:
    announcement = public_announcement(pk)
    if announcement is None:
        raise Http404
    return announcement


@require_safe
@public_response()
def announcement_large_print(request: HttpRequest, pk: int) -> HttpResponse:
    """One announcement on a plain page: large type, high contrast, no images, printable."""
    announcement = _announcement(pk)
    return render(
        request,
        "public/announcement_large_print.html",
        {"announcement": announcement, "audio": ready_audio(announcement)},
    )


@require_safe
@public_response(page=False)
def announcement_audio(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The spoken version of an announcement (404 until it is made)."""
    announcement = _announcement(pk)
    audio = ready_audio(announcement)
    if audio is None:
        raise Http404
    return file_response(
        audio.file,
        filename=f"pengumuman-{announcement.pk}.{audio.extension}",
        content_type=audio.content_type,
        as_attachment=False,
    )
