"""One door for public rows: a row planted in the database past the services (a dikecualikan
row inside a published DIP, any row of an edition not yet published) reaches no public channel:
the website, the search, the public API, the JSON and CSV downloads, the aggregator push."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dip import connectors
from dip import services as dip_services
from dip.models import Classification, Edition, EditionRow, ExemptionGround, Item, Stage
from dip.serializers import edition_public_data
from tests.dip.test_public import KALBAR, content, edition_url, published, text
from tests.helpers import edition_at, fake_pdf, officers_of

pytestmark = pytest.mark.django_db

PLANTED = "Dokumen rahasia yang ditanam"


def plant(edition: Edition, *, number: int = 999, **fields) -> EditionRow:
    values = {
        "classification": Classification.DIKECUALIKAN,
        "title": PLANTED,
        "summary": "isi yang dikecualikan",
        "exemption_ground": ExemptionGround.values[0],
        **fields,
    }
    return EditionRow.objects.create(edition=edition, number=number, **values)


def every_public_channel(client, api, edition: Edition) -> dict[str, str]:
    """What each public channel says about the body and the edition, as text."""
    slug = edition.body.slug
    csv_text = content(client.get(edition_url(edition, "daftar.csv"))).decode("utf-8-sig")
    return {
        "body page": text(client.get(f"/badan-publik/{slug}/")),
        "edition page": text(client.get(edition_url(edition))),
        "search": text(client.get("/", {"q": "ditanam"})),
        "api": api().get(f"/api/public/bodies/{slug}/dip/").content.decode(),
        "json": content(client.get(edition_url(edition, "daftar.json"))).decode(),
        "csv": " ".join(" ".join(r) for r in csv.reader(io.StringIO(csv_text))),
        "push": str(connectors.edition_payload(edition, sha256=None)),
    }


def test_a_dikecualikan_row_planted_in_a_published_dip_reaches_no_channel(seeded, client, api):
    edition = published(KALBAR)
    honest = EditionRow.objects.filter(edition=edition).order_by("number").first()
    plant(edition)

    said = every_public_channel(client, api, edition)

    for channel, words in said.items():
        assert PLANTED not in words, channel
    # The channels do answer, with the honest rows: the test looks where the row would be.
    for channel in ("body page", "edition page", "api", "json", "csv", "push"):
        assert honest.title in said[channel], channel
    assert client.get(edition_url(edition, "informasi/999/")).status_code == 404


def test_rows_of_an_edition_not_yet_published_reach_no_channel(seeded):
    signed = edition_at(KALBAR, Stage.PUBLICATION)
    assert EditionRow.objects.filter(edition=signed).exists()
    plant(signed, classification=Classification.SETIAP_SAAT)

    assert edition_public_data(signed)["rows"] == []
    assert connectors.edition_payload(signed, sha256=None)["rows"] == []


def test_a_snapshot_entry_planted_as_a_redacted_copy_does_not_serve_the_original(seeded, client):
    """A DIK row's snapshot that calls its original file a "redacted copy" (written past the
    services) serves nothing: the door checks the stored file's own kind too."""
    item = Item.objects.filter(body__slug="disdukcapil-kubu-raya").order_by("pk").first()
    operator = officers_of(item.body)["operator"]
    (original,) = dip_services.attachments_create(
        item=item,
        user=operator,
        uploads=[SimpleUploadedFile("asli.pdf", fake_pdf("isi yang dikecualikan"))],
    )
    edition = published("disdukcapil-kubu-raya")
    row = EditionRow.objects.get(edition=edition, item=item)
    row.attachments = [{**entry, "kind": "redacted"} for entry in row.attachments]
    row.save(update_fields=["attachments"])

    url = edition_url(edition, f"dikecualikan/{row.number}/salinan/{original.pk}/")
    assert client.get(url).status_code == 404
