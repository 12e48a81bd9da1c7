"""Atom feeds of publications and announcements, per body and for all bodies: what the public
pages show, nothing else, newest first, with absolute links, linked from the public pages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dip.models import Announcement, AnnouncementKind, Item, Stage
from dip.services.announcements import announce, public_fields
from ppid.models import Body
from tests.helpers import edition_at, officers_of, published

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BASE = "https://ppid.example.go.id"
DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU_RAYA = "disdukcapil-kubu-raya"
WIB = ZoneInfo("Asia/Pontianak")


def feed(client, url: str) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def entries(root: ET.Element) -> list[dict]:
    return [
        {
            "title": e.findtext(f"{ATOM}title"),
            "link": e.find(f"{ATOM}link").get("href"),
            "id": e.findtext(f"{ATOM}id"),
            "updated": e.findtext(f"{ATOM}updated"),
            "author": e.findtext(f"{ATOM}author/{ATOM}name"),
            "summary": e.findtext(f"{ATOM}summary"),
        }
        for e in root.findall(f"{ATOM}entry")
    ]


def announce_reopened(slug: str, title: str):
    body = Body.objects.get(slug=slug)
    item = Item.objects.filter(body=body).order_by("pk").first()
    fields = {**public_fields(item), "title": title}
    return announce(
        item=item,
        kind=AnnouncementKind.REOPENED,
        key=f"test:{slug}:{title}",
        fields=fields,
        user=officers_of(body)["ppid"],
        edition=None,
    )


@pytest.fixture
def publications(seeded, settings):
    settings.PPID_PUBLIC_BASE_URL = BASE
    with time_machine.travel(datetime(2026, 12, 1, 9, tzinfo=WIB), tick=False):
        dinsos = published(DINSOS)  # announces its serta merta rows as it is published
    with time_machine.travel(datetime(2026, 12, 2, 9, tzinfo=WIB), tick=False):
        reopened = announce_reopened(KALBAR, "Data agregat kependudukan dibuka")
    with time_machine.travel(datetime(2026, 12, 3, 9, tzinfo=WIB), tick=False):
        hidden = edition_at(KUBU_RAYA, Stage.APPROVAL)  # not published: in no feed
    return dinsos, reopened, hidden


def dinsos_links(dinsos) -> set[str]:
    """The DIP of Dinas Sosial and the serta merta rows announced with it."""
    announced = Announcement.objects.filter(body__slug=DINSOS)
    assert announced.exists()
    return {f"{BASE}/badan-publik/{DINSOS}/edisi/{dinsos.pk}/"} | {
        f"{BASE}/pengumuman/{a.pk}/cetak-besar/" for a in announced
    }


def test_the_feed_of_all_bodies_lists_publications_and_announcements_newest_first(
    client, publications
):
    dinsos, reopened, hidden = publications
    root = feed(client, "/umpan.atom")
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id") == f"{BASE}/umpan.atom"
    got = entries(root)
    assert got[0]["link"] == f"{BASE}/pengumuman/{reopened.pk}/cetak-besar/"
    assert {e["link"] for e in got[1:]} == dinsos_links(dinsos)
    assert len(got) == 1 + len(dinsos_links(dinsos))
    announcement = got[0]
    edition = next(e for e in got if "/edisi/" in e["link"])
    assert announcement["title"].endswith(": Data agregat kependudukan dibuka")
    assert announcement["author"] == Body.objects.get(slug=KALBAR).name
    assert "2 Desember 2026 pukul 09.00" in announcement["summary"]
    assert edition["title"].startswith("Daftar Informasi Publik ")
    assert f"Nomor {dinsos.decree_number}" in edition["summary"]
    assert edition["updated"].startswith("2026-12-01T")
    assert f"/edisi/{hidden.pk}/" not in client.get("/umpan.atom").content.decode()


def test_a_bodys_feed_has_its_entries_only(client, publications):
    dinsos, reopened, _hidden = publications
    got = entries(feed(client, f"/badan-publik/{DINSOS}/umpan.atom"))
    assert sorted(e["link"] for e in got) == sorted(dinsos_links(dinsos))
    kalbar = entries(feed(client, f"/badan-publik/{KALBAR}/umpan.atom"))
    assert [e["link"] for e in kalbar] == [f"{BASE}/pengumuman/{reopened.pk}/cetak-besar/"]
    assert client.get("/badan-publik/tidak-ada/umpan.atom").status_code == 404


def test_a_new_publication_shows_at_once(client, publications):
    before = entries(feed(client, f"/badan-publik/{DINSOS}/umpan.atom"))
    with time_machine.travel(datetime.now(WIB) + timedelta(days=1)):
        second = published(DINSOS, title="Perubahan", year=2027)
    got = entries(feed(client, f"/badan-publik/{DINSOS}/umpan.atom"))
    assert len(got) == len(before) + 1
    assert got[0]["link"].endswith(f"/edisi/{second.pk}/")


def test_public_pages_link_their_feeds(client, publications):
    dinsos, _reopened, _hidden = publications
    alternate = '<link rel="alternate" type="application/atom+xml" href="{}"'
    home = client.get("/").content.decode()
    assert alternate.format("/umpan.atom") in home
    for url in (
        f"/badan-publik/{DINSOS}/",
        f"/badan-publik/{DINSOS}/edisi/{dinsos.pk}/",
        f"/badan-publik/{DINSOS}/pengumuman/",
    ):
        page = client.get(url).content.decode()
        assert alternate.format(f"/badan-publik/{DINSOS}/umpan.atom") in page, url
        assert alternate.format("/umpan.atom") in page


def test_each_announcement_is_written_on_its_own_bodys_clock_with_its_zone(
    client, seeded, settings
):
    """The server keeps Pontianak time (WIB). At 23:30 WIB on 4 March it is already 5 March in
    Makassar (WITA, 00:30) and in Jayapura (WIT, 01:30): the feed of all bodies writes each
    announcement on its own body's clock, the zone after the time, and keeps the moment itself
    (with its offset) in the machine-readable dates."""
    settings.PPID_PUBLIC_BASE_URL = BASE
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    Body.objects.filter(slug=KALBAR).update(time_zone="Asia/Makassar")
    moment = datetime(2026, 3, 4, 23, 30, tzinfo=WIB)
    with time_machine.travel(moment, tick=False):
        published(DINSOS)  # announces its serta merta rows
        announce_reopened(KALBAR, "Data agregat kependudukan dibuka")
        announce_reopened(KUBU_RAYA, "Rekapitulasi akta kelahiran dibuka")
    said = {
        Body.objects.get(slug=DINSOS).name: "Diumumkan pada 5 Maret 2026 pukul 01.30 WIT",
        Body.objects.get(slug=KALBAR).name: "Diumumkan pada 5 Maret 2026 pukul 00.30 WITA",
        Body.objects.get(slug=KUBU_RAYA).name: "Diumumkan pada 4 Maret 2026 pukul 23.30 WIB",
    }
    got = [e for e in entries(feed(client, "/umpan.atom")) if "/pengumuman/" in e["link"]]
    assert {e["author"] for e in got} == set(said)
    assert len(got) == 2 + Announcement.objects.filter(body__slug=DINSOS).count()
    for entry in got:
        assert entry["summary"].splitlines()[-1] == said[entry["author"]]
        assert entry["updated"] == "2026-03-04T16:30:00+00:00"  # 23:30 WIB, as it was
    own = entries(feed(client, f"/badan-publik/{DINSOS}/umpan.atom"))
    assert {e["summary"].splitlines()[-1] for e in own if "/pengumuman/" in e["link"]} == {
        said[Body.objects.get(slug=DINSOS).name]
    }
