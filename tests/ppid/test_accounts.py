"""People management in the browser and the audit trail of accounts and roles.

The PPID Utama (role on the seed's parent body) manages the officers of the three bodies under
it; a body's PPID manages that body's operators only. Every change goes through a confirmation
(a form or a confirmation page), is audited, and stores nothing on bad input.
"""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.authtoken.models import Token

from ppid import services
from ppid.models import Body, BodyUserObjectPermission, Officer, Role
from ppid.oversight import bodies_reached
from ppid.permissions import has_role
from tests.conftest import DEMO_PASSWORD
from tests.factories import BodyFactory, OfficerFactory
from tests.helpers import utama_of
from workflow.models import AuditEntry

User = get_user_model()
pytestmark = pytest.mark.django_db

UTAMA = "ppid-utama-kalbar"
KALBAR = "disdukcapil-kalbar"
DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
PEMKAB_KUBU = "pemkab-kubu-raya"
GOOD_PASSWORD = "Kapuas-Hulu-2026!"


@pytest.fixture
def login(client):
    def as_(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return as_


def text(response) -> str:
    return response.content.decode()


def field_errors(response, field: str) -> list[str]:
    return re.findall(rf'<p class="error" id="id_{field}_error">([^<]*)</p>', text(response))


def events(response) -> list[str]:
    """The event column of the audit log, row by row."""
    return re.findall(r'<td class="event"[^>]*>([^<]*)', text(response))


def state() -> tuple:
    """What a refused action must leave as it was."""
    return (
        User.objects.count(),
        Officer.objects.count(),
        BodyUserObjectPermission.objects.count(),
        AuditEntry.objects.exclude(action__startswith="account.log").count(),
        sorted(User.objects.values_list("username", "is_active", "password")),
    )


def officer_data(**changes) -> dict:
    return {
        "username": "kalbar.operator2",
        "first_name": "Siti",
        "last_name": "Rahmah",
        "email": "siti@example.go.id",
        "position": "Pengelola Informasi",
        "nip": "19850101 201001 2 003",
        "role": "operator",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        **changes,
    }


# --- who sees what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "url", "status"),
    [
        (f"{KALBAR}.operator", "/pengguna/", 403),
        (f"{KALBAR}.operator", f"/pengguna/badan/{KALBAR}/", 403),  # their body: no right
        (f"{DINSOS}.atasan", f"/pengguna/badan/{DINSOS}/", 403),
        (f"{KALBAR}.ppid", "/pengguna/", 200),
        (f"{KALBAR}.ppid", f"/pengguna/badan/{KALBAR}/", 200),
        (f"{KALBAR}.ppid", f"/pengguna/badan/{KUBU}/", 404),
        (f"{KALBAR}.ppid", f"/pengguna/badan/{UTAMA}/", 404),
        (utama_of(KUBU), f"/pengguna/badan/{KUBU}/", 200),  # the kabupaten's PPID Utama
        ("ppid-utama", f"/pengguna/badan/{KUBU}/", 404),  # the province's: two levels up
        ("ppid-utama", f"/pengguna/badan/{KALBAR}/", 200),
        ("ppid-utama", f"/pengguna/badan/{UTAMA}/", 200),
        (f"{KALBAR}.operator", "/jejak-audit/", 403),
        (f"{KALBAR}.ppid", "/jejak-audit/", 403),
        ("ppid-utama", "/jejak-audit/", 200),
        ("admin", "/jejak-audit/", 200),
    ],
)
def test_people_and_audit_pages_answer_by_role(seeded, login, username, url, status):
    assert login(username).get(url).status_code == status


def test_anonymous_is_sent_to_sign_in(seeded, client):
    for url in ("/pengguna/", f"/pengguna/badan/{KALBAR}/", "/jejak-audit/", "/akun/keamanan/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/masuk/")


@pytest.mark.parametrize(
    ("username", "people", "audit"),
    [
        (f"{KALBAR}.operator", False, False),
        (f"{DINSOS}.atasan", False, False),
        (f"{KALBAR}.ppid", True, False),
        ("ppid-utama", True, True),
    ],
)
def test_navigation_links_only_for_those_allowed(seeded, login, username, people, audit):
    page = text(login(username).get("/tugas/"))
    assert ('href="/pengguna/"' in page) is people
    assert ('href="/jejak-audit/"' in page) is audit


