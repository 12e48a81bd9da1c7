"""The officers' workflow screens, for every role, including other bodies' 404."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dip.models import Edition, Stage
from tests.helpers import edition_at
from workflow.models import AuditEntry, Consideration, NotaDinas, ReviewComment, Sop

User = get_user_model()
KALBAR = "disdukcapil-kalbar"
KAPUAS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"


def text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/tugas/", "/badan/", "/dasbor/", f"/badan/{KALBAR}/edisi/", f"/badan/{KALBAR}/sop/"],
)
def test_anonymous_is_sent_to_the_sign_in_page(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


@pytest.mark.django_db
def test_sign_in_page_logs_in_and_lands_on_tasks(seeded, client):
    from tests.conftest import DEMO_PASSWORD

    page = client.get("/masuk/")
    assert "Masuk petugas" in text(page)
    bad = client.post("/masuk/", {"username": f"{KALBAR}.ppid", "password": "salah"})
    assert bad.status_code == 200 and "_auth_user_id" not in client.session
    good = client.post("/masuk/", {"username": f"{KALBAR}.ppid", "password": DEMO_PASSWORD})
    assert good.status_code == 302 and good["Location"] == "/tugas/"


@pytest.mark.django_db
def test_tasks_list_what_waits_for_me_with_a_badge(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Uji Tugas")
    page = login(f"{KALBAR}.ppid").get("/tugas/")
    body = text(page)
    assert "DIP Uji Tugas" in body and "Verifikasi" in body
    assert 'class="badge"' in body
    assert reverse("workflow:edition", args=[edition.pk]) in body
    # The operator has nothing to do on it; another body's PPID does not see it.
    assert "DIP Uji Tugas" not in text(login(f"{KALBAR}.operator").get("/tugas/"))
    assert "DIP Uji Tugas" not in text(login(f"{KUBU}.ppid").get("/tugas/"))


@pytest.mark.django_db
def test_overdue_task_is_marked_terlambat(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Terlambat")
    step = edition.steps.get(finished_at=None)
    type(step).objects.filter(pk=step.pk).update(due_at=step.started_at)
    body = text(login(f"{KALBAR}.ppid").get("/tugas/"))
    assert 'class="overdue"' in body and "terlambat" in body


@pytest.mark.django_db
def test_bodies_page_lists_only_my_bodies(seeded, login):
    body = text(login(f"{KALBAR}.operator").get("/badan/"))
    assert "Provinsi Kalimantan Barat" in body and "Kubu Raya" not in body
    assert "Kubu Raya" in text(login("ppid-utama").get("/badan/"))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["operator", "ppid", "tim", "atasan"])
def test_other_bodys_pages_are_404(seeded, login, role):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Rahasia")
    client = login(f"{KAPUAS}.{'ppid' if role == 'tim' else role}")
    for url in [
        f"/badan/{KUBU}/edisi/",
        f"/badan/{KUBU}/sop/",
        f"/edisi/{edition.pk}/",
        f"/edisi/{edition.pk}/linimasa/",
        f"/edisi/{edition.pk}/nota-dinas/",
        f"/edisi/{edition.pk}/aksi/consider/",
        f"/edisi/{edition.pk}/pilih/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/edisi/{edition.pk}/komentar/", {"text": "x"}).status_code == 404


@pytest.mark.django_db
def test_open_an_edition_in_the_browser(seeded, login):
    client = login(f"{KALBAR}.operator")
    page = client.get(f"/badan/{KALBAR}/edisi/")
    assert "Buka edisi baru" in text(page)
    response = client.post(f"/badan/{KALBAR}/edisi/", {"kind": "dip", "year": 2026, "title": ""})
    edition = Edition.objects.get(body__slug=KALBAR, year=2026)
    assert response["Location"] == f"/edisi/{edition.pk}/"
    assert edition.state == Stage.COLLECTION


@pytest.mark.django_db
def test_bad_edition_form_keeps_input_and_stores_nothing(seeded, login):
    client = login(f"{KALBAR}.operator")
    response = client.post(
        f"/badan/{KALBAR}/edisi/", {"kind": "dik", "year": 1990, "title": "DIK Lama"}
    )
    body = text(response)
    assert response.status_code == 200
    assert "Tahun harus antara 2000" in body and 'value="DIK Lama"' in body
    # Without the PPID Utama's default DIK route, Kalbar (SOP 002: DIP only) has no DIK route.
    Sop.objects.filter(is_default_route=True, applies_to="dik").update(is_active=False)
    response = client.post(f"/badan/{KALBAR}/edisi/", {"kind": "dik", "year": 2026})
    assert "belum memiliki SOP yang berlaku" in text(response)
    assert not Edition.objects.filter(body__slug=KALBAR).exists()


@pytest.mark.django_db
def test_tim_and_atasan_cannot_open_editions(seeded, login):
    for role in ("tim", "atasan"):
        client = login(f"{KUBU}.{role}")
        assert "Buka edisi baru" not in text(client.get(f"/badan/{KUBU}/edisi/"))
        response = client.post(f"/badan/{KUBU}/edisi/", {"kind": "dik", "year": 2026})
        assert response.status_code == 403
    assert not Edition.objects.filter(body__slug=KUBU).exists()


@pytest.mark.django_db
def test_edition_page_shows_only_the_callers_actions(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Tombol")
    url = f"/edisi/{edition.pk}/"
    ppid = text(login(f"{KALBAR}.ppid").get(url))
    assert f"/edisi/{edition.pk}/aksi/verify/" in ppid
    assert f"/edisi/{edition.pk}/aksi/return/" in ppid
    operator = text(login(f"{KALBAR}.operator").get(url))
    assert "/aksi/" not in operator


@pytest.mark.django_db
def test_verify_with_confirmation_then_double_submit_is_already_processed(seeded, login):
    edition = edition_at(KAPUAS, Stage.VERIFICATION, title="DIP Paraf")
    client = login(f"{KAPUAS}.ppid")
    confirm = client.get(f"/edisi/{edition.pk}/aksi/verify/")
    assert "DIP Paraf" in text(confirm) and 'name="expected_state"' in text(confirm)
    form = {"note": "Lengkap.", "expected_state": "verification"}
    first = client.post(f"/edisi/{edition.pk}/aksi/verify/", form, follow=True)
    assert "Persetujuan" in text(first)
    edition.refresh_from_db()
    assert edition.state == Stage.APPROVAL
    audits = AuditEntry.objects.filter(edition=edition, transition="verify").count()
    second = client.post(f"/edisi/{edition.pk}/aksi/verify/", form, follow=True)
    assert "Sudah diproses" in text(second)
    assert AuditEntry.objects.filter(edition=edition, transition="verify").count() == audits == 1


@pytest.mark.django_db
def test_return_without_note_shows_the_error_and_changes_nothing(seeded, login):
    edition = edition_at(KAPUAS, Stage.VERIFICATION, title="DIP Kembali")
    client = login(f"{KAPUAS}.ppid")
    response = client.post(
        f"/edisi/{edition.pk}/aksi/return/", {"note": "  ", "expected_state": "verification"}
    )
    assert response.status_code == 200
    assert "Pengembalian wajib disertai catatan" in text(response)
    edition.refresh_from_db()
    assert edition.state == Stage.VERIFICATION
    response = client.post(
        f"/edisi/{edition.pk}/aksi/return/",
        {"note": "Ringkasan kurang.", "expected_state": "verification"},
    )
    edition.refresh_from_db()
    assert edition.state == Stage.COLLECTION
    # The review trail on the edition page names the return and its note.
    page = text(login(f"{KAPUAS}.operator").get(f"/edisi/{edition.pk}/"))
    trail = page[page.index("Jejak pemeriksaan") :]
    assert "dikembalikan" in trail and "Ringkasan kurang." in trail


@pytest.mark.django_db
def test_server_refuses_an_action_not_offered(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Paksa")
    client = login(f"{KALBAR}.operator")
    response = client.post(
        f"/edisi/{edition.pk}/aksi/verify/", {"note": "", "expected_state": "verification"}
    )
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.state == Stage.VERIFICATION


@pytest.mark.django_db
def test_nota_dinas_written_issued_and_printable(seeded, login):
    edition = edition_at(KAPUAS, Stage.INSTRUCTION, title="DIP Nota")
    client = login(f"{KAPUAS}.ppid")
    bad = client.post(f"/edisi/{edition.pk}/nota-dinas/", {"number": "", "subject": "Perihal"})
    assert bad.status_code == 200 and 'value="Perihal"' in text(bad)
    assert not NotaDinas.objects.exists()
    assert (
        client.post(
            f"/edisi/{edition.pk}/nota-dinas/",
            {
                "number": "800/1/PPID",
                "dated": "2026-11-02",
                "addressed_to": "Semua bidang",
                "subject": "Pengumpulan DIP",
                "content": "Mohon kirim daftar informasi.",
            },
        ).status_code
        == 302
    )
    client.post(
        f"/edisi/{edition.pk}/aksi/instruct/", {"note": "", "expected_state": "instruction"}
    )
    edition.refresh_from_db()
    assert edition.state == Stage.COLLECTION
    printed = text(client.get(f"/edisi/{edition.pk}/nota-dinas/cetak/"))
    assert "800/1/PPID" in printed and "Mohon kirim daftar informasi." in printed
    # The operator may read it but not write it.
    operator = login(f"{KAPUAS}.operator")
    assert operator.post(f"/edisi/{edition.pk}/nota-dinas/", {"number": "x"}).status_code == 403


@pytest.mark.django_db
def test_comments_per_row_through_htmx(seeded, login):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Komentar")
    item = edition.entries.first().item
    client = login(f"{KALBAR}.ppid")
    response = client.post(
        f"/edisi/{edition.pk}/komentar/", {"item": item.pk, "text": "Unit?"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and "Unit?" in text(response)
    assert "<html" not in text(response)
    empty = client.post(
        f"/edisi/{edition.pk}/komentar/", {"item": item.pk, "text": " "}, HTTP_HX_REQUEST="true"
    )
    assert 'class="error"' in text(empty)
    assert ReviewComment.objects.filter(edition=edition).count() == 1
    # The operator cannot comment on the PPID's stage.
    login(f"{KALBAR}.operator").post(f"/edisi/{edition.pk}/komentar/", {"text": "saya"})
    assert ReviewComment.objects.filter(edition=edition).count() == 1


@pytest.mark.django_db
def test_tim_records_consideration_per_row_before_passing_on(seeded, login):
    edition = edition_at(KUBU, Stage.CONSIDERATION, title="DIK Pertimbangan")
    client = login(f"{KUBU}.tim")
    page = text(client.get(f"/edisi/{edition.pk}/"))
    assert "Catat pertimbangan" in page or "Record the consideration" in page
    early = client.post(
        f"/edisi/{edition.pk}/aksi/consider/", {"note": "", "expected_state": "consideration"}
    )
    assert "Catat pertimbangan untuk" in text(early)
    for entry in edition.entries.all():
        client.post(f"/edisi/{edition.pk}/pertimbangan/{entry.item_id}/", {"decision": "agree"})
    assert Consideration.objects.filter(edition=edition).count() == edition.entries.count()
    without_record = client.post(
        f"/edisi/{edition.pk}/aksi/consider/", {"note": "", "expected_state": "consideration"}
    )
    assert "Tulis berita acara uji konsekuensi" in text(without_record)
    tim = User.objects.get(username=f"{KUBU}.tim")
    client.post(
        f"/edisi/{edition.pk}/berita-acara/",
        {"place": "Sungai Raya", "held_on": "2026-01-05", "members": [tim.pk]},
    )
    client.post(
        f"/edisi/{edition.pk}/aksi/consider/", {"note": "", "expected_state": "consideration"}
    )
    edition.refresh_from_db()
    assert edition.state == Stage.APPROVAL


@pytest.mark.django_db
def test_atasan_dashboard_puts_signatures_first_and_signs(seeded, login):
    waiting = edition_at(KUBU, Stage.APPROVAL, title="DIK Tanda Tangan")
    edition_at(KUBU, Stage.VERIFICATION, title="DIK Verifikasi", year=2027)
    client = login(f"{KUBU}.atasan")
    page = text(client.get("/dasbor/"))
    assert page.index("DIK Tanda Tangan") < page.index("DIK Verifikasi")
    assert "menunggu tanda tangan" in page
    confirm = text(client.get(f"/edisi/{waiting.pk}/aksi/sign/"))
    assert "DIK Tanda Tangan" in confirm
    assert "Nomor keputusan" in confirm
    client.post(
        f"/edisi/{waiting.pk}/aksi/sign/",
        {
            "note": "",
            "expected_state": "approval",
            "decree_number": "188.4/77/DUKCAPIL/2026",
            "decree_date": "2026-01-05",
        },
    )
    waiting.refresh_from_db()
    assert waiting.state in (Stage.PUBLICATION, Stage.PUBLISHED) and waiting.signed_at


@pytest.mark.django_db
def test_timeline_and_sop_pages(seeded, login):
    edition = edition_at(KUBU, Stage.APPROVAL, title="DIK Linimasa")
    client = login(f"{KUBU}.atasan")
    timeline = text(client.get(f"/edisi/{edition.pk}/linimasa/"))
    assert "Pengumpulan" in timeline and "Pertimbangan" in timeline and "2 hari kerja" in timeline
    sop = text(client.get(f"/badan/{KUBU}/sop/"))
    assert "000.8.3/122/Dukcapil-Sekre" in sop and "Tim Pertimbangan" in sop
    assert "Memeriksa dan menandatangani draft dokumen" in sop


@pytest.mark.django_db
def test_pick_items_many_at_once_all_or_nothing(seeded, login):
    from tests.helpers import open_edition

    edition = open_edition(KALBAR, title="DIP Pilih", items=[])
    client = login(f"{KALBAR}.operator")
    page = text(client.get(f"/edisi/{edition.pk}/pilih/"))
    ids = [i.pk for i in edition.body.items.all()]
    assert all(f'value="{pk}"' in page for pk in ids)
    client.post(f"/edisi/{edition.pk}/pilih/", {"items": ids})
    assert edition.entries.count() == len(ids)
    partial = client.get(f"/edisi/{edition.pk}/pilih/?q=zzz", HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial)


@pytest.mark.django_db
def test_pick_select_all_adds_every_match_on_every_page(seeded, login):
    from tests.factories import ItemFactory
    from tests.helpers import open_edition

    edition = open_edition(KALBAR, title="DIP Pilih Semua", items=[])
    for n in range(55):  # more than one page of 50
        ItemFactory(body=KALBAR, title=f"Laporan bulanan {n:02}")
    client = login(f"{KALBAR}.operator")
    page = text(client.get(f"/edisi/{edition.pk}/pilih/?q=bulanan"))
    assert "Pilih semua: 55 informasi yang cocok (di semua halaman)" in page
    # The headings say what the columns hold.
    assert '<th scope="col">Pilih</th>' in page and '<th scope="col">Kelengkapan</th>' in page
    assert '<span class="tag complete">Lengkap</span>' in page

    response = client.post(f"/edisi/{edition.pk}/pilih/", {"all": "1", "q": "bulanan"})

    assert response.status_code == 302
    titles = set(edition.entries.values_list("item__title", flat=True))
    assert titles == {f"Laporan bulanan {n:02}" for n in range(55)}  # the search's, all pages


@pytest.mark.django_db
def test_edition_page_shows_each_aggregator_push_with_its_last_error(seeded, login):
    from dip.models import Aggregator, Delivery

    edition = edition_at(KALBAR, Stage.PUBLISHED, title="DIP Kirim")
    sikedip = Aggregator.objects.create(
        body=edition.body, name="SIKEDIP", url="http://127.0.0.1:9/", secret="s"
    )
    Delivery.objects.create(
        edition=edition,
        aggregator=sikedip,
        status="failed",
        attempts=3,
        response_status=503,
        last_error="Service Unavailable",
    )
    page = text(login(f"{KALBAR}.ppid").get(f"/edisi/{edition.pk}/"))
    section = page[page.index("Dikirim ke agregator") :]
    assert "SIKEDIP" in section and "Gagal" in section and "Service Unavailable" in section
    assert "3 percobaan" in section
