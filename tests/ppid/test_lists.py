"""`ppid.lists.PlainListSerializer` reads plain columns straight from the model (issue 15: DRF's
per-value attribute walk was a third of a page's time), and answers exactly what DRF's own
ListSerializer answers: every field kind of an item, its unit, its attachments, dates in the
body's time zone, nulls, and a serializer of its own making."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from dip.api.items import LISTED_ATTACHMENTS, AttachmentSerializer, ItemSerializer
from dip.models import Attachment, Item
from ppid.lists import PlainListSerializer, ValuesListSerializer
from ppid.models import Body, Unit
from tests.factories import ItemFactory
from tests.helpers import drive_to, officers_of, open_edition, published
from workflow import services
from workflow.models import Step
from workflow.selectors import edition_history
from workflow.serializers import HistorySerializer

pytestmark = pytest.mark.django_db
KALBAR = "disdukcapil-kalbar"


class DrfAttachments(AttachmentSerializer):
    class Meta(AttachmentSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


class DrfItems(ItemSerializer):
    """ItemSerializer as DRF lists it, for comparison."""

    attachments = DrfAttachments(many=True, read_only=True)

    class Meta(ItemSerializer.Meta):
        list_serializer_class = serializers.ListSerializer


@pytest.fixture
def items(seeded):
    body = Body.objects.get(slug=KALBAR)
    unit = Unit.objects.filter(body=body).first()
    exempted = ItemFactory(
        body=KALBAR,
        classification="dikecualikan",
        exemption_ground="h",
        consequence_if_opened="Terungkap.",
        consequence_if_closed="Terlindungi.",
        public_interest="Perlindungan.",
        exemption_until=date(2030, 1, 1),
    )
    draft = ItemFactory(body=KALBAR, draft=True, unit=None)
    full = ItemFactory(body=KALBAR, unit=unit, produced_at=date(2026, 2, 3))
    Attachment.objects.bulk_create(
        Attachment(
            item=item,
            file=f"attachments/{item.pk}/{n}.pdf",
            token=f"t{n}",
            extension=".pdf",
            original_name=f"Lampiran {n}.pdf",
            content_type="application/pdf",
            size=1000 + n,
            sha256=f"{n:064x}",
            kind="scan" if n % 2 else "softcopy",
        )
        for n, item in enumerate([full, full, exempted])
    )
    return Item.objects.filter(pk__in=[exempted.pk, draft.pk, full.pk]).order_by("pk")


def listed(serializer_class, rows) -> str:
    request = Request(APIRequestFactory().get("/api/items/"))
    request.user = get_user_model().objects.get(username=f"{KALBAR}.operator")
    data = serializer_class(rows, many=True, context={"request": request}).data
    return json.dumps(data, sort_keys=False)


def test_a_page_of_items_reads_as_drf_would(items):
    assert type(ItemSerializer(many=True)) is PlainListSerializer
    # As a page of the API reads them (attachments prefetched into a plain list), and as
    # a detail or a write does (through the item's related manager).
    page = Prefetch("attachments", queryset=Attachment.objects.all(), to_attr=LISTED_ATTACHMENTS)
    ours = listed(ItemSerializer, list(items.prefetch_related(page)))
    assert ours == listed(ItemSerializer, list(items.prefetch_related("attachments")))
    assert ours == listed(DrfItems, list(items.prefetch_related("attachments")))
    first = json.loads(ours)
    assert [len(row["attachments"]) for row in first] == [1, 0, 2]
    assert first[1]["unit"] is None and first[2]["unit"] is not None
    assert first[0]["missing_fields"] == [] and first[1]["missing_fields"]
    assert first[2]["created_at"].endswith("+07:00")  # local time, as DRF gives it


def test_a_serializer_with_its_own_rows_is_left_to_drf(items):
    class Shouting(ItemSerializer):
        def to_representation(self, instance):
            return {"title": instance.title.upper()}

    data = Shouting(items, many=True).data
    assert [row["title"] for row in data] == [item.title.upper() for item in items]
    assert len(data) == 3


class DrfHistory(HistorySerializer):
    """HistorySerializer as DRF lists it, for comparison."""

    class Meta(HistorySerializer.Meta):
        list_serializer_class = serializers.ListSerializer


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Jayapura", "UTC"])
def test_an_editions_history_reads_as_drf_would(seeded, zone):
    """`ValuesListSerializer` (no model instance, `values()`): the same answer as DRF's, with a
    return's note, the system's publication (no actor), a step without a deadline and date-times
    in the time zone of the moment."""
    edition = published("disdukcapil-kalbar")
    ppid = get_user_model().objects.get(username="disdukcapil-kalbar.ppid")
    officers = officers_of(edition.body)
    again = drive_to(open_edition(edition.body, title="Ulang", officers=officers), "verification")
    services.edition_transition(edition=again, name="return", user=ppid, note="Lengkapi “isi”.")
    Step.objects.filter(edition=again).update(due_at=None)
    assert type(HistorySerializer(many=True)) is ValuesListSerializer
    for shown in (edition, again):
        with timezone.override(zone):
            ours = HistorySerializer(edition_history(shown), many=True).data
            theirs = DrfHistory(edition_history(shown), many=True).data
        assert json.dumps(ours) == json.dumps(theirs)
    rows = HistorySerializer(edition_history(edition), many=True).data
    assert rows[-1]["transition"] == "publish" and rows[-1]["actor"] is None
    assert rows[0]["actor"] == "disdukcapil-kalbar.operator"
    last = HistorySerializer(edition_history(again), many=True).data[-1]
    assert last["note"] == "Lengkapi “isi”." and last["due_at"] is None
    assert last["on_time"] is None


def test_a_list_not_a_queryset_goes_drfs_way(seeded):
    edition = published("disdukcapil-kalbar")
    entries = list(edition_history(edition))
    assert HistorySerializer(entries, many=True).data == DrfHistory(entries, many=True).data
