"""The officers' item list (`GET /api/items/`) in pages: by body name, then title, then id,
whatever the page size and wherever a page cuts between bodies (issue 15: a page is read from
the per-body counts and the (body, title, id) index, not by sorting every item the caller
reaches). Bodies of the same name and items of the same title keep that order too; an item
the caller may not see is never on a page, and the count is every item it may see."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from dip.models import Item
from dip.selectors import ItemPages, items_for_user
from ppid.models import Body
from ppid.selectors import bodies_for_user
from tests.factories import BodyFactory
from tests.helpers import utama_of

DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
# Under Dinsos's kabupaten: bodies of different sizes, two of one name, one without items.
BODIES = [("Dinas Sama", 7), ("Dinas Sama", 4), ("Badan Awal", 23), ("Kantor Kosong", 0)]
TITLES = ["Laporan keuangan", "Arsip", "Laporan keuangan", "Zonasi", "arsip kecil"]


@pytest.fixture
def kabupaten(seeded):
    """The kabupaten's PPID Utama's reach, filled: returns (username, the bodies reached)."""
    parent = Body.objects.get(slug=DINSOS).parent
    for name, size in BODIES:
        body = BodyFactory(parent=parent, name=name)
        Item.objects.bulk_create(
            Item(
                body=body,
                title=TITLES[n % len(TITLES)],
                classification="berkala" if n % 3 else "setiap_saat",
            )
            for n in range(size)
        )
    # Items elsewhere (another kabupaten's body) that must never show.
    Item.objects.bulk_create(
        Item(body=Body.objects.get(slug=KUBU), title="Arsip", classification="berkala")
        for _ in range(5)
    )
    username = utama_of(DINSOS)
    return username, [parent, *parent.children.all()]


def expected(bodies, **filters) -> list[int]:
    items = Item.objects.filter(body__in=bodies, **filters)
    return list(items.order_by("body__name", "title", "pk").values_list("pk", flat=True))


def every_page(client, query: dict) -> tuple[list[int], set[int]]:
    """The ids of every page in turn, following `next`, and the counts each page gave."""
    ids, counts = [], set()
    response = client.get("/api/items/", query)
    while True:
        assert response.status_code == 200, response.content
        page = response.json()
        ids += [row["id"] for row in page["results"]]
        counts.add(page["count"])
        if page["next"] is None:
            return ids, counts
        response = client.get(page["next"])


@pytest.mark.parametrize("page_size", [1, 3, 7, 50, 200])
def test_every_page_follows_body_name_title_id(kabupaten, api, page_size):
    username, bodies = kabupaten
    order = expected(bodies)
    assert len(order) > 34 and Body.objects.filter(name="Dinas Sama").count() == 2
    ids, counts = every_page(api(username), {"page_size": page_size})
    assert ids == order
    assert counts == {len(order)}
    past = api(username).get("/api/items/", {"page_size": page_size, "page": len(order) + 1})
    assert past.status_code == 404


def test_filters_keep_the_order_and_the_count(kabupaten, api):
    username, bodies = kabupaten
    client = api(username)
    ids, counts = every_page(client, {"classification": "berkala", "page_size": 4})
    assert ids == expected(bodies, classification="berkala")
    assert counts == {len(ids)}
    same_name = Body.objects.filter(name="Dinas Sama").order_by("pk").last()
    ids, counts = every_page(client, {"body": same_name.slug, "page_size": 3})
    assert ids == expected([same_name]) and counts == {4}


def test_no_item_of_a_body_out_of_reach(kabupaten, api):
    username, bodies = kabupaten
    ids, _ = every_page(api(username), {"page_size": 200})
    shown = set(Item.objects.filter(pk__in=ids).values_list("body_id", flat=True))
    assert shown == {b.pk for b in bodies if b.items.exists()}
    assert not Item.objects.filter(pk__in=ids, body__slug=KUBU).exists()


def test_item_pages_slice_like_the_sorted_list(kabupaten, django_assert_num_queries):
    username, bodies = kabupaten
    user = get_user_model().objects.get(username=username)
    order = expected(bodies)
    pages = ItemPages(items_for_user(user), bodies_for_user(user))
    with django_assert_num_queries(1):
        assert pages.count() == len(pages) == len(order)
    for start, stop in [(0, 1), (0, 50), (5, 12), (20, 45), (len(order) - 3, len(order) + 10)]:
        with django_assert_num_queries(1):  # the groups are read once, above
            assert [item.pk for item in pages[start:stop]] == order[start:stop]
    with django_assert_num_queries(0):
        assert pages[len(order) : len(order) + 5] == []
    assert [item.pk for item in pages[3:]] == order[3:]
    with pytest.raises(TypeError):
        pages[3]
