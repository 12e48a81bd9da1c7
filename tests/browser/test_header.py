"""The officers' header: on one line at 1,280 px for the officer who sees the most links (a
PPID Utama: People and the audit log besides everyone's links), with a long name and counts on
its links; every link and control reachable by keyboard, with a visible focus; the account
menu (a <details>) opens without JavaScript; at 375 px nothing leaves the screen. Screenshots
of each role at both widths, axe-core over each."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Page, expect

from tests.browser.conftest import NARROW, TIMEOUT_MS, WIDE, axe_violations
from tests.browser.test_flows import login, logout, open_account_menu
from workflow.models import NoticeKind
from workflow.services.notices import notify

pytestmark = [pytest.mark.browser]

KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"
DINSOS = "dinsos-p3a-kapuas-hulu"
UTAMA = "ppid-utama"
ROLES = [f"{KALBAR}.operator", f"{KALBAR}.ppid", f"{KUBU}.tim", f"{DINSOS}.atasan", UTAMA]
LONG_NAME = ("Dr. Hj. Nurhasanah Rahmawati", "S.Sos., M.Si., Kepala Dinas Kominfo")

# The header's links and controls, in document order; `open`: with the account menu open.
FOCUSABLE = """(open) => [...document.querySelectorAll(
    ".site-header a[href], .site-header summary, .site-header button, .site-header select")]
  .filter((e) => open || !e.closest(".account-panel"))"""
# Each of them (or its label) as a box: they all sit in the first one's row.
ROWS = """() => [...document.querySelectorAll(".site-header .brand, .nav a, .account > summary")]
  .map((e) => { const r = e.getBoundingClientRect();
    return {text: e.textContent.trim(), top: r.top, bottom: r.bottom}; })"""
FOCUSED = """() => {
  const e = document.activeElement;
  const all = [...document.querySelectorAll(
    ".site-header a[href], .site-header summary, .site-header button, .site-header select")];
  const style = getComputedStyle(e);
  return {index: all.indexOf(e), tag: e.tagName, text: (e.textContent || "").trim().slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2};
}"""


def busiest_officer() -> None:
    """The PPID Utama with a long name and a two-digit count of unread notices."""
    user = get_user_model().objects.get(username=UTAMA)
    user.first_name, user.last_name = LONG_NAME
    user.save(update_fields=["first_name", "last_name"])
    for n in range(12):
        notify(
            recipients=[user],
            kind=NoticeKind.ANNOUNCEMENT,
            key=f"header:{n}",
            title=f"Pengumuman {n}",
        )


def add_task_count(page: Page) -> None:
    """A PPID Utama has no step of an SOP to act on, so no count on "Tugas saya": the badge
    the template gives it (base_internal.html), with three digits, for the widest header."""
    page.evaluate(
        """() => document.querySelector(".nav a[href$='/tugas/']").insertAdjacentHTML(
            "beforeend", '<span class="badge" aria-label="123 tugas">123</span>')"""
    )


def rows(page: Page) -> list[dict]:
    boxes = page.evaluate(ROWS)
    first_bottom = min(box["bottom"] for box in boxes)
    return [box["text"] for box in boxes if box["top"] >= first_bottom]


def keyboard_walk(page: Page) -> list[dict]:
    """Tab from the top of the page through the header; Enter on the account menu opens it.
    Returns what had the focus, in order, until the focus leaves the header."""
    page.locator("body").focus()
    seen: list[dict] = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["index"] < 0:
            if seen:
                break
            continue  # the skip link, before the header
        seen.append(focused)
        if focused["tag"] == "SUMMARY":
            page.keyboard.press("Enter")
    return seen


def test_header_is_one_line_at_1280_for_the_busiest_officer(browser_seeded, page, shot, axe):
    busiest_officer()
    axe.watch(page)
    login(page, UTAMA)
    add_task_count(page)
    header = page.get_by_role("banner")
    nav = page.get_by_role("navigation", name="Menu utama")
    for name in ("Tugas saya", "Pemberitahuan", "Badan publik", "Permohonan", "Keberatan"):
        expect(nav.get_by_role("link", name=re.compile(rf"^{name}"))).to_be_visible()
    for name in ("Dasbor", "Pengguna", "Jejak audit"):
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    expect(nav.locator(".badge")).to_have_text(["123", "12"])
    assert rows(page) == [], "the header wraps onto a second line"
    box = header.bounding_box()
    assert box is not None and box["height"] < 50, box
    summary = header.locator("details.account > summary")
    expect(summary).to_have_attribute("title", " ".join(LONG_NAME))
    shot(page, "utama-1280")

    walk = keyboard_walk(page)
    reached = {focused["index"] for focused in walk}
    every = page.evaluate(f"() => ({FOCUSABLE})(true).length")
    assert reached == set(range(every)), walk
    assert all(focused["outline"] for focused in walk), [f for f in walk if not f["outline"]]
    # After the menu's summary, in order: sign-in security, sign out, the language and its button.
    opened = next(n for n, focused in enumerate(walk) if focused["tag"] == "SUMMARY") + 1
    assert [(f["tag"], f["text"]) for f in walk[opened:] if f["tag"] != "SELECT"] == [
        ("A", "Keamanan masuk"),
        ("BUTTON", "Keluar"),
        ("BUTTON", "Ganti"),
    ]
    assert walk[-2]["tag"] == "SELECT"
    expect(header.get_by_role("link", name="Keamanan masuk")).to_be_visible()
    shot(page, "utama-1280-account-open")
    # The walk's axe check sees the same page twice (menu shut, menu open) as one: this one.
    assert axe_violations(page, settle=False) == []

    # The language switch works from the menu; in English the header is on one line too.
    header.get_by_label("Bahasa").select_option("en")
    header.get_by_role("button", name="Ganti").click()
    expect(header.get_by_role("link", name="My tasks")).to_be_visible()
    assert rows(page) == []
    shot(page, "utama-1280-english")
    open_account_menu(page)
    header.get_by_label("Language").select_option("id")
    header.get_by_role("button", name="Change").click()
    expect(header.get_by_role("link", name="Tugas saya")).to_be_visible()


def test_header_of_each_role_at_1280_and_375(browser_seeded, new_page, shot, axe):
    """Every role: one line at 1,280 px; at 375 px no sideways scrolling, every link on the
    screen, and the open menu within it."""
    for viewport in (WIDE, NARROW):
        page = new_page(viewport)
        axe.watch(page)
        for username in ROLES:
            login(page, username)
            width = viewport["width"]
            if width == WIDE["width"]:
                assert rows(page) == [], username
            links = page.get_by_role("banner").locator("a[href], summary")
            for n in range(links.count()):
                box = links.nth(n).bounding_box()
                assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, username
            shot(page, f"{username}-{width}")
            open_account_menu(page)
            panel = page.locator(".account-panel").bounding_box()
            assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= width, username
            assert page.evaluate("document.documentElement.scrollWidth") <= width, username
            shot(page, f"{username}-{width}-account-open")
            assert axe_violations(page, settle=False) == [], username
            logout(page)


def test_account_menu_works_without_javascript(browser_seeded, browser, app_server):
    context = browser.new_context(
        viewport=WIDE, locale="id-ID", base_url=app_server.url, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        login(page, f"{DINSOS}.atasan")
        header = page.get_by_role("banner")
        expect(header.get_by_role("button", name="Keluar")).to_be_hidden()
        logout(page)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    finally:
        context.close()
