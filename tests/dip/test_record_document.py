"""The berita acara uji konsekuensi as a signed PDF (issue 12 rule 4): rendered from the signed
DIK rows and the tim's record, signed with the body's key like the DIK, built by the publication
task, and published beside the DIK (page, public API, JSON) without saying more than the DIK."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import get_user_model
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature as pyhanko_validate
from pyhanko_certvalidator import ValidationContext

from dip import services as dip_services
from dip import signing
from dip.models import DocumentStatus, Edition, EditionRow, RecordDocument, Stage
from ppid.models import Body, Officer
from tests.dip.test_documents import pdf_of, squeeze, text_of
from tests.dip.test_signing import demo_ca
from tests.helpers import consider_rows, drive_to, make_ready, officers_of, open_edition
from workflow import services, tasks
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

User = get_user_model()
KUBU = "disdukcapil-kubu-raya"
DINSOS = "dinsos-p3a-kapuas-hulu"
INTERNAL_NOTE = "Catatan internal tim yang tidak diumumkan"
COLUMNS = (
    "No",
    "Informasi",
    "Dasar Hukum",
    "Konsekuensi",
    "Akibat bila Dibuka",
    "Akibat bila Ditutup",
    "Jangka Waktu",
)


def signed_dik(title: str = "DIK uji berita acara") -> Edition:
    """A DIK of Kubu Raya signed by its atasan, the tim (named with its position) present; the
    first row names its exempted part. Its documents are not built yet."""
    body_officers = officers_of(_body())
    tim = body_officers["tim"]
    Officer.objects.update_or_create(user=tim, defaults={"position": "Sekretaris Dinas Uji"})
    edition = open_edition(KUBU, title=title, officers=body_officers)
    first = edition.entries.order_by("position", "pk").first().item
    dip_services.item_update(
        item=first, user=body_officers["operator"], exempted_part="Lampiran NIK, halaman 3-5"
    )
    edition = drive_to(edition, Stage.CONSIDERATION, body_officers)
    consider_rows(edition, tim)
    dip_services.consideration_record_save(
        edition=edition,
        user=tim,
        place="Aula Kantor Bupati Kubu Raya",
        held_on=edition.created_at.date(),
        member_ids=[tim.pk],
        opening="Rapat tim pertimbangan dibuka pukul 09.00.",
    )
    return drive_to(edition, Stage.PUBLICATION, body_officers)


def _body() -> Body:
    return Body.objects.get(slug=KUBU)


def test_signing_queues_the_record_and_the_build_signs_it_with_the_body_key(seeded):
    edition = signed_dik()
    assert RecordDocument.objects.get(edition=edition).status == DocumentStatus.PENDING

    document = dip_services.record_document_build(edition_id=edition.pk)

    assert document.status == DocumentStatus.READY and document.sha256 and document.pages
    pdf = pdf_of(document)
    assert signing.validate_pdf_signature(pdf, [demo_ca()])["valid"] is True
    embedded = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures[-1]
    ca = x509.load_pem_x509_certificate(demo_ca().read_bytes())
    root = asn1_x509.Certificate.load(ca.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[root], allow_fetching=False)
    status = signing.outside_event_loop(
        lambda: pyhanko_validate(embedded, signer_validation_context=context)
    )
    assert status.intact and status.valid and status.trusted and status.bottom_line
    assert AuditEntry.objects.filter(
        action="edition.record_document_ready", edition=edition
    ).exists()
    # Built once: a second call returns the same artefact.
    assert dip_services.record_document_build(edition_id=edition.pk).sha256 == document.sha256


def test_the_record_shows_place_date_members_and_the_columns_of_each_row(seeded):
    edition = signed_dik()
    text = text_of(pdf_of(dip_services.record_document_build(edition_id=edition.pk)))

    assert f"Berita Acara Uji Konsekuensi Informasi yang Dikecualikan {edition.body.name}" in text
    assert "Aula Kantor Bupati Kubu Raya" in text
    assert "Rapat tim pertimbangan dibuka pukul 09.00." in text
    tim = User.objects.get(username=f"{KUBU}.tim")
    assert squeeze(tim.get_full_name()) in text and "Sekretaris Dinas Uji" in text
    for column in COLUMNS:
        assert column in text, column
    rows = list(EditionRow.objects.filter(edition=edition))
    assert rows
    for row in rows:
        assert squeeze(row.title) in text
        assert squeeze(row.consequence_if_opened) in text
        assert squeeze(row.consequence_if_closed) in text
        assert squeeze(row.public_interest) in text
    assert "Bagian yang dikecualikan: Lampiran NIK, halaman 3-5" in text
    # Nothing the public DIK does not show: no summary of the exempted information.
    for row in rows:
        if row.summary:
            assert squeeze(row.summary) not in text
    atasan = User.objects.get(username=f"{KUBU}.atasan")
    assert squeeze(atasan.get_full_name()) in text


def test_the_publication_task_builds_both_documents_then_publishes(seeded):
    edition = signed_dik()

    assert tasks.publish_edition(edition.pk) == Stage.PUBLISHED

    edition = Edition.objects.get(pk=edition.pk)
    assert edition.document.status == DocumentStatus.READY
    assert edition.record_document.status == DocumentStatus.READY


def test_a_dip_has_no_record(seeded):
    edition = open_edition(DINSOS, title="DIP tanpa berita acara")
    edition = drive_to(edition, Stage.PUBLICATION)
    assert dip_services.record_document_build(edition_id=edition.pk) is None
    assert not RecordDocument.objects.filter(edition=edition).exists()


def test_published_beside_the_dik_on_the_page_the_api_and_the_json(seeded, client, api):
    edition = signed_dik()
    services.edition_publish(edition_id=edition.pk)
    make_ready(edition)
    slug = edition.body.slug
    page = f"/badan-publik/{slug}/edisi/{edition.pk}/"
    link = f"{page}berita-acara.pdf"

    # Not ready yet: no link anywhere, and the address answers 404.
    assert link not in client.get(page).content.decode()
    assert api().get(f"/api/public/bodies/{slug}/dik/").json()["edition"]["record_pdf_url"] is None
    assert client.get(link).status_code == 404

    document = dip_services.record_document_build(edition_id=edition.pk)

    assert link in client.get(page).content.decode()
    assert link in client.get(f"/badan-publik/{slug}/").content.decode()
    header = api().get(f"/api/public/bodies/{slug}/dik/").json()["edition"]
    assert header["record_pdf_url"].endswith(link)
    assert client.get(f"{page}daftar.json").json()["edition"]["record_pdf_url"].endswith(link)
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_of(document)


def test_an_unpublished_record_is_not_served(seeded, client):
    edition = signed_dik()
    dip_services.record_document_build(edition_id=edition.pk)
    link = f"/badan-publik/{edition.body.slug}/edisi/{edition.pk}/berita-acara.pdf"
    assert client.get(link).status_code == 404
