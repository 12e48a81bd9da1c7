"""The working calendar and the deadline function: the issue's example, the edges, properties."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppid.calendar import WorkCalendar
from workflow.deadlines import add_office_seconds, compute_deadline

TZ = ZoneInfo("Asia/Pontianak")
CAL = WorkCalendar()


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def explain(start, amount, unit, cal=CAL) -> str:
    return compute_deadline(start, amount, unit, cal).explain(cal.tz_name)


def test_the_issue_example_friday_before_a_long_weekend():
    # Friday 2026-05-29 16:25: 5 minutes left that day (Friday closes at 16:30); Saturday,
    # Sunday (also Waisak: a weekend day is named as such) and Monday 1 June are skipped.
    assert explain(at(2026, 5, 29, 16, 25), 15, "menit") == (
        "Selasa 2026-06-02 07:40; dilewati: Sabtu, Minggu, Hari Lahir Pancasila"
    )


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # Inside office hours: plain addition.
        (at(2026, 6, 3, 9, 0), 15, "menit", "Rabu 2026-06-03 09:15"),
        (at(2026, 6, 3, 9, 0), 60, "menit", "Rabu 2026-06-03 10:00"),
        (at(2026, 6, 3, 9, 0), 1, "jam", "Rabu 2026-06-03 10:00"),
        # Monday to Thursday close at 16:00: 15:55 + 15 min → next morning 07:40.
        (at(2026, 6, 3, 15, 55), 15, "menit", "Kamis 2026-06-04 07:40"),
        # Before opening time: the clock starts at 07:30.
        (at(2026, 6, 3, 6, 0), 15, "menit", "Rabu 2026-06-03 07:45"),
        # Friday evening after closing: Monday morning.
        (at(2026, 6, 5, 19, 0), 60, "menit", "Senin 2026-06-08 08:30; dilewati: Sabtu, Minggu"),
        # Opened on a Saturday: the Saturday itself is skipped too.
        (at(2026, 6, 6, 10, 0), 15, "menit", "Senin 2026-06-08 07:45; dilewati: Sabtu, Minggu"),
        # Friday closes at 16:30: 15:55 + 15 min is still Friday.
        (at(2026, 6, 5, 15, 55), 15, "menit", "Jumat 2026-06-05 16:10"),
        # The day before cuti bersama: Wed 2026-05-27 Idul Adha, Thu 28 cuti bersama.
        (
            at(2026, 5, 26, 15, 50),
            1,
            "jam",
            "Jumat 2026-05-29 08:20; dilewati: Hari Raya Idul Adha, "
            "Cuti Bersama Hari Raya Idul Adha",
        ),
        # Year end: Thu 24 Dec cuti bersama, Fri 25 Christmas, weekend, Fri 1 Jan 2027.
        (
            at(2026, 12, 23, 15, 0),
            2,
            "hari_kerja",
            "Selasa 2026-12-29 16:00; dilewati: Cuti Bersama Hari Raya Natal, "
            "Hari Raya Natal, Sabtu, Minggu",
        ),
        # hari kerja: closing time of the N-th working day after the day received.
        (at(2026, 6, 3, 10, 0), 1, "hari_kerja", "Kamis 2026-06-04 16:00"),
        (at(2026, 6, 4, 10, 0), 1, "hari_kerja", "Jumat 2026-06-05 16:30"),
        (at(2026, 6, 5, 10, 0), 1, "hari_kerja", "Senin 2026-06-08 16:00; dilewati: Sabtu, Minggu"),
        # Received after closing: counts from the next working day.
        (at(2026, 6, 3, 17, 0), 1, "hari_kerja", "Jumat 2026-06-05 16:30"),
        # hari: calendar days, holidays included.
        (at(2026, 5, 29, 16, 25), 7, "hari", "Jumat 2026-06-05 16:25"),
        (at(2026, 12, 30, 10, 0), 1, "hari", "Kamis 2026-12-31 10:00"),
    ],
)
def test_deadline_table(start, amount, unit, expected):
    assert explain(start, amount, unit) == expected


def test_year_end_office_time_crosses_into_the_new_year():
    # Thu 31 Dec 2026 15:50 + 1 jam: 10 minutes left; 1 Jan 2027 (Tahun Baru) and the weekend
    # are skipped; Monday 4 Jan 08:20.
    assert explain(at(2026, 12, 31, 15, 50), 1, "jam") == (
        "Senin 2027-01-04 08:20; dilewati: Tahun Baru Masehi, Sabtu, Minggu"
    )


def test_local_days_off_and_worked_holidays():
    cal = WorkCalendar(
        days_off={date(2026, 6, 4): "Hari Jadi Kabupaten"},
        days_on=frozenset({date(2026, 6, 1)}),
    )
    assert explain(at(2026, 6, 3, 15, 55), 15, "menit", cal) == (
        "Jumat 2026-06-05 07:40; dilewati: Hari Jadi Kabupaten"
    )
    # 1 June is worked in this body: Friday 16:25 + 15 min → Monday 07:40.
    assert explain(at(2026, 5, 29, 16, 25), 15, "menit", cal) == (
        "Senin 2026-06-01 07:40; dilewati: Sabtu, Minggu"
    )


def test_reminder_at_eighty_percent_of_office_time():
    # 16:25 Friday + 15 office minutes: 12 minutes in → Tuesday 07:37.
    deadline = compute_deadline(at(2026, 5, 29, 16, 25), 15, "menit", CAL)
    assert deadline.remind_at == at(2026, 6, 2, 7, 37)
    deadline = compute_deadline(at(2026, 6, 3, 9, 0), 7, "hari", CAL)
    assert deadline.remind_at == at(2026, 6, 3, 9, 0) + timedelta(days=7) * 0.8


# --- properties --------------------------------------------------------------------------

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ)
)
office_units = st.sampled_from(["menit", "jam", "hari_kerja"])


def inside_office(moment: datetime) -> bool:
    span = CAL.office_span(moment.date())
    return span is not None and span[0] <= moment.replace(tzinfo=None) <= span[1]


@settings(max_examples=300, deadline=None)
@given(start=starts, amount=st.integers(1, 600), unit=office_units)
def test_office_deadline_is_inside_office_hours_of_a_working_day(start, amount, unit):
    deadline = compute_deadline(start, amount, unit, CAL)
    assert deadline.due_at > start
    assert CAL.is_working_day(deadline.due_at.date())
    assert inside_office(deadline.due_at)
    assert start <= deadline.remind_at <= deadline.due_at
    assert all(not CAL.is_working_day(day) for day, _ in deadline.skipped)


@settings(max_examples=300, deadline=None)
@given(start=starts, a=st.integers(1, 400), b=st.integers(1, 400), unit=office_units)
def test_adding_a_then_b_equals_adding_a_plus_b(start, a, b, unit):
    once = compute_deadline(start, a + b, unit, CAL).due_at
    first = compute_deadline(start, a, unit, CAL).due_at
    assert compute_deadline(first, b, unit, CAL).due_at == once


@settings(max_examples=200, deadline=None)
@given(start=starts, a=st.integers(1, 60), b=st.integers(1, 60))
def test_calendar_days_add_up(start, a, b):
    first = compute_deadline(start, a, "hari", CAL).due_at
    assert compute_deadline(first, b, "hari", CAL).due_at == (
        compute_deadline(start, a + b, "hari", CAL).due_at
    )


@settings(max_examples=200, deadline=None)
@given(start=starts, seconds=st.integers(1, 10 * 9 * 3600))
def test_office_seconds_are_exactly_spent(start, seconds):
    from workflow.deadlines import office_seconds_between

    local = start.replace(tzinfo=None)
    due = add_office_seconds(CAL, local, seconds)
    assert office_seconds_between(CAL, local, due) == seconds


def test_friday_closing_at_four_sends_a_late_friday_step_past_the_long_weekend():
    # A body whose Friday also closes at 16:00: 15:55 + 15 min on Friday 29 May 2026 → the
    # next working day's morning (Tuesday; Monday is Hari Lahir Pancasila).
    hours = {day: (CAL.hours[1][0], CAL.hours[1][1]) for day in range(1, 6)}
    cal = WorkCalendar(hours=hours)
    assert explain(at(2026, 5, 29, 15, 55), 15, "menit", cal) == (
        "Selasa 2026-06-02 07:40; dilewati: Sabtu, Minggu, Hari Lahir Pancasila"
    )


# Every step of the three seed SOPs, opened on the Friday before the long weekend of
# 30 May - 1 June 2026 at 16:25 (five office minutes left that Friday).
FRIDAY_EVENING = at(2026, 5, 29, 16, 25)
EXPECTED_FROM_FRIDAY_EVENING = {
    (15, "menit"): "Selasa 2026-06-02 07:40; dilewati: Sabtu, Minggu, Hari Lahir Pancasila",
    (30, "menit"): "Selasa 2026-06-02 07:55; dilewati: Sabtu, Minggu, Hari Lahir Pancasila",
    (60, "menit"): "Selasa 2026-06-02 08:25; dilewati: Sabtu, Minggu, Hari Lahir Pancasila",
    (1, "jam"): "Selasa 2026-06-02 08:25; dilewati: Sabtu, Minggu, Hari Lahir Pancasila",
    (1, "hari"): "Sabtu 2026-05-30 16:25",
    (7, "hari"): "Jumat 2026-06-05 16:25",
    (1, "hari_kerja"): "Selasa 2026-06-02 16:00; dilewati: Sabtu, Minggu, Hari Lahir Pancasila",
    (2, "hari_kerja"): "Rabu 2026-06-03 16:00; dilewati: Sabtu, Minggu, Hari Lahir Pancasila",
}


def _seed_steps():
    from workflow.seed_data import BODIES

    for body in BODIES:
        for step in body["sop"]["steps"]:
            yield pytest.param(
                step["time_amount"],
                step["time_unit"],
                id=f"{body['slug']}-{step['number']}-{step['stage']}",
            )


@pytest.mark.parametrize(("amount", "unit"), list(_seed_steps()))
def test_every_seed_step_opened_on_friday_evening_before_a_long_weekend(amount, unit):
    assert explain(FRIDAY_EVENING, amount, unit) == EXPECTED_FROM_FRIDAY_EVENING[(amount, unit)]
