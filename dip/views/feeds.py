"""Atom feeds of what bodies make public: each published edition (DIP or DIK) and each
announcement (serta merta information, exempted information opened to the public), per body and
for all bodies, newest first. Read through the public selectors only (`published_editions`,
`public_announcements`): a feed never names an edition the public pages do not show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from dip.models import Announcement, Edition
from dip.rendering import document_title, tanggal
from dip.selectors import public_announcements, published_editions
from dip.serializers import public_url
from dip.views.conditional import public_response
from ppid.calendar import body_time, zone_name
from ppid.models import Body
from ppid.selectors import public_bodies

# Entries in a feed: enough for a reader that polls daily, small enough to stay fast.
FEED_LENGTH = 50


@dataclass(frozen=True)
class Entry:
    """One entry of a feed: an edition published, or an announcement made."""

    at: datetime
    title: str
    description: str
    link: str
    body: Body
    category: str


def _edition_entry(edition: Edition) -> Entry:
    lines = [document_title(edition)]
    if edition.decree_number:
        decree = _("Set by decree number %(number)s") % {"number": edition.decree_number}
        if edition.decree_date:
            decree += f" ({tanggal(edition.decree_date)})"
        lines.append(decree)
    return Entry(
        at=edition.published_at,
        title=document_title(edition),
        description=". ".join(lines) + ".",
        link=public_url(reverse("dip:public_edition", args=[edition.body.slug, edition.pk])),
        body=edition.body,
        category=edition.kind.upper(),
    )


def _announcement_entry(announcement: Announcement) -> Entry:
    # On the announcing body's clock, its zone named: a feed of all bodies mixes WIB, WITA, WIT.
    body = announcement.body
    announced = body_time(announcement.announced_at, body)
    lines = [announcement.summary] if announcement.summary else []
    lines.append(
        _("Announced on %(date)s at %(time)s %(zone)s")
        % {"date": tanggal(announced), "time": f"{announced:%H.%M}", "zone": zone_name(body)}
    )
    return Entry(
        at=announcement.announced_at,
        title=f"{announcement.get_kind_display()}: {announcement.title}",
        description="\n".join(lines),
        link=public_url(reverse("dip:announcement_large_print", args=[announcement.pk])),
        body=announcement.body,
        category=announcement.get_kind_display(),
    )


class PublicationsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str | None = None) -> Body | None:
        return get_object_or_404(public_bodies(), slug=slug) if slug else None

    def title(self, body: Body | None) -> str:
        if body is None:
            return _("Publications and announcements of all public bodies")
        return _("Publications and announcements of %(body)s") % {"body": body.name}

    def subtitle(self, body: Body | None) -> str:
        return _(
            "Each published DIP and DIK, and each announcement of serta merta information or of "
            "exempted information opened to the public."
        )

    def link(self, body: Body | None) -> str:
        if body is None:
            return public_url(reverse("home"))
        return public_url(reverse("dip:public_body", args=[body.slug]))

    def feed_url(self, body: Body | None) -> str:
        if body is None:
            return public_url(reverse("dip:feed"))
        return public_url(reverse("dip:body_feed", args=[body.slug]))

    def feed_guid(self, body: Body | None) -> str:
        return self.feed_url(body)

    def items(self, body: Body | None) -> list[Entry]:
        editions = published_editions().order_by("-published_at", "-pk")
        announcements = public_announcements().filter(body__in=public_bodies())
        if body is not None:
            editions = editions.filter(body=body)
            announcements = announcements.filter(body=body)
        entries = [_edition_entry(e) for e in editions[:FEED_LENGTH]]
        entries += [_announcement_entry(a) for a in announcements[:FEED_LENGTH]]
        entries.sort(key=lambda e: e.at, reverse=True)
        return entries[:FEED_LENGTH]

    def item_title(self, entry: Entry) -> str:
        return entry.title

    def item_description(self, entry: Entry) -> str:
        return entry.description

    def item_link(self, entry: Entry) -> str:
        return entry.link

    def item_guid(self, entry: Entry) -> str:
        return entry.link

    def item_pubdate(self, entry: Entry) -> datetime:
        return entry.at

    def item_updateddate(self, entry: Entry) -> datetime:
        return entry.at

    def item_author_name(self, entry: Entry) -> str:
        return entry.body.name

    def item_categories(self, entry: Entry) -> list[str]:
        return [entry.category, entry.body.short_name or entry.body.slug]


# Public, revalidated on every visit (a new publication or announcement must show at once).
feed = require_safe(public_response(page=False)(PublicationsFeed()))
