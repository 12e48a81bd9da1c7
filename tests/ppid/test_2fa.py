"""Two-factor sign-in (TOTP with recovery codes) for those who sign and for the PPID Utama.

Codes are computed from the device's key as an authenticator app would (django_otp.oath.totp);
the clock moves with time-machine where a code must not be the one just used. The suite runs
with PPID_REQUIRE_2FA off (tests/conftest.py); these tests turn it on.
"""

from __future__ import annotations

import re
import runpy
from base64 import b32decode
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from dip.models import Edition, Stage
from ppid import twofactor
from ppid.models import SecondFactorToken
from tests.conftest import DEMO_PASSWORD
from tests.helpers import decree, edition_at, utama_of
from workflow import services
from workflow.models import AuditEntry, Sop

User = get_user_model()
pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU = "disdukcapil-kubu-raya"
ATASAN = f"{DINSOS}.atasan"
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "ppid" / "settings.py"


@pytest.fixture
def required(settings):
    settings.PPID_REQUIRE_2FA = True
    return settings


def code(device: TOTPDevice) -> str:
    """What the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 500_000) % 1_000_000:06d}"


def enrolled(username: str) -> tuple[User, TOTPDevice, list[str]]:
    """A user with a confirmed authenticator and ten recovery codes."""
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [f"kode{n:04d}" for n in range(10)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return user, device, codes


def verified_client(user, device: TOTPDevice) -> Client:
    """A browser session of `user` already confirmed with `device` (as after the code)."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sign_in(client: Client, username: str):
    return client.post("/masuk/", {"username": username, "password": DEMO_PASSWORD})


def text(response) -> str:
    return response.content.decode()


def edition_audit(edition: Edition) -> int:
    return AuditEntry.objects.filter(edition=edition).count()


# --- the setting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, True),  # production: DJANGO_DEBUG off
        ({"DJANGO_DEBUG": "1"}, False),  # bin/run's demo
        ({"PPID_REQUIRE_2FA": "0"}, False),
        ({"DJANGO_DEBUG": "1", "PPID_REQUIRE_2FA": "true"}, True),
    ],
)
def test_require_2fa_is_on_unless_debug(monkeypatch, env, expected):
    monkeypatch.delenv("DJANGO_DEBUG", raising=False)
    monkeypatch.delenv("PPID_REQUIRE_2FA", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert runpy.run_path(str(SETTINGS_FILE))["PPID_REQUIRE_2FA"] is expected


@pytest.mark.parametrize(
    ("username", "needs"),
    [
        (f"{DINSOS}.atasan", True),  # signs SOP 000
        (f"{KUBU}.atasan", True),  # signs SOP 004
        (f"{KALBAR}.ppid", True),  # SOP 002 has no atasan: the PPID's verify is the signature
        (f"{DINSOS}.ppid", False),
        (f"{KUBU}.tim", False),
        (f"{KALBAR}.operator", False),
        ("ppid-utama", True),
        ("admin", True),  # a superuser can grant themselves anything
    ],
)
def test_who_needs_a_second_factor(seeded, settings, username, needs):
    user = User.objects.get(username=username)
    settings.PPID_REQUIRE_2FA = True
    assert twofactor.second_factor_required(User.objects.get(pk=user.pk)) is needs
    settings.PPID_REQUIRE_2FA = False
    assert twofactor.second_factor_required(User.objects.get(pk=user.pk)) is False


def test_signers_are_read_from_the_sops_in_force(seeded, required):
    ppid = User.objects.get(username=f"{KALBAR}.ppid")
    assert twofactor.second_factor_required(User.objects.get(pk=ppid.pk))
    Sop.objects.filter(body__slug=KALBAR).update(is_active=False)
    assert not twofactor.second_factor_required(User.objects.get(pk=ppid.pk))


# --- enrolment and sign-in in the browser ---------------------------------------------------------


def test_a_signer_without_a_device_enrols_before_any_internal_page(seeded, required):
    client = Client()
    assert sign_in(client, ATASAN)["Location"] == "/tugas/"
    first = client.get("/tugas/")
    assert first.status_code == 302
    assert first["Location"] == "/akun/2fa/daftar/?next=%2Ftugas%2F"
    assert client.get("/dasbor/")["Location"].startswith("/akun/2fa/daftar/")

    page = client.get(first["Location"])
    body = text(page)
    assert "Pasang masuk dua faktor" in body and "<svg" in body
    # Showing the page stores nothing: the new secret waits in the session.
    assert not TOTPDevice.objects.filter(user__username=ATASAN).exists()
    user = User.objects.get(username=ATASAN)
    app = twofactor.enrolment_device(user, client.session["ppid_totp_enrolment_key"])
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    assert b32decode(secret + "=" * (-len(secret) % 8)) == app.bin_key
    again = text(client.get(first["Location"]))
    assert re.search(r'id="otp-secret">([A-Z2-7 ]+)<', again).group(1).replace(" ", "") == secret

    refused = client.post("/akun/2fa/daftar/", {"code": wrong_code(app), "next": "/tugas/"})
    assert refused.status_code == 200
    assert 'id="id_code_error"' in text(refused) and "Kode itu tidak benar" in text(refused)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert client.get("/tugas/").status_code == 302

    used = code(app)
    done = client.post("/akun/2fa/daftar/", {"code": used, "next": "/tugas/"})
    assert done["Location"] == "/akun/2fa/kode-pemulihan/"
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.key == app.key
    codes_page = text(client.get(done["Location"]))
    shown = re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page)
    assert len(shown) == 10
    assert sorted(shown) == sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert 'href="/tugas/"' in codes_page
    again = text(client.get("/akun/2fa/kode-pemulihan/"))
    assert "<code>" not in again and "10 kode pemulihan" in again  # shown once only
    assert client.get("/tugas/").status_code == 200
    assert AuditEntry.objects.filter(action="account.2fa_enrol", actor=user).exists()
    # The code that confirmed the app cannot confirm a sign-in as well.
    other = Client()
    sign_in(other, ATASAN)
    assert "Kode itu tidak benar" in text(other.post("/akun/2fa/verifikasi/", {"code": used}))


