"""`GET /api/editions/{id}/items/`: an edition's rows in pages of 100 (issue 15: the detail of a
4,298-row DIP carried every row inline). The detail says how many there are and where."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dip.models import Classification, EditionRow, Item
from ppid.models import Body
from tests.helpers import open_edition, published

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"
ENTRY_FIELDS = {"id", "position", "title", "classification", "missing_fields"}


def many_items(slug: str, count: int) -> list[Item]:
    """`count` complete setiap saat items of the body, newest first (so that the rows' order
    by position is not the items' order by id)."""
    body = Body.objects.get(slug=slug)
    made = Item.objects.bulk_create(
        [
            Item(
                body=body,
                title=f"Informasi baris {n:03d}",
                summary="Ringkasan.",
                classification=Classification.SETIAP_SAAT,
                holding_unit="Sekretariat",
                responsible="Sekretaris",
                produced_at=date(2026, 1, 5),
                produced_place="Pontianak",
                form="softcopy",
                retention="5 tahun",
            )
            for n in range(count)
        ]
    )
    return list(reversed(made))


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(captured)


def test_an_open_editions_rows_come_100_a_page_by_position(seeded, api):
    items = many_items(KALBAR, 130)
    # One row the document still needs a field for, on the second page.
    Item.objects.filter(pk=items[120].pk).update(summary="")
    edition = open_edition(KALBAR, title="DIP Halaman", items=items)
    client = api(f"{KALBAR}.operator")

    detail = client.get(f"/api/editions/{edition.pk}/").json()
    assert "items" not in detail
    assert detail["items_count"] == 130
    assert detail["items_url"] == f"http://testserver/api/editions/{edition.pk}/items/"

    first = client.get(detail["items_url"]).json()
    assert first["count"] == 130
    assert first["previous"] is None
    assert first["next"] == f"http://testserver/api/editions/{edition.pk}/items/?page=2"
    assert [r["id"] for r in first["results"]] == [i.pk for i in items[:100]]
    assert all(set(r) == ENTRY_FIELDS for r in first["results"])
    assert [r["position"] for r in first["results"]] == sorted(
        r["position"] for r in first["results"]
    )
    assert all(r["missing_fields"] == [] for r in first["results"])

    second = client.get(first["next"]).json()
    assert second["next"] is None
    assert [r["id"] for r in second["results"]] == [i.pk for i in items[100:]]
    missing = {r["id"]: r["missing_fields"] for r in second["results"]}
    assert missing[items[120].pk] == ["summary"]
    assert first["results"][-1]["position"] < second["results"][0]["position"]

    # The page size may be asked for, up to 200; a page past the last is a 404.
    assert len(client.get(detail["items_url"], {"page_size": 200}).json()["results"]) == 130
    assert client.get(detail["items_url"], {"page": 3}).status_code == 404


def test_a_signed_editions_rows_come_as_signed_by_number(seeded, api):
    edition = published(KALBAR)
    client = api(f"{KALBAR}.operator")
    signed = list(EditionRow.objects.filter(edition=edition).order_by("number"))
    assert len(signed) > 3
    detail = client.get(f"/api/editions/{edition.pk}/").json()
    assert detail["items_count"] == len(signed)

    first = client.get(detail["items_url"], {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    assert first["count"] == len(signed)
    rows = first["results"] + second["results"]
    assert [r["number"] for r in rows] == [r.number for r in signed[:6]]
    assert [(r["id"], r["title"]) for r in rows] == [(r.item_id, r.title) for r in signed[:6]]
    # The signed row's shape: the columns as signed, not the item's fields of today.
    assert {"number", "summary", "unit_name", "attachments"} <= set(rows[0])
    assert "missing_fields" not in rows[0] and "position" not in rows[0]
    Item.objects.filter(pk=signed[0].item_id).update(title="Diubah setelah tanda tangan")
    again = client.get(detail["items_url"], {"page_size": 3}).json()["results"][0]
    assert again["title"] == signed[0].title


@pytest.mark.parametrize("role", ["operator", "ppid", "tim", "atasan"])
def test_another_bodys_officer_gets_404_for_the_rows(seeded, api, role):
    edition = open_edition(KALBAR, title="DIP Rahasia")
    response = api(f"{KUBU}.{role}").get(f"/api/editions/{edition.pk}/items/")
    assert response.status_code == 404
    assert "Informasi" not in response.content.decode()


def test_without_a_token_the_rows_are_401(seeded, api):
    edition = open_edition(KALBAR, title="DIP Rahasia")
    assert api().get(f"/api/editions/{edition.pk}/items/").status_code == 401


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999"])
def test_a_page_that_is_not_one_is_a_404(seeded, api, page):
    edition = open_edition(KALBAR, title="DIP Halaman")
    response = api(f"{KALBAR}.operator").get(f"/api/editions/{edition.pk}/items/", {"page": page})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_rows_page_and_the_detail_cost_the_same_queries_whatever_the_size(seeded, api):
    small = open_edition(KALBAR, title="DIP Kecil", items=many_items(KALBAR, 3))
    large = open_edition(KALBAR, title="DIP Besar", items=many_items(KALBAR, 250))
    signed = published(KALBAR, year=2025)
    client = api(f"{KALBAR}.ppid")
    for suffix in ("", "items/"):
        few = queries(client, f"/api/editions/{small.pk}/{suffix}")
        many = queries(client, f"/api/editions/{large.pk}/{suffix}")
        assert few == many, (suffix, few, many)
    # The rows: the token, the edition, the count, the page, and before the signature the
    # page's items (read for those rows only, not joined to the rows skipped).
    assert queries(client, f"/api/editions/{large.pk}/items/") == 5
    assert queries(client, f"/api/editions/{large.pk}/items/?page=3") == 5
    assert queries(client, f"/api/editions/{signed.pk}/items/") == 4
