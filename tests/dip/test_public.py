"""The public website, no login: pages of each seed body, filters and search, downloads that
match the signed snapshot, caching (ETag / Last-Modified / 304), verification of signed PDFs,
a constant query count, and a crawl that never finds a secret or an unpublished edition."""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import re
from collections import deque
from datetime import datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import http_date
from pypdf import PdfReader, PdfWriter

from dip import services as dip_services
from dip.models import (
    Classification,
    DocumentStatus,
    Edition,
    EditionDocument,
    EditionKind,
    EditionRow,
    Item,
    Stage,
)
from dip.serializers import DIK_COLUMNS, DIP_COLUMNS
from ppid.models import Body
from ppid.pagecache import MARK_HEADER
from tests.factories import ItemFactory
from tests.helpers import edition_at, fake_pdf, make_ready, officers_of, open_edition, published

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"  # SOP 000, DIP
KALBAR = "disdukcapil-kalbar"  # SOP 002, DIP
KUBU_RAYA = "disdukcapil-kubu-raya"  # SOP 004, DIK
SEED_KINDS = {DINSOS: EditionKind.DIP, KALBAR: EditionKind.DIP, KUBU_RAYA: EditionKind.DIK}
WIB = ZoneInfo("Asia/Pontianak")

NOT_GENUINE = "Tidak asli"
GENUINE = "Asli: edisi bertanda tangan dari sistem ini yang tidak diubah"
ALTERED = "Tidak asli: berkas ini diubah setelah ditandatangani"
UNKNOWN = "Tidak asli: berkas ini bukan dokumen bertanda tangan dari sistem ini"


# --- helpers -------------------------------------------------------------------------------


