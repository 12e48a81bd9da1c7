"""The atasan changes the SOP in the browser: a new version, the old one kept, the page fits a
narrow screen (issue 12 rule 7)."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import NARROW
from tests.browser.test_flows import login, overflow
from workflow.models import AuditEntry, Sop

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.py skips these tests then, or fails them under CI
    expect = None

pytestmark = [pytest.mark.browser]

KUBU = "disdukcapil-kubu-raya"


def test_atasan_changes_the_sop_as_a_new_version(browser_seeded, new_page, shot):
    page = new_page()
    login(page, f"{KUBU}.atasan")
    page.goto(f"/badan/{KUBU}/sop/")
    expect(page.get_by_role("main")).to_contain_text("tidak setuju → kembali ke langkah 2")
    page.get_by_role("link", name="Ubah SOP ini").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Ubah SOP"))).to_be_visible()
    step = page.get_by_role("group", name="Langkah 5")
    step.get_by_label(re.compile(r"^Waktu( \*)?$")).fill("2")
    page.get_by_label("Alasan perubahan").fill("Unggah ke situs butuh waktu lebih.")
    shot(page, "sop-edit")
    page.get_by_role("button", name="Simpan sebagai versi baru").click()
    expect(page).to_have_url(re.compile(rf"/badan/{KUBU}/sop/$"))
    expect(page.locator(".messages")).to_contain_text("versi 2")
    expect(page.get_by_role("main")).to_contain_text("Langkah 5: Waktu: 1 → 2")
    shot(page, "sop-versions")
    sops = list(Sop.objects.filter(body__slug=KUBU).order_by("version"))
    assert [(s.version, s.is_active) for s in sops] == [(1, False), (2, True)]
    (entry,) = AuditEntry.objects.filter(action="sop.revise", body__slug=KUBU)
    # Only what was changed: the textareas sent back unchanged are no change.
    assert entry.data["changes"] == ["Langkah 5: Waktu: 1 → 2"]
    assert entry.note == "Unggah ke situs butuh waktu lebih."

    narrow = new_page(viewport=NARROW)
    login(narrow, f"{KUBU}.atasan")
    for name, url in [
        ("sop-edit-narrow", f"/badan/{KUBU}/sop/{sops[1].pk}/ubah/"),
        ("sop-versions-narrow", f"/badan/{KUBU}/sop/"),
    ]:
        narrow.goto(url)
        expect(narrow.get_by_role("heading", level=1).first).to_be_visible()
        shot(narrow, name)
        measured = overflow(narrow)
        assert measured["scrollWidth"] <= measured["innerWidth"] + 1, (name, measured)
