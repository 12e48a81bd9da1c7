"""The signed document: rendered from the snapshot, signed with the body's key (PAdES), stored
once, verified against the demo CA; and the publication chain that waits for it."""

from __future__ import annotations

import hashlib
import io
import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from pypdf import PdfReader

from dip import pki, rendering, signing
from dip import services as dip_services
from dip.models import DocumentStatus, Edition, EditionDocument, EditionRow, Stage
from ppid.celery import app as celery_app
from ppid.models import Body
from tests.helpers import decree, edition_at
from workflow import services, tasks
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

User = get_user_model()
DINSOS = "dinsos-p3a-kapuas-hulu"  # DIP; the atasan signs
KUBU_RAYA = "disdukcapil-kubu-raya"  # DIK; the atasan signs after the tim's consideration
DINSOS_ATASAN = ("MARTHA BANANG, S.H, M.M", "19651123 199203 2 006")


# --- helpers -------------------------------------------------------------------------------


@pytest.fixture
def eager():
    """Celery runs tasks in the test process (retries included), errors propagating."""
    keys = ("task_always_eager", "task_eager_propagates")
    saved = {key: celery_app.conf[key] for key in keys}
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    for key, value in saved.items():
        celery_app.conf[key] = value


def signed(slug: str, title: str = "Uji dokumen") -> Edition:
    """A new edition of the body, signed by its atasan; its document not built yet (the
    commit's callbacks do not run here)."""
    edition = edition_at(slug, Stage.PUBLICATION, title=title)
    assert edition.document.status == DocumentStatus.PENDING
    return edition


