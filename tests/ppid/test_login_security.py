"""Sign-in security: throttling with django-axes (username + address), Django's password rules,
sessions that end after inactivity without public pages ever setting a cookie, and the
environment variables that configure them."""

from __future__ import annotations

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ppid.signin import client_ip
from tests.conftest import DEMO_PASSWORD
from workflow.models import AuditEntry

User = get_user_model()
pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"
PPID = f"{KALBAR}.ppid"
OPERATOR = f"{KALBAR}.operator"
SETTINGS_FILE = Path(__file__).resolve().parents[2] / "ppid" / "settings.py"
LOCKED = "Terlalu banyak percobaan masuk yang gagal"


def load_settings(monkeypatch, **env: str) -> dict:
    """ppid/settings.py as it reads the given environment (the other variables unset)."""
    for name in (
        "DJANGO_DEBUG",
        "PPID_REQUIRE_2FA",
        "PPID_LOGIN_FAILURE_LIMIT",
        "PPID_LOGIN_COOLOFF_MINUTES",
        "PPID_SESSION_IDLE_MINUTES",
    ):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.5"):
    return client.post("/masuk/", {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# --- configuration ------------------------------------------------------------------------------


def test_settings_come_from_the_environment_with_safe_defaults(monkeypatch):
    defaults = load_settings(monkeypatch)
    assert defaults["AXES_FAILURE_LIMIT"] == 5
    assert defaults["AXES_COOLOFF_TIME"] == timedelta(minutes=15)
    assert defaults["AXES_LOCKOUT_PARAMETERS"] == [["username", "ip_address"]]
    assert defaults["SESSION_COOKIE_AGE"] == 60 * 60
    assert defaults["SESSION_SAVE_EVERY_REQUEST"] is False
    assert defaults["MIDDLEWARE"][-1] == "axes.middleware.AxesMiddleware"
    assert defaults["AUTHENTICATION_BACKENDS"][0] == "axes.backends.AxesStandaloneBackend"
    custom = load_settings(
        monkeypatch,
        PPID_LOGIN_FAILURE_LIMIT="3",
        PPID_LOGIN_COOLOFF_MINUTES="30",
        PPID_SESSION_IDLE_MINUTES="20",
    )
    assert custom["AXES_FAILURE_LIMIT"] == 3
    assert custom["AXES_COOLOFF_TIME"] == timedelta(minutes=30)
    assert custom["SESSION_COOKIE_AGE"] == 20 * 60


def test_django_password_validators_are_on():
    names = {v["NAME"].rsplit(".", 1)[1] for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }


# --- throttling -------------------------------------------------------------------------------


def test_repeated_failures_lock_the_username_from_that_address_for_a_while(seeded):
    client = Client()
    for _ in range(4):
        refused = sign_in(client, PPID, "salah")
        assert refused.status_code == 200 and LOCKED not in refused.content.decode()

    locked = sign_in(client, PPID, "salah")

    page = locked.content.decode()
    assert locked.status_code == 429
    assert LOCKED in page and "dikunci selama 15 menit" in page
    assert locked["Retry-After"] == str(15 * 60)  # the cool-off, from this failure
    assert 'id="id_username"' in page  # still the sign-in page, in Indonesian
    # The right password does not help while locked, from that address.
    again = sign_in(client, PPID, DEMO_PASSWORD)
    assert again.status_code == 429 and again["Retry-After"] == str(15 * 60)
    assert not signed_in(client)
    entry = AuditEntry.objects.filter(action="account.locked_out").latest("pk")
    assert entry.data == {"username": PPID, "ip": "10.0.0.5"}
    assert entry.target_id == str(User.objects.get(username=PPID).pk)
    # Others are not locked out: another officer from the same address, or the same officer
    # from another address (the combination is locked, not the account or the address).
    other = Client()
    assert sign_in(other, OPERATOR, DEMO_PASSWORD).status_code == 302
    elsewhere = Client()
    assert sign_in(elsewhere, PPID, DEMO_PASSWORD, address="10.0.0.6").status_code == 302


def test_the_lock_ends_after_the_cool_off(seeded):
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(5):
            sign_in(client, PPID, "salah")
        clock.shift(timedelta(minutes=14))
        assert sign_in(client, PPID, DEMO_PASSWORD).status_code == 429
        # A failure during the lock restarts it; then 15 quiet minutes end it.
        clock.shift(timedelta(minutes=15, seconds=1))
        response = sign_in(client, PPID, DEMO_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/tugas/"


def test_the_wrong_sign_in_message_reads_right_in_indonesian(seeded):
    page = sign_in(Client(), PPID, "salah").content.decode()
    assert "Masukkan nama pengguna dan sandi yang benar." in page
    assert "nama pengguna nama pengguna" not in page
    admin = Client().post(
        "/admin/login/", {"username": PPID, "password": "salah"}, REMOTE_ADDR="10.0.0.7"
    )
    page = admin.content.decode()
    assert "Masukkan nama pengguna dan sandi yang benar untuk akun staf." in page
    assert "nama pengguna nama pengguna" not in page


def test_a_success_before_the_limit_clears_the_count(seeded):
    client = Client()
    for _ in range(4):
        sign_in(client, PPID, "salah")
    assert sign_in(client, PPID, DEMO_PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, PPID, "salah").status_code == 200
    assert sign_in(client, PPID, DEMO_PASSWORD).status_code == 302


def test_the_api_token_endpoint_is_throttled_too(seeded, api):
    client = api()
    payload = {"username": OPERATOR, "password": "salah"}
    for _ in range(4):
        response = client.post("/api/auth/token/", payload, format="json")
        assert response.status_code == 400, response.content
    locked = client.post("/api/auth/token/", payload, format="json")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out" and LOCKED in locked.json()["detail"]
    assert locked["Retry-After"] == str(15 * 60)
    right = client.post(
        "/api/auth/token/", {"username": OPERATOR, "password": DEMO_PASSWORD}, format="json"
    )
    assert right.status_code == 429 and "token" not in right.json()
    assert right["Retry-After"] == str(15 * 60)
    assert not Token.objects.filter(user__username=OPERATOR).exists()


def test_client_address_behind_trusted_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9"
    )
    settings.PPID_TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.9.9.9"  # the header is ignored without a trusted proxy
    settings.PPID_TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # the address our proxy saw, not the spoof
    settings.PPID_TRUSTED_PROXY_COUNT = 3
    assert client_ip(request) == "10.9.9.9"  # fewer hops than proxies: not trusted


# --- sessions -------------------------------------------------------------------------------


def test_a_session_ends_after_inactivity_and_work_keeps_it_alive(seeded):
    client = Client()
    user = User.objects.get(username=OPERATOR)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(user)
        assert client.get("/tugas/").status_code == 200
        clock.shift(timedelta(minutes=50))
        assert client.get("/tugas/").status_code == 200  # still in, and the clock restarts
        clock.shift(timedelta(minutes=50))
        assert client.get("/tugas/").status_code == 200
        clock.shift(timedelta(minutes=61))
        response = client.get("/tugas/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_public_pages_set_no_cookie_and_do_not_refresh_the_session(seeded):
    anonymous = Client()
    home = anonymous.get("/")
    assert home.status_code == 200 and not home.cookies
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.force_login(User.objects.get(username=OPERATOR))
        clock.shift(timedelta(minutes=5))
        assert not client.get("/").cookies  # signed in, on a public page: no Set-Cookie
        assert not client.get(f"/badan-publik/{KALBAR}/").cookies
        work = client.get("/tugas/")  # an internal page pushes the expiry forward
        cookie = work.cookies[django_settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == django_settings.SESSION_COOKIE_AGE
        # ...at most once a minute (one session write, not one per page).
        session_cookie = django_settings.SESSION_COOKIE_NAME
        assert session_cookie not in client.get("/tugas/").cookies
        clock.shift(timedelta(seconds=61))
        assert session_cookie in client.get("/tugas/").cookies
