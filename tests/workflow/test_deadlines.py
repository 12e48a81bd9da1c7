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
LONG_WEEKEND = (
    "Sabtu 2026-05-30, Minggu 2026-05-31 (akhir pekan); Senin 2026-06-01 (Hari Lahir Pancasila)"
)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def explain(start, amount, unit, cal=CAL) -> str:
    return compute_deadline(start, amount, unit, cal).explain(cal.tz_name)


def test_the_issue_example_friday_before_a_long_weekend():
    # Friday 2026-05-29 16:25: 5 minutes left that day (Friday closes at 16:30); Saturday,
    # Sunday (also Waisak: a weekend day is named as such) and Monday 1 June are skipped.
    assert explain(at(2026, 5, 29, 16, 25), 15, "menit") == (
        "Selasa 2026-06-02 07:40; dilewati: Sabtu 2026-05-30, Minggu 2026-05-31 (akhir pekan); "
        "Senin 2026-06-01 (Hari Lahir Pancasila)"
    )


def test_the_issue_16_example_saturday_evening_one_hari():
    # SOP 000 step 1 "1 Hari" opened on Saturday 2026-12-05 at 21:18 was due "Minggu
    # 2026-12-06 21:18". A hari is an office day: received Monday, due Tuesday at closing time.
    assert explain(at(2026, 12, 5, 21, 18), 1, "hari") == (
        "Selasa 2026-12-08 16:00; dilewati: Sabtu 2026-12-05, Minggu 2026-12-06 (akhir pekan)"
    )
    # The rare standard that really runs on calendar days says so.
    assert explain(at(2026, 12, 5, 21, 18), 1, "hari_kalender") == (
        "Minggu 2026-12-06 21:18; dihitung hari kalender"
    )


def test_the_explanation_names_each_skipped_day_and_why():
    # The issue's wording: a weekend grouped, a holiday by its name.
    assert explain(at(2026, 12, 18, 15, 0), 7, "hari") == (
        "Kamis 2026-12-31 16:00; dilewati: Sabtu 2026-12-19, Minggu 2026-12-20 (akhir pekan); "
        "Kamis 2026-12-24 (Cuti Bersama Hari Raya Natal); Jumat 2026-12-25 (Hari Raya Natal); "
        "Sabtu 2026-12-26, Minggu 2026-12-27 (akhir pekan)"
    )