def pdf_of(document: EditionDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def text_of(pdf: bytes) -> str:
    """The PDF's text with every run of whitespace made one space (cells wrap lines)."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def squeeze(value: str) -> str:
    return " ".join(value.split())


def publish_rows(edition: Edition):
    return AuditEntry.objects.filter(edition=edition, transition="publish")


def stored_documents(settings, slug: str) -> list[str]:
    folder = settings.MEDIA_ROOT / "documents" / slug
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# --- the document's content ----------------------------------------------------------------


def test_dip_pdf_holds_every_row_the_signer_and_page_numbers(seeded):
    edition = signed(DINSOS)
    rows = list(EditionRow.objects.filter(edition=edition).order_by("number"))
    assert len(rows) >= 5

    document = dip_services.edition_document_build(edition_id=edition.pk)

    assert document.status == DocumentStatus.READY
    pdf = pdf_of(document)
    text = text_of(pdf)
    body = edition.body
    assert f"Daftar Informasi Publik {body.name} Tahun 2026" in text
    for row in rows:
        assert squeeze(row.title) in text, row.title
        assert squeeze(row.holding_unit) in text
    # Serta merta first, then berkala, then setiap saat: the groups in that order.
    groups = [
        text.index("Informasi yang Wajib Diumumkan secara Serta Merta"),
        text.index("Informasi yang Wajib Disediakan dan Diumumkan secara Berkala"),
        text.index("Informasi yang Wajib Tersedia Setiap Saat"),
    ]
    assert groups == sorted(groups)
    assert "Ringkasan Isi Informasi" in text and "Jangka Waktu Penyimpanan" in text
    name, nip = DINSOS_ATASAN
    assert name in text and f"NIP. {nip}" in text
    assert "Kepala Dinas Sosial" in text
    assert re.search(
        r"Putussibau, \d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|"
        r"September|Oktober|November|Desember) \d{4}",
        text,
    )
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert document.pages == pages
    assert f"Halaman 1 dari {pages}" in text and f"Halaman {pages} dari {pages}" in text
    code = edition.verification_code
    assert re.fullmatch(r"[A-Z2-7]{10}", code)
    assert code in text and f"/verifikasi/{code}/" in text


def test_dik_pdf_has_the_consequence_test_columns(seeded):
    edition = signed(KUBU_RAYA)
    rows = list(EditionRow.objects.filter(edition=edition))
    assert rows

    text = text_of(pdf_of(dip_services.edition_document_build(edition_id=edition.pk)))

    assert f"Daftar Informasi yang Dikecualikan {edition.body.name} Tahun 2026" in text
    for heading in (
        "Dasar Hukum Pengecualian",
        "Akibat bila Informasi Dibuka",
        "Akibat bila Informasi Ditutup",
        "Pertimbangan Kepentingan Publik",
        "Jangka Waktu Pengecualian",
    ):
        assert heading in text
    assert "Ringkasan Isi Informasi" not in text
    for row in rows:
        assert squeeze(row.title) in text
        assert squeeze(row.consequence_if_opened) in text
        assert squeeze(row.public_interest) in text
    atasan = User.objects.get(username=f"{KUBU_RAYA}.atasan")
    assert squeeze(atasan.get_full_name()) in text and atasan.officer.nip in text


def test_the_document_shows_the_snapshot_not_the_register(seeded):
    edition = signed(DINSOS)
    row = EditionRow.objects.filter(edition=edition).order_by("number").first()
    dip_services.item_update(
        item=row.item,
        user=User.objects.get(username=f"{DINSOS}.operator"),
        title="Judul diubah sesudah ditandatangani",
    )

    text = text_of(rendering.render_edition_pdf(Edition.objects.get(pk=edition.pk)))

    assert squeeze(row.title) in text
    assert "Judul diubah sesudah ditandatangani" not in text


def test_rendering_is_deterministic(seeded):
    edition = signed(DINSOS)
    assert rendering.render_edition_pdf(edition) == rendering.render_edition_pdf(edition)


def test_place_of_signing_comes_from_the_address():
    assert rendering.body_place(Body(address="Putussibau, Kabupaten Kapuas Hulu")) == "Putussibau"
    assert rendering.body_place(Body(address="Jalan Ahmad Yani No. 1, Pontianak")) == "Pontianak"
    assert rendering.body_place(Body(address="Kabupaten Kubu Raya, Kalbar")) == "Kubu Raya"
    assert rendering.body_place(Body(address="", short_name="Dinas X", name="Dinas X Y")) == (
        "Dinas X"
    )


def test_logo_is_resized_to_the_letterhead_height(seeded, settings):
    from django.core.files.base import ContentFile
    from PIL import Image

    body = Body.objects.get(slug=DINSOS)
    image = io.BytesIO()
    Image.new("RGB", (1200, 600), "red").save(image, "PNG")
    body.logo.save("logo.png", ContentFile(image.getvalue()))

    uri = rendering.logo_data_uri(body)

    import base64

    data = base64.b64decode(uri.removeprefix("data:image/png;base64,"))
    with Image.open(io.BytesIO(data)) as resized:
        assert resized.size == (rendering.LOGO_HEIGHT_PX * 2, rendering.LOGO_HEIGHT_PX)


# --- the signature -------------------------------------------------------------------------


def test_signature_validates_against_the_demo_ca(seeded):
    edition = signed(DINSOS)
    document = dip_services.edition_document_build(edition_id=edition.pk)
    pdf = pdf_of(document)

    result = signing.validate_pdf_signature(pdf, signing.trust_roots())

    assert result["error"] == ""
    assert result["intact"] and result["trusted"] and result["covers_whole_file"]
    assert result["valid"] is True
    assert "Dinsos P3A Kapuas Hulu" in result["signer"]
    assert result["signer"] == document.signer_subject
    assert result["signed_at"] is not None
    assert abs((result["signed_at"] - document.rendered_at).total_seconds()) < 120
    # PAdES: the signature dictionary says so.
    assert b"/ETSI.CAdES.detached" in pdf


def test_one_changed_byte_in_the_signed_range_fails(seeded):
    edition = signed(DINSOS)
    pdf = pdf_of(dip_services.edition_document_build(edition_id=edition.pk))
    start, length, second, _rest = map(
        int, re.search(rb"/ByteRange \[\s*(\d+) (\d+) (\d+) (\d+)", pdf).groups()
    )
    assert start == 0 and second > length
    for offset in (length // 2, second + 10):  # in the document, and after the signature
        tampered = bytearray(pdf)
        tampered[offset] ^= 0x01
        result = signing.validate_pdf_signature(bytes(tampered), signing.trust_roots())
        assert result["valid"] is False, offset
        assert result["intact"] is False, offset


def test_bytes_appended_after_signing_are_not_valid(seeded):
    edition = signed(DINSOS)
    pdf = pdf_of(dip_services.edition_document_build(edition_id=edition.pk))

    result = signing.validate_pdf_signature(pdf + b"\n% appended\n", signing.trust_roots())

    assert result["intact"] is True and result["covers_whole_file"] is False
    assert result["valid"] is False


def test_a_signature_from_another_ca_is_not_trusted(seeded, tmp_path):
    edition = signed(DINSOS)
    pdf = pdf_of(dip_services.edition_document_build(edition_id=edition.pk))
    pki.demo_pki_create(tmp_path / "other", [edition.body])

    result = signing.validate_pdf_signature(pdf, [tmp_path / "other" / "ca.pem"])

    assert result["intact"] is True and result["trusted"] is False
    assert result["valid"] is False
    assert signing.validate_pdf_signature(b"not a pdf", signing.trust_roots())["error"]


def test_seed_demo_creates_the_pki_and_keeps_it(db, settings, tmp_path):
    settings.PPID_SIGNING_DIR = tmp_path / "keys"
    call_command("seed_demo", password="x-demo-123", no_editions=True, stdout=StringIO())

    slugs = sorted(Body.objects.values_list("slug", flat=True))
    files = sorted(p.name for p in settings.PPID_SIGNING_DIR.iterdir())
    assert files == sorted(["ca.pem", "ca-key.pem", *[f"{s}.p12" for s in slugs]])
    before = {p.name: p.read_bytes() for p in settings.PPID_SIGNING_DIR.iterdir()}
    assert (settings.PPID_SIGNING_DIR / "ca-key.pem").stat().st_mode & 0o077 == 0

    call_command("seed_demo", password="x-demo-123", no_editions=True, stdout=StringIO())

    after = {p.name: p.read_bytes() for p in settings.PPID_SIGNING_DIR.iterdir()}
    assert after == before
    signer = signing.signer_for(Body.objects.get(slug=DINSOS))
    assert "Dinsos P3A Kapuas Hulu" in signer.subject


def test_a_body_without_a_key_is_a_clear_configuration_error(seeded, settings, tmp_path):
    settings.PPID_SIGNING_DIR = tmp_path / "empty"
    with pytest.raises(signing.SigningNotConfigured, match=DINSOS):
        signing.signer_for(Body.objects.get(slug=DINSOS))


# --- the artefact --------------------------------------------------------------------------


def test_building_twice_gives_one_file_and_the_same_document(seeded, settings):
    edition = signed(DINSOS)

    first = dip_services.edition_document_build(edition_id=edition.pk)
    second = dip_services.edition_document_build(edition_id=edition.pk)

    assert second.pk == first.pk and second.status == DocumentStatus.READY
    assert (second.sha256, second.file.name, second.attempts) == (
        first.sha256,
        first.file.name,
        1,
    )
    assert first.file.name == f"documents/{DINSOS}/{edition.pk}-{first.sha256[:12]}.pdf"
    assert stored_documents(settings, DINSOS) == [first.file.name.rsplit("/", 1)[1]]
    assert hashlib.sha256(pdf_of(first)).hexdigest() == first.sha256
    assert first.size == len(pdf_of(first))


def test_a_double_delivery_racing_the_first_keeps_one_file(seeded, settings, monkeypatch):
    """Delivery B runs completely while delivery A is still rendering: A then finds the
    document ready, drops its own build, and one file and one publication remain."""
    edition = signed(DINSOS)
    render = rendering.render_edition_pdf
    calls = []

    def render_while_another_delivery_runs(e):
        calls.append(e.pk)
        if len(calls) == 1:
            assert tasks.publish_edition(e.pk) == Stage.PUBLISHED  # delivery B
        return render(e)

    monkeypatch.setattr(rendering, "render_edition_pdf", render_while_another_delivery_runs)

    assert tasks.publish_edition(edition.pk) == Stage.PUBLISHED  # delivery A

    document = EditionDocument.objects.get(edition=edition)
    assert len(calls) == 2
    assert document.status == DocumentStatus.READY and document.attempts == 2
    assert stored_documents(settings, DINSOS) == [document.file.name.rsplit("/", 1)[1]]
    assert hashlib.sha256(pdf_of(document)).hexdigest() == document.sha256
    assert publish_rows(edition).count() == 1
    assert tasks.publish_edition(edition.pk) == Stage.PUBLISHED  # a third: nothing happens
    assert EditionDocument.objects.get(edition=edition).attempts == 2


def test_a_failing_render_marks_failed_and_a_retry_later_succeeds(
    seeded, eager, monkeypatch, api, django_capture_on_commit_callbacks
):
    edition = signed(DINSOS)

    def broken(e):
        raise RuntimeError("font cache on fire\nsecond line not kept")

    monkeypatch.setattr(rendering, "render_edition_pdf", broken)
    # Eager: every retry runs now, then it gives up. (Errors must not propagate here: Celery's
    # eager mode would raise its Retry instead of running the retry.)
    celery_app.conf.task_eager_propagates = False
    result = tasks.publish_edition.apply(args=[edition.pk])
    assert result.state == "FAILURE" and isinstance(result.result, RuntimeError)

    document = EditionDocument.objects.get(edition=edition)
    assert document.status == DocumentStatus.FAILED
    assert document.last_error == "RuntimeError: font cache on fire"
    assert document.attempts == tasks.publish_edition.max_retries + 1
    assert not document.file
    edition.refresh_from_db()
    assert edition.state == Stage.PUBLICATION and publish_rows(edition).count() == 0
    assert tasks.sweep_unpublished() == 0  # a failed document waits for someone to retry

    status = api(f"{DINSOS}.ppid").get(f"/api/editions/{edition.pk}/document/")
    assert status.status_code == 200
    assert status.json()["status"] == "failed"
    assert status.json()["last_error"] == "RuntimeError: font cache on fire"
    assert status.json()["download_url"] is None

    # The operator may not retry; the PPID may, once the cause is gone.
    operator = api(f"{DINSOS}.operator").post(f"/api/editions/{edition.pk}/document/retry/")
    assert operator.status_code == 403
    assert EditionDocument.objects.get(edition=edition).status == DocumentStatus.FAILED
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        retried = api(f"{DINSOS}.ppid").post(f"/api/editions/{edition.pk}/document/retry/")
    assert retried.status_code == 202 and retried.json()["status"] == "pending"

    document.refresh_from_db()
    edition.refresh_from_db()
    assert document.status == DocumentStatus.READY and document.last_error == ""
    assert edition.state == Stage.PUBLISHED and publish_rows(edition).count() == 1
    again = api(f"{DINSOS}.ppid").post(f"/api/editions/{edition.pk}/document/retry/")
    assert again.status_code == 409 and again.json()["state"] == "ready"


def test_a_missing_key_fails_at_once_without_retries(seeded, eager, settings, tmp_path):
    edition = signed(DINSOS)
    settings.PPID_SIGNING_DIR = tmp_path / "no-keys"

    result = tasks.publish_edition.apply(args=[edition.pk], throw=False)
    assert result.state == "FAILURE"
    assert isinstance(result.result, signing.SigningNotConfigured)

    document = EditionDocument.objects.get(edition=edition)
    assert (document.status, document.attempts) == (DocumentStatus.FAILED, 1)
    assert document.last_error.startswith("SigningNotConfigured: No signing key")
    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLICATION


def test_the_sweep_skips_failed_and_running_documents(seeded, eager):
    edition = signed(DINSOS)
    EditionDocument.objects.filter(edition=edition).update(status=DocumentStatus.FAILED)
    assert tasks.sweep_unpublished() == 0
    EditionDocument.objects.filter(edition=edition).update(status=DocumentStatus.RENDERING)
    assert tasks.sweep_unpublished() == 0
    EditionDocument.objects.filter(edition=edition).update(status=DocumentStatus.PENDING)

    assert tasks.sweep_unpublished() == 1

    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLISHED
    assert EditionDocument.objects.get(edition=edition).status == DocumentStatus.READY


# --- the whole chain -----------------------------------------------------------------------


def test_signing_renders_signs_and_publishes_on_commit(
    seeded, eager, settings, django_capture_on_commit_callbacks
):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Rantai penuh")
    atasan = User.objects.get(username=f"{DINSOS}.atasan")

    with django_capture_on_commit_callbacks(execute=True):
        services.edition_transition(
            edition=edition.pk, name="sign", user=atasan, note="Setuju", **decree()
        )

    edition.refresh_from_db()
    document = EditionDocument.objects.get(edition=edition)
    assert edition.state == Stage.PUBLISHED and publish_rows(edition).count() == 1
    assert document.status == DocumentStatus.READY and document.attempts == 1
    pdf = pdf_of(document)
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    assert stored_documents(settings, DINSOS) == [f"{edition.pk}-{document.sha256[:12]}.pdf"]
    assert signing.validate_pdf_signature(pdf, signing.trust_roots())["valid"] is True
    assert document.rendered_at <= edition.published_at
    assert DINSOS_ATASAN[0] in text_of(pdf)


def test_verification_codes_are_set_at_signing_and_unique(seeded):
    first = signed(DINSOS, title="Satu")
    second = signed(DINSOS, title="Dua")
    assert first.verification_code and second.verification_code
    assert first.verification_code != second.verification_code


# --- officers' screens ---------------------------------------------------------------------


def test_edition_page_shows_progress_then_the_download(seeded, client, settings):
    edition = signed(DINSOS)
    client.force_login(User.objects.get(username=f"{DINSOS}.ppid"))

    page = client.get(f"/edisi/{edition.pk}/").content.decode()
    assert 'id="document-status"' in page and 'hx-trigger="every 3s"' in page
    assert 'data-status="pending"' in page
    assert f"/edisi/{edition.pk}/dokumen.pdf" not in page
    assert client.get(f"/edisi/{edition.pk}/dokumen.pdf").status_code == 404

    document = dip_services.edition_document_build(edition_id=edition.pk)
    fragment = client.get(f"/edisi/{edition.pk}/dokumen/", HTTP_HX_REQUEST="true")
    assert fragment["HX-Refresh"] == "true"  # the build ended: the page reloads once
    assert "every 3s" not in fragment.content.decode()

    page = client.get(f"/edisi/{edition.pk}/").content.decode()
    assert 'data-status="ready"' in page and document.sha256 in page
    download = client.get(f"/edisi/{edition.pk}/dokumen.pdf")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf_of(document)

    other = User.objects.get(username=f"{KUBU_RAYA}.ppid")
    client.force_login(other)
    assert client.get(f"/edisi/{edition.pk}/dokumen.pdf").status_code == 404
    assert client.get(f"/edisi/{edition.pk}/dokumen/").status_code == 404
    assert api_document_status(other, edition) == 404


def api_document_status(user, edition) -> int:
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/editions/{edition.pk}/document/").status_code


def test_a_failed_document_offers_try_again_to_the_ppid_only(
    seeded, client, eager, monkeypatch, django_capture_on_commit_callbacks
):
    edition = signed(DINSOS)
    EditionDocument.objects.filter(edition=edition).update(
        status=DocumentStatus.FAILED, last_error="OSError: disk full", attempts=6
    )
    retry_url = f"/edisi/{edition.pk}/dokumen/coba-lagi/"

    client.force_login(User.objects.get(username=f"{DINSOS}.operator"))
    page = client.get(f"/edisi/{edition.pk}/").content.decode()
    assert "OSError: disk full" in page and retry_url not in page
    assert client.post(retry_url).status_code == 403

    client.force_login(User.objects.get(username=f"{DINSOS}.atasan"))
    page = client.get(f"/edisi/{edition.pk}/").content.decode()
    assert 'data-status="failed"' in page and retry_url in page
    assert "every 3s" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry_url)
    assert response.status_code == 302
    assert EditionDocument.objects.get(edition=edition).status == DocumentStatus.READY
    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLISHED


def test_the_task_builds_a_missing_document_of_a_published_edition(seeded):
    edition = edition_at(DINSOS, Stage.PUBLISHED, title="Terbit tanpa dokumen")
    assert EditionDocument.objects.get(edition=edition).status == DocumentStatus.PENDING

    assert tasks.publish_edition(edition.pk) == Stage.PUBLISHED

    assert EditionDocument.objects.get(edition=edition).status == DocumentStatus.READY
    assert publish_rows(edition).count() == 1