def test_body_page_lists_officers_with_roles(seeded, login):
    page = text(login(utama_of(KUBU)).get(f"/pengguna/badan/{KUBU}/"))
    for role in ("operator", "ppid", "tim", "atasan"):
        assert f"<code>{KUBU}.{role}</code>" in page
    assert "Tim pertimbangan" in page  # the role's label
    # A body's PPID sees and manages the operators only.
    page = text(login(f"{KUBU}.ppid").get(f"/pengguna/badan/{KUBU}/"))
    assert f"<code>{KUBU}.operator</code>" in page
    assert f"<code>{KUBU}.atasan</code>" not in page


# --- create and invite ----------------------------------------------------------------------


def test_ppid_utama_creates_an_officer_who_can_sign_in(seeded, login, client):
    kalbar = Body.objects.get(slug=KALBAR)
    utama = User.objects.get(username="ppid-utama")
    client = login("ppid-utama")
    form = client.get(f"/pengguna/badan/{KALBAR}/tambah/")
    assert "Tambah petugas" in text(form)

    response = client.post(
        f"/pengguna/badan/{KALBAR}/tambah/", officer_data(role="atasan"), follow=True
    )

    assert response.redirect_chain[-1][0] == f"/pengguna/badan/{KALBAR}/"
    user = User.objects.get(username="kalbar.operator2")
    assert (user.first_name, user.email) == ("Siti", "siti@example.go.id")
    assert (user.officer.position, user.officer.nip) == (
        "Pengelola Informasi",
        "19850101 201001 2 003",
    )
    assert has_role(user, kalbar, Role.ATASAN)
    entries = AuditEntry.objects.filter(target_type="auth.user", target_id=str(user.pk))
    assert set(entries.values_list("action", "actor", "body")) == {
        ("account.create", utama.pk, kalbar.pk),
        ("role.grant", utama.pk, kalbar.pk),
    }
    client.logout()
    signed_in = client.post("/masuk/", {"username": user.username, "password": GOOD_PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == "/tugas/"


INVALID = [
    ("taken", {"username": f"{KALBAR}.operator"}, "username", "Nama pengguna ini sudah dipakai"),
    ("taken, other case", {"username": f"{KALBAR}.OPERATOR"}, "username", "sudah dipakai"),
    ("bad username", {"username": "siti rahmah"}, "username", "nama pengguna valid"),
    ("no first name", {"first_name": ""}, "first_name", "harus diisi"),
    ("short NIP", {"nip": "1985 0101"}, "nip", "NIP terdiri atas 18 angka"),
    ("letters in NIP", {"nip": "19850101 201001 2 00A"}, "nip", "NIP terdiri atas 18 angka"),
    ("bad e-mail", {"email": "siti@"}, "email", "alamat email"),
    ("common password", {"password1": "password", "password2": "password"}, "password1", ""),
    ("numeric password", {"password1": "804912736", "password2": "804912736"}, "password1", ""),
    ("passwords differ", {"password2": "Kapuas-Hulu-2027!"}, "password2", "berbeda"),
    ("no such role", {"role": "raja"}, "role", "pilihan yang valid"),
]


@pytest.mark.parametrize(
    ("case", "changes", "field", "message"), INVALID, ids=[c[0] for c in INVALID]
)
def test_create_refused_shows_the_error_at_the_field_and_stores_nothing(
    seeded, login, case, changes, field, message
):
    client = login("ppid-utama")
    before = state()

    response = client.post(f"/pengguna/badan/{KALBAR}/tambah/", officer_data(**changes))

    assert response.status_code == 200
    errors = field_errors(response, field)
    assert errors and message in " ".join(errors), text(response)
    assert state() == before


def test_a_bodys_ppid_creates_operators_only(seeded, login):
    client = login(f"{KALBAR}.ppid")
    form = text(client.get(f"/pengguna/badan/{KALBAR}/tambah/"))
    assert 'value="operator"' in form and 'value="atasan"' not in form
    before = state()

    refused = client.post(f"/pengguna/badan/{KALBAR}/tambah/", officer_data(role="ppid"))

    assert field_errors(refused, "role") and state() == before
    created = client.post(f"/pengguna/badan/{KALBAR}/tambah/", officer_data())
    assert created.status_code == 302
    user = User.objects.get(username="kalbar.operator2")
    assert has_role(user, Body.objects.get(slug=KALBAR), Role.OPERATOR)


def test_invitation_sends_a_one_time_link_to_choose_a_password(
    seeded, login, client, django_capture_on_commit_callbacks
):
    client = login(utama_of(DINSOS))
    data = officer_data(username="dinsos.tim", role="tim")
    del data["password1"], data["password2"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/pengguna/badan/{DINSOS}/undang/", data)
    assert response.status_code == 302
    user = User.objects.get(username="dinsos.tim")
    assert not user.has_usable_password()
    assert AuditEntry.objects.filter(action="account.invite", target_id=str(user.pk)).exists()
    [message] = mail.outbox
    assert message.to == ["siti@example.go.id"] and "dinsos.tim" in message.body
    link = re.search(r"https?://\S+/akun/sandi/\S+/", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.logout()

    page = client.get(f"/{path}", follow=True)
    assert "Pilih sandi Anda" in text(page)
    form_url = page.redirect_chain[-1][0]
    weak = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and field_errors(weak, "new_password2")
    user.refresh_from_db()
    assert not user.has_usable_password()

    done = client.post(form_url, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/masuk/"
    assert AuditEntry.objects.filter(action="account.password_set", actor=user).exists()
    again = client.get(f"/{path}", follow=True)
    assert "tautan ini tidak berlaku lagi" in text(again).lower()
    signed_in = client.post("/masuk/", {"username": "dinsos.tim", "password": GOOD_PASSWORD})
    assert signed_in.status_code == 302


def test_invitation_needs_an_email(seeded, login):
    client = login(utama_of(DINSOS))
    data = officer_data(username="dinsos.tim", role="tim", email="")
    before = state()
    response = client.post(f"/pengguna/badan/{DINSOS}/undang/", data)
    assert field_errors(response, "email") and state() == before


# --- grant and revoke -----------------------------------------------------------------------


def test_grant_and_revoke_a_role_with_confirmation_and_audit(seeded, login):
    kalbar = Body.objects.get(slug=KALBAR)
    utama = User.objects.get(username="ppid-utama")
    officer = User.objects.get(username=f"{KUBU}.tim")
    client = login("ppid-utama")
    page = client.get(f"/pengguna/badan/{KALBAR}/beri-peran/?username={officer.username}")
    assert f'value="{officer.username}"' in text(page)

    granted = client.post(
        f"/pengguna/badan/{KALBAR}/beri-peran/", {"username": officer.username, "role": "tim"}
    )
    assert granted.status_code == 302 and has_role(officer, kalbar, Role.TIM)
    grant = AuditEntry.objects.get(action="role.grant", target_id=str(officer.pk), body=kalbar)
    assert (grant.actor, grant.data["role"]) == (utama, "tim")

    url = reverse("accounts:role_revoke", args=[KALBAR, officer.pk, "tim"])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Cabut peran Tim pertimbangan dari" in text(confirm)
    assert has_role(officer, kalbar, Role.TIM)  # a GET changes nothing
    client.post(url)
    officer = User.objects.get(pk=officer.pk)
    assert not has_role(officer, kalbar, Role.TIM)
    assert AuditEntry.objects.filter(action="role.revoke", target_id=str(officer.pk)).count() == 1
    # The officer no longer holds a role here: a second revocation finds nobody (404).
    assert client.post(url).status_code == 404
    assert AuditEntry.objects.filter(action="role.revoke", target_id=str(officer.pk)).count() == 1


def test_granting_a_role_already_held_writes_nothing(seeded, login):
    client = login("ppid-utama")
    before = state()
    response = client.post(
        f"/pengguna/badan/{KALBAR}/beri-peran/",
        {"username": f"{KALBAR}.operator", "role": "operator"},
        follow=True,
    )
    assert "sudah menjadi" in text(response)
    assert state() == before


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"username": "tidak-ada", "role": "tim"}, "username"),
        ({"username": f"{KUBU}.tim", "role": "raja"}, "role"),
    ],
)
def test_grant_refused_stores_nothing(seeded, login, data, field):
    client = login("ppid-utama")
    before = state()
    response = client.post(f"/pengguna/badan/{KALBAR}/beri-peran/", data)
    assert response.status_code == 200 and field_errors(response, field)
    assert state() == before


def test_ppid_utama_role_only_from_the_parents_ppid_utama_or_a_superuser(seeded, login):
    kalbar = Body.objects.get(slug=KALBAR)
    utama_body = Body.objects.get(slug=UTAMA)
    officer = User.objects.get(username=f"{KALBAR}.ppid")
    client = login("ppid-utama")
    # On a body under theirs: yes.
    assert 'value="ppid_utama"' in text(client.get(f"/pengguna/badan/{KALBAR}/beri-peran/"))
    client.post(
        f"/pengguna/badan/{KALBAR}/beri-peran/",
        {"username": officer.username, "role": "ppid_utama"},
    )
    assert BodyUserObjectPermission.objects.filter(
        user=officer, content_object=kalbar, permission__codename="role_ppid_utama"
    ).exists()
    # On their own body: no (not a peer's to hand out).
    assert 'value="ppid_utama"' not in text(client.get(f"/pengguna/badan/{UTAMA}/beri-peran/"))
    before = state()
    refused = client.post(
        f"/pengguna/badan/{UTAMA}/beri-peran/",
        {"username": officer.username, "role": "ppid_utama"},
    )
    assert field_errors(refused, "role") and state() == before
    # The service refuses too, whatever calls it.
    with pytest.raises(PermissionDenied):
        services.role_grant(
            user=officer,
            body=utama_body,
            role=Role.PPID_UTAMA,
            actor=User.objects.get(username="ppid-utama"),
        )
    assert state() == before
    # A superuser may.
    login("admin").post(
        f"/pengguna/badan/{UTAMA}/beri-peran/",
        {"username": officer.username, "role": "ppid_utama"},
    )
    assert has_role(User.objects.get(pk=officer.pk), utama_body, Role.PPID_UTAMA)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", f"/pengguna/badan/{KALBAR}/akun/{{ppid}}/cabut/ppid/", 403),
        ("post", f"/pengguna/badan/{KALBAR}/akun/{{ppid}}/cabut/ppid/", 403),
        ("post", f"/pengguna/badan/{KALBAR}/akun/{{operator}}/nonaktifkan/", 403),
        ("post", f"/pengguna/badan/{KALBAR}/akun/{{operator}}/setel-ulang-2fa/", 403),
        ("post", f"/pengguna/badan/{KUBU}/akun/{{operator}}/cabut/operator/", 404),
        ("post", f"/pengguna/badan/{KUBU}/tambah/", 404),
        ("post", f"/pengguna/badan/{KALBAR}/akun/{{ppid}}/cabut/raja/", 404),
    ],
)
def test_a_bodys_ppid_cannot_go_beyond_its_operators(seeded, login, method, url, status):
    ids = {
        "ppid": User.objects.get(username=f"{KALBAR}.ppid").pk,
        "operator": User.objects.get(username=f"{KALBAR}.operator").pk,
    }
    client = login(f"{KALBAR}.ppid")
    before = state()
    response = getattr(client, method)(url.format(**ids), officer_data())
    assert response.status_code == status
    assert state() == before


