"""The compliance report on a 375px phone: the chart fits, its text stays readable, the period
picker works without JavaScript, and nothing breaks the Content-Security-Policy (the `new_page`
fixture fails the test on any violation)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from dip.models import Stage
from tests.browser.conftest import NARROW
from tests.browser.test_flows import login
from tests.helpers import edition_at
from workflow.periods import QUARTER, Period

pytestmark = pytest.mark.browser

KUBU_RAYA = "disdukcapil-kubu-raya"
CHART_WIDTH = 300  # workflow.charts.WIDTH: the viewBox's width in units


def test_atasan_reads_the_report_on_a_phone(browser_seeded, new_page, shot):
    from playwright.sync_api import expect

    edition_at(KUBU_RAYA, Stage.APPROVAL, title="DIP Uji Laporan")
    page = new_page(NARROW)
    login(page, f"{KUBU_RAYA}.atasan")
    page.goto("/dasbor/")
    section = page.locator("section.report-section")
    expect(section.get_by_role("heading", name="Kepatuhan pada standar waktu SOP")).to_be_visible()
    chart = section.get_by_role("img", name=re.compile(r"^Standar waktu Disdukcapil Kubu Raya"))
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("100% tepat waktu (1 dari 1)")
    # No sideways scrolling, and the chart's 11-unit text is drawn at 10.5px or more.
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    width = chart.bounding_box()["width"]
    assert width <= NARROW["width"] and 11 * width / CHART_WIDTH >= 10.5
    shot(page, "dashboard-report-375")

    section.get_by_role("link", name="Rincian").click()
    expect(page).to_have_url(re.compile(rf"/badan/{KUBU_RAYA}/laporan/\?period=\d{{4}}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Laporan kepatuhan")
    quarter = Period.containing(timezone.localdate(), QUARTER)
    page.get_by_label("Periode").select_option(label=quarter.label)
    page.get_by_role("button", name="Tampilkan").click()
    expect(page).to_have_url(re.compile(rf"\?period={quarter.key}$"))
    expect(page.get_by_text(f"Langkah yang dimulai pada {quarter.label}")).to_be_visible()
    expect(page.locator(".report-headline")).to_contain_text("100% · 3 dari 3")
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]
    shot(page, "body-report-375")
