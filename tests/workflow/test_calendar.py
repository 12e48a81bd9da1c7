"""The working calendar page: the PPID Utama keeps it, bodies follow it, deadlines use it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from ppid.calendar import body_zone, calendar_for_body
from ppid.models import Body, CalendarDay, WorkingCalendar
from tests.helpers import open_edition, utama_of
from workflow.deadlines import when
from workflow.models import AuditEntry, Step

WIB = ZoneInfo("Asia/Pontianak")
DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
UTAMA = "ppid-utama-kalbar"

pytestmark = pytest.mark.django_db


@pytest.fixture
def utama(client, seeded):
    client.force_login(get_user_model().objects.get(username="ppid-utama"))
    return client


@pytest.fixture
def kabupaten(seeded):
    """The PPID Utama of Kapuas Hulu, directly above Dinsos (the province's is two levels up)."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=utama_of(DINSOS)))
    return client


def url(slug: str, suffix: str = "") -> str:
    return f"/badan/{slug}/kalender/{suffix}"


def test_the_page_lists_the_years_holidays_and_says_whose_calendar_it_is(kabupaten):
    response = kabupaten.get(url(DINSOS), {"tahun": 2026})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Hari Lahir Pancasila" in text
    assert "Cuti Bersama Hari Raya Idul Fitri" in text
    assert "Tambahkan ke kalender" in text  # the PPID Utama may change it


def test_a_local_day_off_is_inherited_by_the_bodies_under_the_ppid_utama(utama, kabupaten):
    response = utama.post(
        url(UTAMA, "hari/"),
        {"date": "2026-06-03", "kind": "off", "name": "Hari Jadi Provinsi (uji)"},
    )
    assert response.status_code == 302
    dinsos = Body.objects.get(slug=DINSOS)
    assert calendar_for_body(dinsos).holiday_name(date(2026, 6, 3)) == "Hari Jadi Provinsi (uji)"
    page = kabupaten.get(url(DINSOS), {"tahun": 2026}).content.decode()
    assert "Hari Jadi Provinsi (uji)" in page
    entry = AuditEntry.objects.get(action="calendar.day_add")
    assert entry.actor.username == "ppid-utama"
    assert entry.data["date"] == "2026-06-03"


def test_a_new_step_counts_over_the_local_day_off(utama, seeded):
    utama.post(url(UTAMA, "hari/"), {"date": "2026-06-03", "kind": "off", "name": "Libur lokal"})
    # Tuesday 15:55 + 15 office minutes: Wednesday is off → Thursday 07:40.
    with time_machine.travel(datetime(2026, 6, 2, 15, 55, tzinfo=WIB), tick=False):
        edition = open_edition(KUBU, title="Uji")
        # Kubu Raya's first step is 1 hari kerja: closing time of Thursday (Wednesday skipped).
    step = Step.objects.get(edition=edition, finished_at=None)
    assert step.due_at == datetime(2026, 6, 4, 16, 0, tzinfo=WIB)
    assert step.due_explanation == "Kamis 2026-06-04 16:00; dilewati: Rabu 2026-06-03 (Libur lokal)"


def test_a_worked_national_holiday_counts_as_a_working_day(kabupaten):
    response = kabupaten.post(
        url(DINSOS, "hari/"),
        {"date": "2026-06-01", "kind": "work", "name": "Piket Hari Lahir Pancasila"},
    )
    assert response.status_code == 302
    dinsos = Body.objects.get(slug=DINSOS)
    assert calendar_for_body(dinsos).is_working_day(date(2026, 6, 1))
    # Only Dinsos got its own calendar; the other bodies still follow the PPID Utama.
    assert WorkingCalendar.objects.filter(body=dinsos).exists()
    kubu = Body.objects.get(slug=KUBU)
    assert not calendar_for_body(kubu).is_working_day(date(2026, 6, 1))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"date": "", "kind": "off", "name": "X"}, "date", "harus diisi"),
        ({"date": "2026-06-06", "kind": "off", "name": "Sabtu libur"}, "date", "sudah hari libur"),
        ({"date": "2026-06-01", "kind": "off", "name": "Dua kali"}, "date", "sudah hari libur"),
        ({"date": "2026-06-03", "kind": "work", "name": "Kerja"}, "kind", "libur nasional"),
        ({"date": "2026-06-03", "kind": "off", "name": ""}, "name", "harus diisi"),
        ({"date": "2026-13-40", "kind": "off", "name": "X"}, "date", "tanggal"),
    ],
)
def test_bad_days_are_refused_next_to_the_field_and_nothing_is_stored(utama, data, field, message):
    response = utama.post(url(UTAMA, "hari/"), data)
    assert response.status_code == 400
    errors = response.context["day_form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field]).lower()
    assert not CalendarDay.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_the_same_date_twice_is_refused(utama):
    data = {"date": "2026-06-03", "kind": "off", "name": "Libur lokal"}
    assert utama.post(url(UTAMA, "hari/"), data).status_code == 302
    response = utama.post(url(UTAMA, "hari/"), data)
    assert response.status_code == 400
    assert "date" in response.context["day_form"].errors
    assert CalendarDay.objects.count() == 1


def test_removing_a_day_asks_first_then_removes_and_audits(utama):
    utama.post(url(UTAMA, "hari/"), {"date": "2026-06-03", "kind": "off", "name": "Libur lokal"})
    day = CalendarDay.objects.get()
    confirm = utama.get(url(UTAMA, f"hari/{day.pk}/hapus/"))
    assert confirm.status_code == 200
    assert "Libur lokal" in confirm.content.decode()
    assert CalendarDay.objects.exists()
    assert utama.post(url(UTAMA, f"hari/{day.pk}/hapus/")).status_code == 302
    assert not CalendarDay.objects.exists()
    assert AuditEntry.objects.filter(action="calendar.day_remove").count() == 1
    # A second click finds nothing and says so, without an error page.
    again = utama.post(url(UTAMA, f"hari/{day.pk}/hapus/"), follow=True)
    assert again.status_code == 200
    assert AuditEntry.objects.filter(action="calendar.day_remove").count() == 1


def test_office_hours_are_saved_and_bad_hours_store_nothing(utama):
    hours = {f"start_{d}": "08:00" for d in range(1, 6)} | {
        f"end_{d}": "15:00" for d in range(1, 6)
    }
    response = utama.post(url(UTAMA, "jam-kerja/"), hours | {"national_holidays": "on"})
    assert response.status_code == 302
    calendar = calendar_for_body(Body.objects.get(slug=DINSOS))
    assert calendar.hours[5][1].isoformat(timespec="minutes") == "15:00"
    assert 6 not in calendar.hours

    before = WorkingCalendar.objects.get(body__slug=UTAMA).office_hours
    bad = hours | {"end_2": "07:00"}
    response = utama.post(url(UTAMA, "jam-kerja/"), bad)
    assert response.status_code == 400
    assert "end_2" in response.context["hours_form"].errors
    half = hours | {"end_3": ""}
    assert utama.post(url(UTAMA, "jam-kerja/"), half).status_code == 400
    none = {f"start_{d}": "" for d in range(1, 8)} | {f"end_{d}": "" for d in range(1, 8)}
    assert utama.post(url(UTAMA, "jam-kerja/"), none).status_code == 400
    assert WorkingCalendar.objects.get(body__slug=UTAMA).office_hours == before


def test_following_the_ppid_utama_again(kabupaten):
    kabupaten.post(url(DINSOS, "hari/"), {"date": "2026-06-03", "kind": "off", "name": "Lokal"})
    assert WorkingCalendar.objects.filter(body__slug=DINSOS).exists()
    assert kabupaten.get(url(DINSOS, "ikuti/")).status_code == 200
    assert kabupaten.post(url(DINSOS, "ikuti/")).status_code == 302
    assert not WorkingCalendar.objects.filter(body__slug=DINSOS).exists()
    assert AuditEntry.objects.filter(action="calendar.follow_parent").exists()


@pytest.mark.parametrize("role", ["operator", "ppid", "atasan"])
def test_officers_read_the_calendar_but_cannot_change_it(client, seeded, role):
    client.force_login(get_user_model().objects.get(username=f"{DINSOS}.{role}"))
    page = client.get(url(DINSOS))
    assert page.status_code == 200
    assert "Tambahkan ke kalender" not in page.content.decode()
    data = {"date": "2026-06-03", "kind": "off", "name": "X"}
    assert client.post(url(DINSOS, "hari/"), data).status_code == 403
    assert client.post(url(DINSOS, "jam-kerja/"), {}).status_code == 403
    assert client.get(url(DINSOS, "ikuti/")).status_code == 403
    assert not CalendarDay.objects.exists()


def test_another_bodys_calendar_is_not_found(client, seeded):
    client.force_login(get_user_model().objects.get(username=f"{KUBU}.operator"))
    assert client.get(url(DINSOS)).status_code == 404
    assert client.post(url(DINSOS, "hari/"), {}).status_code == 404


def test_the_deadline_shows_its_explanation_on_the_task_list(client, seeded):
    with time_machine.travel(datetime(2026, 5, 29, 16, 25, tzinfo=WIB), tick=False):
        edition = open_edition(KUBU, title="Uji")
        step = Step.objects.get(edition=edition, finished_at=None)
        client.force_login(get_user_model().objects.get(username=f"{KUBU}.operator"))
        page = client.get("/tugas/").content.decode()
    assert step.due_skipped == (
        "Sabtu 2026-05-30, Minggu 2026-05-31 (akhir pekan); Senin 2026-06-01 (Hari Lahir Pancasila)"
    )
    assert f"dilewati: {step.due_skipped}" in page


def test_a_notice_writes_a_moment_in_the_zone_the_bodys_calendar_counts_in(
    seeded, django_assert_num_queries
):
    # Dinsos follows its PPID Utama's calendar row but counts in its own zone; the notices of
    # requests and objections write their deadlines in that zone, without loading the calendar.
    dinsos = Body.objects.get(slug=DINSOS)
    dinsos.time_zone = "Asia/Makassar"
    assert calendar_for_body(dinsos).tz == ZoneInfo("Asia/Makassar")
    with django_assert_num_queries(0):
        assert body_zone(dinsos) == ZoneInfo("Asia/Makassar")
        text = when(datetime(2026, 12, 7, 9, 0, tzinfo=WIB), dinsos)
    assert text.endswith(" 7 December 2026 10:00 WITA") or text.endswith(
        " 7 Desember 2026 10:00 WITA"
    )


@pytest.mark.django_db
def test_the_compiled_calendar_lookup_finds_each_bodys_own_or_nearest_calendar(seeded):
    """The lookup's SQL is compiled once for a stand-in body (issue 15): for each body, asked one
    after the other, it finds what the ORM's query finds: its own calendar, its parent's, its
    grandparent's, or none, with the days of the one found."""
    from ppid import calendar as calendars

    grand = Body.objects.filter(parent=None, children__children__isnull=False).first()
    middle = grand.children.filter(children__isnull=False).first()
    leaf = middle.children.first()
    direct = grand.children.filter(children__isnull=True).first()
    WorkingCalendar.objects.filter(body__in=[grand, middle, leaf, direct]).delete()
    top = WorkingCalendar.objects.create(body=grand)
    CalendarDay.objects.create(calendar=top, date=date(2026, 6, 3), kind="off", name="Lokal")
    own = WorkingCalendar.objects.create(body=middle)
    outside = Body.objects.exclude(pk=grand.pk).filter(parent=None, calendar__isnull=True).first()
    expected = {middle: own, leaf: own, direct: top, grand: top}
    if outside is not None:
        expected[outside] = None
    for body, row in expected.items():
        found = calendars._applicable_row(body)
        orm = calendars._applicable_query(body.pk).first()
        assert (found and found.pk) == (row and row.pk) == (orm and orm.pk), body
        if found is not None:
            assert [d.name for d in found.days.all()] == (["Lokal"] if row == top else [])
    assert "postgresql" in calendars._compiled_lookup


def test_an_eastern_body_shows_its_own_new_year(seeded):
    """23:30 WIB on 31 December 2026 (the server's clock) is 01:30 on 1 January 2027 in
    Jayapura (WIT): the page opens on 2027 there and lets one look up to 2032; 2033 is out of
    reach and falls back to 2027. A body in Pontianak is still in 2026."""
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    with time_machine.travel(datetime(2026, 12, 31, 23, 30, tzinfo=WIB), tick=False):
        kabupaten = Client()
        kabupaten.force_login(get_user_model().objects.get(username=utama_of(DINSOS)))
        assert "Hari libur tahun 2027" in kabupaten.get(url(DINSOS)).content.decode()
        ahead = kabupaten.get(url(DINSOS), {"tahun": 2032}).content.decode()
        assert "Hari libur tahun 2032" in ahead
        beyond = kabupaten.get(url(DINSOS), {"tahun": 2033}).content.decode()
        assert "Hari libur tahun 2027" in beyond and "Hari libur tahun 2033" not in beyond
        Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Pontianak")
        assert "Hari libur tahun 2026" in kabupaten.get(url(DINSOS)).content.decode()
