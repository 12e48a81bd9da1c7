"""The register screens in the browser: list, item form, item page, uploads and downloads."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from dip import services as dip_services
from dip import uploads
from dip.models import Attachment, Item
from ppid.models import Body
from tests.factories import ItemFactory
from tests.helpers import utama_of
from workflow import services as workflow_services
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

KUBU_RAYA = "disdukcapil-kubu-raya"  # every role: operator, ppid, tim, atasan
KALBAR = "disdukcapil-kalbar"
ROLES = ["operator", "ppid", "tim", "atasan", "ppid-utama"]
EDITORS = {"operator", "ppid", "ppid-utama"}
LOGIN = "/masuk/"

REQUIRED = "Bidang ini harus diisi."
FUTURE = "Waktu pembuatan tidak boleh di masa depan."
PERMANENT = "Pengecualian selamanya hanya boleh untuk dasar Pasal 17 huruf g atau h."
BERKALA = "Informasi berkala diperbarui paling lambat setiap 6 bulan (1 sampai 6)."
LAW = "Sebutkan undang-undangnya beserta nama dan pasalnya."


# --- helpers -------------------------------------------------------------------------------


def username(role: str, slug: str = KUBU_RAYA) -> str:
    """The body's officer of `role`; "ppid-utama" is the PPID Utama directly above the body."""
    return utama_of(slug) if role == "ppid-utama" else f"{slug}.{role}"


def body(slug: str = KUBU_RAYA) -> Body:
    return Body.objects.get(slug=slug)


def operator(slug: str = KUBU_RAYA):
    return get_user_model().objects.get(username=f"{slug}.operator")


def first_item(slug: str = KUBU_RAYA) -> Item:
    return Item.objects.filter(body__slug=slug).order_by("pk").first()


def make_item(slug: str = KUBU_RAYA, **fields) -> Item:
    """A draft row: a title and a classification, the rest still empty."""
    return ItemFactory(body=slug, draft=True, **{"title": "Informasi uji", **fields})


def image_bytes(fmt: str, size=(64, 48), color=(200, 30, 30), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color=color).save(buffer, fmt, **options)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return image_bytes("PDF")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def attach(item: Item, *files, kind: str = "softcopy") -> list[Attachment]:
    return dip_services.attachments_create(
        item=item, user=operator(item.body.slug), uploads=list(files), kind=kind
    )


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def text(response) -> str:
    return html.unescape(response.content.decode())


def row_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<tr id="item-(\d+)">', response.content.decode())]


def field_error(response, field: str) -> list[str]:
    """The error texts shown next to one field (includes/field.html writes id_<field>_error)."""
    found = re.findall(
        rf'<p class="error" id="id_{field}_error">(.*?)</p>', response.content.decode()
    )
    return [html.unescape(m) for m in found]


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- who sees what -------------------------------------------------------------------------


def screens(item: Item, attachment: Attachment) -> dict[str, str]:
    return {
        "list": f"/badan/{item.body.slug}/informasi/",
        "create": f"/badan/{item.body.slug}/informasi/baru/",
        "item": f"/informasi/{item.pk}/",
        "update": f"/informasi/{item.pk}/ubah/",
        "delete": f"/informasi/{item.pk}/hapus/",
        "download": f"/lampiran/{attachment.pk}/unduh/",
    }


@pytest.fixture
def item_with_file(seeded) -> tuple[Item, Attachment]:
    item = first_item()
    [attachment] = attach(item, upload("laporan.pdf", pdf_bytes()))
    return item, attachment


