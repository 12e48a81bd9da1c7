"""The audit's standard is the SOP's standard (issue 12 rule 9): `standard_seconds` is the time
the SOP allows (amount times unit; a day is one office day), the deadline (`due_at`) stands
beside it, and "on time" is judged by the deadline (finished_at <= due_at), in the history API,
the stored audit rows and the compliance report."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ppid.calendar import WorkCalendar, office_day_seconds
from ppid.models import Body
from tests.helpers import advance, officers_of, open_edition
from workflow.models import AuditEntry, Step, standard_seconds_of
from workflow.periods import MONTH, Period
from workflow.selectors.report import compliance_report

WIB = ZoneInfo("Asia/Pontianak")
DINSOS = "dinsos-p3a-kapuas-hulu"


def test_one_office_day_is_the_most_common_day_length():
    assert WorkCalendar().office_day_seconds == 30600  # 07:30-16:00, Friday to 16:30
    six_days = {d: (time(8), time(16)) for d in range(1, 6)} | {6: (time(8), time(12))}
    assert office_day_seconds(six_days) == 8 * 3600
    tie = {1: (time(8), time(16)), 2: (time(8), time(15))}
    assert office_day_seconds(tie) == 7 * 3600  # a tie takes the shorter day
    assert standard_seconds_of(15, "menit", 30600) == 900
    assert standard_seconds_of(2, "jam", 30600) == 7200
    assert standard_seconds_of(2, "hari_kerja", 30600) == 61200
    assert standard_seconds_of(1, "hari", 28800) == 28800
    assert standard_seconds_of(None, "", 30600) is None


@pytest.mark.django_db
def test_fifteen_minutes_started_in_the_evening_is_900_seconds_due_next_morning(seeded, api, login):
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    tuesday_evening = datetime(2027, 1, 5, 19, 0, tzinfo=WIB)
    with time_machine.travel(tuesday_evening, tick=False) as traveller:
        edition = open_edition(body, title="Uji standar", year=2027, officers=officers)
        edition = advance(edition, officers)  # identification (1 hari) -> instruction (15 menit)
        instruction = Step.objects.get(edition=edition, finished_at=None)
        assert instruction.stage == "instruction"
        assert instruction.standard_seconds == 900
        assert instruction.due_at == datetime(2027, 1, 6, 7, 45, tzinfo=WIB)
        traveller.move_to(datetime(2027, 1, 6, 7, 40, tzinfo=WIB))
        edition = advance(edition, officers)  # instruct: 5 minutes before the deadline
        edition = advance(edition, officers)  # collection -> verification (15 menit)
        verification = Step.objects.get(edition=edition, finished_at=None)
        assert verification.stage == "verification"
        traveller.shift(timedelta(minutes=16))
        edition = advance(edition, officers)  # verify: 1 minute late

    history = api(f"{DINSOS}.ppid").get(f"/api/editions/{edition.pk}/history/").json()
    by_transition = {h["transition"]: h for h in history}
    identify, instruct, verify = (by_transition[n] for n in ("identify", "instruct", "verify"))
    # A day is one office day of the body's calendar (the default hours: 8 h 30 min).
    assert identify["standard_seconds"] == 30600
    # The SOP's 15 minutes, not the 12 h 45 min wall-clock span to the deadline.
    assert instruct["standard_seconds"] == 900
    assert datetime.fromisoformat(instruct["due_at"]) == datetime(2027, 1, 6, 7, 45, tzinfo=WIB)
    assert instruct["duration_seconds"] == 12 * 3600 + 40 * 60
    # Longer than the standard in seconds, yet on time: the deadline decides.
    assert instruct["on_time"] is True
    assert verify["standard_seconds"] == 900
    assert datetime.fromisoformat(verify["due_at"]) == verification.due_at
    assert verify["duration_seconds"] == 16 * 60
    assert verify["on_time"] is False
    # The stored audit rows carry the standard too.
    stored = AuditEntry.objects.get(edition=edition, transition="instruct")
    assert stored.standard_seconds == 900
    # The edition's detail points to that history.
    detail = api(f"{DINSOS}.ppid").get(f"/api/editions/{edition.pk}/").json()
    assert detail["history_url"].endswith(f"/api/editions/{edition.pk}/history/")

    (report,) = compliance_report(
        bodies=[body], period=Period(2027, MONTH, 1), now=datetime(2027, 1, 6, 8, tzinfo=WIB)
    )
    steps = {s.step_number: s for s in report.steps}
    assert (steps[2].standard_seconds, steps[2].timed, steps[2].on_time) == (900, 1, 1)
    assert steps[2].median_seconds == 12 * 3600 + 40 * 60
    assert (steps[4].standard_seconds, steps[4].timed, steps[4].on_time) == (900, 1, 0)
    assert steps[1].standard_seconds == 30600
    assert [o.step_id for o in report.overdue] == [verification.pk]

    # The timeline shows the standard with the deadline beside it, and the late step as late.
    timeline = login(f"{DINSOS}.ppid").get(f"/edisi/{edition.pk}/linimasa/").content.decode()
    assert "15 menit" in timeline
    assert 'datetime="2027-01-06T07:45:00+07:00"' in timeline
    assert timeline.count("terlambat") == 1
