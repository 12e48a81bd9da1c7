"""Issue 16: a "hari" in an SOP is an office day. The issue's Saturday-evening example through
the services, the SOP page's wording, the unit offered for calendar days, and the audited
command that recomputes the deadlines of the steps already open."""

from __future__ import annotations

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from dip.models import Edition
from ppid.models import Body
from tests.helpers import advance, open_edition
from workflow.models import AuditEntry, Sop, SopStep, Step, TimeUnit
from workflow.services.deadlines import RECOMPUTE_ACTION

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Pontianak")
DINSOS = "dinsos-p3a-kapuas-hulu"  # SOP 000: "1 Hari", "15 Menit", ...
KALBAR = "disdukcapil-kalbar"  # SOP 002: "7 Hari", "60 Menit", "30 Menit"
KUBU = "disdukcapil-kubu-raya"  # SOP 004: "1 hari kerja", "2 hari kerja", "1 jam"
SATURDAY_EVENING = datetime(2026, 12, 5, 21, 18, tzinfo=WIB)
TUESDAY_CLOSE = datetime(2026, 12, 8, 16, 0, tzinfo=WIB)
# What the calendar-day count stored before issue 16.
OLD_SUNDAY_NIGHT = datetime(2026, 12, 6, 21, 18, tzinfo=WIB)


def _open_on_saturday_evening(slug: str = DINSOS) -> Step:
    with time_machine.travel(SATURDAY_EVENING, tick=False):
        edition = open_edition(slug, title="DIP 2026")
    return Step.objects.get(edition=edition, finished_at=None)


def _as_stored_before_issue_16(step: Step) -> None:
    """The step as the old calendar-day count stored it: due Sunday night."""
    Step.objects.filter(pk=step.pk).update(
        due_at=OLD_SUNDAY_NIGHT,
        remind_at=datetime(2026, 12, 6, 16, 30, tzinfo=WIB),
        next_notice_at=datetime(2026, 12, 6, 16, 30, tzinfo=WIB),
        due_explanation="Minggu 2026-12-06 21:18",
    )


def _recompute(*args: str) -> str:
    out = StringIO()
    call_command("recompute_deadlines", *args, stdout=out)
    return out.getvalue()


def test_the_issue_example_a_saturday_evening_step_is_due_tuesday_at_closing_time(seeded):
    step = _open_on_saturday_evening()
    assert (step.stage, step.standard_amount, step.standard_unit) == ("identification", 1, "hari")
    assert step.due_at == TUESDAY_CLOSE
    assert step.due_explanation == (
        "Selasa 2026-12-08 16:00; dilewati: Sabtu 2026-12-05, Minggu 2026-12-06 (akhir pekan)"
    )
    assert step.due_skipped == "Sabtu 2026-12-05, Minggu 2026-12-06 (akhir pekan)"
    # The reminder comes inside Tuesday's office hours, never on the weekend.
    remind = step.remind_at.astimezone(WIB)
    assert remind.date() == TUESDAY_CLOSE.date() and 7 <= remind.hour < 16


def test_the_task_list_shows_the_skipped_days_and_why(seeded, login):
    step = _open_on_saturday_evening()
    with time_machine.travel(SATURDAY_EVENING, tick=False):
        page = login(f"{DINSOS}.operator").get("/tugas/").content.decode()
    assert "dilewati: Sabtu 2026-12-05, Minggu 2026-12-06 (akhir pekan)" in page
    assert f'title="{step.due_explanation}"' in page


def test_the_sop_pages_keep_the_seeds_wording(seeded, login):
    # Each body's own SOP, on its version page (the SOP page also shows the default route a
    # body follows for its other list, in that route's own units).
    pages = {
        slug: login(f"{slug}.ppid").get(
            f"/badan/{slug}/sop/"
            f"{Sop.objects.get(body__slug=slug, is_active=True, is_default_route=False).pk}/"
        )
        for slug in (DINSOS, KALBAR, KUBU)
    }
    assert all(page.status_code == 200 for page in pages.values())
    text = {slug: page.content.decode() for slug, page in pages.items()}
    assert "1 Hari</td>" in text[DINSOS] and "15 Menit</td>" in text[DINSOS]
    assert "7 Hari</td>" in text[KALBAR] and "60 Menit</td>" in text[KALBAR]
    assert "1 Hari Kerja</td>" in text[KUBU] and "2 Hari Kerja</td>" in text[KUBU]
    # "Hari" is never renamed into "Hari Kerja" on the page, nor the other way round.
    assert "Hari Kerja</td>" not in text[DINSOS] + text[KALBAR]
    assert "hari kerja kantor" in text[DINSOS]  # the note under the table says how days count


def test_hari_kalender_is_offered_and_counts_calendar_days(seeded, client):
    # The in-app SOP form offers the unit (the admin no longer edits an SOP in place).
    client.force_login(get_user_model().objects.get(username=f"{DINSOS}.atasan"))
    sop = Sop.objects.get(body__slug=DINSOS, is_active=True)
    page = client.get(f"/badan/{DINSOS}/sop/{sop.pk}/ubah/")
    assert page.status_code == 200
    assert 'value="hari_kalender"' in page.content.decode()
    assert "hari kalender" in page.content.decode()
    # The SOP's first step made a calendar-day standard: due the same time the next day.
    SopStep.objects.filter(sop=sop, number=1).update(time_unit=TimeUnit.HARI_KALENDER)
    step = _open_on_saturday_evening()
    assert step.standard_unit == "hari_kalender"
    assert step.due_at == OLD_SUNDAY_NIGHT
    assert step.due_explanation == "Minggu 2026-12-06 21:18; dihitung hari kalender"
    assert "1 Hari Kalender</td>" in client.get(f"/badan/{DINSOS}/sop/").content.decode()