@pytest.mark.parametrize("role", ROLES)
def test_every_screen_for_every_role(item_with_file, login, role):
    item, attachment = item_with_file
    client = login(username(role))
    urls = screens(item, attachment)
    editor = role in EDITORS
    change_status = 200 if editor else 403

    listing = client.get(urls["list"])
    assert listing.status_code == 200
    assert item.title in text(listing)
    assert (urls["create"] in text(listing)) is editor  # "Tambah informasi" only for editors

    page = client.get(urls["item"])
    assert page.status_code == 200
    assert item.title in text(page)
    assert "laporan.pdf" in text(page)
    assert (f'action="/informasi/{item.pk}/lampiran/"' in text(page)) is editor
    assert (urls["update"] in text(page)) is editor
    assert (urls["delete"] in text(page)) is editor

    for screen in ("create", "update", "delete"):
        assert client.get(urls[screen]).status_code == change_status, screen

    download = client.get(urls["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == Path(attachment.file.path).read_bytes()


@pytest.mark.parametrize("role", sorted(set(ROLES) - EDITORS))
def test_roles_that_may_not_change_items_are_refused_on_post(item_with_file, login, role):
    item, attachment = item_with_file
    client = login(username(role))
    count = Item.objects.count()

    created = client.post(
        f"/badan/{KUBU_RAYA}/informasi/baru/", {"title": "X", "classification": "setiap_saat"}
    )
    updated = client.post(
        f"/informasi/{item.pk}/ubah/", {"title": "X", "classification": "setiap_saat"}
    )
    deleted = client.post(f"/informasi/{item.pk}/hapus/")
    uploaded = client.post(
        f"/informasi/{item.pk}/lampiran/", {"file": [upload("b.pdf", pdf_bytes())]}
    )

    assert [r.status_code for r in (created, updated, deleted, uploaded)] == [403] * 4
    assert Item.objects.count() == count
    assert Item.objects.get(pk=item.pk).title == item.title
    assert list(Attachment.objects.filter(item=item)) == [attachment]
    assert len(stored_files()) == 1


def test_another_bodys_data_is_404(item_with_file, login):
    item, attachment = item_with_file
    [scan] = attach(item, upload("a.png", image_bytes("PNG")), kind="scan")
    client = login(username("operator", KALBAR))
    urls = screens(item, attachment)

    for screen, url in urls.items():
        assert client.get(url).status_code == 404, screen
    assert client.get(f"/lampiran/{scan.pk}/gambar-kecil/").status_code == 404
    assert client.post(urls["update"], {"title": "X"}).status_code == 404
    assert client.post(urls["delete"]).status_code == 404
    refused = client.post(
        f"/informasi/{item.pk}/lampiran/", {"file": [upload("b.pdf", pdf_bytes())]}
    )
    assert refused.status_code == 404
    assert Item.objects.filter(pk=item.pk).exists()
    assert Attachment.objects.filter(item=item).count() == 2


def test_a_body_without_a_role_is_404_even_for_an_officer_elsewhere(seeded, login):
    client = login(username("ppid", KALBAR))
    assert client.get(f"/badan/{KUBU_RAYA}/informasi/").status_code == 404
    assert client.get(f"/badan/{KUBU_RAYA}/informasi/baru/").status_code == 404
    assert client.get("/badan/tidak-ada/informasi/").status_code == 404


def test_anonymous_is_sent_to_the_login_page(item_with_file, client):
    item, attachment = item_with_file
    urls = [
        *screens(item, attachment).values(),
        f"/informasi/{item.pk}/lampiran/",
        f"/lampiran/{attachment.pk}/gambar-kecil/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{LOGIN}?next="), url
    posted = client.post(f"/informasi/{item.pk}/lampiran/", {"file": [upload("b.pdf", b"x")]})
    assert posted.status_code == 302
    assert posted["Location"].startswith(LOGIN)
    assert Attachment.objects.filter(item=item).count() == 1


# --- the item form -------------------------------------------------------------------------

VALID = {
    "title": "Daftar sarana dan prasarana pelayanan",
    "summary": "Jumlah dan kondisi loket, ruang tunggu dan perangkat rekam KTP-el.",
    "classification": "berkala",
    "update_period_months": "3",
    "holding_unit": "Sekretariat",
    "responsible": "Sekretaris Dinas",
    "produced_at": "2025-02-03",
    "produced_place": "Sungai Raya",
    "form": "softcopy",
    "retention": "5 tahun",
}

DIK = {
    **VALID,
    "title": "Berita acara pemeriksaan pelanggaran administrasi kependudukan",
    "summary": "Hasil pemeriksaan petugas atas dugaan pemalsuan dokumen.",
    "classification": "dikecualikan",
    "update_period_months": "6",
    "exemption_ground": "a",
    "consequence_if_opened": "Menghambat penyidikan yang sedang berjalan.",
    "consequence_if_closed": "Penyidikan berjalan tanpa gangguan.",
    "public_interest": "Penegakan hukum lebih diutamakan.",
    "exemption_event": "sampai putusan pengadilan berkekuatan hukum tetap",
}


def test_create_stores_the_item_and_goes_to_its_page(seeded, login):
    client = login(username("operator"))
    unit = body().units.order_by("name").first()

    response = client.post(
        f"/badan/{KUBU_RAYA}/informasi/baru/", {**VALID, "unit": unit.pk}, follow=True
    )

    item = Item.objects.get(title=VALID["title"])
    assert response.redirect_chain == [(f"/informasi/{item.pk}/", 302)]
    assert (item.body.slug, item.unit, item.classification) == (KUBU_RAYA, unit, "berkala")
    assert (item.update_period_months, item.produced_at) == (3, date(2025, 2, 3))
    assert item.created_by.username == username("operator")
    assert AuditEntry.objects.filter(action="item.create", target_id=str(item.pk)).exists()
    assert any(VALID["title"] in m for m in messages_of(response))
    assert VALID["summary"] in text(response)


def test_create_a_dikecualikan_item_with_its_consequence_test(seeded, login):
    client = login(username("ppid"))
    response = client.post(f"/badan/{KUBU_RAYA}/informasi/baru/", DIK)
    item = Item.objects.get(title=DIK["title"])
    assert response.status_code == 302
    assert (item.exemption_ground, item.exemption_event) == ("a", DIK["exemption_event"])
    assert item.missing_fields() == []


def test_the_consequence_test_is_dropped_for_information_that_is_not_dikecualikan(seeded, login):
    """The fieldset is hidden then; values left in it must not block or be stored."""
    client = login(username("operator"))
    data = {**DIK, "classification": "setiap_saat", "title": "Terbuka", "exemption_permanent": "on"}

    response = client.post(f"/badan/{KUBU_RAYA}/informasi/baru/", data)

    assert response.status_code == 302, field_error(response, "exemption_permanent")
    item = Item.objects.get(title="Terbuka")
    assert (item.exemption_ground, item.consequence_if_opened, item.exemption_event) == ("",) * 3
    assert item.exemption_permanent is False


def test_form_page_shows_the_consequence_test_only_as_a_dik_only_block(seeded, login):
    response = login(username("operator")).get(f"/badan/{KUBU_RAYA}/informasi/baru/")
    page = response.content.decode()
    fieldset = page[page.index('<fieldset class="dik-only">') :]
    fieldset = fieldset[: fieldset.index("</fieldset>")]
    for name in ("exemption_ground", "exemption_law", "consequence_if_opened", "public_interest"):
        assert f'name="{name}"' in fieldset
    assert "Pasal 17" in fieldset
    assert re.search(
        r'class="field[^"]*berkala-only"[^>]*>\s*<label for="id_update_period_months"', page
    )
    assert 'type="date"' in page
    units = re.findall(r'<option value="(\d+)"', page[page.index('name="unit"') :])
    assert sorted(map(int, units)) == sorted(body().units.values_list("pk", flat=True))


INVALID = [
    ("missing title", {**VALID, "title": ""}, "title", REQUIRED),
    (
        "future production date",
        {**VALID, "produced_at": (date.today() + timedelta(days=2)).isoformat()},
        "produced_at",
        FUTURE,
    ),
    (
        "permanent on ground a",
        {**DIK, "exemption_permanent": "on", "exemption_event": ""},
        "exemption_permanent",
        PERMANENT,
    ),
    (
        "berkala every 12 months",
        {**VALID, "update_period_months": "12"},
        "update_period_months",
        BERKALA,
    ),
    (
        "other law not cited",
        {**DIK, "exemption_ground": "other", "exemption_law": ""},
        "exemption_law",
        LAW,
    ),
]


@pytest.mark.parametrize(("case", "data", "field", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_create_refused_keeps_the_typed_values_and_stores_nothing(
    seeded, login, case, data, field, message
):
    client = login(username("operator"))
    count, audited = Item.objects.count(), AuditEntry.objects.count()

    response = client.post(f"/badan/{KUBU_RAYA}/informasi/baru/", data)

    assert response.status_code == 200
    assert field_error(response, field) == [message]
    assert re.search(rf'aria-describedby="[^"]*\bid_{field}_error"', response.content.decode())
    page = text(response)
    if data["title"]:
        assert f'value="{data["title"]}"' in page
    assert data["summary"] in page  # the textarea keeps what was typed
    assert f'value="{data["produced_at"]}"' in page
    assert (Item.objects.count(), AuditEntry.objects.count()) == (count, audited)


@pytest.mark.parametrize(("case", "data", "field", "message"), INVALID, ids=[c[0] for c in INVALID])
def test_update_refused_keeps_the_typed_values_and_changes_nothing(
    seeded, login, case, data, field, message
):
    item = make_item(title="Sebelum diubah", summary="Ringkasan lama")
    before = {f.name: getattr(item, f.name) for f in Item._meta.concrete_fields}
    client = login(username("ppid"))

    response = client.post(f"/informasi/{item.pk}/ubah/", data)

    assert response.status_code == 200
    assert field_error(response, field) == [message]
    assert data["summary"] in text(response)
    item.refresh_from_db()
    assert {f.name: getattr(item, f.name) for f in Item._meta.concrete_fields} == before
    assert f'<a href="/informasi/{item.pk}/">Sebelum diubah</a>' in text(response)  # breadcrumb
    assert not AuditEntry.objects.filter(action="item.update").exists()


def test_update_saves_and_goes_to_the_item_page(seeded, login):
    item = make_item(title="Lama")
    client = login(username("ppid-utama"))

    response = client.post(f"/informasi/{item.pk}/ubah/", {**VALID, "title": "Baru"})

    assert response.status_code == 302
    assert response["Location"] == f"/informasi/{item.pk}/"
    item.refresh_from_db()
    assert (item.title, item.classification, item.update_period_months) == ("Baru", "berkala", 3)
    assert AuditEntry.objects.filter(action="item.update", target_id=str(item.pk)).exists()


def test_update_form_is_filled_with_the_stored_values(seeded, login):
    item = first_item()
    response = login(username("operator")).get(f"/informasi/{item.pk}/ubah/")
    page = text(response)
    assert f'value="{item.title}"' in page
    assert f'value="{item.produced_at.isoformat()}"' in page
    assert 'value="h" selected' in page or 'value="g" selected' in page


def _edition_with(item: Item):
    user = get_user_model().objects.get(username=username("ppid"))
    edition = workflow_services.edition_open(
        body=item.body,
        kind="dik",
        year=timezone.localdate().year,
        title="DIK uji",
        user=user,
        revise=True,
    )
    dip_services.edition_add_items(edition=edition, items=[item], user=user)
    return edition


def test_item_page_lists_its_fields_editions_and_history_link(item_with_file, login):
    item, attachment = item_with_file
    edition = _edition_with(item)

    page = text(login(username("atasan")).get(f"/informasi/{item.pk}/"))

    assert '<dl class="meta">' in page
    for value in (
        item.summary,
        item.holding_unit,
        item.consequence_if_opened,
        item.public_interest,
    ):
        assert value in page
    assert f'href="/edisi/{edition.pk}/"' in page
    assert "DIK uji" in page
    history = f"/riwayat/informasi/{item.pk}/"
    assert f'hx-get="{history}"' in page
    assert 'hx-trigger="load"' in page
    assert f'<a href="{history}">' in page
    assert f"/lampiran/{attachment.pk}/unduh/" in page
    assert "application/pdf" in page


# --- deleting ------------------------------------------------------------------------------


def test_delete_asks_first_naming_the_item_then_deletes(
    seeded, login, django_capture_on_commit_callbacks
):
    item = make_item(title="Akan dihapus")
    [attachment] = attach(item, upload("a.pdf", pdf_bytes()))
    client = login(username("operator"))

    confirm = client.get(f"/informasi/{item.pk}/hapus/")
    assert confirm.status_code == 200
    assert "Akan dihapus" in text(confirm)
    assert Item.objects.filter(pk=item.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/informasi/{item.pk}/hapus/", follow=True)

    assert response.redirect_chain == [(f"/badan/{KUBU_RAYA}/informasi/", 302)]
    assert not Item.objects.filter(pk=item.pk).exists()
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    assert stored_files() == []
    assert any("Akan dihapus" in m for m in messages_of(response))


def test_delete_of_an_item_in_an_edition_is_refused_with_a_message(seeded, login):
    item = first_item()
    _edition_with(item)

    response = login(username("operator")).post(f"/informasi/{item.pk}/hapus/", follow=True)

    assert response.redirect_chain == [(f"/informasi/{item.pk}/", 302)]
    assert Item.objects.filter(pk=item.pk).exists()
    [message] = messages_of(response)
    assert message in text(response)


# --- uploads through the page --------------------------------------------------------------


def post_upload(client, item: Item, *files, kind: str = "softcopy"):
    return client.post(f"/informasi/{item.pk}/lampiran/", {"file": list(files), "kind": kind})


def assert_upload_refused(response, item: Item, name: str, message: str) -> None:
    assert response.status_code == 200
    errors = field_error(response, "file")
    assert any(name in e and message in e for e in errors), errors
    assert 'enctype="multipart/form-data"' in response.content.decode()
    assert not Attachment.objects.filter(item=item).exists()
    assert stored_files() == []
    assert not AuditEntry.objects.filter(action="attachment.create").exists()


def test_several_files_uploaded_at_once(seeded, login):
    item = make_item(title="Banyak berkas")
    client = login(username("operator"))

    response = post_upload(
        client, item, upload("a.pdf", pdf_bytes()), upload("b.png", image_bytes("PNG"))
    )

    assert response.status_code == 302
    assert response["Location"] == f"/informasi/{item.pk}/"
    names = list(Attachment.objects.filter(item=item).values_list("original_name", "kind"))
    assert names == [("a.pdf", "softcopy"), ("b.png", "softcopy")]
    assert len(stored_files()) == 2
    page = text(client.get(response["Location"]))
    assert "a.pdf" in page and "b.png" in page
    assert "multiple" in page and 'type="file"' in page


def test_no_file_chosen(seeded, login):
    item = make_item()
    response = post_upload(login(username("operator")), item)
    assert field_error(response, "file") == ["Pilih paling sedikit satu berkas."]
    assert stored_files() == []


def test_file_over_the_size_limit(seeded, login, settings):
    settings.PPID_UPLOAD_MAX_BYTES = 2048
    item = make_item()
    big = pdf_bytes() + b"%" + b"0" * 4096

    response = post_upload(login(username("operator")), item, upload("besar.pdf", big))

    assert_upload_refused(response, item, "besar.pdf", "batasnya 2,0\xa0KB")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "halaman.html",
            b"<!DOCTYPE html><html><script>alert(1)</script></html>",
            "tidak diizinkan",
        ),
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "tidak diizinkan"),
        ("laporan.pdf", b"<html><body>bukan pdf</body></html>", "tidak sesuai dengan ekstensinya"),
        ("foto.jpg", image_bytes("PNG"), "tidak sesuai dengan ekstensinya"),
    ],
    ids=["html", "svg", "html-as-pdf", "png-as-jpg"],
)
def test_refused_type_or_content(seeded, login, name, content, message):
    item = make_item()
    response = post_upload(login(username("operator")), item, upload(name, content))
    assert_upload_refused(response, item, name, message)


@pytest.mark.parametrize("kind", ["softcopy", "scan"])
def test_decompression_bomb(seeded, login, monkeypatch, kind):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100 * 100)
    item = make_item()

    response = post_upload(
        login(username("operator")),
        item,
        upload("halaman1.png", image_bytes("PNG", size=(100, 100))),
        upload("bom.png", image_bytes("PNG", size=(101, 100))),
        kind=kind,
    )

    assert_upload_refused(response, item, "bom.png", "Gambar terlalu besar (101 x 100 piksel).")


