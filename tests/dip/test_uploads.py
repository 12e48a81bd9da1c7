"""POST /api/items/{id}/attachments/: what is accepted, and what is refused with nothing stored."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dip import uploads
from dip.models import Attachment, Item
from dip.services import attachments as attachment_services
from tests.helpers import utama_of
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"
KUBU_RAYA = "disdukcapil-kubu-raya"
OPERATOR = f"{KALBAR}.operator"


# --- files ---------------------------------------------------------------------------------


def image_bytes(fmt: str, size=(64, 48), mode="RGB", **options) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, color=0 if mode in ("1", "P", "L") else (200, 30, 30)).save(
        buffer, fmt, **options
    )
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return image_bytes("PDF")  # a real one-page PDF written by Pillow


def docx_bytes(parts=("word/document.xml",)) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Override PartName="/word/document.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        for part in parts:
            archive.writestr(
                part,
                '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>DIP</w:t></w:r></w:p>'
                "</w:body></w:document>",
            )
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>" * 2000)
    return buffer.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


# --- helpers -------------------------------------------------------------------------------


def item_of(slug: str) -> Item:
    return Item.objects.filter(body__slug=slug).order_by("pk").first()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def post_files(client, item: Item, *files, **extra):
    return client.post(
        f"/api/items/{item.pk}/attachments/",
        {"file": list(files), **extra},
        format="multipart",
    )


def assert_nothing_stored(item: Item) -> None:
    assert not Attachment.objects.filter(item=item).exists()
    assert stored_files() == []
    assert not AuditEntry.objects.filter(action="attachment.create").exists()


# --- accepted ------------------------------------------------------------------------------

ACCEPTED = [
    ("laporan.pdf", pdf_bytes, "application/pdf"),
    ("peta.png", lambda: image_bytes("PNG"), "image/png"),
    ("foto.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
    ("foto.jpeg", lambda: image_bytes("JPEG"), "image/jpeg"),
    ("pindaian.tif", lambda: image_bytes("TIFF"), "image/tiff"),
    ("pindaian.tiff", lambda: image_bytes("TIFF", compression="tiff_lzw"), "image/tiff"),
    (
        "surat.docx",
        docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("LAPORAN.PDF", pdf_bytes, "application/pdf"),
    ("catatan.odt", odt_bytes, "application/vnd.oasis.opendocument.text"),
    (
        "tabel.xlsx",
        lambda: docx_bytes(parts=("xl/workbook.xml", "xl/worksheets/sheet1.xml")),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
]


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_file_is_stored_with_its_checksum_and_audited(
    seeded, api, name, make, content_type
):
    item = item_of(KALBAR)
    content = make()

    response = post_files(api(OPERATOR), item, upload(name, content, "text/plain"))

    assert response.status_code == 201, response.data
    [data] = response.data
    assert data["original_name"] == name
    assert data["content_type"] == content_type  # from the checked type, not the client's
    assert data["size"] == len(content)
    assert data["sha256"] == hashlib.sha256(content).hexdigest()
    assert data["kind"] == "softcopy"
    attachment = Attachment.objects.get(pk=data["id"], item=item)
    assert attachment.uploaded_by.username == OPERATOR
    path = Path(attachment.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "attachments")
    assert path.suffix == Path(name).suffix.lower()
    assert name not in str(path)  # the stored name is random, not the client's
    assert path.read_bytes() == content
    assert stored_files() == [path]
    audit = AuditEntry.objects.get(action="attachment.create")
    assert (audit.actor.username, audit.target_id) == (OPERATOR, str(attachment.pk))
    assert audit.data["sha256"] == data["sha256"]


def test_several_files_in_one_request_and_scan_kind(seeded, api):
    item = item_of(KALBAR)
    files = [
        upload("a.pdf", pdf_bytes()),
        upload("b.png", image_bytes("PNG")),
        upload("c.docx", docx_bytes()),
    ]

    response = post_files(api(f"{KALBAR}.ppid"), item, *files, kind="scan")

    assert response.status_code == 201, response.data
    assert [a["original_name"] for a in response.data] == ["a.pdf", "b.png", "c.docx"]
    assert {a["kind"] for a in response.data} == {"scan"}
    assert Attachment.objects.filter(item=item).count() == 3
    assert len(stored_files()) == 3
    assert AuditEntry.objects.filter(action="attachment.create").count() == 3
    listed = api(OPERATOR).get(f"/api/items/{item.pk}/").data["attachments"]
    assert sorted(a["original_name"] for a in listed) == ["a.pdf", "b.png", "c.docx"]


def test_file_larger_than_the_in_memory_limit_is_checked_and_stored_whole(seeded, api):
    """Above FILE_UPLOAD_MAX_MEMORY_SIZE Django spools the upload to a temporary file."""
    item = item_of(KALBAR)
    content = pdf_bytes() + b"%" + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024)

    response = post_files(api(OPERATOR), item, upload("besar.pdf", content))

    assert response.status_code == 201, response.data
    assert response.data[0]["sha256"] == hashlib.sha256(content).hexdigest()
    [path] = stored_files()
    assert path.read_bytes() == content


def test_path_in_the_file_name_is_dropped(seeded, api):
    item = item_of(KALBAR)

    response = post_files(api(OPERATOR), item, upload("../../../etc/laporan.pdf", pdf_bytes()))

    assert response.status_code == 201, response.data
    assert response.data[0]["original_name"] == "laporan.pdf"
    [path] = stored_files()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT) / "attachments")


# --- refused, nothing stored ---------------------------------------------------------------


def zip_without_word_parts() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("docProps/app.xml", "<Properties/>")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "bukan dokumen")
    return buffer.getvalue()


REFUSED = [
    ("program.exe", lambda: b"MZ\x90\x00\x03" + b"\x00" * 200),
    ("halaman.html", lambda: HTML),
    ("halaman.htm", lambda: HTML),
    ("gambar.svg", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>'),
    ("skrip.js", lambda: b"alert(1)"),
    ("tanpa-ekstensi", pdf_bytes),
    ("laporan.pdf.exe", pdf_bytes),
    ("html-menyamar.pdf", lambda: HTML),
    ("teks.png", lambda: b"hanya teks biasa, bukan gambar\n" * 20),
    ("png-menyamar.jpg", lambda: image_bytes("PNG")),
    ("jpeg-menyamar.tif", lambda: image_bytes("JPEG")),
    ("gif-menyamar.png", lambda: image_bytes("GIF")),
    ("svg-menyamar.png", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
    ("zip-tanpa-word.docx", zip_without_word_parts),
    ("zip-biasa.docx", plain_zip),
    ("docx-menyamar.xlsx", docx_bytes),
    ("terpotong.png", lambda: image_bytes("PNG")[:60]),
    ("kosong.pdf", lambda: b""),
]


@pytest.mark.parametrize(("name", "make"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_file_is_400_and_nothing_is_stored(seeded, api, name, make):
    item = item_of(KALBAR)

    response = post_files(api(OPERATOR), item, upload(name, make()))

    assert response.status_code == 400, response.data
    assert "file" in response.data
    assert any(name in str(message) for message in response.data["file"]), response.data
    assert_nothing_stored(item)


def test_file_over_the_size_limit_is_refused(seeded, api, settings):
    settings.PPID_UPLOAD_MAX_BYTES = 2048
    item = item_of(KALBAR)
    big = pdf_bytes() + b"%" + b"0" * 4096
    small = pdf_bytes()
    assert len(small) <= 2048 < len(big)

    refused = post_files(api(OPERATOR), item, upload("besar.pdf", big))

    assert refused.status_code == 400, refused.data
    assert "besar.pdf" in str(refused.data["file"])
    assert "batasnya 2,0\xa0KB" in refused.data["file"][0]
    assert_nothing_stored(item)
    accepted = post_files(api(OPERATOR), item, upload("kecil.pdf", small))
    assert accepted.status_code == 201, accepted.data


def test_decompression_bomb_png_is_refused(seeded, api):
    """20000 x 20000 pixels (400 Mpx) in a few tens of kilobytes of PNG."""
    buffer = io.BytesIO()
    bomb = Image.new("1", (20_000, 20_000))  # 50 MB in memory, 1 bit per pixel
    bomb.save(buffer, "PNG", optimize=True)
    del bomb
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    item = item_of(KALBAR)

    response = post_files(api(OPERATOR), item, upload("bom.png", content))

    assert response.status_code == 400, response.data
    assert "bom.png" in str(response.data["file"])
    assert_nothing_stored(item)


@pytest.mark.parametrize("fmt,name", [("PNG", "besar.png"), ("TIFF", "besar.tif")])
def test_image_over_the_pixel_limit_is_refused(seeded, api, monkeypatch, fmt, name):
    monkeypatch.setattr(uploads, "MAX_IMAGE_PIXELS", 100 * 100)
    item = item_of(KALBAR)
    client = api(OPERATOR)

    refused = post_files(client, item, upload(name, image_bytes(fmt, size=(101, 100))))

    assert refused.status_code == 400, refused.data
    assert_nothing_stored(item)
    accepted = post_files(client, item, upload(name, image_bytes(fmt, size=(100, 100))))
    assert accepted.status_code == 201, accepted.data


def test_one_bad_file_in_a_batch_stores_none_of_them(seeded, api):
    item = item_of(KALBAR)

    response = post_files(
        api(OPERATOR),
        item,
        upload("baik.pdf", pdf_bytes()),
        upload("baik.png", image_bytes("PNG")),
        upload("buruk.pdf", HTML),
    )

    assert response.status_code == 400, response.data
    messages = " ".join(str(m) for m in response.data["file"])
    assert "buruk.pdf" in messages
    assert "baik.pdf" not in messages
    assert_nothing_stored(item)


def test_failure_after_some_files_were_written_removes_them(seeded, api, monkeypatch):
    """A failure while saving the second file rolls back the rows and deletes the first file."""
    item = item_of(KALBAR)
    real_audit = attachment_services.audit
    calls = []

    def failing_audit(**kwargs):
        calls.append(kwargs["action"])
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real_audit(**kwargs)

    monkeypatch.setattr(attachment_services, "audit", failing_audit)
    client = api(OPERATOR)
    client.raise_request_exception = False

    response = post_files(
        client, item, upload("satu.pdf", pdf_bytes()), upload("dua.pdf", pdf_bytes())
    )

    assert response.status_code == 500
    assert calls == ["attachment.create", "attachment.create"]
    assert_nothing_stored(item)


def test_no_file_is_400(seeded, api):
    item = item_of(KALBAR)
    response = api(OPERATOR).post(f"/api/items/{item.pk}/attachments/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.data
    assert_nothing_stored(item)


def test_unknown_kind_is_400(seeded, api):
    item = item_of(KALBAR)
    response = post_files(api(OPERATOR), item, upload("a.pdf", pdf_bytes()), kind="rahasia")
    assert response.status_code == 400
    assert "kind" in response.data
    assert_nothing_stored(item)


# --- who may upload ------------------------------------------------------------------------


def test_another_bodys_item_is_404(seeded, api):
    other = item_of(KUBU_RAYA)

    response = post_files(api(OPERATOR), other, upload("a.pdf", pdf_bytes()))

    assert response.status_code == 404
    assert_nothing_stored(other)


@pytest.mark.parametrize("role", ["tim", "atasan"])
def test_roles_that_do_not_edit_the_register_get_403(seeded, api, role):
    item = item_of(KUBU_RAYA)

    response = post_files(api(f"{KUBU_RAYA}.{role}"), item, upload("a.pdf", pdf_bytes()))

    assert response.status_code == 403
    assert_nothing_stored(item)


def test_anonymous_is_refused(seeded, api):
    item = item_of(KALBAR)
    response = post_files(api(), item, upload("a.pdf", pdf_bytes()))
    assert response.status_code == 401
    assert_nothing_stored(item)


def test_ppid_utama_may_upload_to_a_body_under_it(seeded, api):
    item = item_of(KUBU_RAYA)
    response = post_files(api(utama_of(KUBU_RAYA)), item, upload("a.pdf", pdf_bytes()))
    assert response.status_code == 201, response.data
    assert Attachment.objects.filter(item=item).count() == 1


# --- zip bombs ----------------------------------------------------------------------------

MB = 1024 * 1024
CONTENT_TYPES = b"<Types/>"
WORD_PARTS = ("word/document.xml", "word/styles.xml", "word/settings.xml")


def zip_of(members: list[tuple[str, int, bytes, int, int]]) -> bytes:
    """A zip written byte by byte from (name, method, stored bytes, CRC-32, inflated size),
    so that a part can carry a deflate stream built faster than zipfile would build it."""
    out, central = io.BytesIO(), []
    for name, method, payload, crc, size in members:
        encoded = name.encode()
        offset = out.tell()
        fields = (method, 0, 0x21, crc, len(payload), size, len(encoded))  # 1980-01-01
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, *fields, 0) + encoded + payload)
        header = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, *fields, 0, 0, 0, 0, 0, offset
        )
        central.append(header + encoded)
    directory = b"".join(central)
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), out.tell(), 0
    )
    return out.getvalue() + directory + end


def zeros_deflated(megabytes: int) -> tuple[bytes, int]:
    """A raw deflate stream of `megabytes` MiB of zeros and their CRC-32, in well under a
    second: one MiB compressed with a full flush (which makes it stand alone) repeated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(bytes(MB), crc)
    return block * megabytes + compressor.flush(), crc


