"""Two-factor sign-in in a real browser: the atasan of SOP 000 signs in with the password, is
sent to set up an authenticator app, types the code an app would show for the secret on the
page, gets the recovery codes, and may then sign the edition waiting for them."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp

from dip.models import Edition, Stage
from tests.browser.conftest import fill_decree
from tests.conftest import DEMO_PASSWORD
from tests.helpers import edition_at
from workflow.models import AuditEntry

try:
    from playwright.sync_api import expect
except ImportError:  # conftest.py skips these tests then, or fails them under CI
    expect = None

pytestmark = [pytest.mark.browser]

DINSOS = "dinsos-p3a-kapuas-hulu"
ATASAN = f"{DINSOS}.atasan"


def app_code(secret: str) -> str:
    """What an authenticator app shows for the secret typed from the page."""
    key = b32decode(secret + "=" * (-len(secret) % 8))
    return f"{totp(key):06d}"


@pytest.fixture
def server_env() -> dict[str, str]:
    """This module's server requires the second factor, as production does by default."""
    return {"PPID_REQUIRE_2FA": "1"}


def test_enrol_then_code_then_the_sign_page_is_allowed(browser_seeded, page, shot):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="DIP Uji Dua Faktor")

    page.goto("/masuk/")
    page.get_by_label("Nama pengguna").fill(ATASAN)
    page.get_by_label("Sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()

    # Straight to the set-up: no internal page before the second factor.
    expect(page).to_have_url(re.compile(r"/akun/2fa/daftar/\?next="))
    expect(page.get_by_role("heading", level=1)).to_have_text("Pasang masuk dua faktor")
    expect(page.locator(".qr svg")).to_be_visible()
    shot(page, "2fa-enrol")
    secret = page.locator("#otp-secret").inner_text().replace(" ", "")
    page.get_by_role("textbox", name="Kode").fill(app_code(secret))
    page.get_by_role("button", name="Konfirmasi dan aktifkan").click()

    expect(page).to_have_url(re.compile(r"/akun/2fa/kode-pemulihan/$"))
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shot(page, "2fa-recovery-codes")
    page.get_by_role("link", name="Sudah saya simpan, lanjutkan").click()
    expect(page.get_by_role("heading", level=1, name="Tugas saya")).to_be_visible()

    page.goto(f"/edisi/{edition.pk}/aksi/sign/")
    expect(page.get_by_role("heading", level=1, name="Tandatangani")).to_be_visible()
    fill_decree(page)
    shot(page, "2fa-sign-allowed")
    page.get_by_role("button", name=f"Ya, Tandatangani: {edition.title}").click()
    expect(page.locator(".messages")).to_contain_text("Selesai: edisi kini berada pada tahap")

    edition.refresh_from_db()
    atasan = get_user_model().objects.get(username=ATASAN)
    assert edition.signed_by == atasan and edition.state in (Stage.PUBLICATION, Stage.PUBLISHED)
    assert AuditEntry.objects.filter(action="account.2fa_enrol", actor=atasan).exists()
    assert Edition.objects.filter(pk=edition.pk, rows__isnull=False).exists()