def test_one_bad_file_in_a_batch_stores_none(seeded, login):
    item = make_item()
    response = post_upload(
        login(username("operator")),
        item,
        upload("baik.pdf", pdf_bytes()),
        upload("buruk.svg", b"<svg/>"),
    )
    assert_upload_refused(response, item, "buruk.svg", "tidak diizinkan")
    assert not any("baik.pdf" in e for e in field_error(response, "file"))


# --- scans combined into one PDF -----------------------------------------------------------


def media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    found = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    return [(float(w), float(h)) for w, h in found]


def test_scans_are_combined_into_one_pdf_with_a_thumbnail(seeded, login):
    item = make_item(title="Surat pindaian")
    client = login(username("operator"))
    two_page_tiff = io.BytesIO()
    Image.new("RGB", (150, 300), "white").save(
        two_page_tiff, "TIFF", save_all=True, append_images=[Image.new("RGB", (300, 300), "gray")]
    )
    files = [
        upload("halaman1.jpg", image_bytes("JPEG", size=(600, 300))),
        upload("halaman2.png", image_bytes("PNG", size=(300, 150))),
        upload("halaman3.tif", two_page_tiff.getvalue()),
    ]

    response = post_upload(client, item, *files, kind="scan")

    assert response.status_code == 302, field_error(response, "file")
    [attachment] = Attachment.objects.filter(item=item)
    assert attachment.original_name == "halaman1-pindaian.pdf"
    assert (attachment.content_type, attachment.kind, attachment.extension) == (
        "application/pdf",
        "scan",
        ".pdf",
    )
    pdf = Path(attachment.file.path).read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert attachment.size == len(pdf)
    # Four pages in the uploaded order, at 150 dpi: 600 px → 288 pt.
    assert b"/Count 4" in pdf
    assert media_boxes(pdf) == [(288.0, 144.0), (144.0, 72.0), (72.0, 144.0), (144.0, 144.0)]
    thumbnail = Path(attachment.thumbnail.path)
    assert thumbnail.parent == Path(attachment.file.path).parent
    assert thumbnail.name not in {"halaman1.png", "thumbnail.png"}
    with Image.open(thumbnail) as image:
        assert (image.format, image.size) == ("PNG", (240, 120))
    assert sorted(stored_files()) == sorted([Path(attachment.file.path), thumbnail])
    audit = AuditEntry.objects.get(action="attachment.create")
    assert audit.data["pages"] == 4
    assert audit.data["combined_from"] == ["halaman1.jpg", "halaman2.png", "halaman3.tif"]

    page = text(client.get(f"/informasi/{item.pk}/"))
    assert f'src="/lampiran/{attachment.pk}/gambar-kecil/"' in page
    shown = client.get(f"/lampiran/{attachment.pk}/gambar-kecil/")
    assert shown["Content-Type"] == "image/png"
    assert b"".join(shown.streaming_content) == thumbnail.read_bytes()
    download = client.get(f"/lampiran/{attachment.pk}/unduh/")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "halaman1-pindaian.pdf" in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == pdf


