"""What a CDN in front of the public site may keep: signed PDFs and hashed static files for a
year as immutable; the pages and the downloads derived from today's rules only briefly or
after asking again (their ETag)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage

from dip.models import Stage
from tests.helpers import edition_at, fake_pdf, make_ready

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
YEAR = "public, max-age=31536000, immutable"


def test_a_signed_pdf_is_immutable_and_what_can_change_is_not(client, seeded):
    edition = edition_at(DINSOS, Stage.PUBLISHED)
    url = f"/badan-publik/{DINSOS}/edisi/{edition.pk}/"
    missing = client.get(f"{url}dokumen.pdf")  # not ready yet: nothing to keep
    assert missing.status_code == 404 and "immutable" not in missing.get("Cache-Control", "")
    make_ready(edition, fake_pdf("bertanda tangan"))
    response = client.get(f"{url}dokumen.pdf")
    assert response.status_code == 200 and response["Cache-Control"] == YEAR
    # The CSV and JSON follow today's public-row rules (an item closed since leaves them).
    for name in ("daftar.csv", "daftar.json"):
        response = client.get(f"{url}{name}")
        assert response.status_code == 200
        assert response["Cache-Control"] == "public, max-age=86400"
    # Pages are revalidated on every visit.
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, no-cache"


def test_a_hashed_static_file_is_immutable(client):
    response = client.get(staticfiles_storage.url("css/app.css"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
