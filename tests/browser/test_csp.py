"""The pages work under the Content-Security-Policy: htmx swaps the register's results without
a page load and without an inline style, the API docs (Swagger UI) and the admin render. Any
CSP violation on the console fails the test (tests/browser/conftest.py, `new_page`)."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_flows import login

pytestmark = pytest.mark.browser

KUBU_RAYA = "disdukcapil-kubu-raya"


def test_htmx_filters_the_register_under_the_csp(browser_seeded, page, shot):
    from playwright.sync_api import expect

    from dip.models import Item

    login(page, f"{KUBU_RAYA}.operator")
    page.goto(f"/badan/{KUBU_RAYA}/informasi/")
    header = page.request.get(page.url).headers["content-security-policy"]
    assert "script-src 'self'" in header and "unsafe-inline" not in header
    rows = page.locator("#item-results tbody tr")
    expect(rows.first).to_be_visible()
    total = rows.count()
    target = Item.objects.filter(body__slug=KUBU_RAYA).order_by("pk").first()
    word = max(target.title.split(), key=len)

    page.evaluate("window.loadedOnce = true")  # survives only if the page does not reload
    page.get_by_label("Cari").fill(word)
    expect(page).to_have_url(re.compile(r"[?&]q="))  # htmx pushed the filtered URL
    expect(page.locator("#item-results")).to_contain_text(target.title)
    assert page.evaluate("window.loadedOnce === true"), "htmx must swap, not reload the page"
    assert rows.count() <= total
    # htmx was told not to inject its indicator styles (the CSP would refuse them).
    assert page.locator("head style").count() == 0
    shot(page, "register-filtered-by-htmx")


def test_api_docs_and_admin_render_under_the_csp(browser_seeded, page, shot):
    from playwright.sync_api import expect

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("PPID Dokumentasi API")
    shot(page, "api-docs")
    page.goto("/admin/login/")
    expect(page.locator("#login-form")).to_be_visible()
    shot(page, "admin-login")
