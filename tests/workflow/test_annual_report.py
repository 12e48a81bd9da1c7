"""The annual report of information service (Pasal 12 UU 14/2008, Perki 1/2021): the figures per
body and year (working days by the office calendar, cuti bersama skipped), the PPID Utama's
total, the chart, CSV and PDF, who may read it, and a query count that does not grow with the
rows."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from dip import rendering
from ppid.models import Body
from tests.helpers import utama_of
from tests.workflow.test_objections import DINSOS, KUBU_RAYA, WIB, make_request, user
from workflow.models import RequestStatus
from workflow.selectors.annual import annual_report
from workflow.services import objections as service

pytestmark = pytest.mark.django_db


def seed_year() -> None:
    # 8 working days: 15-18, 21-23 and 28 December (24 cuti bersama, 25 Natal, a weekend).
    make_request(
        received_at=datetime(2026, 12, 14, 9, 0, tzinfo=WIB),
        due_at=datetime(2026, 12, 29, 16, 0, tzinfo=WIB),
        status=RequestStatus.GRANTED,
        decided_at=datetime(2026, 12, 28, 10, 0, tzinfo=WIB),
        number=1,
    )
    # 3 working days, refused on Pasal 17 h.
    refused = make_request(
        received_at=datetime(2026, 12, 1, 9, 0, tzinfo=WIB),
        due_at=datetime(2026, 12, 15, 16, 0, tzinfo=WIB),
        status=RequestStatus.REFUSED,
        decided_at=datetime(2026, 12, 4, 11, 0, tzinfo=WIB),
        number=2,
    )
    refused.refusal_ground = "h"
    refused.save(update_fields=["refusal_ground"])
    # 1 working day, partly granted, but after its deadline.
    make_request(
        received_at=datetime(2026, 12, 2, 9, 0, tzinfo=WIB),
        due_at=datetime(2026, 12, 2, 16, 0, tzinfo=WIB),
        status=RequestStatus.PARTLY_GRANTED,
        decided_at=datetime(2026, 12, 3, 9, 0, tzinfo=WIB),
        number=3,
    )
    make_request(
        received_at=datetime(2026, 12, 10, 9, 0, tzinfo=WIB),
        status=RequestStatus.RECEIVED,
        number=4,
    )
    make_request(  # another year: not counted
        received_at=datetime(2025, 12, 10, 9, 0, tzinfo=WIB),
        decided_at=datetime(2025, 12, 11, 9, 0, tzinfo=WIB),
        number=1,
    )
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=WIB), tick=False):
        objection = service.objection_file(request=refused, ground="a", reason="Bukan rahasia.")
    service.objection_answer(
        objection=objection, user=user(DINSOS, "atasan"), decision="upheld", note="Dibuka."
    )


def test_figures_of_a_body_and_year(seeded):
    seed_year()
    report = annual_report(body=Body.objects.get(slug=DINSOS), year=2026)
    assert report.total == 4
    assert dict((s, n) for s, _label, n in report.decisions) == {
        "granted": 1,
        "partly_granted": 1,
        "refused": 1,
        "not_held": 0,
        "not_documented": 0,
    }
    assert report.open == 1 and report.decided == 3 and report.on_time == 2
    assert report.refused_by_ground == {"h": 1}
    assert report.average_days == pytest.approx(4.0)
    assert report.median_days == pytest.approx(3.0)
    assert report.objections == 1 and report.objections_by_status == {"upheld": 1}
    assert report.objections_on_time == 1


def test_query_count_does_not_grow_with_the_rows(seeded):
    seed_year()
    body = Body.objects.get(slug=DINSOS)
    annual_report(body=body, year=2026)  # the body's parents, read once per request
    with CaptureQueriesContext(connection) as few:
        annual_report(body=body, year=2026)
    for n in range(10, 30):
        make_request(
            received_at=datetime(2026, 11, 2, 9, 0, tzinfo=WIB),
            decided_at=datetime(2026, 11, 5, 9, 0, tzinfo=WIB),
            number=n,
        )
    with CaptureQueriesContext(connection) as many:
        report = annual_report(body=body, year=2026)
    assert report.total == 24
    assert len(many) == len(few) <= 12


def test_page_csv_and_pdf(seeded, login):
    seed_year()
    client = login(f"{DINSOS}.ppid")
    page = client.get(f"/badan/{DINSOS}/laporan-tahunan/?tahun=2026")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "4,0" in html or "4.0" in html
    csv = client.get(f"/badan/{DINSOS}/laporan-tahunan.csv?tahun=2026")
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert ",2026," in text and ",4\r\n" in text
    pdf = client.get(f"/badan/{DINSOS}/laporan-tahunan.pdf?tahun=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    words = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Laporan Tahunan Layanan Informasi Publik Tahun 2026" in " ".join(words.split())


def test_who_may_read_it(seeded, login):
    assert login(f"{DINSOS}.operator").get(f"/badan/{DINSOS}/laporan-tahunan/").status_code == 403
    assert login(f"{KUBU_RAYA}.ppid").get(f"/badan/{DINSOS}/laporan-tahunan/").status_code == 404
    assert login(f"{DINSOS}.atasan").get(f"/badan/{DINSOS}/laporan-tahunan/").status_code == 200


def test_ppid_utama_overview_adds_up_its_bodies(seeded, login):
    seed_year()
    parent = Body.objects.get(slug=DINSOS).parent
    client = login(utama_of(DINSOS))
    page = client.get(f"/badan/{parent.slug}/laporan-tahunan/ikhtisar/?tahun=2026")
    assert page.status_code == 200
    assert Body.objects.get(slug=DINSOS).name in page.content.decode()
    csv = client.get(f"/badan/{parent.slug}/laporan-tahunan/ikhtisar.csv?tahun=2026")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert any(line.endswith(",4") and "2026" in line for line in lines)
    assert login(f"{DINSOS}.ppid").get(
        f"/badan/{DINSOS}/laporan-tahunan/ikhtisar/"
    ).status_code in (403, 404)


def test_the_pdf_is_dated_on_the_bodys_clock(seeded, login):
    """The server keeps Pontianak time (WIB); at 23:30 WIB on New Year's Eve it is already
    01:30 on 1 January in Jayapura (WIT): the report a body there prints is dated that day."""
    seed_year()
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    body = Body.objects.get(slug=DINSOS)
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=WIB), tick=False):
        pdf = login(f"{DINSOS}.ppid").get(f"/badan/{DINSOS}/laporan-tahunan.pdf?tahun=2026")
    assert pdf.status_code == 200
    words = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert f"{rendering.body_place(body)}, 1 Januari 2027" in words
    assert "31 Desember 2026" not in words


def test_this_year_is_the_bodys_year(seeded, login):
    """At 23:30 WIB on New Year's Eve a body in Jayapura (WIT) is in the new year: its report
    opens on that year, which the picker offers; a WIB body's still on the old one."""
    seed_year()
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=WIB), tick=False):
        east = login(f"{DINSOS}.ppid").get(f"/badan/{DINSOS}/laporan-tahunan/")
        west = login(f"{KUBU_RAYA}.ppid").get(f"/badan/{KUBU_RAYA}/laporan-tahunan/")
    assert east.status_code == west.status_code == 200
    assert east.context["year"] == east.context["years"][0] == 2027
    assert (west.context["year"], 2027 in west.context["years"]) == (2026, False)