def test_a_bodys_ppid_revokes_its_operator(seeded, login):
    kalbar = Body.objects.get(slug=KALBAR)
    operator = User.objects.get(username=f"{KALBAR}.operator")
    client = login(f"{KALBAR}.ppid")
    client.post(reverse("accounts:role_revoke", args=[KALBAR, operator.pk, "operator"]))
    assert not has_role(User.objects.get(pk=operator.pk), kalbar, Role.OPERATOR)


# --- deactivate and reactivate --------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens_and_reactivation_restores_roles(
    seeded, login, client, api
):
    from django.test import Client

    kalbar = Body.objects.get(slug=KALBAR)
    operator = User.objects.get(username=f"{KALBAR}.operator")
    officer_session = Client()
    officer_session.force_login(operator)
    assert officer_session.get("/tugas/").status_code == 200
    officer_api = api(operator.username)
    assert officer_api.get("/api/bodies/").status_code == 200
    client = login("ppid-utama")
    url = reverse("accounts:deactivate", args=[KALBAR, operator.pk])

    confirm = client.get(url)
    assert "Nonaktifkan akun" in text(confirm)
    assert User.objects.get(pk=operator.pk).is_active
    client.post(url)

    operator.refresh_from_db()
    assert not operator.is_active
    assert not Token.objects.filter(user=operator).exists()
    assert officer_api.get("/api/bodies/").status_code == 401
    assert officer_session.get("/tugas/")["Location"].startswith("/masuk/")
    entry = AuditEntry.objects.get(action="account.deactivate", target_id=str(operator.pk))
    assert entry.data["tokens"] == 1 and entry.data["sessions"] == 1 and entry.body == kalbar
    refused = Client().post("/masuk/", {"username": operator.username, "password": DEMO_PASSWORD})
    assert refused.status_code == 200
    assert "nonaktif" in text(client.get(f"/pengguna/badan/{KALBAR}/"))

    client.post(reverse("accounts:reactivate", args=[KALBAR, operator.pk]))
    operator.refresh_from_db()
    assert operator.is_active and has_role(operator, kalbar, Role.OPERATOR)
    assert AuditEntry.objects.filter(action="account.reactivate").count() == 1
    back = Client().post("/masuk/", {"username": operator.username, "password": DEMO_PASSWORD})
    assert back.status_code == 302