def test_scans_that_are_not_all_images_are_kept_as_they_are(seeded, login):
    item = make_item()
    response = post_upload(
        login(username("operator")),
        item,
        upload("a.pdf", pdf_bytes()),
        upload("b.png", image_bytes("PNG")),
        kind="scan",
    )
    assert response.status_code == 302
    rows = list(Attachment.objects.filter(item=item).values_list("original_name", "thumbnail"))
    assert rows == [("a.pdf", ""), ("b.png", "")]


def test_softcopy_images_are_not_combined(seeded, login):
    item = make_item()
    post_upload(
        login(username("operator")),
        item,
        upload("a.png", image_bytes("PNG")),
        upload("b.jpg", image_bytes("JPEG")),
    )
    assert Attachment.objects.filter(item=item).count() == 2


def test_thumbnail_of_an_attachment_without_one_is_404(item_with_file, login):
    _item, attachment = item_with_file
    client = login(username("operator"))
    assert client.get(f"/lampiran/{attachment.pk}/gambar-kecil/").status_code == 404


def test_download_streams_the_file_with_its_stored_type(item_with_file, login):
    _item, attachment = item_with_file
    response = login(username("tim")).get(f"/lampiran/{attachment.pk}/unduh/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "attachment; filename=\"laporan.pdf\"; filename*=UTF-8''laporan.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"


# --- the list ------------------------------------------------------------------------------


def list_url(slug: str = KUBU_RAYA) -> str:
    return f"/badan/{slug}/informasi/"


def test_search_over_title_and_summary(seeded, login):
    by_title = make_item(title="Zamrud pelayanan")
    by_summary = make_item(title="Lain", summary="memuat kata zamrud di ringkasan")
    make_item(title="Tidak cocok")
    client = login(username("tim"))

    response = client.get(list_url(), {"q": "ZAMRUD"})

    assert sorted(row_ids(response)) == sorted([by_title.pk, by_summary.pk])
    assert 'value="ZAMRUD"' in text(response)  # the form shows the search


def test_filters(seeded, login):
    units = list(body().units.order_by("name"))
    a = make_item(
        title="Saring A", classification="berkala", unit=units[0], produced_at=date(2021, 5, 1)
    )
    b = make_item(
        title="Saring B", classification="setiap_saat", unit=units[1], produced_at=date(2022, 5, 1)
    )
    c = make_item(
        title="Saring C", classification="setiap_saat", unit=units[0], produced_at=date(2022, 7, 1)
    )
    attach(c, upload("c.pdf", pdf_bytes()))
    client = login(username("operator"))

    def ids(**params):
        return sorted(row_ids(client.get(list_url(), {"q": "Saring", **params})))

    assert ids() == [a.pk, b.pk, c.pk]
    assert ids(classification="setiap_saat") == [b.pk, c.pk]
    assert ids(unit=units[0].pk) == [a.pk, c.pk]
    assert ids(year=2022) == [b.pk, c.pk]
    assert ids(attachments="yes") == [c.pk]
    assert ids(attachments="no") == [a.pk, b.pk]
    assert ids(classification="setiap_saat", unit=units[0].pk, year=2022) == [c.pk]
    # A bad value drops only its own filter; the page never fails.
    assert ids(classification="rahasia", unit="abc", year="x", attachments="maybe") == [
        a.pk,
        b.pk,
        c.pk,
    ]
    assert ids(classification="berkala", unit="999999") == [a.pk]


def test_unit_filter_offers_only_this_bodys_units(seeded, login):
    other_unit = body(KALBAR).units.first()
    response = login(username("operator")).get(list_url(), {"unit": other_unit.pk})
    page = response.content.decode()
    assert f'<option value="{other_unit.pk}"' not in page
    assert response.status_code == 200


def test_sorting(seeded, login):
    b = make_item(title="Urut B", produced_at=date(2020, 1, 1))
    a = make_item(title="Urut A", classification="berkala", produced_at=date(2023, 1, 1))
    c = make_item(title="Urut C", classification="serta_merta")
    client = login(username("atasan"))

    def ids(sort):
        return row_ids(client.get(list_url(), {"q": "Urut", "sort": sort}))

    assert ids("title") == [a.pk, b.pk, c.pk]
    assert ids("-title") == [c.pk, b.pk, a.pk]
    assert ids("produced_at") == [b.pk, a.pk, c.pk]  # no date last
    assert ids("-produced_at") == [a.pk, b.pk, c.pk]
    assert ids("classification") == [c.pk, a.pk, b.pk]  # serta merta, berkala, setiap saat
    Item.objects.filter(pk=a.pk).update(updated_at=timezone.now() + timedelta(hours=1))
    assert ids("-updated_at")[0] == a.pk
    assert ids("body__name; DROP") == [a.pk, b.pk, c.pk]  # not on the whitelist: by title
    assert ids("-summary") == [a.pk, b.pk, c.pk]


def test_sort_links_keep_the_filters_and_toggle(seeded, login):
    make_item(title="x")
    response = login(username("ppid")).get(list_url(), {"q": "x", "sort": "title", "page": "1"})
    page = html.unescape(response.content.decode())
    assert 'href="?q=x&sort=-title"' in page
    assert 'href="?q=x&sort=produced_at"' in page
    assert 'aria-sort="ascending"' in page


def test_pagination(seeded, login):
    for n in range(30):
        make_item(title=f"Halaman {n:02d}")
    client = login(username("operator"))

    first = client.get(list_url(), {"q": "Halaman"})
    second = client.get(list_url(), {"q": "Halaman", "page": 2})
    beyond = client.get(list_url(), {"q": "Halaman", "page": 99})

    assert len(row_ids(first)) == 25
    assert len(row_ids(second)) == 5
    assert set(row_ids(first)).isdisjoint(row_ids(second))
    assert 'href="?q=Halaman&amp;page=2"' in first.content.decode()
    assert row_ids(beyond) == row_ids(second)  # past the end: the last page


def test_list_shows_missing_fields_and_attachment_count(seeded, login):
    incomplete = make_item(title="Belum lengkap")
    attach(incomplete, upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes()))
    response = login(username("operator")).get(list_url(), {"q": "Belum lengkap"})
    page = response.content.decode()
    row = page[page.index(f'<tr id="item-{incomplete.pk}">') :]
    row = row[: row.index("</tr>")]
    assert f">{len(incomplete.missing_fields())} " in row
    assert re.search(r'class="attachment-count">2</td>', row)
    assert f'href="/informasi/{incomplete.pk}/"' in row


