"""What a visitor's Chromium makes of the app as production runs it (gunicorn, DJANGO_DEBUG off,
WhiteNoise serving the collected static files): pages styled by the project's stylesheet, the
API docs running Swagger UI under the CSP, the project's own Indonesian 403, 404 and 500 pages,
and the signed PDF shown by the browser's viewer under the sandboxing CSP.

The styles are read back as computed values that only the project's CSS sets (the header's
background, the brand's colour), so a stylesheet that did not load fails the test.
"""

from __future__ import annotations

import re

import pytest

from dip.models import Stage
from tests.browser.test_flows import login
from tests.helpers import edition_at
from tests.production_site import FAILING_PATH

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.py skips these tests then, or fails them under CI
    expect = None

pytestmark = [pytest.mark.browser]

DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
HEADER_BACKGROUND = "rgb(246, 248, 250)"  # app.css: .site-header, var(--bg)
BRAND_COLOUR = "rgb(11, 83, 148)"  # app.css: .brand, var(--accent)


def watch_failures(page) -> list[str]:
    """Every request of the page that failed or was answered with an error, as it happens."""
    failures: list[str] = []
    page.on("requestfailed", lambda request: failures.append(f"failed: {request.url}"))
    page.on(
        "response",
        lambda response: (
            failures.append(f"{response.status}: {response.url}")
            if response.status >= 400 and "/static/" in response.url
            else None
        ),
    )
    return failures


def expect_styled(page) -> None:
    expect(page.locator(".site-header")).to_have_css("background-color", HEADER_BACKGROUND)
    expect(page.locator(".brand")).to_have_css("color", BRAND_COLOUR)


def test_public_and_officer_pages_are_styled_by_the_collected_stylesheet(
    browser_seeded, page, shot
):
    failures = watch_failures(page)
    page.goto("/")
    expect_styled(page)
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", stylesheet)
    for icon in page.locator("link[rel=icon]").all():
        assert page.request.get(icon.get_attribute("href")).status == 200
    shot(page, "home-styled")

    login(page, f"{KUBU}.operator")
    expect_styled(page)
    # htmx came from the collected files too (the officers' pages need it).
    assert page.evaluate("typeof window.htmx") == "object"
    shot(page, "tasks-styled")
    assert not failures


def test_the_api_docs_render_their_operations_and_run_one(browser_seeded, page, shot):
    failures = watch_failures(page)
    page.goto("/api/docs/")
    operations = page.locator(".swagger-ui .opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 20
    # Swagger UI's stylesheet (the sidecar's) and the project's swagger.css both apply.
    expect(page.locator(".swagger-ui .opblock-get").first).to_have_css(
        "border-color", "rgb(97, 175, 254)"
    )
    expect(page.locator("body")).to_have_css("background-color", "rgb(250, 250, 250)")

    # Try one: the public bodies, answered live under the CSP (connect-src 'self').
    public_bodies = page.locator("#operations-public-public_bodies_list")
    public_bodies.locator(".opblock-summary").click()
    public_bodies.get_by_role("button", name="Try it out").click()
    public_bodies.get_by_role("button", name="Execute").click()
    live = public_bodies.locator(".live-responses-table .response .response-col_status")
    expect(live).to_have_text("200")
    expect(public_bodies.locator(".live-responses-table")).to_contain_text(DINSOS)
    shot(page, "api-docs-tried")
    assert not failures


def test_the_error_pages_are_the_projects_own_in_indonesian(browser_seeded, page, shot, app_server):
    missing = page.goto("/tidak-ada/")
    assert missing.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Halaman tidak ditemukan")
    expect_styled(page)
    shot(page, "404")

    broken = page.goto(FAILING_PATH)
    assert broken.status == 500
    expect(page.get_by_role("heading", level=1)).to_have_text("Terjadi kesalahan di pihak kami")
    expect_styled(page)
    shot(page, "500")

    login(page, f"{KUBU}.operator")
    mark = app_server.log_position()
    refused = page.goto(f"/badan/{KUBU}/laporan/")
    assert refused.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Akses ditolak")
    expect(page.get_by_role("main")).to_contain_text(
        "Hanya atasan, PPID, dan PPID Utama yang dapat membaca laporan ini."
    )
    expect_styled(page)
    shot(page, "403")
    # An ordinary 403 is one warning line in the server's log, not a traceback.
    log = app_server.log_since(mark)
    assert f"Forbidden (Permission denied): /badan/{KUBU}/laporan/" in log
    assert "Traceback" not in log


def test_the_signed_pdf_opens_in_the_browsers_viewer_under_the_sandbox(browser_seeded, page):
    edition = edition_at(DINSOS, Stage.PUBLISHED, title="DIP Uji Tampilan PDF")
    # The headers as the server sends them (Chromium hides a PDF's CSP header from the page's
    # response), read before the viewer opens: the viewer's own connections may hold the test
    # server's one sync worker (production runs several), and a loaded machine then timed out.
    document = f"/badan-publik/{DINSOS}/edisi/{edition.pk}/dokumen.pdf"
    headers = page.request.get(document).headers
    assert headers["content-type"] == "application/pdf"
    assert headers["content-disposition"].startswith("inline;")
    assert headers["content-security-policy"] == "default-src 'none'; sandbox"
    page.goto(f"/badan-publik/{DINSOS}/")
    with page.expect_response(re.compile(r"/dokumen\.pdf$")) as answer:
        page.get_by_role("link", name="PDF bertanda tangan").click()
    response = answer.value
    assert response.status == 200 and response.url.endswith(document)
    # Chromium's PDF viewer took the document (its extension's frame), rather than refusing it
    # or downloading it.
    viewer = re.compile(r"^chrome-extension://[a-z]+/index\.html")
    if not any(viewer.match(frame.url) for frame in page.frames):
        page.wait_for_event("framenavigated", predicate=lambda frame: viewer.match(frame.url))