def test_a_signer_with_a_device_enters_the_code_after_the_password(seeded, required):
    user, device, _codes = enrolled(ATASAN)
    client = Client()
    sign_in(client, ATASAN)
    redirect = client.get("/tugas/")
    assert redirect["Location"] == "/akun/2fa/verifikasi/?next=%2Ftugas%2F"

    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = client.post(
            "/akun/2fa/verifikasi/", {"code": wrong_code(device), "next": "/tugas/"}
        )
        assert wrong.status_code == 200 and "Kode itu tidak benar" in text(wrong)
        assert AuditEntry.objects.filter(action="account.2fa_failed", actor=user).count() == 1
        assert client.get("/tugas/").status_code == 302
        # Guessing is throttled: each wrong code doubles the wait before the next try.
        clock.shift(timedelta(seconds=1))
        client.post("/akun/2fa/verifikasi/", {"code": wrong_code(device)})
        hurried = client.post("/akun/2fa/verifikasi/", {"code": code(device)})
        assert "coba lagi dalam 2 detik" in text(hurried)
        clock.shift(timedelta(seconds=3))
        right = client.post("/akun/2fa/verifikasi/", {"code": code(device), "next": "/tugas/"})
    assert right["Location"] == "/tugas/"
    assert client.get("/tugas/").status_code == 200
    verify = AuditEntry.objects.get(action="account.2fa_verify", actor=user)
    assert verify.data == {"device": "app"}


def test_the_same_code_does_not_work_twice(seeded, required):
    _user, device, _codes = enrolled(ATASAN)
    with time_machine.travel(timezone.now(), tick=False):
        used = code(device)
        first = Client()
        sign_in(first, ATASAN)
        assert first.post("/akun/2fa/verifikasi/", {"code": used})["Location"] == "/tugas/"
        second = Client()
        sign_in(second, ATASAN)
        replay = second.post("/akun/2fa/verifikasi/", {"code": used})
    assert replay.status_code == 200 and "Kode itu tidak benar" in text(replay)