def test_htmx_request_gets_only_the_results(seeded, login):
    make_item(title="Parsial")
    client = login(username("operator"))

    partial = client.get(list_url(), {"q": "Parsial"}, HTTP_HX_REQUEST="true")
    full = client.get(list_url(), {"q": "Parsial"})

    assert "<html" not in partial.content.decode()
    assert 'id="item-table"' in partial.content.decode()
    assert len(row_ids(partial)) == 1
    assert "<html" in full.content.decode()
    assert 'hx-get="/badan/' in full.content.decode()
    assert 'hx-target="#item-results"' in full.content.decode()
    assert "HX-Request" in partial["Vary"]
    # The filter form's hidden sort follows the partial (out-of-band swap).
    assert 'id="id_sort" value="title" hx-swap-oob="true"' in partial.content.decode()
    assert "hx-swap-oob" not in full.content.decode()


def test_list_query_count_does_not_grow_with_the_rows(seeded, login):
    client = login(username("operator"))

    def queries() -> int:
        client.get(list_url())  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(list_url())
        assert response.status_code == 200
        return len(captured.captured_queries)

    for n in range(5):
        item = make_item(title=f"Q {n}", produced_at=date(2020 + n, 1, 1))
        if n % 2:
            attach(item, upload("a.pdf", pdf_bytes()))
    few = queries()
    for n in range(5, 40):
        item = make_item(title=f"Q {n}", produced_at=date(2000 + n % 20, 1, 1))
        if n % 3 == 0:
            attach(item, upload("a.pdf", pdf_bytes()))
    many = queries()

    assert few == many, f"{few} queries for 5 items, {many} for 40"
    assert few <= 12


