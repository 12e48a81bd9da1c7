"""The pages of requests for information (issue 13): the public form (honeypot, rate limit,
bad input answered by field with nothing stored, no personal data on the public pages), the
suggestions from the published DIP, the receipt and tracking pages, and the officers' register,
request page, decision and offline entry (another body's request is 404)."""

from __future__ import annotations

import csv
import html
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from dip.models import Classification, ExemptionGround
from ppid.models import Body, Role
from ppid.services import role_grant
from tests.factories import ItemFactory, OfficerFactory
from tests.helpers import form_shown, officers_of, published
from workflow.models import AuditEntry, InformationRequest, RequestStatus
from workflow.services.requests import request_receive

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Pontianak")
KALBAR = "disdukcapil-kalbar"
DINSOS = "dinsos-p3a-kapuas-hulu"
T0 = datetime(2026, 12, 16, 10, 0, tzinfo=WIB)
NIK = "6171015505900001"


def form_data(**overrides) -> dict:
    data = {
        "name": "Siti Aminah",
        "address": "Jalan Gajah Mada 12, Pontianak",
        "phone": "081255550101",
        "email": "siti@example.org",
        "occupation": "Wartawan",
        "identity_number": NIK,
        "information": "Data jumlah penduduk per kecamatan",
        "purpose": "Bahan liputan",
        "obtain": "copy",
        "form": "softcopy",
        "delivery": "email",
        "website": "",
    }
    return data | overrides


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_url(slug: str = KALBAR) -> str:
    return reverse("workflow:request_form", args=[slug])


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    pass


@time_machine.travel(T0, tick=False)
def test_public_form_files_a_request_and_shows_the_receipt_without_personal_data(seeded):
    client = Client()
    page = client.get(form_url())
    assert page.status_code == 200 and "Permohonan informasi" in text(page)
    assert not page.cookies, "the public form page sets no cookie"
    response = client.post(form_url(), form_data())
    assert response.status_code == 302
    made = InformationRequest.objects.get()
    assert response["Location"] == reverse("workflow:request_receipt", args=[made.tracking_code])
    receipt = client.get(response["Location"])
    body = text(receipt)
    assert made.tracking_code in body and made.register_number in body
    track = client.get(reverse("workflow:request_track", args=[made.tracking_code.lower()]))
    page_text = text(track)
    assert track.status_code == 200 and "Diterima" in page_text
    assert "4 Januari 2027" in page_text and "Cuti Bersama Hari Raya Natal" in page_text
    for personal in ("Siti", NIK, "Gajah Mada", "siti@example.org", "081255550101"):
        assert personal not in body and personal not in page_text
    assert "no-store" in track["Cache-Control"]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"name": ""}, "name"),
        ({"information": ""}, "information"),
        ({"information": "x" * 5001}, "information"),
        ({"identity_number": "9" * 40}, "identity_number"),
        ({"email": "bukan alamat"}, "email"),
        ({"obtain": "<script>alert(1)</script>"}, "obtain"),
    ],
)
@time_machine.travel(T0, tick=False)
def test_bad_input_on_the_public_form_is_answered_by_field_and_nothing_stored(
    seeded, overrides, field
):
    response = Client().post(form_url(), form_data(**overrides))
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not InformationRequest.objects.exists()


@time_machine.travel(T0, tick=False)
def test_script_in_text_is_stored_as_text_and_shown_escaped(seeded):
    client = Client()
    client.post(form_url(), form_data(information="<script>alert('x')</script> data penduduk"))
    made = InformationRequest.objects.get()
    ppid = officers_of(made.body)["ppid"]
    client.force_login(ppid)
    page = client.get(reverse("workflow:request", args=[made.pk])).content.decode()
    assert "<script>alert(" not in page and "&lt;script&gt;" in page


@time_machine.travel(T0, tick=False)
def test_nul_character_is_refused_and_nothing_stored(seeded):
    response = Client().post(form_url(), form_data(information="data\x00penduduk"))
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


def stored() -> tuple[int, int, int]:
    return InformationRequest.objects.count(), AuditEntry.objects.count(), len(mail.outbox)


@pytest.mark.parametrize("trap", ["http://spam.example", "x" * 5000, "  https://b.example  "])
@time_machine.travel(T0, tick=False)
def test_honeypot_filled_stores_nothing_and_keeps_what_was_typed(
    seeded, trap, django_capture_on_commit_callbacks
):
    """The one honeypot rule (ppid.forms.HoneypotMixin): refused like an invalid form, nothing
    stored and no mail, the typing shown again with the trap emptied; sent again as shown, it
    is filed (and then the receipt mail goes: the mail count can move)."""
    client = Client()
    client.post(form_url(), form_data())  # one request already there: counts, not emptiness
    before = stored()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(form_url(), form_data(website=trap, name="Rudi Hartono"))
    assert response.status_code == 400
    assert stored() == before and not callbacks
    page = text(response)
    assert "Formulir Anda belum terkirim dan tidak ada yang disimpan" in page
    assert trap.strip() not in page and 'id="id_website_error"' not in page
    shown = form_shown(response.content.decode(), form_url())
    assert shown == form_data(name="Rudi Hartono")
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(form_url(), shown)
    assert again.status_code == 302
    assert InformationRequest.objects.count() == before[0] + 1
    assert InformationRequest.objects.filter(name="Rudi Hartono").exists()
    assert len(mail.outbox) > before[2]