def test_an_unknown_unit_is_refused_and_nothing_stored(seeded):
    step = SopStep.objects.filter(sop__body__slug=DINSOS, number=1).get()
    step.time_unit = "hari_libur"
    with pytest.raises(ValidationError) as error:
        step.full_clean()
    assert "time_unit" in error.value.message_dict
    assert SopStep.objects.get(pk=step.pk).time_unit == "hari"


# --- recomputing the open steps on request ---------------------------------------------------


def test_dry_run_shows_the_change_and_stores_nothing(seeded):
    step = _open_on_saturday_evening()
    _as_stored_before_issue_16(step)
    out = _recompute("--dry-run", "--body", DINSOS)
    assert f"step {step.pk} " in out
    assert "Minggu 2026-12-06 21:18 → Selasa 2026-12-08 16:00; dilewati: Sabtu 2026-12-05" in out
    assert "1 open steps checked: 1 would change (1 deadlines moved" in out
    assert "Dry run: nothing stored." in out
    step.refresh_from_db()
    assert step.due_at == OLD_SUNDAY_NIGHT
    assert step.due_explanation == "Minggu 2026-12-06 21:18"
    assert not AuditEntry.objects.filter(action=RECOMPUTE_ACTION).exists()


def test_recompute_moves_the_open_step_and_audits_it(seeded):
    step = _open_on_saturday_evening()
    _as_stored_before_issue_16(step)
    # A second body's open step whose deadline is already right: unchanged, not audited.
    other = _open_on_saturday_evening(KUBU)
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=WIB), tick=False):
        out = _recompute("--by", "ppid-utama", "--note", "Issue 16: hari = hari kerja")
    assert "2 open steps checked: 1 changed (1 deadlines moved, 0 explanations only), " in out
    assert "1 unchanged." in out
    step.refresh_from_db()
    assert step.due_at == TUESDAY_CLOSE
    assert step.due_explanation.startswith("Selasa 2026-12-08 16:00; dilewati: Sabtu 2026-12-05")
    assert step.remind_at.astimezone(WIB).date() == TUESDAY_CLOSE.date()
    assert step.next_notice_at == step.remind_at
    entry = AuditEntry.objects.get(action=RECOMPUTE_ACTION)
    assert entry.target_id == str(step.pk) and entry.edition_id == step.edition_id
    assert entry.actor.username == "ppid-utama"
    assert entry.note == "Issue 16: hari = hari kerja"
    assert datetime.fromisoformat(entry.data["old_due_at"]) == OLD_SUNDAY_NIGHT
    assert datetime.fromisoformat(entry.data["new_due_at"]) == TUESDAY_CLOSE
    assert entry.data["old_explanation"] == "Minggu 2026-12-06 21:18"
    assert entry.data["standard_unit"] == "hari"
    other_before = Step.objects.get(pk=other.pk)
    assert other_before.due_at == other.due_at
    # A second run finds nothing to do.
    again = _recompute()
    assert "2 open steps checked: 0 changed" in again
    assert AuditEntry.objects.filter(action=RECOMPUTE_ACTION).count() == 1


def test_a_finished_step_and_other_units_are_left_alone(seeded):
    step = _open_on_saturday_evening()
    _as_stored_before_issue_16(step)
    out = _recompute("--unit", "hari_kerja")
    assert "0 changed" in out
    assert Step.objects.get(pk=step.pk).due_at == OLD_SUNDAY_NIGHT
    # Once the step is finished, its deadline is history.
    with time_machine.travel(datetime(2026, 12, 7, 9, 0, tzinfo=WIB), tick=False):
        advance(Edition.objects.get(pk=step.edition_id))
    _as_stored_before_issue_16(step)
    _recompute("--body", DINSOS)
    finished = Step.objects.get(pk=step.pk)
    assert finished.finished_at is not None and finished.due_at == OLD_SUNDAY_NIGHT
    assert not AuditEntry.objects.filter(action=RECOMPUTE_ACTION, target_id=str(step.pk)).exists()


def test_a_deadline_now_past_is_swept_at_once(seeded):
    step = _open_on_saturday_evening()
    Step.objects.filter(pk=step.pk).update(
        due_at=datetime(2026, 12, 20, 16, 0, tzinfo=WIB), next_notice_at=None
    )
    with time_machine.travel(datetime(2026, 12, 10, 9, 0, tzinfo=WIB), tick=False):
        _recompute("--body", DINSOS)
    step.refresh_from_db()
    # The recomputed reminder point (Tuesday) has passed: the next sweep sends what is owed.
    assert step.due_at == TUESDAY_CLOSE
    assert step.next_notice_at == step.remind_at < datetime(2026, 12, 10, 9, 0, tzinfo=WIB)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--body", "tidak-ada"], "No body with the slug tidak-ada"),
        (["--by", "tidak-ada"], "No user named 'tidak-ada'"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_stored(seeded, args, message):
    step = _open_on_saturday_evening()
    _as_stored_before_issue_16(step)
    with pytest.raises(CommandError, match=message):
        _recompute(*args)
    assert Step.objects.get(pk=step.pk).due_at == OLD_SUNDAY_NIGHT
    assert not AuditEntry.objects.filter(action=RECOMPUTE_ACTION).exists()
    assert Body.objects.filter(slug=DINSOS).exists()
