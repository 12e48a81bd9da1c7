"""One date format on the pages: "6 Desember 2026" and "6 Desember 2026 14:05" (ppid/formats/),
the same on public and internal pages; the API keeps ISO 8601."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.template import Context, Template
from django.utils import translation

from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Pontianak")
KALBAR = "disdukcapil-kalbar"
# Abbreviated months ("Des", "Des.") or numeric dates would be another format.
OTHER_FORMATS = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Agu|Agt|Sep|Okt|Nov|Des)\b\.?")


def test_the_filters_give_the_one_long_form():
    moment = datetime(2026, 12, 6, 14, 5, tzinfo=WIB)
    template = Template('{{ d|date }} · {{ t|date:"DATETIME_FORMAT" }}')
    with translation.override("id"):
        assert template.render(Context({"d": date(2026, 12, 6), "t": moment})) == (
            "6 Desember 2026 · 6 Desember 2026 14:05"
        )


def test_internal_pages_and_the_api(seeded, client):
    with time_machine.travel(datetime(2026, 12, 6, 14, 5, tzinfo=WIB), tick=False):
        item = ItemFactory(body=KALBAR, title="Laporan tanggal", produced_at=date(2026, 1, 5))
    client.force_login(get_user_model().objects.get(username=f"{KALBAR}.operator"))
    page = client.get(f"/informasi/{item.pk}/").content.decode()
    assert "5 Januari 2026" in page and "6 Desember 2026 14:05" in page
    assert not OTHER_FORMATS.search(page), OTHER_FORMATS.search(page)
    listing = client.get(f"/badan/{KALBAR}/informasi/").content.decode()
    assert "6 Desember 2026 14:05" in listing and not OTHER_FORMATS.search(listing)

    row = client.get(f"/api/items/{item.pk}/").json()
    assert row["produced_at"] == "2026-01-05"
