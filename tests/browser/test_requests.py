"""A request for information by clicking, against the production server (issue 13): a visitor
on a phone files it on the body's form (the DIP rows matching what they type are suggested),
keeps the receipt's tracking code; the PPID finds it in the register and gives the written
notice; the visitor reads the decision on the tracking page, downloads the signed notice and
the verification page says it is genuine. Any CSP violation fails the test."""

from __future__ import annotations

import pytest

from tests.browser.conftest import NARROW
from tests.browser.test_flows import expect_message, field, login
from tests.helpers import published
from workflow.models import InformationRequest

pytestmark = pytest.mark.browser
KALBAR = "disdukcapil-kalbar"


def test_request_filed_on_a_phone_decided_by_the_ppid_and_its_notice_verified(
    browser_seeded, page, new_page, shot, tmp_path
):
    from playwright.sync_api import expect

    edition = published(KALBAR)
    row = edition.rows.exclude(classification="dikecualikan").first()
    word = next(w for w in row.title.split() if len(w) >= 4)

    phone = new_page(NARROW)
    phone.goto(f"/badan-publik/{KALBAR}/")
    phone.get_by_role("link", name="Ajukan permohonan informasi kepada badan publik ini").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Permohonan informasi")
    field(phone, "Nama").fill("Siti Aminah")
    field(phone, "Nomor identitas (NIK)").fill("6171015505900001")
    field(phone, "Alamat").fill("Jalan Gajah Mada 12, Pontianak")
    field(phone, "E-mail").fill("siti@example.org")
    field(phone, "Informasi yang diminta").fill(f"Mohon salinan {word}")
    expect(phone.locator("#suggestions")).to_contain_text(row.title)
    field(phone, "Tujuan penggunaan").fill("Bahan liputan")
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"] + 1
    shot(phone, "form")
    phone.get_by_role("button", name="Kirim permohonan").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Tanda terima permohonan informasi")
    code = phone.locator("#tracking-code").inner_text().strip()
    made = InformationRequest.objects.get(tracking_code=code)
    shot(phone, "receipt")

    login(page, f"{KALBAR}.ppid")
    page.goto("/permohonan/")
    page.get_by_role("link", name=made.register_number).click()
    decision = page.locator("form[action$='/putuskan/']")
    decision.get_by_label("Diberikan", exact=True).check()
    field(decision, "catatan").fill("Data terlampir dalam bentuk softcopy.")
    shot(page, "decide")
    page.get_by_role("button", name="Berikan pemberitahuan tertulis").click()
    expect_message(page, "Pemberitahuan tertulis diberikan")
    expect(page.locator("#request-status")).to_have_text("Diberikan")

    phone.goto(f"/lacak-permohonan/{code}/")
    expect(phone.locator("#request-status")).to_have_text("Diberikan")
    link = phone.get_by_role("link", name="Unduh pemberitahuan bertanda tangan (PDF)")
    expect(link).to_be_visible()
    pdf = phone.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    shot(phone, "tracking")
    notice = tmp_path / "pemberitahuan.pdf"
    notice.write_bytes(pdf.body())
    phone.goto("/verifikasi/")
    phone.locator("input[type=file]").set_input_files(str(notice))
    phone.get_by_role("button", name="Verifikasi").click()
    expect(phone.locator(".verdict")).to_contain_text("Asli")
    expect(phone.locator(".verdict")).to_contain_text(made.register_number)
    shot(phone, "verified")