def test_no_one_deactivates_themselves_or_someone_with_roles_beyond_their_reach(seeded, login):
    utama = User.objects.get(username="ppid-utama")
    # An officer who also holds a role in a body outside this PPID Utama's reach.
    other = BodyFactory(slug="badan-lain", name="Badan Lain")
    officer = User.objects.get(username=f"{KALBAR}.operator")
    services.role_grant(user=officer, body=other, role=Role.OPERATOR)
    client = login("ppid-utama")
    page = text(client.get(f"/pengguna/badan/{KALBAR}/"))
    assert reverse("accounts:deactivate", args=[KALBAR, officer.pk]) not in page
    assert reverse("accounts:deactivate", args=[UTAMA, utama.pk]) not in text(
        client.get(f"/pengguna/badan/{UTAMA}/")
    )
    before = state()
    assert client.post(reverse("accounts:deactivate", args=[KALBAR, officer.pk])).status_code == 403
    assert client.post(reverse("accounts:deactivate", args=[UTAMA, utama.pk])).status_code == 403
    assert state() == before


# --- the audit of sign-ins, and the log page -------------------------------------------------


def test_sign_in_failure_and_sign_out_are_audited_with_address(seeded, client):
    username = f"{KALBAR}.ppid"
    user = User.objects.get(username=username)
    here, there = {"REMOTE_ADDR": "10.1.2.3"}, {"REMOTE_ADDR": "10.1.2.4"}
    client.post("/masuk/", {"username": username, "password": "salah"}, **here)
    client.post("/masuk/", {"username": "siapa-saja", "password": "x"}, **here)
    client.post("/masuk/", {"username": username, "password": DEMO_PASSWORD}, **there)
    client.post("/keluar/", **there)

    failed = AuditEntry.objects.filter(action="account.login_failed").order_by("pk")
    assert [(e.data["username"], e.data["ip"], e.target_id) for e in failed] == [
        (username, "10.1.2.3", str(user.pk)),
        ("siapa-saja", "10.1.2.3", ""),
    ]
    assert all(e.actor is None and e.body is None for e in failed)
    login = AuditEntry.objects.get(action="account.login")
    logout = AuditEntry.objects.get(action="account.logout")
    assert (login.actor, login.data["ip"]) == (user, "10.1.2.4")
    assert (logout.actor, logout.data["ip"]) == (user, "10.1.2.4")


