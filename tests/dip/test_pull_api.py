"""The aggregator's pull: a PPID Utama's token reads the published rows of the bodies it
oversees (the oversight rule), all of them or those changed since a time, in cursor pages
ordered by (modified, id), with supersessions and withdrawals marked and the public files'
URLs and checksums; never the content of a row that is no longer public."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dip import services as dip_services
from dip.models import EditionRow, Item
from ppid.models import Body
from tests.helpers import KABUPATEN_UTAMA, PROVINCE_UTAMA, fake_pdf, officers_of, published

pytestmark = pytest.mark.django_db

BASE = "https://ppid.example.go.id"
URL = "/api/aggregator/rows/"
DINSOS = "dinsos-p3a-kapuas-hulu"  # under the Kapuas Hulu kabupaten
KALBAR = "disdukcapil-kalbar"  # under the province
KUBU_RAYA = "disdukcapil-kubu-raya"  # under the Kubu Raya kabupaten
WIB = ZoneInfo("Asia/Pontianak")
T0 = datetime(2026, 11, 2, 9, tzinfo=WIB)


def at(days: float):
    return time_machine.travel(T0 + timedelta(days=days), tick=False)


def pull_all(client, **params) -> list[dict]:
    """Every page, following `next`; checks the pages' order."""
    rows: list[dict] = []
    response = client.get(URL, {"page_size": 3, **params})
    while True:
        assert response.status_code == 200, response.json()
        data = response.json()
        rows += data["results"]
        if data["next"] is None:
            break
        assert data["cursor"] and f"cursor={data['cursor']}" in data["next"]
        response = client.get(data["next"])
    keys = [(r["modified"], r["id"]) for r in rows]
    assert keys == sorted(keys)
    assert len({r["id"] for r in rows}) == len(rows)
    return rows


@pytest.fixture
def kapuas_utama(seeded, api, settings):
    settings.PPID_PUBLIC_BASE_URL = BASE
    return api(KABUPATEN_UTAMA["pemkab-kapuas-hulu"])


def test_all_published_rows_of_the_overseen_bodies_with_files_and_checksums(kapuas_utama, api):
    body = Body.objects.get(slug=DINSOS)
    operator = officers_of(body)["operator"]
    item = Item.objects.filter(body=body).exclude(classification="dikecualikan").first()
    (attachment,) = dip_services.attachments_create(
        item=item,
        user=operator,
        uploads=[SimpleUploadedFile("lampiran.pdf", fake_pdf("lampiran"))],
        kind="softcopy",
    )
    with at(0):
        dinsos = published(DINSOS)
        published(KALBAR)  # the province's: not Kapuas Hulu's
    rows = pull_all(kapuas_utama)
    signed = EditionRow.objects.filter(edition=dinsos)
    assert {r["id"] for r in rows} == set(signed.values_list("pk", flat=True))
    assert {r["status"] for r in rows} == {"published"}
    row = next(r for r in rows if r["content"]["title"] == item.title)
    assert row["body"] == DINSOS
    assert row["edition"]["url"] == f"{BASE}/badan-publik/{DINSOS}/edisi/{dinsos.pk}/"
    assert row["url"] == f"{row['edition']['url']}informasi/{row['number']}/"
    (file,) = row["attachments"]
    assert file["sha256"] == attachment.sha256
    assert file["url"] == f"{row['url']}lampiran/{attachment.pk}/"
    # The URL answers with the file as signed.
    download = api().get(file["url"].removeprefix(BASE))
    assert download.status_code == 200
    body_bytes = b"".join(download.streaming_content) if download.streaming else download.content
    assert body_bytes == fake_pdf("lampiran")

    # The province's PPID Utama pulls Disdukcapil Kalbar's rows, not Dinas Sosial's.
    province = pull_all(api(PROVINCE_UTAMA))
    assert {r["body"] for r in province} == {KALBAR}


