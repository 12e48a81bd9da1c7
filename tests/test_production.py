"""Smoke test of the production path: gunicorn with DJANGO_DEBUG off and the production settings,
static files collected and served by WhiteNoise (tests/production.py), asked over HTTP as a
browser or a load balancer would ask. What the browser makes of it (styles applied, Swagger UI
running) is in tests/browser/test_production.py.

Each assertion would fail under DEBUG on or without collected static files: a technical 404 or
500 page instead of the project's, `/static/` unserved, unhashed names, short cache lifetimes.
"""

from __future__ import annotations

import gzip
import http.client as http_client
import re
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command

from ppid.pagecache import SECURITY_HEADERS
from tests.conftest import DEMO_PASSWORD
from tests.production_site import FAILING_PATH

HASHED = r"[0-9a-f]{12}"
FOREVER = "max-age=315360000, public, immutable"


class Assets(HTMLParser):
    """The stylesheets, scripts and icons a page names."""

    def __init__(self, page: str):
        super().__init__()
        self.urls: list[str] = []
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and attributes.get("rel") in {"stylesheet", "icon"}:
            self.urls.append(attributes["href"])
        elif tag == "script" and attributes.get("src"):
            self.urls.append(attributes["src"])


def get_bytes(server, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """(status, headers by lower-case name, body) of one GET to the server."""
    connection = http_client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def get(server, path: str, **headers: str) -> tuple[int, dict[str, str], str]:
    status, answer, body = get_bytes(server, path, **headers)
    return status, answer, body.decode()


@pytest.fixture
def server(app_server):
    call_command("seed_demo", password=DEMO_PASSWORD, no_editions=True, stdout=StringIO())
    return app_server


def test_every_asset_a_page_names_is_hashed_compressed_and_cached_for_good(server):
    named = set()
    for path in ("/", "/masuk/", "/api/docs/"):
        status, _headers, page = get(server, path)
        assert status == 200, path
        named |= set(Assets(page).urls)
    stylesheet = next(url for url in named if "/css/app." in url)
    assert re.fullmatch(rf"/static/css/app\.{HASHED}\.css", stylesheet)
    scripts = {url.rsplit("/", 1)[-1].split(".")[0] for url in named if url.endswith(".js")}
    assert {"swagger-ui-bundle", "swagger-ui-standalone-preset"} <= scripts
    for url in named:
        if url.startswith("/api/docs/"):  # Swagger UI's start-up script, rendered by a view
            continue
        assert re.search(rf"\.{HASHED}\.\w+$", url), url
        status, headers, body = get_bytes(server, url, **{"Accept-Encoding": "gzip"})
        assert status == 200, url
        assert headers["cache-control"] == FOREVER, url
        if url.endswith((".css", ".js")):
            assert headers["content-encoding"] == "gzip", url
            assert len(gzip.decompress(body)) > len(body)
    status, headers, body = get_bytes(server, stylesheet)
    assert b".site-header" in body and "content-encoding" not in headers


def test_the_api_docs_page_and_its_start_up_script_are_served(server):
    status, headers, page = get(server, "/api/docs/")
    assert status == 200
    assert "unsafe-inline" not in headers["content-security-policy"]
    [script] = [url for url in Assets(page).urls if url.startswith("/api/docs/")]
    status, headers, body = get(server, script.replace("&amp;", "&"))
    assert status == 200 and headers["content-type"].startswith("application/javascript")
    assert "/api/schema/" in body
    status, headers, schema = get(server, "/api/schema/")
    assert status == 200 and "/api/public/bodies/" in schema


def test_a_missing_page_is_the_projects_indonesian_404(server):
    status, headers, page = get(server, "/tidak-ada/")
    assert status == 404
    assert "<h1>Halaman tidak ditemukan</h1>" in page and '<html lang="id">' in page
    assert re.search(rf'href="/static/css/app\.{HASHED}\.css"', page)
    # Not Django's technical page (DEBUG on): no URL patterns listed.
    assert "URLconf" not in page and "Using the URLconf" not in page
    assert headers["content-security-policy"]


def test_a_server_error_is_the_projects_page_and_its_traceback_goes_to_the_log(server):
    mark = server.log_position()
    status, _headers, page = get(server, FAILING_PATH)
    assert status == 500
    assert "<h1>Terjadi kesalahan di pihak kami</h1>" in page and '<html lang="id">' in page
    assert "DeliberateFailure" not in page and "Traceback" not in page
    log = server.log_since(mark)
    assert f"Internal Server Error: {FAILING_PATH}" in log
    assert "Traceback" in log and "DeliberateFailure: a test asked for a server error" in log


def test_favicon_ico_answers(server):
    status, headers, _ = get(server, "/favicon.ico")
    assert status == 302
    assert re.fullmatch(rf"/static/favicon\.{HASHED}\.ico", headers["location"])
    status, headers, body = get_bytes(server, headers["location"])
    assert status == 200 and body[:4] == b"\x00\x00\x01\x00"
    assert headers["cache-control"] == FOREVER


def test_health_probes_carry_the_pages_security_headers(server):
    _status, page, _ = get(server, "/")
    expected = {name: page.get(name) for name in SECURITY_HEADERS}
    assert expected["x-frame-options"] == "DENY" and expected["content-security-policy"]
    for path in ("/healthz", "/readyz"):
        status, headers, _ = get(server, path)
        assert status == 200
        assert {name: headers.get(name) for name in SECURITY_HEADERS} == expected, path