def test_a_long_explanation_fits_the_column_and_counts_the_rest():
    text = explain(at(2026, 3, 1, 15, 0), 300, "hari")
    assert len(text) <= 500
    assert text.startswith("Jumat 2027-06-11 16:30; dilewati: Minggu 2026-03-01 (akhir pekan); ")
    assert text.endswith(" hari lain")
    assert "Senin 2026-03-23, Selasa 2026-03-24 (Cuti Bersama Hari Raya Idul Fitri)" in text


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
        (
            at(2026, 6, 5, 19, 0),
            60,
            "menit",
            "Senin 2026-06-08 08:30; dilewati: Sabtu 2026-06-06, Minggu 2026-06-07 (akhir pekan)",
        ),
        # Opened on a Saturday: the Saturday itself is skipped too.
        (
            at(2026, 6, 6, 10, 0),
            15,
            "menit",
            "Senin 2026-06-08 07:45; dilewati: Sabtu 2026-06-06, Minggu 2026-06-07 (akhir pekan)",
        ),
        # Friday closes at 16:30: 15:55 + 15 min is still Friday.
        (at(2026, 6, 5, 15, 55), 15, "menit", "Jumat 2026-06-05 16:10"),
        # The day before cuti bersama: Wed 2026-05-27 Idul Adha, Thu 28 cuti bersama.
        (
            at(2026, 5, 26, 15, 50),
            1,
            "jam",
            "Jumat 2026-05-29 08:20; dilewati: Rabu 2026-05-27 (Hari Raya Idul Adha); "
            "Kamis 2026-05-28 (Cuti Bersama Hari Raya Idul Adha)",
        ),
        # Year end: Thu 24 Dec cuti bersama, Fri 25 Christmas, weekend, Fri 1 Jan 2027.
        (
            at(2026, 12, 23, 15, 0),
            2,
            "hari_kerja",
            "Selasa 2026-12-29 16:00; dilewati: Kamis 2026-12-24 (Cuti Bersama Hari Raya "
            "Natal); Jumat 2026-12-25 (Hari Raya Natal); Sabtu 2026-12-26, Minggu 2026-12-27 "
            "(akhir pekan)",
        ),
        # hari is an office day too: the same count as hari kerja.
        (
            at(2026, 12, 23, 15, 0),
            2,
            "hari",
            "Selasa 2026-12-29 16:00; dilewati: Kamis 2026-12-24 (Cuti Bersama Hari Raya "
            "Natal); Jumat 2026-12-25 (Hari Raya Natal); Sabtu 2026-12-26, Minggu 2026-12-27 "
            "(akhir pekan)",
        ),
        # hari kerja: closing time of the N-th working day after the day received.
        (at(2026, 6, 3, 10, 0), 1, "hari_kerja", "Kamis 2026-06-04 16:00"),
        (at(2026, 6, 4, 10, 0), 1, "hari_kerja", "Jumat 2026-06-05 16:30"),
        (
            at(2026, 6, 5, 10, 0),
            1,
            "hari_kerja",
            "Senin 2026-06-08 16:00; dilewati: Sabtu 2026-06-06, Minggu 2026-06-07 (akhir pekan)",
        ),
        (at(2026, 6, 3, 10, 0), 1, "hari", "Kamis 2026-06-04 16:00"),
        # Received after closing: counts from the next working day.
        (at(2026, 6, 3, 17, 0), 1, "hari_kerja", "Jumat 2026-06-05 16:30"),
        # hari kalender: calendar days, holidays included.
        (
            at(2026, 5, 29, 16, 25),
            7,
            "hari_kalender",
            "Jumat 2026-06-05 16:25; dihitung hari kalender",
        ),
        (
            at(2026, 12, 30, 10, 0),
            1,
            "hari_kalender",
            "Kamis 2026-12-31 10:00; dihitung hari kalender",
        ),
    ],
)
def test_deadline_table(start, amount, unit, expected):
    assert explain(start, amount, unit) == expected


def test_year_end_office_time_crosses_into_the_new_year():
    # Thu 31 Dec 2026 15:50 + 1 jam: 10 minutes left; 1 Jan 2027 (Tahun Baru) and the weekend
    # are skipped; Monday 4 Jan 08:20.
    assert explain(at(2026, 12, 31, 15, 50), 1, "jam") == (
        "Senin 2027-01-04 08:20; dilewati: Jumat 2027-01-01 (Tahun Baru Masehi); "
        "Sabtu 2027-01-02, Minggu 2027-01-03 (akhir pekan)"
    )


def test_local_days_off_and_worked_holidays():
    cal = WorkCalendar(
        days_off={date(2026, 6, 4): "Hari Jadi Kabupaten"},
        days_on=frozenset({date(2026, 6, 1)}),
    )
    assert explain(at(2026, 6, 3, 15, 55), 15, "menit", cal) == (
        "Jumat 2026-06-05 07:40; dilewati: Kamis 2026-06-04 (Hari Jadi Kabupaten)"
    )
    # 1 June is worked in this body: Friday 16:25 + 15 min → Monday 07:40.
    assert explain(at(2026, 5, 29, 16, 25), 15, "menit", cal) == (
        "Senin 2026-06-01 07:40; dilewati: Sabtu 2026-05-30, Minggu 2026-05-31 (akhir pekan)"
    )


def test_reminder_at_eighty_percent_of_office_time():
    # 16:25 Friday + 15 office minutes: 12 minutes in → Tuesday 07:37.
    deadline = compute_deadline(at(2026, 5, 29, 16, 25), 15, "menit", CAL)
    assert deadline.remind_at == at(2026, 6, 2, 7, 37)
    deadline = compute_deadline(at(2026, 6, 3, 9, 0), 7, "hari_kalender", CAL)
    assert deadline.remind_at == at(2026, 6, 3, 9, 0) + timedelta(days=7) * 0.8
    # 1 hari from Wednesday 09:00: due Thursday 16:00, 15.5 office hours → 80% = 12.4 h →
    # Wednesday 7 h (to 16:00) + Thursday 5.4 h from 07:30 → 12:54.
    deadline = compute_deadline(at(2026, 6, 3, 9, 0), 1, "hari", CAL)
    assert deadline.due_at == at(2026, 6, 4, 16, 0)
    assert deadline.remind_at == at(2026, 6, 4, 12, 54)