def office_bomb(
    megabytes: int, part: str = "word/document.xml", *, claimed: int | None = None
) -> bytes:
    """An office zip whose `part` inflates to `megabytes` MiB of zeros; its headers say so,
    or claim `claimed` bytes."""
    deflated, crc = zeros_deflated(megabytes)
    size = megabytes * MB if claimed is None else claimed
    return zip_of(
        [
            ("[Content_Types].xml", 0, CONTENT_TYPES, zlib.crc32(CONTENT_TYPES), 8),
            (part, zipfile.ZIP_DEFLATED, deflated, crc, size),
        ]
    )


def docx_of_random_text(size: int) -> bytes:
    """A docx whose document part is `size` bytes of text that hardly compresses (2:1)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", os.urandom(size // 2).hex())
    return buffer.getvalue()


def test_a_gigabyte_in_a_megabyte_is_refused_after_reading_a_little(seeded, api, monkeypatch):
    """The default limits. The bomb is read until its ratio shows, not inflated whole."""
    content = office_bomb(1024)
    assert len(content) < 1.1 * MB
    inflated = []
    real_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = real_read(self, n)
        inflated.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    item = item_of(KALBAR)

    response = post_files(api(OPERATOR), item, upload("bom.docx", content))

    assert response.status_code == 400, response.data
    [message] = response.data["file"]
    assert message.startswith("bom.docx: ")
    assert "dimampatkan lebih dari 100 kali" in message and "bom zip" in message
    # Of the 1024 MB it holds: at most the ratio times one chunk of compressed input.
    assert sum(inflated) < 8 * MB
    assert max(inflated) <= uploads.ZIP_CHUNK
    assert_nothing_stored(item)


def test_checking_a_bomb_holds_about_one_chunk_in_memory():
    content = office_bomb(64)
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refused:
            uploads.check_upload(upload("bom.xlsx", content))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refused.value.code == "bomb"
    assert peak < 4 * MB  # the upload itself is held by the test, outside the count


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("bom.xlsx", "xl/workbook.xml"),
        ("bom.pptx", "ppt/presentation.xml"),
        ("bom.docx", "word/document.xml"),
        ("bom.odt", "mimetype"),  # once read whole into memory to check the type
    ],
)
def test_every_office_zip_kind_is_checked_for_bombs(seeded, api, name, part):
    item = item_of(KALBAR)
    response = post_files(api(OPERATOR), item, upload(name, office_bomb(8, part)))
    assert response.status_code == 400, response.data
    assert "bom zip" in response.data["file"][0]
    assert_nothing_stored(item)


def test_total_inflated_size_over_the_limit_is_refused(seeded, api, settings):
    """Text that compresses only 2:1 (never a ratio bomb), over a lowered total limit."""
    settings.PPID_UPLOAD_MAX_UNCOMPRESSED_BYTES = MB
    item = item_of(KALBAR)
    client = api(OPERATOR)

    refused = post_files(client, item, upload("besar.docx", docx_of_random_text(MB + 1024)))

    assert refused.status_code == 400, refused.data
    assert "lebih besar dari 1,0\xa0MB" in refused.data["file"][0]
    assert_nothing_stored(item)
    accepted = post_files(client, item, upload("cukup.docx", docx_of_random_text(MB - 1024)))
    assert accepted.status_code == 201, accepted.data


def test_highly_compressed_part_is_refused_at_the_ratio_limit(seeded, api, settings):
    settings.PPID_UPLOAD_MAX_RATIO = 3
    item = item_of(KALBAR)

    response = post_files(api(OPERATOR), item, upload("padat.docx", office_bomb(2)))

    assert response.status_code == 400, response.data
    assert "lebih dari 3 kali" in response.data["file"][0]
    assert_nothing_stored(item)


def test_a_zip_that_lies_about_its_sizes_is_refused(seeded, api):
    """The headers claim 1 KB; the part inflates to 8 MB. zipfile stops at the claimed size,
    and the CRC-32 of what it read then fails: refused, never inflated further."""
    item = item_of(KALBAR)
    content = office_bomb(8, claimed=1024)
    response = post_files(api(OPERATOR), item, upload("bohong.docx", content))
    assert response.status_code == 400, response.data
    assert "bohong.docx" in response.data["file"][0]
    assert_nothing_stored(item)


def test_too_many_parts_are_refused(seeded, api, monkeypatch):
    monkeypatch.setattr(uploads, "ZIP_MAX_MEMBERS", 3)
    item = item_of(KALBAR)
    client = api(OPERATOR)

    refused = post_files(client, item, upload("banyak.docx", docx_bytes(parts=WORD_PARTS[:3])))

    assert refused.status_code == 400, refused.data
    assert "lebih dari 3 bagian" in refused.data["file"][0]
    assert_nothing_stored(item)
    accepted = post_files(client, item, upload("cukup.docx", docx_bytes(parts=WORD_PARTS[:2])))
    assert accepted.status_code == 201, accepted.data
