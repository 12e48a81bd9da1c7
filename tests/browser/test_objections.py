"""An objection (keberatan) by clicking, against the production server (issue 13): the requester
of a decided request opens the objection form from the tracking page on a phone and files it on
a Pasal 35 ground; the atasan PPID finds it in the objection register and answers it (upheld);
the requester reads the answer and the Komisi Informasi deadline on the same page, downloads
the signed answer, and the verification page says it is genuine. Any CSP violation fails."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from ppid.models import Body
from tests.browser.conftest import NARROW
from tests.browser.test_flows import expect_message, field, login
from workflow.models import Objection
from workflow.services import requests as request_services

pytestmark = pytest.mark.browser
DINSOS = "dinsos-p3a-kapuas-hulu"


def test_objection_filed_on_a_phone_answered_by_the_atasan_and_verified(
    browser_seeded, page, new_page, shot, tmp_path
):
    from playwright.sync_api import expect

    body = Body.objects.get(slug=DINSOS)
    made = request_services.request_receive(
        body=body,
        name="Siti Aminah",
        address="Jalan Gajah Mada 12, Putussibau",
        identity_number="6106015505900001",
        information="Daftar penerima bantuan sosial 2026 per desa",
        purpose="Pengawasan",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    request_services.request_decide(
        request=made,
        user=get_user_model().objects.get(username=f"{DINSOS}.ppid"),
        decision="granted",
        note="Diberikan daftar per kecamatan.",
    )

    phone = new_page(NARROW)
    phone.goto(f"/lacak-permohonan/{made.tracking_code}/")
    phone.get_by_role("link", name="Keberatan: ajukan atau pantau tanggapannya").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Keberatan")
    phone.get_by_label(
        "d. Permintaan informasi saya ditanggapi tidak sebagaimana yang diminta"
    ).check()
    field(phone, "Uraian keberatan Anda").fill("Yang saya minta per desa, bukan per kecamatan.")
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"] + 1
    shot(phone, "objection-form")
    phone.get_by_role("button", name="Ajukan keberatan").click()
    expect(phone.locator(".verdict")).to_contain_text("Keberatan Anda diregistrasi dengan nomor")
    objection = Objection.objects.get(request=made)
    assert "Siti Aminah" not in phone.content()
    shot(phone, "objection-filed")

    login(page, f"{DINSOS}.atasan")
    page.goto("/keberatan/")
    page.get_by_role("link", name=objection.register_number, exact=True).click()
    answer = page.locator("form[action$='/jawab/']")
    answer.get_by_label("Mengabulkan keberatan (pemohon benar)").check()
    field(answer, "Pertimbangan atasan").fill("Daftar per desa dikuasai Bidang Sosial; berikan.")
    answer.get_by_label(
        "Saya telah membaca keberatan ini dan menandatangani tanggapan ini secara elektronik."
    ).check()
    shot(page, "objection-answer")
    page.get_by_role("button", name="Tanda tangani dan kirim tanggapan").click()
    expect_message(page, "telah ditanggapi")

    phone.goto(f"/lacak-permohonan/{made.tracking_code}/keberatan/")
    expect(phone.locator("body")).to_contain_text("Ke Komisi Informasi paling lambat")
    expect(phone.locator("body")).to_contain_text("Ditanggapi atasan pada")
    link = phone.get_by_role("link", name="Tanggapan bertanda tangan (PDF)")
    expect(link).to_be_visible()
    pdf = phone.request.get(link.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    assert phone.evaluate("document.documentElement.scrollWidth") <= NARROW["width"] + 1
    shot(phone, "objection-answered")
    answered = tmp_path / "tanggapan.pdf"
    answered.write_bytes(pdf.body())
    phone.goto("/verifikasi/")
    phone.locator("input[type=file]").set_input_files(str(answered))
    phone.get_by_role("button", name="Verifikasi").click()
    expect(phone.locator(".verdict")).to_contain_text("Asli")
    expect(phone.locator(".verdict")).to_contain_text(objection.register_number)
    expect(phone.locator(".verdict")).not_to_contain_text("Siti Aminah")
    shot(phone, "objection-verified")