def test_a_recovery_code_works_once(seeded, required):
    user, _device, codes = enrolled(ATASAN)
    client = Client()
    sign_in(client, ATASAN)
    response = client.post("/akun/2fa/verifikasi/", {"code": codes[3].upper(), "next": "/tugas/"})
    assert response["Location"] == "/tugas/"
    assert "sisa 9" in text(client.get("/tugas/"))  # the warning, on the next page
    assert StaticToken.objects.filter(device__user=user).count() == 9
    entry = AuditEntry.objects.get(action="account.2fa_verify", actor=user)
    assert entry.data == {"device": "recovery_code", "codes_left": 9}
    client.post("/keluar/")

    sign_in(client, ATASAN)
    reused = client.post("/akun/2fa/verifikasi/", {"code": codes[3]})
    assert reused.status_code == 200 and "Kode itu tidak benar" in text(reused)
    assert client.get("/tugas/").status_code == 302


def test_new_recovery_codes_replace_the_old_ones(seeded, required):
    user, device, codes = enrolled(ATASAN)
    client = verified_client(user, device)
    assert "10 kode pemulihan" in text(client.get("/akun/2fa/kode-pemulihan/"))
    made = client.post("/akun/2fa/kode-pemulihan/")
    page = text(client.get(made["Location"]))
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", page)
    assert len(new) == 10 and not set(new) & set(codes)
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(new)


@pytest.mark.parametrize("username", [f"{KALBAR}.operator", f"{DINSOS}.ppid", f"{KUBU}.tim"])
def test_officers_who_do_not_sign_need_no_second_factor(seeded, required, username):
    client = Client()
    sign_in(client, username)
    assert client.get("/tugas/").status_code == 200


def test_with_the_setting_off_signers_work_without_a_code(seeded, settings):
    settings.PPID_REQUIRE_2FA = False
    client = Client()
    sign_in(client, ATASAN)
    assert client.get("/tugas/").status_code == 200


def test_public_pages_stay_open_to_an_unverified_signer(seeded, required):
    client = Client()
    sign_in(client, ATASAN)
    assert client.get("/").status_code == 200
    assert client.get(f"/badan-publik/{DINSOS}/").status_code == 200
    assert client.get("/akun/2fa/daftar/").status_code == 200


# --- signing is refused without it --------------------------------------------------------------


def test_the_service_refuses_a_signature_from_an_unverified_user(seeded, settings):
    approval = edition_at(DINSOS, Stage.APPROVAL, title="Uji tanda tangan")
    final = edition_at(KALBAR, Stage.VERIFICATION, title="Uji verifikasi akhir")
    passing = edition_at(KUBU, Stage.VERIFICATION, title="Uji paraf")
    settings.PPID_REQUIRE_2FA = True
    audited = edition_audit(approval), edition_audit(final)

    with pytest.raises(twofactor.SecondFactorRequired):
        services.edition_transition(
            edition=approval, name="sign", user=User.objects.get(username=ATASAN)
        )
    with pytest.raises(twofactor.SecondFactorRequired):
        services.edition_transition(
            edition=final, name="verify", user=User.objects.get(username=f"{KALBAR}.ppid")
        )

    assert Edition.objects.get(pk=approval.pk).state == Stage.APPROVAL
    assert Edition.objects.get(pk=final.pk).state == Stage.VERIFICATION
    assert (edition_audit(approval), edition_audit(final)) == audited
    # A PPID's paraf that is not the final approval needs no second factor.
    services.edition_transition(
        edition=passing, name="verify", user=User.objects.get(username=f"{KUBU}.ppid")
    )
    assert Edition.objects.get(pk=passing.pk).state == Stage.CONSIDERATION