@time_machine.travel(T0, tick=False)
def test_honeypot_filled_with_other_errors_shows_them_all(seeded):
    response = Client().post(form_url(), form_data(website="x", information="", email="nope"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_information_error"' in page and 'id="id_email_error"' in page
    assert "Formulir Anda belum terkirim" in text(response)
    assert not InformationRequest.objects.exists()


@time_machine.travel(T0, tick=False)
def test_offline_entry_has_no_honeypot(seeded, login):
    """The operator's form is not public: no trap, and a field named `website` is ignored."""
    client = login(f"{KALBAR}.operator")
    url = reverse("workflow:request_create", args=[KALBAR])
    assert 'name="website"' not in client.get(url).content.decode()
    data = form_data(channel="letter", received_at="2026-12-14T09:30", website="x")
    assert client.post(url, data).status_code == 302
    assert InformationRequest.objects.count() == 1


@time_machine.travel(T0, tick=False)
def test_flood_from_one_address_is_stopped_with_a_clear_message(seeded, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "request_filing": "3/hour",
        },
    }
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes = [client.post(form_url(), form_data()).status_code for _ in range(5)]
    assert codes == [302, 302, 302, 429, 429]
    assert InformationRequest.objects.count() == 3
    refused = client.post(form_url(), form_data(name="Rudi Hartono"))
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Terlalu banyak formulir dikirim" in text(refused)
    assert form_shown(refused.content.decode(), form_url()) == form_data(name="Rudi Hartono")
    assert InformationRequest.objects.count() == 3
    other = Client(REMOTE_ADDR="203.0.113.8").post(form_url(), form_data())
    assert other.status_code == 302


@time_machine.travel(T0, tick=False)
def test_suggestions_come_from_the_published_dip_only(seeded):
    edition = published(KALBAR)
    row = edition.rows.exclude(classification=Classification.DIKECUALIKAN).first()
    word = next(w for w in row.title.split() if len(w) >= 4)
    response = Client().get(
        reverse("workflow:request_suggestions", args=[KALBAR]), {"information": word}
    )
    assert response.status_code == 200 and row.title in text(response)
    empty = Client().get(
        reverse("workflow:request_suggestions", args=[KALBAR]), {"information": "zzqxw"}
    )
    assert "DIP" not in text(empty)


@time_machine.travel(T0, tick=False)
def test_unknown_tracking_code_is_404(seeded):
    assert (
        Client().get(reverse("workflow:request_track", args=["ABCDEFGHJKMNPQRS"])).status_code
        == 404
    )
    response = Client().get(reverse("workflow:request_track_find"), {"kode": "nope"})
    assert response.status_code == 404 and "Tidak ada permohonan" in text(response)


@time_machine.travel(T0, tick=False)
def test_officers_register_masks_the_nik_and_other_bodies_get_404(seeded, login):
    Client().post(form_url(), form_data())
    made = InformationRequest.objects.get()
    own = login(f"{KALBAR}.operator")
    register = own.get(reverse("workflow:requests"))
    assert register.status_code == 200
    page = text(register)
    assert made.register_number in page and "************0001" in page and NIK not in page
    export = own.get(reverse("workflow:requests_csv"))
    assert export.status_code == 200 and "************0001" in export.content.decode("utf-8-sig")
    assert NIK not in export.content.decode("utf-8-sig")
    stranger = login(f"{DINSOS}.ppid")
    assert stranger.get(reverse("workflow:request", args=[made.pk])).status_code == 404
    assert made.register_number not in text(stranger.get(reverse("workflow:requests")))
    response = stranger.post(
        reverse("workflow:request_decide", args=[made.pk]), {"decision": "granted"}
    )
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.status == RequestStatus.RECEIVED


@time_machine.travel(T0, tick=False)
def test_ppid_decides_on_the_request_page_refusal_needs_a_dik_row(
    seeded, login, django_capture_on_commit_callbacks
):
    Client().post(form_url(), form_data())
    made = InformationRequest.objects.get()
    client = login(f"{KALBAR}.ppid")
    url = reverse("workflow:request_decide", args=[made.pk])
    refused = client.post(url, {"decision": "refused", "note": "Dikecualikan"})
    assert refused.status_code == 400 and 'id="id_dik_item_error"' in refused.content.decode()
    made.refresh_from_db()
    assert made.status == RequestStatus.RECEIVED
    dik = ItemFactory(
        body=made.body,
        classification=Classification.DIKECUALIKAN,
        exempted_part="NIK penduduk",
        exemption_ground=ExemptionGround.H,
        exemption_permanent=True,
        consequence_if_opened="Data pribadi tersebar.",
        consequence_if_closed="Tidak ada kerugian.",
        public_interest="Perlindungan data pribadi.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"decision": "refused", "note": "", "dik_item": dik.pk})
    assert done.status_code == 302
    made.refresh_from_db()
    assert made.status == RequestStatus.REFUSED and made.refused_item == dik
    page = text(client.get(reverse("workflow:request", args=[made.pk])))
    assert "Ditolak" in page
    again = client.post(url, {"decision": "granted"}, follow=True)
    assert "Sudah diproses" in text(again)
    track = text(Client().get(reverse("workflow:request_track", args=[made.tracking_code])))
    assert "Ditolak" in track and "Keberatan dapat diajukan sampai" in track
    pdf = Client().get(reverse("workflow:request_notice_download", args=[made.tracking_code]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


@time_machine.travel(T0, tick=False)
def test_extension_form_once_then_409_like_message(seeded, login):
    Client().post(form_url(), form_data())
    made = InformationRequest.objects.get()
    client = login(f"{KALBAR}.ppid")
    url = reverse("workflow:request_extend", args=[made.pk])
    empty = client.post(url, {"reason": "", "days": 7})
    assert empty.status_code == 400
    assert client.post(url, {"reason": "Data di bidang lain", "days": 7}).status_code == 302
    second = client.post(url, {"reason": "Lagi", "days": 3}, follow=True)
    assert "sudah pernah diperpanjang" in text(second)
    assert AuditEntry.objects.filter(action="request.extend").count() == 1


@time_machine.travel(T0, tick=False)
def test_operator_enters_an_offline_request_with_its_receipt_date(seeded, login):
    client = login(f"{KALBAR}.operator")
    url = reverse("workflow:request_create", args=[KALBAR])
    data = form_data(channel="letter", received_at="2026-12-14T09:30")
    del data["website"]
    response = client.post(url, data)
    assert response.status_code == 302
    made = InformationRequest.objects.get()
    assert made.channel == "letter" and made.received_at.astimezone(WIB).day == 14
    future = client.post(url, data | {"received_at": "2026-12-20T09:30"})
    assert future.status_code == 400 and InformationRequest.objects.count() == 1
    other = login(f"{DINSOS}.operator")
    assert other.get(url).status_code == 404


@time_machine.travel(T0, tick=False)
def test_register_page_queries_do_not_grow_with_the_rows(
    seeded, login, django_assert_max_num_queries
):
    """Nine rows cost what one does (9 queries: session, user, roles, bodies, count, rows)."""
    client = login(f"{KALBAR}.ppid")
    for n in range(9):
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(form_url(), form_data(name=f"Pemohon {n}"))
    with django_assert_max_num_queries(10):
        page = client.get(reverse("workflow:requests"))
    assert text(page).count("/2026</a>") == 9


def test_the_register_export_writes_each_row_on_its_own_bodys_clock(seeded, login):
    """The server keeps Pontianak time (WIB); a register across bodies of WITA and WIT writes
    each request's times as its own body's officers read them, and names the zone."""
    zones = {KALBAR: ZoneInfo("Asia/Makassar"), DINSOS: ZoneInfo("Asia/Jayapura")}
    for slug, zone in zones.items():
        Body.objects.filter(slug=slug).update(time_zone=zone.key)
    # 23:30 WIB on Thursday 17 December is already Friday 18 December in Makassar and Jayapura.
    moment = datetime(2026, 12, 17, 23, 30, tzinfo=WIB)
    with time_machine.travel(moment, tick=False):
        made = {
            slug: request_receive(
                body=Body.objects.get(slug=slug),
                **{k: v for k, v in form_data().items() if k != "website"},
            )
            for slug in zones
        }
    # An officer of both bodies (the register of every body the user serves: "semua").
    officer = OfficerFactory(body=KALBAR, roles=[Role.OPERATOR])
    role_grant(user=officer, body=Body.objects.get(slug=DINSOS), role=Role.OPERATOR)
    client = login(officer.username)
    response = client.get(reverse("workflow:requests_csv"))
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header[-2:] == ["Badan publik", "Zona waktu"]
    by_body = {row[-2]: dict(zip(header, row, strict=True)) for row in rows}
    assert len(by_body) == len(rows) == 2
    kalbar = by_body[made[KALBAR].body.name]
    dinsos = by_body[made[DINSOS].body.name]
    assert kalbar["Tanggal permohonan"] == "2026-12-18 00:30"
    assert kalbar["Zona waktu"] == "WITA"
    assert dinsos["Tanggal permohonan"] == "2026-12-18 01:30"
    assert dinsos["Zona waktu"] == "WIT"
    # The deadline too, on the clock it was counted by: the close of office there (16:00),
    # which the server's clock would write as 15:00 and 14:00.
    assert kalbar["Batas waktu"] == dinsos["Batas waktu"] == "2027-01-07 16:00"

    # One body's register, asked for by its slug: the same clock.
    only = client.get(reverse("workflow:requests_csv"), {"badan": DINSOS})
    (_header, row) = list(csv.reader(io.StringIO(only.content.decode("utf-8-sig"))))
    assert row[1] == "2026-12-18 01:30" and row[-1] == "WIT"
