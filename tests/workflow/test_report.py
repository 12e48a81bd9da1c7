"""The compliance report, checked against a hand-made set of steps with known durations.

Kubu Raya (SOP 004: 1 collection, 2 verification, 3 consideration, 4 approval, 5 publication;
Asia/Pontianak, UTC+7), May 2026, "now" = 1 June 2026 12:00 local:

verification (standard 1 hari kerja, deadlines 24 h after the start)
    finished in 3600, 7200, 14400, 86400 (exactly at the deadline: on time), 172800 (late 1 day)
    open since 20 May 10:00, due 21 May 10:00: overdue by 11 days 2 hours
    open since 31 May 20:00, due 1 June 20:00: not overdue yet
    → 7 steps, 5 finished, 2 open; median 14400; p90 = 86400 + 0.6 * 86400 = 138240;
      on time 4 of 5
consideration (standard 2 hari kerja, deadlines 48 h after the start)
    finished in 86400 (on time) and 266400 (late 26 h)
    → median 176400, p90 = 86400 + 0.9 * 180000 = 248400, on time 1 of 2
outside May: a verification of 1800 s started 30 April 23:30 local (in the second quarter, not
in May), and one started 1 June 00:05 local (its UTC date is still 31 May).
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dip.models import Edition, Stage
from ppid.models import Body
from workflow.charts import compliance_chart
from workflow.models import Sop, SopStep, Step, standard_seconds_of
from workflow.periods import MONTH, QUARTER, Period, period_choices
from workflow.selectors import report as report_selectors
from workflow.selectors.percentiles import percentile_cont
from workflow.selectors.report import compliance_report, report_bodies_for_user
from workflow.services.editions import sop_route
from workflow.views import report as report_views

User = get_user_model()
KUBU = "disdukcapil-kubu-raya"
KAPUAS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
UTAMA = "ppid-utama-kalbar"
PEMKAB_KAPUAS, PEMKAB_KUBU = "pemkab-kapuas-hulu", "pemkab-kubu-raya"
PONTIANAK = ZoneInfo("Asia/Pontianak")
JAYAPURA = ZoneInfo("Asia/Jayapura")
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=PONTIANAK)
MAY = Period(2026, MONTH, 5)
HOUR, DAY = 3600, 86400
OFFICE_DAY = 30600  # the default office hours: 07:30-16:00


def _local(text: str, zone: ZoneInfo = PONTIANAK) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


class Maker:
    """Editions straight from the SOP's route, and steps with the times given (no clock)."""

    def __init__(self, body: Body):
        self.body = body
        self.sop = Sop.objects.get(body=body, is_active=True)
        self.route = sop_route(self.sop)
        self.revision = Edition.objects.filter(body=body).count()

    def edition(self, state: str = Stage.PUBLISHED) -> Edition:
        self.revision += 1
        return Edition.objects.create(
            body=self.body,
            kind=self.sop.applies_to,
            year=2026,
            revision=self.revision,
            title=f"Uji laporan {self.revision}",
            route=self.route,
            state=state,
        )

    def step(
        self,
        number: int,
        start: datetime,
        seconds: int | None,
        *,
        allowed: int,
        edition: Edition | None = None,
    ) -> Step:
        sop_step = self.sop.steps.get(number=number)
        if edition is None:
            edition = self.edition(Stage.PUBLISHED if seconds is not None else sop_step.stage)
        return Step.objects.create(
            edition=edition,
            stage=sop_step.stage,
            role=sop_step.role,
            sop_step_number=number,
            standard_amount=sop_step.time_amount,
            standard_unit=sop_step.time_unit,
            standard_seconds=standard_seconds_of(
                sop_step.time_amount, sop_step.time_unit, OFFICE_DAY
            ),
            started_at=start,
            due_at=start + timedelta(seconds=allowed),
            finished_at=None if seconds is None else start + timedelta(seconds=seconds),
            duration_seconds=seconds,
        )


@pytest.fixture
def flat(seeded):
    """The three seed bodies directly under the province's PPID Utama (the demo has a kabupaten
    PPID Utama between two of them and the province): one overview over all three SOPs."""
    Body.objects.filter(slug__in=[KAPUAS, KUBU]).update(parent=Body.objects.get(slug=UTAMA))
    Body.objects.filter(slug__in=[PEMKAB_KAPUAS, PEMKAB_KUBU]).update(parent=None)