def content(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def text(response) -> str:
    return html.unescape(content(response).decode())


def body_url(slug: str) -> str:
    return f"/badan-publik/{slug}/"


def edition_url(edition: Edition, suffix: str = "") -> str:
    return f"/badan-publik/{edition.body.slug}/edisi/{edition.pk}/{suffix}"


def rows_of(edition: Edition) -> list[EditionRow]:
    return list(EditionRow.objects.filter(edition=edition).order_by("number"))


def row_numbers_in_page(page: str, edition: Edition) -> list[int]:
    table = page.split(f'id="dip-{edition.pk}"', 1)[1].split("</table>", 1)[0]
    return [int(n) for n in re.findall(r'<tr id="row-(\d+)"', table)]


# --- pages of each seed body ----------------------------------------------------------------


@pytest.mark.parametrize("slug", list(SEED_KINDS))
def test_each_seed_body_has_its_current_list_on_home_body_and_edition_pages(client, seeded, slug):
    edition = published(slug, title=f"Daftar {slug}")
    rows = rows_of(edition)
    assert rows

    home = client.get("/")
    assert home.status_code == 200
    page = text(home)
    assert f'href="{body_url(slug)}"' in page
    assert edition.title in page
    if edition.kind == EditionKind.DIP:
        with translation.override("id"):
            signed = date_format(timezone.localtime(edition.signed_at, WIB), "j F Y")
        assert signed in page.split(f'id="body-{slug}"', 1)[1].split("</tr>", 1)[0]

    response = client.get(body_url(slug))
    assert response.status_code == 200
    page = text(response)
    assert Body.objects.get(slug=slug).name in page
    for row in rows:
        assert row.title in page
    assert edition_url(edition, "dokumen.pdf") in page
    assert edition_url(edition, "daftar.csv") in page
    assert edition_url(edition, "daftar.json") in page

    response = client.get(edition_url(edition))
    assert response.status_code == 200
    assert "Ini edisi yang berlaku." in text(response)

    if edition.kind == EditionKind.DIP:
        row = rows[0]
        response = client.get(edition_url(edition, f"informasi/{row.number}/"))
        assert response.status_code == 200
        page = text(response)
        for value in (row.title, row.summary, row.holding_unit, row.responsible, row.retention):
            assert value in page
        assert row.produced_place in page
    else:
        # A DIK row has no page of its own: its summary is exempted content.
        assert client.get(edition_url(edition, "informasi/1/")).status_code == 404


def test_body_without_a_published_edition_says_so(client, seeded):
    edition_at(DINSOS, Stage.APPROVAL)  # under review: not public
    page = text(client.get(body_url(DINSOS)))
    assert "Badan publik ini belum mempublikasikan DIP." in page
    assert "Badan publik ini belum mempublikasikan DIK." in page
    assert client.get(body_url("tidak-ada")).status_code == 404


def test_serta_merta_rows_come_first_and_are_marked(client, seeded):
    edition = published(DINSOS)
    # Renumber so that the serta merta row is signed last: the page must still show it first.
    rows = rows_of(edition)
    serta = [r for r in rows if r.classification == Classification.SERTA_MERTA]
    assert serta
    EditionRow.objects.filter(edition=edition).update(number=F("number") + 1000)
    for new_number, row in enumerate(
        [r for r in rows if r.classification != Classification.SERTA_MERTA] + serta, start=1
    ):
        EditionRow.objects.filter(pk=row.pk).update(number=new_number)
    numbers = {r.pk: r.number for r in rows_of(edition)}
    page = text(client.get(body_url(DINSOS)))
    shown = row_numbers_in_page(page, edition)
    assert shown[0] == numbers[serta[0].pk]
    first_row = page.split(f'<tr id="row-{shown[0]}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="serta-merta"' in first_row and "Serta merta" in first_row


def test_filters_and_search_of_the_dip_table(client, seeded):
    edition = published(DINSOS)
    rows = rows_of(edition)
    url = body_url(DINSOS)

    page = text(client.get(url, {"classification": "berkala"}))
    shown = row_numbers_in_page(page, edition)
    assert sorted(shown) == sorted(r.number for r in rows if r.classification == "berkala")

    page = text(client.get(url, {"unit": "Sekretariat"}))
    assert sorted(row_numbers_in_page(page, edition)) == sorted(
        r.number for r in rows if r.unit_name == "Sekretariat"
    )

    page = text(client.get(url, {"year": "2024"}))
    assert row_numbers_in_page(page, edition) == [
        r.number for r in rows if r.produced_at.year == 2024
    ]

    page = text(client.get(url, {"q": "rehabilitasi"}))
    assert [r.title for r in rows if r.number in row_numbers_in_page(page, edition)] == [
        "Standar pelayanan rehabilitasi sosial penyandang disabilitas"
    ]

    # A bad filter value is ignored, never an error page.
    response = client.get(url, {"classification": "dikecualikan", "year": "abc"})
    assert response.status_code == 200
    assert len(row_numbers_in_page(text(response), edition)) == len(rows)

    page = text(client.get(url, {"q": "tidak-ada-yang-cocok"}))
    assert "Tidak ada informasi yang cocok dengan saringan ini." in page


def test_home_search_finds_rows_of_current_dips_only(client, seeded):
    old = published(DINSOS, title="DIP lama", year=2025)
    current = published(DINSOS, title="DIP baru", year=2026)
    published(KALBAR)
    response = client.get("/", {"q": "keuangan"})
    assert response.status_code == 200
    page = text(response)
    row = EditionRow.objects.get(edition=current, title__icontains="keuangan")
    assert f'href="{edition_url(current, f"informasi/{row.number}/")}"' in page
    assert f"/edisi/{old.pk}/informasi/" not in page
    # The DIK (Kubu Raya) is never searched: its rows are exempted.
    published(KUBU_RAYA)
    page = text(client.get("/", {"q": "akta"}))
    assert "Isi akta kelahiran" not in page
    assert "0 hasil" in page


def test_the_dik_shows_its_columns_only(client, seeded):
    operator = officers_of(Body.objects.get(slug=KUBU_RAYA))["operator"]
    item = Item.objects.filter(body__slug=KUBU_RAYA).order_by("pk").first()
    dip_services.item_update(item=item, user=operator, summary="ISI-RAHASIA-DIK di ringkasan")
    edition = published(KUBU_RAYA)
    for url in (body_url(KUBU_RAYA), edition_url(edition)):
        page = text(client.get(url))
        assert "ISI-RAHASIA-DIK" not in page
        table = page.split(f'id="dik-{edition.pk}"', 1)[1].split("</table>", 1)[0]
        for row in rows_of(edition):
            assert row.title in table
            assert row.consequence_if_opened in table
            assert row.consequence_if_closed in table
            assert row.public_interest in table
            assert row.summary not in table
            assert row.holding_unit not in table or row.holding_unit in row.title
        assert "Pasal 17 huruf h" in table
        assert "Selamanya" in table
        assert "/informasi/" not in table  # no row links


def test_archive_after_a_second_edition_supersedes(client, seeded):
    first = published(DINSOS, title="DIP 2025", year=2025)
    second = published(DINSOS, title="DIP 2026", year=2026)
    page = text(client.get(body_url(DINSOS)))
    current_part, archive_part = page.split('id="archive"', 1)
    assert "DIP 2026" in current_part and f'id="dip-{second.pk}"' in current_part
    assert f'id="dip-{first.pk}"' not in current_part
    assert f'href="{edition_url(first)}"' in archive_part
    assert edition_url(first, "daftar.csv") in archive_part

    old = text(client.get(edition_url(first)))
    assert "Edisi ini sudah digantikan" in old
    assert f'href="{edition_url(second)}"' in old
    # The archived edition still shows its rows as signed.
    for row in rows_of(first):
        assert row.title in old
    assert client.get(edition_url(first, "informasi/1/")).status_code == 200


# --- downloads ------------------------------------------------------------------------------


def test_json_matches_the_public_api_and_the_signed_snapshot(client, seeded, api):
    for slug in SEED_KINDS:
        edition = published(slug)
        response = client.get(edition_url(edition, "daftar.json"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        kind = "dik" if edition.kind == EditionKind.DIK else "dip"
        from_api = api().get(f"/api/public/bodies/{slug}/{kind}/").json()
        assert data == from_api
        columns = (
            [*DIK_COLUMNS, "redacted_copies"] if kind == "dik" else [*DIP_COLUMNS, "attachments"]
        )
        rows = rows_of(edition)
        assert [list(r) for r in data["rows"]] == [columns] * len(rows)
        for got, row in zip(data["rows"], rows, strict=True):
            for name in columns:
                if name in ("attachments", "redacted_copies"):
                    continue
                value = getattr(row, name)
                expected = value.isoformat() if hasattr(value, "isoformat") else value
                assert got[name] == expected, name
        if kind == "dik":
            assert "summary" not in response.content.decode()


def test_csv_has_the_json_columns_and_values(client, seeded):
    for slug in (DINSOS, KUBU_RAYA):
        edition = published(slug)
        response = client.get(edition_url(edition, "daftar.csv"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert "attachment;" in response["Content-Disposition"]
        table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        data = json.loads(client.get(edition_url(edition, "daftar.json")).content)
        header, *lines = table
        assert header == list(data["rows"][0])
        assert len(lines) == len(rows_of(edition))
        for line, row in zip(lines, data["rows"], strict=True):
            for name, cell in zip(header, line, strict=True):
                value = row[name]
                if name in ("attachments", "redacted_copies"):
                    assert cell == "; ".join(a["name"] for a in value)
                elif isinstance(value, bool):
                    assert cell == ("true" if value else "false")
                else:
                    assert cell == ("" if value is None else str(value))


def test_pdf_download_only_when_ready(client, seeded):
    edition = edition_at(DINSOS, Stage.PUBLISHED)
    EditionDocument.objects.update_or_create(
        edition=edition, defaults={"status": DocumentStatus.RENDERING, "sha256": ""}
    )
    assert client.get(edition_url(edition, "dokumen.pdf")).status_code == 404
    page = text(client.get(body_url(DINSOS)))
    assert edition_url(edition, "dokumen.pdf") not in page
    assert "PDF bertanda tangan sedang disiapkan." in page

    pdf = fake_pdf("dokumen asli")
    make_ready(edition, pdf)
    response = client.get(edition_url(edition, "dokumen.pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert content(response) == pdf


def test_public_json_names_the_pdf_the_verification_and_the_downloads(
    client, seeded, api, settings
):
    settings.PPID_PUBLIC_BASE_URL = "https://ppid.example.go.id"
    edition = edition_at(KUBU_RAYA, Stage.PUBLISHED)
    EditionDocument.objects.update_or_create(
        edition=edition, defaults={"status": DocumentStatus.RENDERING, "sha256": ""}
    )
    site = f"https://ppid.example.go.id{edition_url(edition)}"
    header = api().get(f"/api/public/bodies/{KUBU_RAYA}/dik/").json()["edition"]
    assert header["pdf_url"] is None  # not while the signed PDF is still being made
    assert header["html_url"] == site

    make_ready(edition, fake_pdf("dokumen DIK"))
    edition.refresh_from_db()
    from_api = api().get(f"/api/public/bodies/{KUBU_RAYA}/dik/").json()["edition"]
    from_download = json.loads(client.get(edition_url(edition, "daftar.json")).content)
    assert from_download["edition"] == from_api
    code = edition.verification_code
    assert from_api["verification_code"] == code
    links = {
        "html_url": site,
        "pdf_url": f"{site}dokumen.pdf",
        "csv_url": f"{site}daftar.csv",
        "xlsx_url": f"{site}daftar.xlsx",
        "json_url": f"{site}daftar.json",
        "verification_url": f"https://ppid.example.go.id/verifikasi/{code}/",
    }
    assert {name: from_api[name] for name in links} == links
    # Every address answers, with what it names.
    answers = {name: client.get(urlsplit(url).path) for name, url in links.items()}
    assert {name: r.status_code for name, r in answers.items()} == dict.fromkeys(links, 200)
    assert answers["pdf_url"]["Content-Type"] == "application/pdf"
    assert answers["csv_url"]["Content-Type"].startswith("text/csv")
    assert json.loads(answers["json_url"].content)["edition"]["id"] == edition.pk
    assert code in text(answers["verification_url"])


def test_public_attachment_of_a_row_as_signed(client, seeded):
    body = Body.objects.get(slug=DINSOS)
    operator = officers_of(body)["operator"]
    item = Item.objects.get(body=body, title__startswith="Laporan Keuangan")
    (attachment,) = dip_services.attachments_create(
        item=item,
        user=operator,
        uploads=[SimpleUploadedFile("lra.pdf", fake_pdf("laporan realisasi anggaran"))],
        kind="softcopy",
    )
    edition = published(DINSOS)
    row = EditionRow.objects.get(edition=edition, item=item)
    row_page = text(client.get(edition_url(edition, f"informasi/{row.number}/")))
    url = edition_url(edition, f"informasi/{row.number}/lampiran/{attachment.pk}/")
    assert f'href="{url}"' in row_page
    assert attachment.sha256 in row_page
    response = client.get(url)
    assert response.status_code == 200
    assert content(response) == fake_pdf("laporan realisasi anggaran")
    assert "attachment;" in response["Content-Disposition"]

    # Not through another row, nor an id that is not in the row's snapshot.
    other = EditionRow.objects.filter(edition=edition).exclude(pk=row.pk).first()
    wrong_row = edition_url(edition, f"informasi/{other.number}/lampiran/{attachment.pk}/")
    assert client.get(wrong_row).status_code == 404
    later = dip_services.attachments_create(
        item=item,
        user=operator,
        uploads=[SimpleUploadedFile("baru.pdf", fake_pdf("sesudah ditandatangani"))],
        kind="softcopy",
    )[0]
    not_signed = edition_url(edition, f"informasi/{row.number}/lampiran/{later.pk}/")
    assert client.get(not_signed).status_code == 404


# --- caching --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "suffix", ["", "daftar.csv", "daftar.json", "dokumen.pdf", "informasi/1/", "BODY", "HOME"]
)
def test_published_pages_send_etag_and_last_modified_and_answer_304(client, seeded, suffix):
    edition = published(DINSOS)
    url = {"BODY": body_url(DINSOS), "HOME": "/"}.get(suffix) or edition_url(edition, suffix)
    response = client.get(url)
    assert response.status_code == 200
    etag = response["ETag"]
    last_modified = response["Last-Modified"]
    assert etag.startswith('"') and last_modified
    assert "public" in response["Cache-Control"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"lain"').status_code == 200
    earlier = http_date(edition.published_at.timestamp() - 3600)
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_current_pages_change_their_etag_when_a_new_edition_supersedes(client, seeded):
    first = published(DINSOS, title="DIP 2025", year=2025)
    before = {url: client.get(url)["ETag"] for url in ("/", body_url(DINSOS), edition_url(first))}
    archived_csv = client.get(edition_url(first, "daftar.csv"))["ETag"]
    published(DINSOS, title="DIP 2026", year=2026)
    for url, etag in before.items():
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert response.status_code == 200, url
        assert response["ETag"] != etag
    # The archived edition's files never change.
    assert (
        client.get(edition_url(first, "daftar.csv"), HTTP_IF_NONE_MATCH=archived_csv).status_code
        == 304
    )


def test_etag_differs_per_language(client, seeded):
    published(DINSOS)
    indonesian = client.get(body_url(DINSOS))
    client.cookies["django_language"] = "en"
    english = client.get(body_url(DINSOS), HTTP_IF_NONE_MATCH=indonesian["ETag"])
    assert english.status_code == 200
    assert "Daftar Informasi Publik" in text(english) and "Archive" in text(english)


def test_public_pages_set_no_cookie_and_are_kept_by_the_page_cache(client, seeded):
    edition = published(DINSOS)
    for url in ("/", body_url(DINSOS), edition_url(edition), edition_url(edition, "daftar.csv")):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
        assert response.get(MARK_HEADER) == "store", url
        assert client.head(url).status_code == 200
    # A search is answered live: its keys would be unbounded.
    response = client.get(body_url(DINSOS), {"q": "laporan"})
    assert response.status_code == 200 and MARK_HEADER not in response
    # The verification form sets no cookie either (its POST stores nothing).
    response = client.get("/verifikasi/")
    assert response.status_code == 200 and not response.cookies


def test_language_switch_without_a_csrf_token(seeded):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/bahasa/", {"language": "en", "next": body_url(DINSOS)})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"


# --- security -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.COLLECTION, Stage.APPROVAL, Stage.PUBLICATION])
def test_an_unpublished_edition_is_404_by_every_url(client, seeded, stage):
    edition = edition_at(DINSOS, stage)
    if stage == Stage.PUBLICATION:  # signed, not yet published: even a ready PDF stays hidden
        EditionDocument.objects.update_or_create(
            edition=edition,
            defaults={"status": DocumentStatus.READY, "sha256": "0" * 64, "size": 1},
        )
        edition.refresh_from_db()
    for suffix in ("", "daftar.csv", "daftar.json", "dokumen.pdf", "informasi/1/"):
        assert client.get(edition_url(edition, suffix)).status_code == 404, suffix
    if edition.verification_code:
        assert client.get(f"/verifikasi/{edition.verification_code}/").status_code == 404
    # Nor under another body's slug.
    other = published(KALBAR)
    assert client.get(f"/badan-publik/{DINSOS}/edisi/{other.pk}/").status_code == 404


MARKER = "RAHASIA-5e1f0c9a"


def _links(page: str, base: str) -> list[str]:
    found = []
    for href in re.findall(r'href="([^"]+)"', page):
        url = urljoin(base, html.unescape(href))
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver"):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def test_crawl_from_home_never_reaches_a_secret_or_an_unpublished_edition(client, seeded):
    # A dikecualikan item with the marker in its summary and in an attachment, signed into the
    # published DIK of Kubu Raya.
    kubu = Body.objects.get(slug=KUBU_RAYA)
    kubu_operator = officers_of(kubu)["operator"]
    secret_item = Item.objects.filter(body=kubu).order_by("pk").first()
    dip_services.item_update(
        item=secret_item, user=kubu_operator, summary=f"Isi yang dikecualikan {MARKER}"
    )
    (secret_attachment,) = dip_services.attachments_create(
        item=secret_item,
        user=kubu_operator,
        uploads=[SimpleUploadedFile("rahasia.pdf", fake_pdf(f"isi rahasia {MARKER}"))],
        kind="softcopy",
    )
    dik = published(KUBU_RAYA)
    secret_row = EditionRow.objects.get(edition=dik, item=secret_item)
    assert secret_row.attachments[0]["id"] == secret_attachment.pk

    # A public attachment on a DIP row, so that downloads are crawled too.
    dinsos = Body.objects.get(slug=DINSOS)
    dinsos_operator = officers_of(dinsos)["operator"]
    public_item = Item.objects.get(body=dinsos, title__startswith="Laporan Keuangan")
    (public_attachment,) = dip_services.attachments_create(
        item=public_item,
        user=dinsos_operator,
        uploads=[SimpleUploadedFile("lra.pdf", fake_pdf("lampiran terbuka"))],
        kind="softcopy",
    )
    old_dip = published(DINSOS, title="DIP 2025", year=2025)
    dip = published(DINSOS, title="DIP 2026", year=2026)
    published(KALBAR)

    # Drafts and unpublished editions holding an item with the marker in its title.
    draft_item = ItemFactory(
        body=dinsos, draft=True, title=f"Konsep {MARKER}", summary="Belum ditetapkan."
    )
    draft = open_edition(dinsos, title=f"Konsep DIP {MARKER}", year=2027, items=[draft_item])
    kalbar = Body.objects.get(slug=KALBAR)
    ItemFactory(
        body=kalbar,
        unit=kalbar.units.first(),
        title=f"Belum terbit {MARKER}",
        summary=f"Ringkasan {MARKER}",
        produced_at=timezone.localdate(),
    )
    signed_not_published = edition_at(KALBAR, Stage.PUBLICATION, year=2027)
    EditionDocument.objects.update_or_create(
        edition=signed_not_published,
        defaults={"status": DocumentStatus.READY, "sha256": "1" * 64, "size": 1},
    )
    hidden = [draft, signed_not_published]

    seeds = ["/"] + [f"/api/public/bodies/{s}/{k}/" for s in SEED_KINDS for k in ("dip", "dik")]
    queue, seen, answered = deque(seeds), set(seeds), {}
    while queue:
        url = queue.popleft()
        if url.startswith(("/admin/", "/static/")):
            continue
        response = client.get(url)
        answered[url] = response.status_code
        body = content(response)
        assert MARKER.encode() not in body, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in _links(body.decode(), url):
            if link not in seen and len(seen) < 2000:
                seen.add(link)
                queue.append(link)

    ok = {url for url, status in answered.items() if status == 200}
    # The crawl reached what the public should see ...
    for expected in (
        body_url(KUBU_RAYA),
        edition_url(dik),
        edition_url(dik, "daftar.csv"),
        edition_url(dik, "daftar.json"),
        edition_url(dik, "dokumen.pdf"),
        edition_url(old_dip),
        edition_url(dip, "dokumen.pdf"),
        "/verifikasi/",
    ):
        assert expected in ok, expected
    public_row = EditionRow.objects.get(edition=dip, item=public_item)
    attachment_url = edition_url(
        dip, f"informasi/{public_row.number}/lampiran/{public_attachment.pk}/"
    )
    assert attachment_url in ok
    # ... and nothing of an unpublished edition.
    for edition in hidden:
        assert not any(f"/edisi/{edition.pk}/" in url for url in ok)
        for suffix in ("", "daftar.csv", "daftar.json", "dokumen.pdf", "informasi/1/"):
            assert client.get(edition_url(edition, suffix)).status_code == 404
    # The exempted row and its attachment have no public URL, even when guessed.
    guessed = edition_url(dik, f"informasi/{secret_row.number}/lampiran/{secret_attachment.pk}/")
    assert client.get(guessed).status_code == 404
    assert client.get(edition_url(dik, f"informasi/{secret_row.number}/")).status_code == 404
    assert client.get(f"/lampiran/{secret_attachment.pk}/unduh/").status_code == 302  # sign-in


# --- performance ----------------------------------------------------------------------------


def _big_edition(count: int) -> Edition:
    body = Body.objects.get(slug=DINSOS)
    edition = Edition.objects.create(
        body=body,
        kind=EditionKind.DIP,
        year=2030,
        title="DIP besar",
        state=Stage.PUBLISHED,
        signed_at=timezone.now(),
        published_at=timezone.now(),
    )
    classes = [Classification.SERTA_MERTA, Classification.BERKALA, Classification.SETIAP_SAAT]
    EditionRow.objects.bulk_create(
        EditionRow(
            edition=edition,
            number=n,
            classification=classes[n % 3],
            title=f"Informasi nomor {n}",
            summary="Ringkasan",
            unit_name=f"Bidang {n % 7}",
            holding_unit="Sekretariat",
            responsible="Sekretaris",
            produced_at=datetime(2020 + n % 6, 1, 1).date(),
            produced_place="Putussibau",
            form="softcopy",
            retention="5 tahun",
            update_period_months=6 if n % 3 == 1 else None,
            attachments=[
                {
                    "id": 10_000 + n,
                    "name": f"lampiran-{n}.pdf",
                    "sha256": "0" * 64,
                    "size": 10,
                    "content_type": "application/pdf",
                    "kind": "softcopy",
                }
            ],
        )
        for n in range(1, count + 1)
    )
    make_ready(edition)
    return edition


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_public_pages_run_the_same_number_of_queries_for_10_and_1000_rows(client, seeded):
    published(KUBU_RAYA)
    small = _big_edition(10)
    small_counts = [
        _queries(client, url)
        for url in ("/", "/?q=informasi", body_url(DINSOS), edition_url(small), body_url(KUBU_RAYA))
    ]
    # The small edition moves to the archive (another year: one revision per body, kind, year).
    Edition.objects.filter(pk=small.pk).update(year=2029)
    big = _big_edition(1000)
    assert EditionRow.objects.filter(edition=big).count() == 1000
    big_counts = [
        _queries(client, url)
        for url in ("/", "/?q=informasi", body_url(DINSOS), edition_url(big), body_url(KUBU_RAYA))
    ]
    assert big_counts == small_counts
    assert max(big_counts) <= 12, big_counts
    # The big list is paginated: 100 rows on the first page, the rest a link away.
    page = text(client.get(body_url(DINSOS)))
    assert len(row_numbers_in_page(page, big)) == 100
    assert "?page=2" in page
    assert len(row_numbers_in_page(text(client.get(body_url(DINSOS), {"page": 10})), big)) == 100


# --- verification ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_pki(tmp_path_factory):
    """A demo CA and a signing key for the seed bodies (made once for this module)."""
    return tmp_path_factory.mktemp("signing")


@pytest.fixture
def signed_pdf(seeded, settings, demo_pki):
    """sign(edition) → the bytes of a small PDF really signed with the body's demo key."""
    from dip.pki import demo_pki_create
    from dip.signing import signer_for

    settings.PPID_SIGNING_DIR = demo_pki
    settings.PPID_SIGNING_TRUST_ROOTS = None
    demo_pki_create(demo_pki, Body.objects.filter(slug__in=list(SEED_KINDS)))

    def sign(edition: Edition, title: str = "Daftar Informasi Publik uji") -> tuple[bytes, str]:
        out = io.BytesIO()
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_metadata({"/Title": title})
        writer.write(out)
        return signer_for(edition.body).sign(out.getvalue(), reason="Uji", location="Putussibau")

    return sign


def _verify_upload(client, data: bytes, name: str = "dip.pdf"):
    return client.post("/verifikasi/", {"file": SimpleUploadedFile(name, data)})


def test_verify_a_genuine_signed_document_by_upload(client, signed_pdf):
    edition = published(DINSOS, title="DIP Dinas Sosial 2026")
    signed_at = datetime(2026, 3, 2, 9, 15, tzinfo=WIB)
    Edition.objects.filter(pk=edition.pk).update(signed_at=signed_at)
    pdf, subject = signed_pdf(edition)
    make_ready(edition, pdf, subject)
    response = _verify_upload(client, pdf)
    assert response.status_code == 200
    page = text(response)
    assert GENUINE in page
    assert "Dinas Sosial" in page and "DIP Dinas Sosial 2026" in page
    assert "2 Maret 2026 09:15" in page
    assert "sah, dan mencakup seluruh berkas" in page
    assert hashlib.sha256(pdf).hexdigest() in page


def test_one_changed_byte_is_not_genuine(client, signed_pdf):
    edition = published(DINSOS)
    pdf, subject = signed_pdf(edition, title="DIP uji")
    make_ready(edition, pdf, subject)
    position = pdf.index(b"DIP uji") + 4
    changed = pdf[:position] + b"U" + pdf[position + 1 :]
    assert len(changed) == len(pdf) and changed != pdf
    page = text(_verify_upload(client, changed))
    assert ALTERED in page
    assert GENUINE not in page
    assert subject in page  # whose signature it carries
    # The unchanged file is still genuine.
    assert GENUINE in text(_verify_upload(client, pdf))


def test_a_random_pdf_is_unknown(client, signed_pdf):
    published(DINSOS)
    out = io.BytesIO()
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.write(out)
    page = text(_verify_upload(client, out.getvalue()))
    assert UNKNOWN in page and GENUINE not in page
    # A fake "%PDF-" file that does not parse is unknown too, never an error page.
    page = text(_verify_upload(client, fake_pdf("bukan dokumen kami")))
    assert UNKNOWN in page


def test_a_non_pdf_upload_shows_an_error(client, seeded):
    response = _verify_upload(client, b"<html>bukan pdf</html>", name="dip.pdf")
    assert response.status_code == 400
    page = text(response)
    assert "Berkas ini bukan PDF." in page
    assert NOT_GENUINE not in page and GENUINE not in page


def test_an_empty_verification_form_asks_for_a_file_or_code(client, seeded):
    response = client.post("/verifikasi/", {})
    assert response.status_code == 400
    assert "Pilih berkas PDF atau ketik kode verifikasi." in text(response)


def test_an_upload_over_the_limit_is_refused(client, seeded, settings):
    settings.PPID_UPLOAD_MAX_BYTES = 1024
    response = _verify_upload(client, b"%PDF-1.4\n" + b"0" * 2048)
    assert response.status_code == 400
    assert "batasnya 1,0" in text(response)
    response = _verify_upload(client, b"%PDF-1.4\n" + b"0" * 200_000)
    assert response.status_code == 413


def test_verify_by_code(client, seeded):
    edition = published(KUBU_RAYA, title="DIK Disdukcapil Kubu Raya 2026")
    document = EditionDocument.objects.get(edition=edition)
    code = edition.verification_code
    response = client.post("/verifikasi/", {"code": f" {code.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/verifikasi/{code.lower()}/"
    assert client.get("/verifikasi/", {"kode": code})["Location"] == f"/verifikasi/{code}/"
    response = client.get(f"/verifikasi/{code}/")
    assert response.status_code == 200
    page = text(response)
    assert "DIK Disdukcapil Kubu Raya 2026" in page
    assert Body.objects.get(slug=KUBU_RAYA).name in page
    assert document.sha256 in page
    assert response["ETag"]
    assert (
        client.get(f"/verifikasi/{code}/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    )
    response = client.get("/verifikasi/TIDAKADA99/")
    assert response.status_code == 404
    assert "Tidak ada edisi terbit dengan kode ini" in text(response)


def test_a_real_signed_dik_verifies_and_keeps_the_exempted_content_out(client, signed_pdf):
    """End to end with the real rendering and signing (dip.services.edition_document_build)."""
    kubu = Body.objects.get(slug=KUBU_RAYA)
    item = Item.objects.filter(body=kubu).order_by("pk").first()
    dip_services.item_update(
        item=item, user=officers_of(kubu)["operator"], summary=f"Isi yang dikecualikan {MARKER}"
    )
    edition = edition_at(KUBU_RAYA, Stage.PUBLISHED)
    document = dip_services.edition_document_build(edition_id=edition.pk)
    assert document.status == DocumentStatus.READY

    response = client.get(edition_url(edition, "dokumen.pdf"))
    assert response.status_code == 200
    pdf = content(response)
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert edition.verification_code in words  # the text is readable ...
    assert MARKER not in words  # ... and the exempted summary is not in it

    page = text(_verify_upload(client, pdf))
    assert GENUINE in page and kubu.name in page and edition.title in page
    middle = len(pdf) // 3
    changed = pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
    page = text(_verify_upload(client, changed))
    assert ALTERED in page and GENUINE not in page
    page = text(client.get(f"/verifikasi/{edition.verification_code}/"))
    assert document.sha256 in page and edition.title in page
