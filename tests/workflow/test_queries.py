"""Lists cost the same number of queries whatever their length (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dip.models import Item
from ppid.models import Body
from workflow import services

SLUG = "disdukcapil-kalbar"


def _open_editions(count: int) -> None:
    body = Body.objects.get(slug=SLUG)
    operator = body.items.first().created_by
    for n in range(count):
        services.edition_open(
            body=body, kind="dip", year=2026, title=f"DIP {n}", user=operator, revise=True
        )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_edition_list_queries_do_not_grow_with_rows(seeded, api):
    client = api("ppid-utama")
    _open_editions(2)
    few = _queries(client, "/api/editions/")
    _open_editions(20)
    many = _queries(client, "/api/editions/")
    assert client.get("/api/editions/").json()["count"] == 22
    assert many == few


@pytest.mark.django_db
def test_item_list_queries_do_not_grow_with_rows(seeded, api):
    client = api(f"{SLUG}.operator")
    few = _queries(client, "/api/items/")
    body = Body.objects.get(slug=SLUG)
    Item.objects.bulk_create(
        [Item(body=body, title=f"Informasi {n}", classification="setiap_saat") for n in range(30)]
    )
    many = _queries(client, "/api/items/")
    assert many == few


@pytest.mark.django_db
def test_body_list_reads_roles_in_one_query(seeded, api):
    # ppid-utama sees four bodies (the PPID Utama's own and three under it).
    client = api("ppid-utama")
    bodies = client.get("/api/bodies/").json()["results"]
    assert [b["roles"] for b in bodies] and all("ppid_utama" in b["roles"] for b in bodies)
    assert _queries(client, "/api/bodies/") <= 5