def test_the_sign_page_refuses_an_unverified_session_with_a_clear_403(
    seeded, settings, monkeypatch
):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Uji tanda tangan")
    settings.PPID_REQUIRE_2FA = True
    user, device, _codes = enrolled(ATASAN)
    url = f"/edisi/{edition.pk}/aksi/sign/"
    unverified = Client()
    unverified.force_login(user)
    # The middleware sends them to the code first...
    assert unverified.get(url)["Location"].startswith("/akun/2fa/verifikasi/")
    # ...and were the policy to miss a signer (an SOP changed while the edition was under
    # way), the signature is still refused by the service.
    monkeypatch.setattr(twofactor, "second_factor_required", lambda user: False)
    audited = edition_audit(edition)
    refused = unverified.post(url, {"expected_state": "approval", "note": "Setuju.", **decree()})
    assert refused.status_code == 403
    assert "Penandatanganan memerlukan faktor kedua" in text(refused)
    assert "/akun/2fa/verifikasi/?next=" in text(refused)
    assert Edition.objects.get(pk=edition.pk).state == Stage.APPROVAL
    assert edition_audit(edition) == audited

    signed = verified_client(user, device).post(
        url, {"expected_state": "approval", "note": "Setuju.", **decree()}
    )
    assert signed.status_code == 302
    edition.refresh_from_db()
    assert edition.state == Stage.PUBLICATION and edition.signed_by == user


def test_the_signature_is_shown_blocked_until_the_second_factor_is_confirmed(
    seeded, settings, monkeypatch, api
):
    """An unverified signer who reaches the edition (the policy missed them, or a token made
    before 2FA was required) sees "Tandatangani" blocked with a link to set up or confirm the
    second factor, as any other unmet precondition; the server still refuses the signature."""
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Uji tombol tanda tangan")
    settings.PPID_REQUIRE_2FA = True
    monkeypatch.setattr(twofactor, "second_factor_required", lambda user: False)
    user = User.objects.get(username=ATASAN)
    page_url, action = f"/edisi/{edition.pk}/", f"/edisi/{edition.pk}/aksi/sign/"
    back = f"next=%2Fedisi%2F{edition.pk}%2F"
    unverified = Client()
    unverified.force_login(user)

    # No device yet: the link goes to set one up, and back to the edition.
    page = text(unverified.get(page_url))
    blocked = re.search(r'<p class="blocked-action" data-blocked="sign">.*?</p>', page, re.S)
    assert blocked, page
    assert "Tandatangani" in blocked.group(0) and "faktor kedua" in blocked.group(0)
    assert f'href="/akun/2fa/daftar/?{back}">Pasang faktor kedua</a>' in blocked.group(0)
    assert f'href="{action}"' not in page
    # Opening the confirmation directly leads to the missing step.
    assert unverified.get(action)["Location"] == f"/akun/2fa/daftar/?{back}"
    # The API says the same, and still refuses.
    old_token = api(ATASAN)
    (listed,) = old_token.get(f"/api/editions/{edition.pk}/").json()["blocked"]
    assert listed["name"] == "sign" and listed["fix_url"].endswith(f"/akun/2fa/daftar/?{back}")
    audited = edition_audit(edition)
    refused = old_token.post(
        f"/api/editions/{edition.pk}/transitions/sign/", {"note": "Setuju.", **decree()}
    )
    assert refused.status_code == 403 and "faktor kedua" in refused.json()["detail"]
    refused = unverified.post(action, {"expected_state": "approval", "note": "", **decree()})
    assert refused.status_code == 403
    assert Edition.objects.get(pk=edition.pk).state == Stage.APPROVAL
    assert edition_audit(edition) == audited

    # With a device but this sign-in not confirmed: the link goes to the code.
    _user, device, _codes = enrolled(ATASAN)
    page = text(unverified.get(page_url))
    assert f'href="/akun/2fa/verifikasi/?{back}">Konfirmasi faktor kedua Anda</a>' in page
    assert 'data-blocked="sign"' in page

    # Confirmed: the signature is offered, and signs.
    verified = verified_client(user, device)
    page = text(verified.get(page_url))
    assert 'data-blocked="sign"' not in page and f'href="{action}"' in page
    assert verified.get(action).status_code == 200
    signed = verified.post(action, {"expected_state": "approval", "note": "", **decree()})
    assert signed.status_code == 302
    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLICATION


# --- the API ----------------------------------------------------------------------------------