@pytest.fixture
def steps(seeded):
    """The hand-made set of the module docstring, plus one step of Kapuas Hulu in May."""
    kubu = Maker(Body.objects.get(slug=KUBU))
    done = kubu.edition()
    for n, seconds in enumerate([3600, 7200, 14400, 86400, 172800]):
        start = _local("2026-05-01 00:10") + timedelta(days=2 * n)
        kubu.step(2, start, seconds, allowed=DAY, edition=done)
    open_late = kubu.step(2, _local("2026-05-20 10:00"), None, allowed=DAY)
    kubu.step(2, _local("2026-05-31 20:00"), None, allowed=DAY)
    late_consideration = None
    for start, seconds in [("2026-05-12 08:00", DAY), ("2026-05-15 08:00", 266400)]:
        late_consideration = kubu.step(3, _local(start), seconds, allowed=2 * DAY, edition=done)
    kubu.step(2, _local("2026-04-30 23:30"), 1800, allowed=DAY, edition=done)
    kubu.step(2, _local("2026-06-01 00:05"), 60, allowed=DAY, edition=done)
    late_verification = Step.objects.get(edition=done, duration_seconds=172800)

    kapuas = Maker(Body.objects.get(slug=KAPUAS))
    kapuas.step(4, _local("2026-05-05 09:00"), 600, allowed=15 * 60)  # verification
    return {
        "done": done,
        "overdue": [open_late, late_consideration, late_verification],
    }


def _kubu_may(**kwargs):
    body = Body.objects.get(slug=KUBU)
    (report,) = compliance_report(bodies=[body], period=MAY, now=NOW, **kwargs)
    return report


def _numbers(step) -> tuple:
    return (
        step.step_number,
        step.stage,
        step.standard_label,
        step.total,
        step.finished,
        step.open,
        step.median_seconds,
        step.p90_seconds,
        step.timed,
        step.on_time,
        step.late,
        step.open_overdue,
        step.on_time_share,
    )


KUBU_MAY = [
    (1, "collection", "1 hari kerja", 0, 0, 0, None, None, 0, 0, 0, 0, None),
    (2, "verification", "1 hari kerja", 7, 5, 2, 14400, 138240, 5, 4, 1, 1, 0.8),
    (3, "consideration", "2 hari kerja", 2, 2, 0, 176400, 248400, 2, 1, 1, 0, 0.5),
    (4, "approval", "2 hari kerja", 0, 0, 0, None, None, 0, 0, 0, 0, None),
    (5, "publication", "1 jam", 0, 0, 0, None, None, 0, 0, 0, 0, None),
]


# --- the numbers ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_number_of_the_hand_made_month(steps):
    report = _kubu_may()
    assert [_numbers(s) for s in report.steps] == [pytest.approx(row, abs=1e-6) for row in KUBU_MAY]
    # Labels are the SOP's activities.
    activities = dict(
        SopStep.objects.filter(sop__body__slug=KUBU).values_list("number", "activity")
    )
    assert [s.activity for s in report.steps] == [activities[n] for n in range(1, 6)]
    assert (report.total, report.finished, report.open) == (9, 7, 2)
    assert (report.on_time, report.timed) == (5, 7)
    assert report.on_time_share == pytest.approx(5 / 7)


@pytest.mark.django_db
def test_overdue_list_longest_late_first_with_how_late(steps):
    overdue = _kubu_may().overdue
    assert [o.step_id for o in overdue] == [s.pk for s in steps["overdue"]]
    assert [o.late_seconds for o in overdue] == [11 * DAY + 2 * HOUR, 26 * HOUR, DAY]
    assert [o.is_open for o in overdue] == [True, False, False]
    assert [o.stage for o in overdue] == ["verification", "consideration", "verification"]
    assert overdue[1].edition_id == steps["done"].pk


@pytest.mark.django_db
def test_quarter_takes_the_april_step_and_the_year_too(steps):
    body = Body.objects.get(slug=KUBU)
    for period in (Period(2026, QUARTER, 2), Period(2026)):
        (report,) = compliance_report(bodies=[body], period=period, now=NOW)
        verification = report.steps[1]
        # [60 (June), 1800 (April), 3600, 7200, 14400, 86400, 172800]: p90 at rank 5.4.
        assert verification.total == 9 and verification.finished == 7
        assert verification.median_seconds == pytest.approx(7200)
        assert verification.p90_seconds == pytest.approx(86400 + 0.4 * 86400)
        assert (verification.on_time, verification.timed) == (6, 7)
    (june,) = compliance_report(bodies=[body], period=Period(2026, MONTH, 6), now=NOW)
    assert june.steps[1].total == 1 and june.steps[1].median_seconds == pytest.approx(60)
    (april,) = compliance_report(bodies=[body], period=Period(2026, MONTH, 4), now=NOW)
    assert april.steps[1].total == 1 and april.steps[1].median_seconds == pytest.approx(1800)


