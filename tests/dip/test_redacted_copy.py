"""The exempted *part* of a document and its redacted public copy (issue 12 rule 4): a DIK row
names the part that is closed; a copy with that part blacked out is the one file of the row that
the public may download, on every public channel, while the original stays private."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from dip import connectors
from dip import services as dip_services
from dip.models import Attachment, AttachmentKind, EditionRow, Item
from ppid.models import Body
from tests.dip.test_public import content, edition_url, text
from tests.helpers import fake_pdf, officers_of, published

pytestmark = pytest.mark.django_db

KUBU = "disdukcapil-kubu-raya"
DINSOS = "dinsos-p3a-kapuas-hulu"
ORIGINAL = "akta-asli-lengkap.pdf"
REDACTED = "akta-salinan-dihitamkan.pdf"
PART = "Lampiran NIK dan tanda tangan, halaman 3-5"


def operator(slug: str):
    return officers_of(Body.objects.get(slug=slug))["operator"]


def dik_item() -> Item:
    return Item.objects.filter(body__slug=KUBU).order_by("pk").first()


def stored_files(settings) -> list[str]:
    root = settings.MEDIA_ROOT / "attachments"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def upload(name: str, text_: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, fake_pdf(text_))


def test_a_redacted_copy_of_public_information_is_refused(seeded, settings):
    item = Item.objects.filter(body__slug=DINSOS).first()
    before = (Attachment.objects.count(), stored_files(settings))
    with pytest.raises(ValidationError) as refused:
        dip_services.attachments_create(
            item=item,
            user=operator(DINSOS),
            uploads=[upload(REDACTED, "salinan")],
            kind=AttachmentKind.REDACTED,
        )
    assert "dikecualikan" in " ".join(refused.value.message_dict["kind"])
    assert (Attachment.objects.count(), stored_files(settings)) == before


def test_a_redacted_copy_needs_the_exempted_part_named_first(seeded, settings):
    item = dik_item()
    assert not item.exempted_part
    before = (Attachment.objects.count(), stored_files(settings))
    with pytest.raises(ValidationError) as refused:
        dip_services.attachments_create(
            item=item,
            user=operator(KUBU),
            uploads=[upload(REDACTED, "salinan")],
            kind=AttachmentKind.REDACTED,
        )
    assert "bagian" in " ".join(refused.value.message_dict["kind"]).lower()
    assert (Attachment.objects.count(), stored_files(settings)) == before


def test_only_dikecualikan_information_names_an_exempted_part(seeded):
    item = Item.objects.filter(body__slug=DINSOS).first()
    with pytest.raises(ValidationError) as refused:
        dip_services.item_update(item=item, user=operator(DINSOS), exempted_part=PART)
    assert "exempted_part" in refused.value.message_dict
    assert Item.objects.get(pk=item.pk).exempted_part == ""


def test_the_item_form_names_the_exempted_part(seeded, login):
    item = dik_item()
    page = login(f"{KUBU}.operator").get(f"/informasi/{item.pk}/ubah/").content.decode()
    assert 'name="exempted_part"' in page


@pytest.fixture
def dik_with_copies(seeded):
    """A published DIK whose first row names its exempted part and holds the original and a
    redacted public copy."""
    item = dik_item()
    user = operator(KUBU)
    item = dip_services.item_update(item=item, user=user, exempted_part=PART)
    (original,) = dip_services.attachments_create(
        item=item, user=user, uploads=[upload(ORIGINAL, "isi lengkap rahasia")], kind="softcopy"
    )
    (redacted,) = dip_services.attachments_create(
        item=item,
        user=user,
        uploads=[upload(REDACTED, "isi dihitamkan")],
        kind=AttachmentKind.REDACTED,
    )
    edition = published(KUBU)
    row = EditionRow.objects.get(edition=edition, item=item)
    return edition, row, original, redacted


def every_dik_channel(client, api, edition) -> dict[str, str]:
    slug = edition.body.slug
    csv_text = content(client.get(edition_url(edition, "daftar.csv"))).decode("utf-8-sig")
    return {
        "body page": text(client.get(f"/badan-publik/{slug}/")),
        "edition page": client.get(edition_url(edition)).content.decode(),
        "api": api().get(f"/api/public/bodies/{slug}/dik/").content.decode(),
        "json": content(client.get(edition_url(edition, "daftar.json"))).decode(),
        "csv": " ".join(" ".join(r) for r in csv.reader(io.StringIO(csv_text))),
        "push": str(connectors.edition_payload(edition, sha256=None)),
    }


def test_the_redacted_copy_is_public_and_the_original_never(dik_with_copies, client, api):
    edition, row, original, redacted = dik_with_copies

    said = every_dik_channel(client, api, edition)

    for channel, words in said.items():
        assert REDACTED in words, channel
        assert ORIGINAL not in words, channel
    for channel in ("body page", "edition page", "api", "json", "push"):
        assert PART in said[channel], channel
    copy_url = edition_url(edition, f"dikecualikan/{row.number}/salinan/{redacted.pk}/")
    assert copy_url in said["edition page"]
    rows = api().get(f"/api/public/bodies/{KUBU}/dik/").json()["rows"]
    [api_row] = [r for r in rows if r["number"] == row.number]
    assert [c["name"] for c in api_row["redacted_copies"]] == [REDACTED]
    assert api_row["redacted_copies"][0]["url"].endswith(copy_url)

    response = client.get(copy_url)
    assert response.status_code == 200
    assert content(response) == fake_pdf("isi dihitamkan")

    # The original: not by the copy's address, not as a DIP row's attachment.
    for url in (
        edition_url(edition, f"dikecualikan/{row.number}/salinan/{original.pk}/"),
        edition_url(edition, f"informasi/{row.number}/lampiran/{original.pk}/"),
        edition_url(edition, f"informasi/{row.number}/lampiran/{redacted.pk}/"),
    ):
        assert client.get(url).status_code == 404, url


def test_a_copy_changed_after_signing_is_not_served(dik_with_copies, client):
    edition, row, _original, redacted = dik_with_copies
    Attachment.objects.filter(pk=redacted.pk).update(sha256="0" * 64)
    url = edition_url(edition, f"dikecualikan/{row.number}/salinan/{redacted.pk}/")
    assert client.get(url).status_code == 404
