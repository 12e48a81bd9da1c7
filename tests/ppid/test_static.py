"""Static files the production way: collected with hashed names and compressed copies, served by
WhiteNoise with far-future caching, named by their hashed names in every page; the favicon.
(The same from gunicorn with DEBUG off: tests/test_production.py.)"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import override_settings

from ppid.pagecache import headers_fingerprint

HASHED = r"[0-9a-f]{12}"
FOREVER = "max-age=315360000, public, immutable"


def test_whitenoise_serves_right_after_the_security_middleware():
    assert settings.MIDDLEWARE[:2] == [
        "django.middleware.security.SecurityMiddleware",
        "whitenoise.middleware.WhiteNoiseMiddleware",
    ]
    assert (
        settings.STORAGES["staticfiles"]["BACKEND"]
        == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/masuk/"])
def test_pages_name_their_stylesheet_and_icons_by_hashed_name(seeded, client, path):
    page = client.get(path).content.decode()
    assert re.search(rf'<link rel="stylesheet" href="/static/css/app\.{HASHED}\.css">', page)
    assert re.search(rf'<link rel="icon" href="/static/favicon\.{HASHED}\.svg"', page)
    assert re.search(rf'<link rel="icon" href="/static/favicon\.{HASHED}\.ico"', page)


@pytest.mark.django_db
def test_officer_pages_name_their_script_by_hashed_name(seeded, login):
    page = login("disdukcapil-kalbar.operator").get("/tugas/").content.decode()
    assert re.search(rf'<script src="/static/js/htmx\.min\.{HASHED}\.js" defer>', page)
    assert re.search(rf'<link rel="icon" href="/static/favicon\.{HASHED}\.svg"', page)


def test_a_hashed_file_is_cached_forever_and_compressed(client):
    url = staticfiles_storage.url("css/app.css")
    plain = client.get(url)
    assert plain.status_code == 200
    assert plain["Cache-Control"] == FOREVER
    assert plain["Content-Type"].startswith("text/css")
    body = b"".join(plain.streaming_content)
    assert b".site-header" in body
    for encoding in ("br", "gzip"):
        packed = client.get(url, HTTP_ACCEPT_ENCODING=encoding)
        assert packed["Content-Encoding"] == encoding
        assert packed["Vary"] == "Accept-Encoding"
        assert int(packed["Content-Length"]) < len(body)


def test_an_unhashed_name_is_served_but_only_briefly_cached(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=60, public"


def test_the_swagger_ui_bundle_is_collected_and_served(client):
    url = staticfiles_storage.url("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert re.search(rf"swagger-ui-bundle\.{HASHED}\.js$", url)
    response = client.get(url, HTTP_ACCEPT_ENCODING="br")
    assert response.status_code == 200 and response["Cache-Control"] == FOREVER
    assert response["Content-Encoding"] == "br"


def test_favicon_ico_leads_to_the_hashed_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert re.fullmatch(rf"/static/favicon\.{HASHED}\.ico", response["Location"])
    assert response["Cache-Control"] == "public, max-age=86400"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert icon["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert client.post("/favicon.ico").status_code == 405


def test_the_page_cache_retires_pages_that_name_another_release_of_the_static_files(tmp_path):
    """A stored page names its stylesheet by hashed name: pages stored before a release with
    other static files must not be served after it (their stylesheet would be gone)."""
    before = headers_fingerprint()
    other = tmp_path / "static"
    other.mkdir()
    (other / "staticfiles.json").write_text(
        '{"paths": {"css/app.css": "css/app.000000000000.css"}, "version": "1.1", "hash": "x"}'
    )
    with override_settings(STATIC_ROOT=str(other)):
        assert headers_fingerprint() != before
    assert headers_fingerprint() == before