# 23:30 WIB on 7 April 2027 on the server's clock is 01:30 on 8 April in Jayapura (WIT).
LATE_WIB = datetime(2027, 4, 7, 23, 30, tzinfo=ZoneInfo("Asia/Pontianak"))


def test_an_eastern_body_records_a_document_produced_on_its_own_today(seeded, login):
    """A body in Jayapura: 8 April (its today) is accepted and stored although the server is
    still on 7 April; 9 April (its tomorrow) is refused next to the field, nothing stored."""
    Body.objects.filter(slug=KUBU_RAYA).update(time_zone="Asia/Jayapura")
    url = f"/badan/{KUBU_RAYA}/informasi/baru/"
    with time_machine.travel(LATE_WIB, tick=False):
        client = login(username("operator"))
        assert 'max="2027-04-08"' in client.get(url).content.decode()
        count = Item.objects.count()
        response = client.post(url, {**VALID, "produced_at": "2027-04-09"})
        assert response.status_code == 200
        assert field_error(response, "produced_at") == [FUTURE]
        assert Item.objects.count() == count
        assert not Item.objects.filter(title=VALID["title"]).exists()

        response = client.post(url, {**VALID, "produced_at": "2027-04-08"})
    assert response.status_code == 302, field_error(response, "produced_at")
    assert Item.objects.get(title=VALID["title"]).produced_at == date(2027, 4, 8)


def test_the_item_rules_of_today_count_on_the_bodys_clock(seeded):
    """The model's own check (every channel goes through it): the production and update dates
    may be the body's today, never its tomorrow; a body in Pontianak is still on 7 April."""
    Body.objects.filter(slug=KUBU_RAYA).update(time_zone="Asia/Jayapura")
    east, west = first_item(KUBU_RAYA), first_item(KALBAR)
    assert west.body.time_zone == "Asia/Pontianak"
    with time_machine.travel(LATE_WIB, tick=False):
        east.produced_at = east.last_updated_on = date(2027, 4, 8)
        east.full_clean()
        east.produced_at = east.last_updated_on = date(2027, 4, 9)
        with pytest.raises(ValidationError) as refused:
            east.full_clean()
        west.produced_at = west.last_updated_on = date(2027, 4, 8)
        with pytest.raises(ValidationError) as refused_west:
            west.full_clean()
    for error in (refused, refused_west):
        assert {"produced_at", "last_updated_on"} <= set(error.value.message_dict)
