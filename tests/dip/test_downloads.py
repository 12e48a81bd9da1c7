"""Files leave only through ppid.downloads.file_response: sanitised names (on upload and on
download), RFC 5987 Content-Disposition, an allow-list of content types (never HTML or SVG
inline), nosniff and a sandboxing CSP, and the X-Accel-Redirect / X-Sendfile options, which
hand the file to the web server only after the view has checked publication or role."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from dip import uploads
from dip.models import Attachment
from ppid.downloads import (
    DOWNLOAD_TYPES,
    OCTET_STREAM,
    SANDBOX_CSP,
    content_disposition,
    file_response,
    safe_content_type,
    safe_filename,
)
from tests.dip.test_public import edition_url, published
from tests.dip.test_views import (
    KALBAR,
    attach,
    first_item,
    pdf_bytes,
    upload,
    username,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("laporan.pdf", "laporan.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\op\\Laporan Tahunan.pdf", "Laporan Tahunan.pdf"),
        ("..", "lampiran"),
        (".htaccess", "htaccess"),
        ("", "lampiran"),
        ("a\x00b\x07c.pdf", "abc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override dropped
        ('ra"po<r>t|?*:.pdf', "raport.pdf"),
        ("  banyak \t  spasi\n.pdf  ", "banyak spasi .pdf"),
        ("Laporan Dinas Sosial \u2013 ñ.pdf", "Laporan Dinas Sosial \u2013 ñ.pdf"),
        ("e\u0301.pdf", "\u00e9.pdf"),  # NFC
    ],
)
def test_safe_filename(given, expected):
    assert safe_filename(given) == expected


def test_a_long_name_is_cut_and_keeps_its_extension():
    name = safe_filename("x" * 500 + ".docx")
    assert len(name) == 200 and name.endswith("x.docx")


def test_content_disposition_has_an_ascii_name_and_the_utf8_name():
    name = "Laporan \u2013 Dinas Sosial ñ.pdf"
    header = content_disposition(name, as_attachment=True)
    kind, ascii_part, utf8_part = (part.strip() for part in header.split(";"))
    assert kind == "attachment"
    assert ascii_part.startswith('filename="') and ascii_part.isascii()
    assert ascii_part == 'filename="Laporan _ Dinas Sosial n.pdf"'
    assert utf8_part.startswith("filename*=UTF-8''")
    assert unquote(utf8_part.removeprefix("filename*=UTF-8''")) == name
    assert content_disposition("a.pdf", as_attachment=False).startswith("inline;")


def test_a_name_cannot_break_out_of_the_header():
    header = content_disposition('x"; filename="evil.html\r\nSet-Cookie: a=b', as_attachment=True)
    assert "\r" not in header and "\n" not in header
    assert header.count('"') == 2 and "evil.html" not in header.split(";")[1].split('"')[0]


@pytest.mark.parametrize(
    ("stored", "sent"),
    [
        ("application/pdf", "application/pdf"),
        ("image/png", "image/png"),
        ("text/html", OCTET_STREAM),
        ("text/html; charset=utf-8", OCTET_STREAM),
        ("image/svg+xml", OCTET_STREAM),
        ("application/javascript", OCTET_STREAM),
        ("application/xhtml+xml", OCTET_STREAM),
        ("", OCTET_STREAM),
    ],
)
def test_safe_content_type(stored, sent):
    assert safe_content_type(stored) == sent


def test_every_accepted_upload_type_can_be_downloaded():
    assert {content_type for content_type, _family in uploads.ALLOWED.values()} <= DOWNLOAD_TYPES


def test_html_asked_inline_goes_out_as_a_sandboxed_attachment():
    field = Attachment(file=default_storage.save("x/page.html", ContentFile(b"<script>")))
    response = file_response(
        field.file, filename="page.html", content_type="text/html", as_attachment=False
    )
    assert response["Content-Type"] == OCTET_STREAM
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == SANDBOX_CSP


def test_an_inline_pdf_stays_inline_and_viewable():
    field = Attachment(file=default_storage.save("x/doc.pdf", ContentFile(pdf_bytes())))
    response = file_response(
        field.file, filename="doc.pdf", content_type="application/pdf", as_attachment=False
    )
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "application/pdf"
    # Sandboxed like every file (Chromium's viewer still shows it: tests/browser).
    assert response["Content-Security-Policy"] == SANDBOX_CSP


# --- through the views ----------------------------------------------------------------------


def test_the_uploaded_name_is_sanitised_before_it_is_stored(seeded):
    item = first_item()
    [attachment] = attach(item, upload("..\\..\\rapor\u202et\x07 2026.pdf", pdf_bytes()))
    attachment.refresh_from_db()
    assert attachment.original_name == "raport 2026.pdf"
    # Stored under a random name of our own, never the client's.
    assert "rapor" not in attachment.file.name


def test_the_download_sanitises_a_name_stored_before(seeded, client):
    item = first_item()
    [attachment] = attach(item, upload("laporan.pdf", pdf_bytes()))
    Attachment.objects.filter(pk=attachment.pk).update(original_name='../a"b\u202e.pdf')
    client.force_login(seeded_user(username("tim")))
    response = client.get(f"/lampiran/{attachment.pk}/unduh/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        "attachment; filename=\"ab.pdf\"; filename*=UTF-8''ab.pdf"
    )
    assert response["Content-Security-Policy"] == SANDBOX_CSP
    assert b"".join(response.streaming_content) == attachment.file.read()


def seeded_user(name: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


def test_x_accel_redirect_hands_the_checked_file_to_nginx(seeded, client, settings):
    settings.PPID_SENDFILE = "x-accel-redirect"
    settings.PPID_SENDFILE_PREFIX = "/internal-media/"
    item = first_item()
    [attachment] = attach(item, upload("Laporan Tahunan.pdf", pdf_bytes()))
    url = f"/lampiran/{attachment.pk}/unduh/"

    client.force_login(seeded_user(username("tim")))
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/internal-media/{attachment.file.name}"
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="Laporan Tahunan.pdf"')
    assert response["Cache-Control"] == "private, no-store"

    # Another body's officer never gets the header: the view's check comes first.
    client.force_login(seeded_user(username("operator", KALBAR)))
    refused = client.get(url)
    assert refused.status_code == 404 and "X-Accel-Redirect" not in refused
    # Nor does anyone for a file that is gone.
    client.force_login(seeded_user(username("tim")))
    default_storage.delete(attachment.file.name)
    gone = client.get(url)
    assert gone.status_code == 404 and "X-Accel-Redirect" not in gone


def test_x_accel_redirect_quotes_the_location(settings):
    settings.PPID_SENDFILE = "x-accel-redirect"
    settings.PPID_SENDFILE_PREFIX = "/internal-media"
    field = Attachment(file=default_storage.save("x/a b#c.pdf", ContentFile(pdf_bytes())))
    response = file_response(field.file, filename="a.pdf", content_type="application/pdf")
    assert response["X-Accel-Redirect"] == "/internal-media/x/a%20b%23c.pdf"


def test_x_sendfile_names_the_absolute_path(seeded, client, settings):
    settings.PPID_SENDFILE = "x-sendfile"
    published_edition = published("dinsos-p3a-kapuas-hulu")
    response = client.get(edition_url(published_edition, "dokumen.pdf"))
    assert response.status_code == 200
    path = Path(response["X-Sendfile"])
    assert path.is_absolute() and path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert path.read_bytes().startswith(b"%PDF-")
    assert response.content == b""
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_unknown_sendfile_mode_is_refused_at_start(tmp_path):
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "PPID_SENDFILE": "x-lighttpd",
        "PPID_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ppid.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=60,
    )
    assert result.returncode != 0
    assert "PPID_SENDFILE must be empty, x-accel-redirect or x-sendfile" in result.stderr