# --- properties --------------------------------------------------------------------------

starts = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 20)).map(
    lambda d: d.replace(second=0, microsecond=0, tzinfo=TZ)
)
office_units = st.sampled_from(["menit", "jam", "hari", "hari_kerja"])


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
    first = compute_deadline(start, a, "hari_kalender", CAL).due_at
    assert compute_deadline(first, b, "hari_kalender", CAL).due_at == (
        compute_deadline(start, a + b, "hari_kalender", CAL).due_at
    )


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=st.integers(1, 60))
def test_hari_and_hari_kerja_are_one_count(start, amount):
    assert compute_deadline(start, amount, "hari", CAL) == compute_deadline(
        start, amount, "hari_kerja", CAL
    )


@settings(max_examples=200, deadline=None)
@given(start=starts, amount=st.integers(1, 60), unit=office_units)
def test_the_explanation_lists_exactly_the_days_off_skipped(start, amount, unit):
    deadline = compute_deadline(start, amount, unit, CAL)
    text = deadline.explain(CAL.tz_name)
    assert len(text) <= 500
    days_off = [
        start.date() + timedelta(days=n)
        for n in range((deadline.due_at.date() - start.date()).days)
        if not CAL.is_working_day(start.date() + timedelta(days=n))
    ]
    assert [day for day, _ in deadline.skipped] == days_off
    if days_off and len(text) < 400:
        for day in days_off:
            assert f"{day:%Y-%m-%d}" in text


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
        f"Selasa 2026-06-02 07:40; dilewati: {LONG_WEEKEND}"
    )