def test_a_signer_needs_the_code_to_obtain_a_token_and_only_that_token_signs(seeded, settings, api):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Uji tanda tangan API")
    settings.PPID_REQUIRE_2FA = True
    anonymous = api()
    password_only = {"username": ATASAN, "password": DEMO_PASSWORD}

    no_device = anonymous.post("/api/auth/token/", password_only, format="json")
    assert no_device.status_code == 400 and "peramban" in no_device.json()["otp"][0]
    user, device, _codes = enrolled(ATASAN)
    # A token made without the code (before 2FA was required, say) may not sign.
    old = api(ATASAN)
    refused = old.post(f"/api/editions/{edition.pk}/transitions/sign/", {"note": "Setuju."})
    assert refused.status_code == 403 and "faktor kedua" in refused.json()["detail"]
    assert Edition.objects.get(pk=edition.pk).state == Stage.APPROVAL
    no_code = anonymous.post("/api/auth/token/", password_only, format="json")
    assert no_code.status_code == 400 and "otp" in no_code.json()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        wrong = anonymous.post(
            "/api/auth/token/", {**password_only, "otp": wrong_code(device)}, format="json"
        )
        assert wrong.status_code == 400 and "otp" in wrong.json()
        hurried = anonymous.post(
            "/api/auth/token/", {**password_only, "otp": code(device)}, format="json"
        )
        assert hurried.status_code == 400 and "coba lagi" in hurried.json()["otp"][0]
        assert SecondFactorToken.objects.count() == 0
        clock.shift(timedelta(seconds=2))
        right = anonymous.post(
            "/api/auth/token/", {**password_only, "otp": code(device)}, format="json"
        )

    assert right.status_code == 200
    key = right.json()["token"]
    assert SecondFactorToken.objects.filter(token_id=key).exists()
    assert not Token.objects.filter(user=user).exclude(key=key).exists()  # the old one is gone
    assert old.get("/api/bodies/").status_code == 401
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    signed = anonymous.post(
        f"/api/editions/{edition.pk}/transitions/sign/", {"note": "Setuju.", **decree()}
    )
    assert signed.status_code == 200, signed.content
    assert Edition.objects.get(pk=edition.pk).state == Stage.PUBLICATION
    token_entry = AuditEntry.objects.filter(action="account.token", actor=user).latest("pk")
    assert token_entry.data["second_factor"] is True


def test_officers_who_do_not_sign_obtain_a_token_with_the_password(seeded, required, api):
    response = api().post(
        "/api/auth/token/",
        {"username": f"{KALBAR}.operator", "password": DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200 and response.json()["token"]


def test_an_unverified_session_gets_403_from_the_api(seeded, required):
    client = Client()
    client.force_login(User.objects.get(username=ATASAN))
    response = client.get("/api/bodies/")
    assert response.status_code == 403 and response.json()["code"] == "otp_required"
    assert client.get("/api/public/bodies/").status_code == 200


# --- a lost phone ---------------------------------------------------------------------------


def test_the_ppid_utama_resets_a_lost_second_factor(seeded, required, api):
    utama, utama_device, _ = enrolled(utama_of(DINSOS))  # the kabupaten's PPID Utama
    user, _device, _codes = enrolled(ATASAN)
    token = Token.objects.create(user=user)
    client = verified_client(utama, utama_device)
    url = f"/pengguna/badan/{DINSOS}/akun/{user.pk}/setel-ulang-2fa/"
    assert "Setel ulang faktor kedua" in text(client.get(url))
    assert TOTPDevice.objects.filter(user=user).exists()

    client.post(url)

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not Token.objects.filter(pk=token.pk).exists()
    entry = AuditEntry.objects.get(action="account.2fa_reset")
    assert (entry.actor, entry.target_id) == (utama, str(user.pk))
    again = Client()
    sign_in(again, ATASAN)
    assert again.get("/tugas/")["Location"].startswith("/akun/2fa/daftar/")
    # Moving to a new phone oneself needs the current second factor first.
    fresh = Client()
    sign_in(fresh, utama_of(DINSOS))
    assert fresh.get("/akun/2fa/daftar/")["Location"].startswith("/akun/2fa/verifikasi/")
    with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):
        assert verified_client(utama, utama_device).get("/akun/2fa/daftar/").status_code == 200
