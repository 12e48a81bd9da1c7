"""The monev KIP evidence pack: one zip per body and year built by Celery as an artefact
(status, progress, last error, checksum), with its index page and members; a retry after a
failure; only the PPID, the atasan and the PPID Utama of the body."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from pypdf import PdfReader

from dip.models import Announcement, Classification, EditionDocument, Item, RecordDocument
from dip.rendering import body_place
from dip.services.rowflags import item_mark_updated
from ppid.models import Body
from tests.helpers import fake_pdf, officers_of, published
from workflow.models import AuditEntry, EvidencePack
from workflow.services import evidence
from workflow.services.requests import request_receive

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
WIB = ZoneInfo("Asia/Pontianak")


def build_url(year: int, slug: str = DINSOS) -> str:
    return f"/badan/{slug}/monev/{year}/buat/"


def download(client, year: int) -> bytes:
    response = client.get(f"/badan/{DINSOS}/monev/{year}/unduh.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content) if response.streaming else response.content


def table(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


@pytest.fixture
def year_of_work(seeded):
    """Dinas Sosial's year: a published DIP (its serta merta rows announced), a berkala update."""
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    edition = published(DINSOS, year=timezone.localdate().year)
    berkala = Item.objects.filter(body=body, classification=Classification.BERKALA).first()
    item_mark_updated(
        item=berkala,
        user=officers["operator"],
        updated_on=timezone.localdate() - timedelta(days=1),
        note="Data triwulan diperbarui.",
    )
    return body, officers, edition, berkala


def test_the_pack_holds_the_signed_lists_the_decrees_the_announcements_and_the_reports(
    client, login, year_of_work, celery_eager, django_capture_on_commit_callbacks
):
    body, officers, edition, berkala = year_of_work
    year = edition.year
    request_receive(
        body=body,
        name="Siti Aminah",
        address="Jalan Gajah Mada 12, Pontianak",
        identity_number="6171015505900001",
        information="Data penerima bantuan sosial",
        purpose="Penelitian",
        obtain="copy",
        form="softcopy",
        delivery="pickup",
    )
    client = login(officers["ppid"].username)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(build_url(year))
    assert response.status_code == 302
    pack = EvidencePack.objects.get(body=body, year=year)
    assert pack.status == "ready" and pack.progress == 100
    content = download(client, year)
    assert hashlib.sha256(content).hexdigest() == pack.sha256
    assert len(content) == pack.size

    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    pdf_name = f"dip/{DINSOS}-dip-{year}.pdf"
    assert names == {
        "index.html",
        pdf_name,
        "keputusan.csv",
        "pengumuman.csv",
        "pembaruan-berkala.csv",
        "laporan-kepatuhan-sop.csv",
        f"laporan-tahunan-{DINSOS}-{year}.csv",
        f"laporan-tahunan-{DINSOS}-{year}.pdf",
    }
    document = EditionDocument.objects.get(edition=edition)
    with document.file.open("rb") as signed:
        assert archive.read(pdf_name) == signed.read()

    index = archive.read("index.html").decode()
    assert body.name in index
    for name in names - {"index.html"}:
        assert f'href="{name}"' in index
        assert hashlib.sha256(archive.read(name)).hexdigest() in index
    assert edition.decree_number in index

    (decree,) = table(archive, "keputusan.csv")[1:]
    assert edition.decree_number in decree
    announced = Announcement.objects.filter(body=body)
    assert announced.exists()
    titles = [row[1] for row in table(archive, "pengumuman.csv")[1:]]
    assert sorted(titles) == sorted(a.title for a in announced)
    for a in announced:
        assert a.title in index
    (update,) = table(archive, "pembaruan-berkala.csv")[1:]
    assert update[1] == berkala.title
    assert "Data triwulan diperbarui." in update
    report = table(archive, "laporan-kepatuhan-sop.csv")
    assert len(report) > 1 and all(row[0] == body.name for row in report[1:])

    # The annual report of information service (Pasal 12): its CSV holds the year's
    # request received here, its PDF is a PDF, the index names the figures.
    annual = table(archive, f"laporan-tahunan-{DINSOS}-{year}.csv")
    assert len(annual[0]) == 4
    received = {row[2]: row[3] for row in annual[1:]}
    assert all(row[0] == body.name and row[1] == str(year) for row in annual[1:])
    assert received["Permohonan yang diterima"] == "1"
    assert archive.read(f"laporan-tahunan-{DINSOS}-{year}.pdf").startswith(b"%PDF")
    assert "Permohonan informasi diterima</th><td>1<" in index

    assert AuditEntry.objects.filter(action="evidence_pack.ready", body=body).exists()
    page = client.get(f"/badan/{DINSOS}/monev/").content.decode()
    assert f'href="/badan/{DINSOS}/monev/{year}/unduh.zip"' in page
    assert pack.sha256 in page