# Every step of the three seed SOPs, opened on the Friday before the long weekend of
# 30 May - 1 June 2026 at 16:25 (five office minutes left that Friday).
FRIDAY_EVENING = at(2026, 5, 29, 16, 25)
EXPECTED_FROM_FRIDAY_EVENING = {
    (15, "menit"): f"Selasa 2026-06-02 07:40; dilewati: {LONG_WEEKEND}",
    (30, "menit"): f"Selasa 2026-06-02 07:55; dilewati: {LONG_WEEKEND}",
    (60, "menit"): f"Selasa 2026-06-02 08:25; dilewati: {LONG_WEEKEND}",
    (1, "jam"): f"Selasa 2026-06-02 08:25; dilewati: {LONG_WEEKEND}",
    (1, "hari"): f"Selasa 2026-06-02 16:00; dilewati: {LONG_WEEKEND}",
    (7, "hari"): f"Rabu 2026-06-10 16:00; dilewati: {LONG_WEEKEND}; "
    "Sabtu 2026-06-06, Minggu 2026-06-07 (akhir pekan)",
    (1, "hari_kerja"): f"Selasa 2026-06-02 16:00; dilewati: {LONG_WEEKEND}",
    (2, "hari_kerja"): f"Rabu 2026-06-03 16:00; dilewati: {LONG_WEEKEND}",
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


# Issue 16: every seed step from four awkward moments. "Hari" and "hari kerja" are office days,
# so no seed deadline falls on a day off or outside office hours.
AWKWARD_STARTS = {
    "friday-15:00": at(2026, 12, 4, 15, 0),
    "saturday-evening": at(2026, 12, 5, 21, 18),
    # Tuesday 2026-08-25 is Maulid Nabi Muhammad.
    "before-a-national-holiday": at(2026, 8, 24, 15, 50),
    # Thursday 2026-12-24 is cuti bersama, Friday 25 Christmas, then the weekend.
    "before-cuti-bersama": at(2026, 12, 23, 15, 50),
}
EXPECTED_DUE = {
    "friday-15:00": {
        (15, "menit"): "Jumat 2026-12-04 15:15",
        (30, "menit"): "Jumat 2026-12-04 15:30",
        (60, "menit"): "Jumat 2026-12-04 16:00",
        (1, "jam"): "Jumat 2026-12-04 16:00",
        (1, "hari"): "Senin 2026-12-07 16:00",
        (7, "hari"): "Selasa 2026-12-15 16:00",
        (1, "hari_kerja"): "Senin 2026-12-07 16:00",
        (2, "hari_kerja"): "Selasa 2026-12-08 16:00",
    },
    "saturday-evening": {
        (15, "menit"): "Senin 2026-12-07 07:45",
        (30, "menit"): "Senin 2026-12-07 08:00",
        (60, "menit"): "Senin 2026-12-07 08:30",
        (1, "jam"): "Senin 2026-12-07 08:30",
        (1, "hari"): "Selasa 2026-12-08 16:00",
        (7, "hari"): "Rabu 2026-12-16 16:00",
        (1, "hari_kerja"): "Selasa 2026-12-08 16:00",
        (2, "hari_kerja"): "Rabu 2026-12-09 16:00",
    },
    "before-a-national-holiday": {
        (15, "menit"): "Rabu 2026-08-26 07:35",
        (30, "menit"): "Rabu 2026-08-26 07:50",
        (60, "menit"): "Rabu 2026-08-26 08:20",
        (1, "jam"): "Rabu 2026-08-26 08:20",
        (1, "hari"): "Rabu 2026-08-26 16:00",
        (7, "hari"): "Kamis 2026-09-03 16:00",
        (1, "hari_kerja"): "Rabu 2026-08-26 16:00",
        (2, "hari_kerja"): "Kamis 2026-08-27 16:00",
    },
    "before-cuti-bersama": {
        (15, "menit"): "Senin 2026-12-28 07:35",
        (30, "menit"): "Senin 2026-12-28 07:50",
        (60, "menit"): "Senin 2026-12-28 08:20",
        (1, "jam"): "Senin 2026-12-28 08:20",
        (1, "hari"): "Senin 2026-12-28 16:00",
        (7, "hari"): "Kamis 2027-01-07 16:00",
        (1, "hari_kerja"): "Senin 2026-12-28 16:00",
        (2, "hari_kerja"): "Selasa 2026-12-29 16:00",
    },
}


def _seed_steps_from_awkward_starts():
    for moment in AWKWARD_STARTS:
        for param in _seed_steps():
            amount, unit = param.values
            yield pytest.param(moment, amount, unit, id=f"{moment}-{param.id}")


@pytest.mark.parametrize(("moment", "amount", "unit"), list(_seed_steps_from_awkward_starts()))
def test_every_seed_step_from_an_awkward_moment_is_due_in_office_hours(moment, amount, unit):
    start = AWKWARD_STARTS[moment]
    deadline = compute_deadline(start, amount, unit, CAL)
    text = deadline.explain(CAL.tz_name)
    assert text.split(";")[0] == EXPECTED_DUE[moment][(amount, unit)]
    assert CAL.is_working_day(deadline.due_at.date())
    assert inside_office(deadline.due_at)
    if unit in ("hari", "hari_kerja"):
        # A day standard ends at closing time.
        assert deadline.due_at.time() == CAL.office_span(deadline.due_at.date())[1].time()
    # Each day off between the start and the deadline is named, with why.
    for day, why in deadline.skipped:
        assert f"{day:%Y-%m-%d}" in text
        assert why in text


def test_the_day_before_cuti_bersama_names_the_days_skipped():
    assert explain(AWKWARD_STARTS["before-cuti-bersama"], 1, "hari") == (
        "Senin 2026-12-28 16:00; dilewati: Kamis 2026-12-24 (Cuti Bersama Hari Raya Natal); "
        "Jumat 2026-12-25 (Hari Raya Natal); Sabtu 2026-12-26, Minggu 2026-12-27 (akhir pekan)"
    )
    assert explain(AWKWARD_STARTS["before-a-national-holiday"], 15, "menit") == (
        "Rabu 2026-08-26 07:35; dilewati: Selasa 2026-08-25 (Maulid Nabi Muhammad)"
    )