@pytest.mark.django_db
def test_each_body_counts_its_period_in_its_own_time_zone(steps):
    kapuas = Body.objects.get(slug=KAPUAS)
    kapuas.time_zone = "Asia/Jayapura"
    kapuas.save()
    maker = Maker(kapuas)
    # 1 May 00:30 in Jayapura is still 30 April in Pontianak: counted in May.
    maker.step(4, _local("2026-05-01 00:30", JAYAPURA), 300, allowed=900)
    # 1 June 01:30 in Jayapura is 31 May in Pontianak: not in May.
    maker.step(4, _local("2026-06-01 01:30", JAYAPURA), 300, allowed=900)
    kubu = Body.objects.get(slug=KUBU)
    reports = compliance_report(bodies=[kapuas, kubu], period=MAY, now=NOW)
    assert [r.body.slug for r in reports] == [KAPUAS, KUBU]
    verification = next(s for s in reports[0].steps if s.stage == "verification")
    assert (verification.total, verification.on_time, verification.timed) == (2, 2, 2)
    assert verification.median_seconds == pytest.approx(450)
    assert [_numbers(s) for s in reports[1].steps] == [
        pytest.approx(row, abs=1e-6) for row in KUBU_MAY
    ]


@pytest.mark.django_db
def test_python_fallback_gives_the_database_numbers(steps, monkeypatch):
    in_database = [_numbers(s) for s in _kubu_may().steps]
    monkeypatch.setattr(report_selectors, "database_percentiles", lambda: False)
    in_python = [_numbers(s) for s in _kubu_may().steps]
    assert in_python == [pytest.approx(row, abs=1e-6) for row in in_database]
    assert in_python == [pytest.approx(row, abs=1e-6) for row in KUBU_MAY]


def test_percentile_cont_interpolates_like_postgresql():
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7], 0.9) == 7
    assert percentile_cont([10, 20], 0.5) == 15
    assert percentile_cont([40, 10, 30, 20], 0.9) == pytest.approx(37)
    assert percentile_cont([1, 2, 3, 4, 5], 0.5) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("fallback", [False, True])
def test_query_count_does_not_grow_with_steps_or_bodies(steps, monkeypatch, fallback):
    if fallback:
        monkeypatch.setattr(report_selectors, "database_percentiles", lambda: False)
    expected = 4 if fallback or connection.vendor != "postgresql" else 3
    kubu = Body.objects.get(slug=KUBU)
    with CaptureQueriesContext(connection) as few:
        compliance_report(bodies=[kubu], period=Period(2026), now=NOW)
    maker = Maker(kubu)
    for n in range(30):
        maker.step(3, _local("2026-03-01 08:00") + timedelta(hours=n), 600 * n, allowed=2 * DAY)
    bodies = list(Body.objects.all())
    with CaptureQueriesContext(connection) as many:
        reports = compliance_report(bodies=bodies, period=Period(2026), now=NOW)
    assert len(few) == len(many) == expected
    assert sum(r.total for r in reports) == 12 + 30


# --- periods ---------------------------------------------------------------------------------


def test_periods_parse_label_and_bounds():
    assert Period.parse("2026-05") == MAY and MAY.key == "2026-05"
    assert Period.parse("2026-T2") == Period(2026, QUARTER, 2)
    assert Period.parse("2026") == Period(2026)
    for bad in ("", "2026-13", "2026-T5", "26", "2026-5", "2026-05-01", "x"):
        assert Period.parse(bad) is None
    assert MAY.bounds("Asia/Pontianak") == (
        _local("2026-05-01 00:00"),
        _local("2026-06-01 00:00"),
    )
    assert Period(2026, QUARTER, 4).bounds("Asia/Jayapura")[1] == _local(
        "2027-01-01 00:00", JAYAPURA
    )
    choices = period_choices(_local("2025-11-03").date(), _local("2026-05-20").date())
    years, quarters, months = (group[1] for group in choices)
    assert [k for k, _ in years] == ["2026", "2025"]
    assert [k for k, _ in quarters][:3] == ["2026-T2", "2026-T1", "2025-T4"]
    assert months[0][0] == "2026-05" and len(months) == 5 + 12