def test_audit_log_filters_and_pages_within_the_bodies_overseen(seeded, login, client):
    utama = User.objects.get(username="ppid-utama")
    # Two bodies the province's PPID Utama oversees: a kabupaten's PPID Utama body and Kalbar.
    pemkab, kalbar = Body.objects.get(slug=PEMKAB_KUBU), Body.objects.get(slug=KALBAR)
    tim = User.objects.get(username=f"{KALBAR}.operator")
    services.role_grant(user=tim, body=pemkab, role=Role.TIM, actor=utama)
    services.role_revoke(user=tim, body=pemkab, role=Role.TIM, actor=utama)
    client.post("/masuk/", {"username": f"{KALBAR}.operator", "password": "salah"})
    # Another province: its PPID Utama and body, invisible here.
    elsewhere = BodyFactory(slug="ppid-utama-lain", name="PPID Utama Lain")
    OfficerFactory(
        username="orang-lain", password=GOOD_PASSWORD, body=elsewhere, roles=[Role.PPID_UTAMA]
    )
    client.post("/masuk/", {"username": "orang-lain", "password": "salah"})
    client = login("ppid-utama")

    grants = events(client.get("/jejak-audit/", {"action": "role.", "body": pemkab.pk}))
    # Newest first; the seed's grants (by the system) come after.
    assert grants[:2] == ["Peran dicabut", "Peran diberikan"]
    assert set(grants) == {"Peran dicabut", "Peran diberikan"}
    failed = text(client.get("/jejak-audit/", {"action": "account.login_failed"}))
    assert f"<code>{KALBAR}.operator</code>" in failed and "orang-lain" not in failed
    mine = {"user": f"{KALBAR}.operator", "body": kalbar.pk, "action": "role."}
    by_user = events(client.get("/jejak-audit/", mine))
    assert by_user == ["Peran diberikan"]  # the seed's grant only: the others were on pemkab
    assert events(client.get("/jejak-audit/", {"user": f"{KALBAR}.operator"}))[:3] == [
        "Gagal masuk",
        "Peran dicabut",
        "Peran diberikan",
    ]
    everything = text(client.get("/jejak-audit/"))
    assert "orang-lain" not in everything and "PPID Utama Lain" not in everything
    # The superuser reads everything.
    assert "orang-lain" in text(login("admin").get("/jejak-audit/"))