def test_the_delta_pull_returns_exactly_the_rows_changed_since_a_time(kapuas_utama):
    with at(0):
        first = published(DINSOS, title="DIP 2025", year=2025)
    with at(1):
        kubu = published(KUBU_RAYA)  # another kabupaten's: never in this pull
    with at(2):
        mark = timezone.now()
    with at(3):
        second = published(DINSOS, title="DIP 2026", year=2026)
    # A berkala row's "perlu pembaruan" flag moves (the public page shows it).
    berkala = EditionRow.objects.filter(edition=second, classification="berkala").first()
    assert berkala is not None
    with at(4):
        Item.objects.filter(pk=berkala.item_id).update(
            needs_update_since=(T0 + timedelta(days=4)).date(),
            needs_update_changed_at=timezone.now(),
        )

    everything = pull_all(kapuas_utama)
    first_rows = set(EditionRow.objects.filter(edition=first).values_list("pk", flat=True))
    second_rows = set(EditionRow.objects.filter(edition=second).values_list("pk", flat=True))
    assert {r["id"] for r in everything} == first_rows | second_rows
    assert not {r["id"] for r in everything} & set(
        EditionRow.objects.filter(edition=kubu).values_list("pk", flat=True)
    )

    changed = pull_all(kapuas_utama, since=mark.isoformat())
    # The second edition's rows (published after the mark) and the first edition's rows
    # (superseded by it after the mark); nothing published before the mark and unchanged.
    assert {r["id"] for r in changed} == first_rows | second_rows
    by_id = {r["id"]: r for r in changed}
    # The item's rows in both editions carry its flag (the archive shows it too).
    flagged = set(
        EditionRow.objects.filter(item_id=berkala.item_id, edition__in=[first, second]).values_list(
            "pk", flat=True
        )
    )
    assert len(flagged) == 2
    for pk in first_rows:
        assert by_id[pk]["status"] == "superseded"
        assert by_id[pk]["superseded_by"] == second.pk
        if pk not in flagged:
            assert datetime.fromisoformat(by_id[pk]["modified"]) == second.published_at
    for pk in flagged:
        assert datetime.fromisoformat(by_id[pk]["modified"]) == T0 + timedelta(days=4)
    assert by_id[berkala.pk]["status"] == "published"
    assert by_id[berkala.pk]["needs_update_since"] == (T0 + timedelta(days=4)).date().isoformat()

    # Only the flag moved after day 3.5: exactly the item's rows.
    later = pull_all(kapuas_utama, since=(T0 + timedelta(days=3, hours=12)).isoformat())
    assert {r["id"] for r in later} == flagged
    # And nothing after the last change.
    assert pull_all(kapuas_utama, since=(T0 + timedelta(days=5)).isoformat()) == []


def test_the_last_cursor_is_a_bookmark_for_the_next_pull(kapuas_utama):
    with at(0):
        first = published(DINSOS, title="DIP 2025", year=2025)
    response = kapuas_utama.get(URL, {"page_size": 500})
    data = response.json()
    assert data["next"] is None
    assert len(data["results"]) == EditionRow.objects.filter(edition=first).count()
    bookmark = data["cursor"]
    # Nothing changed since: the bookmark gives no row and stays as it was.
    again = kapuas_utama.get(URL, {"cursor": bookmark}).json()
    assert again == {"results": [], "next": None, "cursor": bookmark}
    with at(1):
        second = published(DINSOS, title="DIP 2026", year=2026)
    rows = kapuas_utama.get(URL, {"cursor": bookmark, "page_size": 500}).json()["results"]
    ids = {r["id"] for r in rows}
    assert ids == set(
        EditionRow.objects.filter(edition__in=[first, second]).values_list("pk", flat=True)
    )


def test_a_row_no_longer_public_is_withdrawn_without_its_content(kapuas_utama):
    with at(0):
        edition = published(DINSOS)
    row = EditionRow.objects.filter(edition=edition).order_by("number").first()
    with at(1):
        # The item closed since (as a signed classification change does): its row leaves the
        # public DIP, and the public marks move.
        Item.objects.filter(pk=row.item_id).update(
            classification="dikecualikan", needs_update_changed_at=timezone.now()
        )
    rows = pull_all(kapuas_utama, since=(T0 + timedelta(hours=12)).isoformat())
    assert [r["id"] for r in rows] == [row.pk]
    (withdrawn,) = rows
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["content"] is None
    assert withdrawn["attachments"] == []
    assert withdrawn["url"] is None
    assert row.title not in str(withdrawn)


def test_only_a_ppid_utama_pulls_and_only_its_bodies(kapuas_utama, api):
    with at(0):
        published(DINSOS)
    assert api().get(URL).status_code in (401, 403)
    operator = api(f"{DINSOS}.operator").get(URL)
    assert operator.status_code == 403
    refused = kapuas_utama.get(URL, {"body": KALBAR})
    assert refused.status_code == 400
    assert "body" in refused.json()
    assert pull_all(kapuas_utama, body=DINSOS)


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "bukan-kursor"},
        {"since": "kemarin"},
        {"since": "2026-12-01T09:00:00"},  # no offset
        {"page_size": 0},
        {"page_size": 501},
    ],
)
def test_bad_parameters_are_refused_by_name(kapuas_utama, params):
    response = kapuas_utama.get(URL, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_a_page_runs_a_constant_number_of_queries(kapuas_utama, django_assert_max_num_queries):
    with at(0):
        published(DINSOS)
        published(DINSOS, title="Perubahan")
    with django_assert_max_num_queries(6):
        response = kapuas_utama.get(URL, {"page_size": 500})
    assert len(response.json()["results"]) > 5