# --- the chart -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_chart_is_valid_accessible_svg_with_text_labels(steps):
    report = _kubu_may()
    svg = str(compliance_chart(report.steps, chart_id="c1", title="Kubu Raya <Mei>"))
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find(f"{ns}title").text == "Kubu Raya <Mei>"
    desc = root.find(f"{ns}desc").text
    assert "7 langkah (5 selesai, 2 berjalan)" in desc and "4 dari 5 tepat waktu (80%)" in desc
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "80% tepat waktu (4 dari 5) · 2 terlambat" in texts
    assert "50% tepat waktu (1 dari 2) · 1 terlambat" in texts
    assert "Standar 1 hari kerja · 7 langkah" in texts
    assert "Median 4 jam · P90 1 hari 14 jam" in texts
    # One median bar per step that has finished steps; it is red when above the standard.
    medians = [r for r in root.iter(f"{ns}rect") if "median" in r.get("class")]
    assert [r.get("class") for r in medians] == ["median", "median over"]


@pytest.mark.django_db
def test_chart_escapes_the_sop_text(steps):
    SopStep.objects.filter(sop__body__slug=KUBU, number=2).update(
        activity='<script>alert("x")</script> & co'
    )
    svg = str(compliance_chart(_kubu_may().steps, chart_id="c", title="t"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    ET.fromstring(svg)


# --- pages, permissions and the CSV ----------------------------------------------------------


@pytest.mark.django_db
def test_report_bodies_follow_the_roles(seeded):
    def slugs(username):
        user = User.objects.get(username=username)
        return sorted(report_bodies_for_user(user).values_list("slug", flat=True))

    assert slugs(f"{KUBU}.atasan") == [KUBU]
    assert slugs(f"{KALBAR}.ppid") == [KALBAR]
    assert slugs(f"{KUBU}.tim") == [] and slugs(f"{KUBU}.operator") == []
    # Each PPID Utama: its body and those directly under it (three levels in the demo).
    assert slugs("ppid-utama") == sorted([KALBAR, PEMKAB_KAPUAS, PEMKAB_KUBU, UTAMA])
    assert slugs("ppid-utama-kubu-raya") == sorted([KUBU, PEMKAB_KUBU])
    assert slugs("ppid-utama-kapuas-hulu") == sorted([KAPUAS, PEMKAB_KAPUAS])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url", "status"),
    [
        (f"{KUBU}.atasan", f"/badan/{KUBU}/laporan/", 200),
        (f"{KUBU}.ppid", f"/badan/{KUBU}/laporan/", 200),
        ("ppid-utama-kubu-raya", f"/badan/{KUBU}/laporan/", 200),
        ("ppid-utama", f"/badan/{KUBU}/laporan/", 404),  # two levels up
        (f"{KUBU}.tim", f"/badan/{KUBU}/laporan/", 403),
        (f"{KUBU}.operator", f"/badan/{KUBU}/laporan/", 403),
        (f"{KAPUAS}.atasan", f"/badan/{KUBU}/laporan/", 404),
        (f"{KUBU}.atasan", f"/badan/{KUBU}/laporan.csv", 200),
        (f"{KUBU}.operator", f"/badan/{KUBU}/laporan.csv", 403),
        (f"{KAPUAS}.atasan", f"/badan/{KUBU}/laporan.csv", 404),
        ("ppid-utama", f"/badan/{UTAMA}/ikhtisar/", 200),
        ("ppid-utama", f"/badan/{UTAMA}/ikhtisar.csv", 200),
        (f"{KUBU}.atasan", f"/badan/{KUBU}/ikhtisar/", 403),
        (f"{KUBU}.atasan", f"/badan/{UTAMA}/ikhtisar/", 404),
        (f"{KUBU}.atasan", f"/badan/{UTAMA}/ikhtisar.csv", 404),
    ],
)
def test_who_reads_the_report(seeded, login, username, url, status):
    assert login(username).get(url).status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", [f"/badan/{KUBU}/laporan/", f"/badan/{KUBU}/laporan.csv", f"/badan/{UTAMA}/ikhtisar/"]
)
def test_anonymous_is_sent_to_sign_in(seeded, client, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def _text(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_report_page_shows_the_numbers_and_links_the_overdue(steps, login):
    page = _text(login(f"{KUBU}.atasan").get(f"/badan/{KUBU}/laporan/?period=2026-05"))
    assert "Laporan kepatuhan" in page and "Mei 2026" in page
    assert "7 (5 selesai, 2 berjalan)" in page and "80% · 4 dari 5" in page
    assert "50% · 1 dari 2" in page and "71% · 5 dari 7" in page
    assert "1 selesai terlambat, 1 terbuka melewati batas waktu" in page
    for step in steps["overdue"]:
        assert f'href="/edisi/{step.edition_id}/"' in page
    assert "masih berjalan" in page and "11 hari 2 jam" in page
    assert '<svg class="chart" id="chart-disdukcapil-kubu-raya"' in page
    assert f'href="/badan/{KUBU}/laporan.csv?period=2026-05"' in page


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_bad_period_falls_back_to_this_year_and_says_so(steps, login):
    page = _text(login(f"{KUBU}.atasan").get(f"/badan/{KUBU}/laporan/?period=2026-13"))
    assert "Masukkan pilihan yang valid" in page
    # This year: every hand-made step of Kubu Raya (11) is counted.
    assert "11 (9 selesai, 2 berjalan)" in page


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_csv_has_the_same_numbers_with_indonesian_headers(steps, login):
    response = login(f"{KUBU}.atasan").get(f"/badan/{KUBU}/laporan.csv?period=2026-05")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="laporan-kepatuhan-{KUBU}-2026-05.csv"'
    )
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "Badan publik",
        "Periode",
        "Nomor SOP",
        "Langkah",
        "Tahap",
        "Kegiatan",
        "Standar waktu",
        "Jumlah langkah",
        "Selesai",
        "Masih berjalan",
        "Median durasi (detik)",
        "Persentil ke-90 durasi (detik)",
        "Selesai dengan batas waktu",
        "Selesai tepat waktu",
        "Selesai terlambat",
        "Tepat waktu (%)",
        "Terbuka melewati batas waktu",
    ]
    body = Body.objects.get(slug=KUBU)
    sop = Sop.objects.get(body=body)
    activities = dict(sop.steps.values_list("number", "activity"))
    empty = ["0", "0", "0", "", "", "0", "0", "0", "", "0"]

    def row(number, stage, standard):
        return [body.name, "Mei 2026", sop.number, str(number), stage, activities[number], standard]

    verification = ["7", "5", "2", "14400", "138240", "5", "4", "1", "80.0", "1"]
    consideration = ["2", "2", "0", "176400", "248400", "2", "1", "1", "50.0", "0"]
    assert rows[1:] == [
        [*row(1, "Pengumpulan", "1 hari kerja"), *empty],
        [*row(2, "Verifikasi", "1 hari kerja"), *verification],
        [*row(3, "Pertimbangan", "2 hari kerja"), *consideration],
        [*row(4, "Persetujuan", "2 hari kerja"), *empty],
        [*row(5, "Publikasi", "1 jam"), *empty],
    ]


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_overview_lists_each_body_under_the_ppid_utama(steps, flat, login):
    client = login("ppid-utama")
    page = _text(client.get(f"/badan/{UTAMA}/ikhtisar/?period=2026-05"))
    for slug in (KAPUAS, KALBAR, KUBU):
        assert f'href="/badan/{slug}/laporan/?period=2026-05"' in page
        assert f'id="chart-{slug}"' in page
    assert "71% · 5 dari 7" in page and "100% · 1 dari 1" in page
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/badan/{UTAMA}/ikhtisar.csv?period=2026-05").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    # Three SOPs: 6 + 3 + 5 steps.
    assert len(rows) == 1 + 14
    assert {r[0] for r in rows[1:]} == set(
        Body.objects.filter(parent__slug=UTAMA).values_list("name", flat=True)
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_dashboard_shows_the_atasan_their_bodys_report(steps, login):
    page = _text(login(f"{KUBU}.atasan").get("/dasbor/?period=2026-05"))
    assert "Kepatuhan pada standar waktu SOP" in page
    assert 'id="chart-disdukcapil-kubu-raya"' in page and "chart-dinsos" not in page
    assert "71% · 5 dari 7" in page
    for step in steps["overdue"]:
        assert f'href="/edisi/{step.edition_id}/"' in page
    assert "/ikhtisar/" not in page
    utama = _text(login("ppid-utama").get("/dasbor/?period=2026-05"))
    assert f'href="/badan/{UTAMA}/ikhtisar/?period=2026-05"' in utama
    # The operator reads no report: no section at all.
    assert "Kepatuhan pada standar waktu SOP" not in _text(
        login(f"{KUBU}.operator").get("/dasbor/")
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_dashboard_of_many_bodies_lists_the_most_overdue_first(steps, flat, login, monkeypatch):
    """A PPID Utama's dashboard: a row per body with steps, the most overdue first, no chart
    (the body's report has it), and how many more the overview holds."""

    def section(page: str) -> str:
        return page.split('id="report-heading"', 1)[1].split("</section>", 1)[0]

    client = login("ppid-utama")
    report = section(_text(client.get("/dasbor/?period=2026-05")))
    kubu, kapuas = (Body.objects.get(slug=s) for s in (KUBU, KAPUAS))
    rows = report.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")[:-1]
    assert len(rows) == 2  # Kalbar has no step in May
    assert kubu.name in rows[0] and kapuas.name in rows[1]
    assert 'class="overdue"' in rows[0] and "71% · 5 dari 7" in rows[0]
    assert rows[0].rstrip().endswith(">3</td>")  # 1 open past due, 2 finished late
    assert f'href="/badan/{KUBU}/laporan/?period=2026-05"' in rows[0]
    assert "<svg" not in report and "lainnya ada di ikhtisar" not in report

    monkeypatch.setattr(report_views, "DASHBOARD_CARDS", 1)
    report = section(_text(client.get("/dasbor/?period=2026-05")))
    assert kubu.name in report and kapuas.name not in report
    assert "1 badan publik lainnya ada di ikhtisar" in report


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_overview_shows_every_body_in_its_table_and_the_cards_a_page_at_a_time(
    steps, flat, login, monkeypatch
):
    monkeypatch.setattr(report_views, "OVERVIEW_CARDS_PER_PAGE", 2)
    monkeypatch.setattr(report_views, "CARD_OVERDUE", 2)
    children = list(Body.objects.filter(parent__slug=UTAMA).order_by("name"))
    assert len(children) == 3
    client = login("ppid-utama")
    url = f"/badan/{UTAMA}/ikhtisar/?period=2026-05"
    first, second = _text(client.get(url)), _text(client.get(f"{url}&page=2"))
    for page in (first, second):
        table = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert all(f'href="/badan/{b.slug}/laporan/?period=2026-05"' in table for b in children)
    charts = [[b.slug for b in children if f'id="chart-{b.slug}"' in p] for p in (first, second)]
    assert charts == [[b.slug for b in children[:2]], [children[2].slug]]
    assert "Badan publik 1\u20132 dari 3, menurut nama." in first
    assert 'href="?period=2026-05&amp;page=2"' in first
    # Kubu Raya's card: its two longest late steps, and the third counted.
    kubu_page = first if f'id="chart-{KUBU}"' in first else second
    card = kubu_page.split(f'id="report-{KUBU}"', 1)[1].split("</section>", 1)[0]
    open_late, late_consideration, _late_verification = steps["overdue"]
    listed = re.findall(r'<li class="overdue"><a href="/edisi/(\d+)/">', card)
    assert listed == [str(open_late.edition_id), str(late_consideration.edition_id)]
    # 11 days 2 hours and 26 hours late are listed; the verification 1 day late is not.
    assert "11 hari 2 jam" in card and "1 hari 2 jam" in card
    assert "terlambat 1 hari<" not in card and "dan 1 lainnya" in card


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_pages_cost_the_same_queries_whatever_the_size(steps, flat, login):
    client = login("ppid-utama")
    urls = ["/dasbor/?period=2026", f"/badan/{UTAMA}/ikhtisar/?period=2026"]
    urls += [f"/badan/{KUBU}/laporan/?period=2026", f"/badan/{KUBU}/laporan.csv?period=2026"]

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = [count(url) for url in urls]
    for slug in (KUBU, KAPUAS):
        maker = Maker(Body.objects.get(slug=slug))
        for n in range(15):
            start = _local("2026-02-01 08:00") + timedelta(hours=n)
            maker.step(2, start, None if n % 3 else 10 * DAY, allowed=DAY)
    assert [count(url) for url in urls] == few