def test_audit_log_is_paginated(seeded, login):
    utama = User.objects.get(username="ppid-utama")
    kalbar = Body.objects.get(slug=KALBAR)
    tim = User.objects.get(username=f"{KUBU}.tim")
    for _ in range(30):
        services.role_grant(user=tim, body=kalbar, role=Role.TIM, actor=utama)
        services.role_revoke(user=tim, body=kalbar, role=Role.TIM, actor=utama)
    client = login("ppid-utama")
    first = client.get("/jejak-audit/", {"action": "role."})
    # No total and no offset (issue 15: counting and skipping a province's million rows took
    # seconds): "Halaman 1", and a next page found from where this one ended.
    assert len(events(first)) == 50 and "Halaman 1<" in text(first)
    assert "Halaman 1 dari" not in text(first) and 'rel="prev"' not in text(first)
    next_url = re.search(r'href="(\?[^"]*)" rel="next"', text(first)).group(1)
    assert "action=role." in next_url and "sebelum=" in next_url and "page=2" in next_url
    second = client.get("/jejak-audit/" + html.unescape(next_url))
    assert "Halaman 2<" in text(second) and 'rel="next"' not in text(second)
    # Back from page 2 is page 1 again, the same rows.
    prev_url = re.search(r'href="(\?[^"]*)" rel="prev"', text(second)).group(1)
    again = client.get("/jejak-audit/" + html.unescape(prev_url))
    assert events(again) == events(first) and "Halaman 1<" in text(again)
    # The seed's too, on the bodies the province's PPID Utama oversees.
    total = AuditEntry.objects.filter(
        action__startswith="role.", body__in=bodies_reached(utama, [Role.PPID_UTAMA])
    ).count()
    assert 60 < total <= 100 and len(events(second)) == total - 50