def test_progress_is_shown_while_it_is_built_and_survives_a_reload(client, login, year_of_work):
    body, officers, edition, _berkala = year_of_work
    client = login(officers["atasan"].username)
    client.post(build_url(edition.year))  # queued after the commit: never run here
    pack = EvidencePack.objects.get(body=body, year=edition.year)
    assert pack.status == "pending"
    EvidencePack.objects.filter(pk=pack.pk).update(status="rendering", progress=40)
    page = client.get(f"/badan/{DINSOS}/monev/").content.decode()
    assert 'hx-trigger="every 3s"' in page
    assert '<progress max="100" value="40"' in page
    fragment = client.get(f"/badan/{DINSOS}/monev/", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith("<section")
    # Asked again while it is built: refused, the pack untouched.
    client.post(build_url(edition.year))
    pack.refresh_from_db()
    assert (pack.status, pack.progress) == ("rendering", 40)
    assert client.get(f"/badan/{DINSOS}/monev/{edition.year}/unduh.zip").status_code == 404


def test_a_failed_build_keeps_its_error_and_the_retry_builds_it(
    client, login, year_of_work, celery_eager, django_capture_on_commit_callbacks, monkeypatch
):
    body, officers, edition, _berkala = year_of_work
    client = login(officers["ppid"].username)

    def broken(pack, target, progress):
        progress(30)
        raise OSError("disk penuh")

    with monkeypatch.context() as patched:
        patched.setattr(evidence, "_write_pack", broken)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(build_url(edition.year))
    pack = EvidencePack.objects.get(body=body, year=edition.year)
    assert pack.status == "failed"
    assert "disk penuh" in pack.last_error
    assert not pack.file
    page = client.get(f"/badan/{DINSOS}/monev/").content.decode()
    assert "disk penuh" in page
    assert f'action="{build_url(edition.year)}"' in page
    assert 'hx-trigger="every 3s"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(build_url(edition.year))
    pack.refresh_from_db()
    assert pack.status == "ready" and pack.attempts == 2 and pack.last_error == ""
    assert zipfile.ZipFile(io.BytesIO(download(client, edition.year))).testzip() is None


def test_only_the_ppid_the_atasan_and_the_ppid_utama_of_the_body(client, login, year_of_work):
    _body, officers, edition, _berkala = year_of_work
    year = edition.year
    operator = login(officers["operator"].username)
    assert operator.get(f"/badan/{DINSOS}/monev/").status_code == 403
    assert operator.post(build_url(year)).status_code == 403
    other = officers_of(Body.objects.get(slug=KALBAR))["ppid"]
    assert login(other.username).post(build_url(year)).status_code == 404
    assert not EvidencePack.objects.exists()
    # A year still to come is refused, nothing stored.
    ppid = login(officers["ppid"].username)
    response = ppid.post(build_url(year + 1), follow=True)
    assert "Pilih tahun paling lambat tahun ini." in response.content.decode()
    assert not EvidencePack.objects.exists()


def test_a_dik_brings_its_signed_berita_acara(
    client, login, seeded, celery_eager, django_capture_on_commit_callbacks
):
    kubu = "disdukcapil-kubu-raya"
    edition = published(kubu, year=timezone.localdate().year)
    record_pdf = fake_pdf("berita acara uji konsekuensi")
    # The publication started the berita acara's artefact: made ready here (as make_ready does
    # for the edition's own PDF).
    record, _created = RecordDocument.objects.get_or_create(edition=edition)
    record.status = "ready"
    record.file.save("berita-acara-uji.pdf", ContentFile(record_pdf), save=False)
    record.sha256 = hashlib.sha256(record_pdf).hexdigest()
    record.size = len(record_pdf)
    record.save()
    ppid = login(officers_of(edition.body)["ppid"].username)
    with django_capture_on_commit_callbacks(execute=True):
        ppid.post(build_url(edition.year, kubu))
    response = ppid.get(f"/badan/{kubu}/monev/{edition.year}/unduh.zip")
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    archive = zipfile.ZipFile(io.BytesIO(content))
    stem = f"{kubu}-dik-{edition.year}"
    assert {f"dik/{stem}.pdf", f"berita-acara/{stem}-berita-acara.pdf"} <= set(archive.namelist())
    assert archive.read(f"berita-acara/{stem}-berita-acara.pdf") == record_pdf
    assert record.sha256 in archive.read("index.html").decode()


def test_the_packs_tables_write_the_bodys_clock_and_name_its_zone(seeded, celery_eager):
    """The server keeps Pontianak time (WIB); a body in Jayapura (WIT) finds its decrees,
    announcements and updates at the times its own officers read on the clock, the zone in a
    "Zona waktu" column, and the index says when it was built on that clock too."""
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    # 23:30 WIB on Wednesday 4 March is already Thursday 5 March, 01:30, in Jayapura.
    with time_machine.travel(datetime(2026, 3, 4, 23, 30, tzinfo=WIB), tick=False):
        edition = published(DINSOS, year=2026)
        berkala = Item.objects.filter(body=body, classification=Classification.BERKALA).first()
        item_mark_updated(
            item=berkala, user=officers["operator"], updated_on=date(2026, 3, 4), note="Diperbarui."
        )
    assert Announcement.objects.filter(body=body, announced_at__year=2026).exists()
    with time_machine.travel(datetime(2026, 6, 30, 23, 0, tzinfo=WIB), tick=False):
        pack = evidence.evidence_pack_request(body=body, year=2026, user=officers["ppid"])
        pack = evidence.evidence_pack_build(pack_id=pack.pk)
    with pack.file.open("rb") as stored:
        archive = zipfile.ZipFile(io.BytesIO(stored.read()))

    header, decree = table(archive, "keputusan.csv")
    row = dict(zip(header, decree, strict=True))
    assert edition.decree_number == row["Nomor Keputusan"]
    assert row["Ditandatangani"] == row["Dipublikasikan"] == "5 Maret 2026 01.30"
    assert row["Zona waktu"] == "WIT"
    header, *announcements = table(archive, "pengumuman.csv")
    assert header[-3:] == ["Diajukan", "Diumumkan", "Zona waktu"]
    assert {tuple(a[-2:]) for a in announcements} == {("5 Maret 2026 01.30", "WIT")}
    header, update = table(archive, "pembaruan-berkala.csv")
    assert (update[0], update[-1], header[-1]) == ("5 Maret 2026 01.30", "WIT", "Zona waktu")
    index = archive.read("index.html").decode()
    assert "Disusun oleh sistem pada 1 Juli 2026 01.00 WIT." in index
    assert "<td>5 Maret 2026 01.30</td>" in index and "<th>Zona waktu</th>" in index
    annual = PdfReader(io.BytesIO(archive.read(f"laporan-tahunan-{DINSOS}-2026.pdf")))
    words = " ".join(" ".join(page.extract_text() for page in annual.pages).split())
    assert f"{body_place(body)}, 1 Juli 2026" in words


def test_at_new_year_an_eastern_body_builds_its_new_year_on_its_own_clock(client, login, seeded):
    """23:30 WIB on 31 December (the server's clock) is 01:30 on 1 January 2027 in Jayapura
    (WIT): the body there is offered 2027 and may build it; 2028 is still refused, next to the
    year, with nothing stored; a body in Pontianak (WIB) is still in 2026 and refused 2027."""
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    body = Body.objects.get(slug=DINSOS)
    kalbar = Body.objects.get(slug=KALBAR)
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=WIB), tick=False):
        with translation.override("id"), pytest.raises(ValidationError) as refused:
            evidence.evidence_pack_request(body=body, year=2028, user=officers_of(body)["ppid"])
        assert refused.value.message_dict == {"year": ["Pilih tahun paling lambat tahun ini."]}
        assert not EvidencePack.objects.exists()
        assert not AuditEntry.objects.filter(action="evidence_pack.request").exists()

        west = login(officers_of(kalbar)["ppid"].username)
        page = west.post(build_url(2027, KALBAR), follow=True).content.decode()
        assert '<p class="message error">Pilih tahun paling lambat tahun ini.</p>' in page
        assert 'data-year="2027"' not in page and 'data-year="2026"' in page
        assert not EvidencePack.objects.exists()
        assert not AuditEntry.objects.filter(action="evidence_pack.request").exists()

        east = login(officers_of(body)["ppid"].username)
        page = east.get(f"/badan/{DINSOS}/monev/").content.decode()
        assert f'action="{build_url(2027)}"' in page
        page = east.post(build_url(2027), follow=True).content.decode()
    assert (
        '<p class="message success">Paket bukti tahun 2027 sedang dibuat; halaman ini '
        "menampilkan kemajuannya.</p>"
    ) in page
    pack = EvidencePack.objects.get()
    assert (pack.body, pack.year, pack.status) == (body, 2027, "pending")
