"""The clock watch: reminders at 80%, "terlambat" at the deadline, escalation one role up per
grace period, each sent once; the beat sweep selects the due steps and fans them out.

The deadline schedule of a step (due_at, remind_at, next_notice_at) is written when the step
opens; these tests open steps through the services and then set that schedule by hand, so that
they test the watch and not the deadline function. Time moves with time-machine.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from dip.models import Edition, Stage
from ppid.models import Body, BodyUserObjectPermission, Role
from tests.factories import BodyFactory, OfficerFactory
from tests.helpers import advance, edition_at, open_edition, utama_of
from tests.workflow.test_concurrency import _wait_for_waiters, run_together
from workflow import tasks
from workflow.models import AuditEntry, Notice, NoticeKind, Step
from workflow.selectors import serta_merta_requests_due_for_notice, steps_due_for_notice
from workflow.selectors.objections import objections_due_for_notice
from workflow.selectors.requests import requests_due_for_notice
from workflow.services import clock
from workflow.services.clock import step_watch

pytestmark = pytest.mark.usefixtures("celery_eager")
User = get_user_model()
WIB = ZoneInfo("Asia/Pontianak")
KALBAR = "disdukcapil-kalbar"  # SOP 002: the PPID gives the final approval; a province OPD
KAPUAS = "dinsos-p3a-kapuas-hulu"  # SOP 000: operator, ppid, atasan
KUBU = "disdukcapil-kubu-raya"  # SOP 004: operator, ppid, tim, atasan
KAPUAS_UTAMA = utama_of(KAPUAS)  # the kabupaten's PPID Utama, not the province's
T0 = datetime(2027, 3, 1, 8, 0, tzinfo=WIB)  # a Monday morning
DUE = T0 + timedelta(hours=10)
REMIND = T0 + timedelta(hours=8)
GRACE = timedelta(hours=4)  # PPID_ESCALATION_GRACE_HOURS, set below


@pytest.fixture(autouse=True)
def _clock_settings(settings):
    settings.PPID_ESCALATION_GRACE_HOURS = 4
    settings.PPID_CLOCK_SWEEP_BATCH = 5000
    settings.PPID_PUBLIC_BASE_URL = "https://ppid.example.go.id"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def user(username: str):
    return User.objects.get(username=username)


def with_email(*usernames: str) -> None:
    for name in usernames:
        User.objects.filter(username=name).update(email=f"{name}@ppid.example.go.id")


def open_step_of(edition: Edition) -> Step:
    return Step.objects.get(edition=edition, finished_at=None)


def schedule(edition: Edition, *, due=DUE, remind=REMIND) -> Step:
    """Give the edition's open step the schedule its opening would: due, 80% mark, and the
    next moment to look (the reminder). Every other open step gets none, so only this one
    can be due."""
    Step.objects.filter(finished_at=None).exclude(edition=edition).update(
        due_at=T0 + timedelta(days=365), remind_at=None, next_notice_at=None
    )
    step = open_step_of(edition)
    Step.objects.filter(pk=step.pk).update(
        started_at=T0,
        due_at=due,
        remind_at=remind,
        next_notice_at=remind or due,
        due_explanation="Senin 2027-03-01 18:00",
    )
    step.refresh_from_db()
    return step


def sweep_at(moment: datetime) -> int:
    with at(moment):
        return tasks.sweep_step_clock()


def clock_notices():
    """The clock's notices (reminder, overdue, escalation): each hand-over also tells the next
    actor (tests/workflow/test_handover.py), which these tests leave aside."""
    return Notice.objects.exclude(kind__in=[NoticeKind.HANDOVER, NoticeKind.RETURNED])


def notices(**filters) -> list[tuple[str, str, str]]:
    """(recipient username, kind, key) of the stored notices, in a stable order."""
    return sorted(
        clock_notices().filter(**filters).values_list("recipient__username", "kind", "key")
    )


def audit(step: Step, action: str):
    return AuditEntry.objects.filter(target_type="workflow.step", target_id=str(step.pk)).filter(
        action=action
    )


@pytest.fixture
def kalbar_verification(seeded):
    """Disdukcapil Kalbar's edition waiting for its PPID (verification), scheduled."""
    with at(T0):
        edition = edition_at(KALBAR, Stage.VERIFICATION, title="DIP Kalbar 2027")
    return edition, schedule(edition)


# --- reminder and terlambat ----------------------------------------------------------------


def test_nothing_is_sent_before_80_percent(kalbar_verification):
    _, step = kalbar_verification

    assert sweep_at(REMIND - timedelta(minutes=1)) == 0

    assert notices() == []
    step.refresh_from_db()
    assert step.reminded_at is None and step.next_notice_at == REMIND


def test_reminder_at_80_percent_goes_to_the_steps_actors_once(kalbar_verification):
    edition, step = kalbar_verification
    key = f"step:{step.pk}:reminder"

    assert sweep_at(REMIND) == 1
    assert sweep_at(REMIND + timedelta(minutes=1)) == 0  # moved on: nothing due until DUE

    assert notices() == [(f"{KALBAR}.ppid", NoticeKind.REMINDER, key)]
    step.refresh_from_db()
    assert step.reminded_at == REMIND
    assert step.next_notice_at == DUE
    assert step.overdue_noticed_at is None
    notice = clock_notices().get()
    assert notice.title == "Batas waktu mendekat: tahap Verifikasi “DIP Kalbar 2027”"
    assert "80% dari standar waktu tahap ini (60 menit)" in notice.message
    assert "Edisi: DIP Kalbar 2027" in notice.message
    assert (
        "Badan publik: Dinas Kependudukan dan Pencatatan Sipil Provinsi Kalimantan Barat"
        in notice.message
    )
    assert "Tahap: Verifikasi (PPID (pembantu / pelaksana))" in notice.message
    # The deadline in the body's time zone, in Indonesian, with its explanation.
    assert "Batas waktu: Senin, 1 Maret 2027 18:00 WIB (Senin 2027-03-01 18:00)" in (notice.message)
    assert notice.url == f"/edisi/{edition.pk}/"
    assert (notice.body_id, notice.edition_id) == (edition.body_id, edition.pk)
    assert audit(step, "step.reminded").count() == 1


def test_overdue_is_sent_once_and_written_to_the_audit_trail(kalbar_verification):
    edition, step = kalbar_verification
    sweep_at(REMIND)

    assert sweep_at(DUE) == 1
    assert sweep_at(DUE) == 0
    assert sweep_at(DUE + timedelta(minutes=30)) == 0

    assert notices(kind=NoticeKind.OVERDUE) == [
        (f"{KALBAR}.ppid", NoticeKind.OVERDUE, f"step:{step.pk}:overdue")
    ]
    notice = clock_notices().get(kind=NoticeKind.OVERDUE)
    assert notice.title == "Terlambat: tahap Verifikasi “DIP Kalbar 2027”"
    assert "(terlambat)" in notice.message
    step.refresh_from_db()
    assert step.overdue_noticed_at == DUE
    assert step.next_notice_at == DUE + GRACE
    entry = audit(step, "step.overdue").get()
    assert (entry.edition_id, entry.body_id, entry.actor_id) == (edition.pk, edition.body_id, None)
    assert entry.data["recipients"] == [user(f"{KALBAR}.ppid").pk]
    assert entry.data["stage"] == Stage.VERIFICATION


def test_a_sweep_that_was_held_up_catches_up_without_a_late_reminder(seeded):
    with at(T0):
        edition = edition_at(KAPUAS, Stage.VERIFICATION, title="DIP Kapuas Hulu 2027")
    step = schedule(edition)

    assert sweep_at(DUE + 3 * GRACE) == 1

    ppid, atasan = f"{KAPUAS}.ppid", f"{KAPUAS}.atasan"
    assert notices() == [
        (atasan, NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1"),
        (ppid, NoticeKind.OVERDUE, f"step:{step.pk}:overdue"),
        (KAPUAS_UTAMA, NoticeKind.ESCALATION, f"step:{step.pk}:escalation:2"),
    ]
    step.refresh_from_db()
    assert step.reminded_at is None  # "deadline approaching" after the deadline would be wrong
    assert (step.escalation_level, step.next_notice_at) == (2, None)
    assert sweep_at(DUE + 10 * GRACE) == 0


def test_a_finished_step_is_left_alone(kalbar_verification):
    edition, step = kalbar_verification
    with at(REMIND - timedelta(minutes=5)):
        advance(edition)  # the PPID verifies in time
    step.refresh_from_db()
    assert step.finished_at is not None
    assert step.next_notice_at == REMIND  # still set: the partial index leaves it out anyway

    assert step.pk not in steps_due_for_notice(now=DUE + 5 * GRACE, limit=100)
    sweep_at(DUE + 5 * GRACE)  # (the next stage's own step may be due by then)
    assert step_watch(step_id=step.pk, now=DUE + 5 * GRACE) == []  # a task already queued

    assert not clock_notices().filter(key__startswith=f"step:{step.pk}:").exists()
    assert not AuditEntry.objects.filter(
        target_type="workflow.step", target_id=str(step.pk)
    ).exists()


def test_a_deleted_step_is_left_alone(seeded):
    assert step_watch(step_id=987654, now=DUE) == []
    assert not clock_notices().exists()


def test_the_system_step_tells_the_officers_of_its_sop_lane(kalbar_verification):
    """The publication step is the system's; when it is late (the document failed), the
    officers of the lane the SOP gives it are told, not nobody."""
    _, step = kalbar_verification
    Step.objects.filter(pk=step.pk).update(role="system")

    sweep_at(DUE)

    assert notices() == [(f"{KALBAR}.ppid", NoticeKind.OVERDUE, f"step:{step.pk}:overdue")]


def test_inactive_officers_are_not_told(kalbar_verification):
    edition, step = kalbar_verification
    OfficerFactory(username=f"{KALBAR}.ppid-2", body=edition.body, roles=[Role.PPID])
    User.objects.filter(username=f"{KALBAR}.ppid").update(is_active=False)

    sweep_at(REMIND)

    assert notices() == [(f"{KALBAR}.ppid-2", NoticeKind.REMINDER, f"step:{step.pk}:reminder")]


# --- escalation ----------------------------------------------------------------------------


def test_escalation_reaches_the_bodys_atasan_then_the_ppid_utama(seeded):
    with at(T0):
        edition = edition_at(KAPUAS, Stage.VERIFICATION, title="DIP Kapuas Hulu 2027")
        other = open_edition(KUBU, title="DIK Kubu Raya 2027", year=2027)
    step = schedule(edition)
    other_step = open_step_of(other)
    sweep_at(REMIND)
    sweep_at(DUE)

    assert sweep_at(DUE + GRACE - timedelta(minutes=1)) == 0
    assert not clock_notices().filter(kind=NoticeKind.ESCALATION).exists()

    assert sweep_at(DUE + GRACE) == 1
    assert notices(kind=NoticeKind.ESCALATION) == [
        (f"{KAPUAS}.atasan", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1")
    ]
    first = clock_notices().get(kind=NoticeKind.ESCALATION)
    assert first.title == "Eskalasi kepada Anda: tahap Verifikasi “DIP Kapuas Hulu 2027” terlambat"
    assert "selaku Atasan PPID" in first.message
    assert first.url == f"/edisi/{edition.pk}/"
    step.refresh_from_db()
    assert (step.escalation_level, step.escalated_at) == (1, DUE + GRACE)
    assert step.next_notice_at == DUE + 2 * GRACE

    assert sweep_at(DUE + 2 * GRACE) == 1
    assert sweep_at(DUE + 2 * GRACE + timedelta(hours=1)) == 0
    assert notices(kind=NoticeKind.ESCALATION) == [
        (f"{KAPUAS}.atasan", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1"),
        (KAPUAS_UTAMA, NoticeKind.ESCALATION, f"step:{step.pk}:escalation:2"),
    ]
    assert "selaku PPID Utama" in clock_notices().get(recipient__username=KAPUAS_UTAMA).message
    # The province's PPID Utama, two levels up, oversees the kabupaten body only: not told.
    assert not Notice.objects.filter(recipient__username="ppid-utama").exists()
    step.refresh_from_db()
    assert (step.escalation_level, step.next_notice_at) == (2, None)
    # Another body's people hear nothing of it; its own step is untouched.
    assert not clock_notices().filter(recipient__username__startswith=f"{KUBU}.").exists()
    assert not clock_notices().filter(key__startswith=f"step:{other_step.pk}:").exists()
    levels = [e.data["level"] for e in audit(step, "step.escalated").order_by("pk")]
    assert levels == [1, 2]
    recipients = [e.data["recipients"] for e in audit(step, "step.escalated").order_by("pk")]
    assert recipients == [[user(f"{KAPUAS}.atasan").pk], [user(KAPUAS_UTAMA).pk]]


def test_the_atasans_own_late_step_goes_straight_to_the_ppid_utama(seeded):
    with at(T0):
        edition = edition_at(KAPUAS, Stage.APPROVAL, title="DIP Kapuas Hulu 2027")
    step = schedule(edition)
    assert step.role == Role.ATASAN

    sweep_at(DUE)
    step.refresh_from_db()
    assert step.next_notice_at == DUE + GRACE  # one escalation left, after one grace
    sweep_at(DUE + GRACE)

    assert notices() == [
        (f"{KAPUAS}.atasan", NoticeKind.OVERDUE, f"step:{step.pk}:overdue"),
        (KAPUAS_UTAMA, NoticeKind.ESCALATION, f"step:{step.pk}:escalation:2"),
    ]
    step.refresh_from_db()
    assert (step.escalation_level, step.next_notice_at) == (2, None)


def test_a_province_opd_escalates_to_its_atasan_then_the_provinces_ppid_utama(
    kalbar_verification,
):
    """Disdukcapil Kalbar sits directly under the province: after its own atasan, the
    province's PPID Utama is the one told."""
    _, step = kalbar_verification
    sweep_at(DUE)
    sweep_at(DUE + GRACE)
    assert notices(kind=NoticeKind.ESCALATION) == [
        (f"{KALBAR}.atasan", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1")
    ]
    sweep_at(DUE + 2 * GRACE)

    assert notices(kind=NoticeKind.ESCALATION) == [
        (f"{KALBAR}.atasan", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1"),
        ("ppid-utama", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:2"),
    ]
    step.refresh_from_db()
    assert (step.escalation_level, step.next_notice_at) == (2, None)


def test_a_body_without_an_atasan_escalates_to_the_ppid_utama(kalbar_verification):
    _, step = kalbar_verification
    # Disdukcapil Kalbar without its atasan (the demo has one, for its DIK's signature).
    BodyUserObjectPermission.objects.filter(
        content_object__slug=KALBAR, permission__codename=Role.ATASAN.codename
    ).delete()

    sweep_at(DUE)
    sweep_at(DUE + GRACE)

    assert notices(kind=NoticeKind.ESCALATION) == [
        ("ppid-utama", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:2")
    ]
    step.refresh_from_db()
    assert (step.escalation_level, step.next_notice_at) == (2, None)


def test_a_ppid_utama_two_levels_up_is_not_told(seeded):
    """A body two levels down whose direct parent has no PPID Utama holder: the PPID Utama above
    that parent oversees the parent only (ppid.oversight), would get 404 on the link, and so is
    not told; the escalation is still recorded."""
    utama = Body.objects.get(slug="ppid-utama-kalbar")
    regency = BodyFactory(slug="ppid-kab-kapuas-hulu", name="PPID Kab.", parent=utama)
    Body.objects.filter(slug=KAPUAS).update(parent=regency)
    with at(T0):
        edition = edition_at(KAPUAS, Stage.APPROVAL, title="DIP Kapuas Hulu 2027")
    step = schedule(edition)

    sweep_at(DUE + GRACE)

    assert not [n for n in notices() if n[0] == "ppid-utama"]
    step.refresh_from_db()
    assert step.escalation_level == 2


def test_the_grace_is_a_setting(kalbar_verification, settings):
    settings.PPID_ESCALATION_GRACE_HOURS = 1
    _, step = kalbar_verification
    sweep_at(DUE)
    step.refresh_from_db()
    assert step.next_notice_at == DUE + timedelta(hours=1)

    sweep_at(DUE + timedelta(hours=1))
    assert (f"{KALBAR}.atasan", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1") in notices()
    step.refresh_from_db()
    assert step.next_notice_at == DUE + timedelta(hours=2)
    sweep_at(DUE + timedelta(hours=2))

    assert ("ppid-utama", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:2") in notices()


def test_a_step_without_a_deadline_owes_nothing(kalbar_verification):
    _, step = kalbar_verification
    Step.objects.filter(pk=step.pk).update(due_at=None, remind_at=None, next_notice_at=T0)

    assert sweep_at(DUE + 5 * GRACE) == 1

    assert not clock_notices().exists()
    step.refresh_from_db()
    assert step.next_notice_at is None
    assert sweep_at(DUE + 6 * GRACE) == 0


# --- the sweep -----------------------------------------------------------------------------


def test_the_sweep_selects_only_due_open_steps_in_one_query(seeded):
    with at(T0):
        editions = [
            open_edition(slug, title=f"Edisi {slug}", year=2027) for slug in (KALBAR, KAPUAS, KUBU)
        ]
    due_soon, due_late, not_due = (open_step_of(e) for e in editions)
    Step.objects.filter(pk=due_soon.pk).update(next_notice_at=T0 + timedelta(hours=1))
    Step.objects.filter(pk=due_late.pk).update(next_notice_at=T0 + timedelta(hours=2))
    Step.objects.filter(pk=not_due.pk).update(next_notice_at=T0 + timedelta(hours=5))

    with CaptureQueriesContext(connection) as captured:
        ids = steps_due_for_notice(now=T0 + timedelta(hours=3), limit=100)

    assert ids == [due_soon.pk, due_late.pk]  # oldest first
    assert len(captured) == 1
    assert steps_due_for_notice(now=T0 + timedelta(hours=3), limit=1) == [due_soon.pk]
    Step.objects.filter(pk=due_soon.pk).update(finished_at=T0)
    assert steps_due_for_notice(now=T0 + timedelta(hours=3), limit=100) == [due_late.pk]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("selector", "index"),
    [
        (steps_due_for_notice, "step_open_next_notice"),
        (requests_due_for_notice, "request_open_next_notice"),
        (objections_due_for_notice, "objection_open_next_notice"),
        (serta_merta_requests_due_for_notice, "serta_merta_next_notice"),
    ],
)
def test_each_sweep_query_uses_its_partial_index(seeded, selector, index):
    """The query each beat sweep runs (captured from its selector, not rebuilt here) can be
    answered by a range scan of its partial index; benchmarks/clock_sweep.py times them at
    100,000 open rows."""
    with CaptureQueriesContext(connection) as captured:
        selector(now=T0, limit=100)
    (query,) = captured.captured_queries
    with connection.cursor() as cursor:
        # Tiny tables: ask what it could use. Without the sort off, the planner may prefer
        # another index plus a sort of the few rows, depending on the statistics the earlier
        # tests left (seen in a whole-suite run); the sweep's order must come from its index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {query['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Scan using {index} on" in plan


def _three_due_steps() -> list[Step]:
    with at(T0):
        editions = [
            open_edition(slug, title=f"Edisi {slug}", year=2027) for slug in (KALBAR, KAPUAS, KUBU)
        ]
    steps = [open_step_of(e) for e in editions]
    for n, step in enumerate(steps):
        moment = DUE + timedelta(minutes=n)
        Step.objects.filter(pk=step.pk).update(due_at=moment, remind_at=None, next_notice_at=moment)
    return steps


def test_the_sweep_hands_out_at_most_a_batch_oldest_first(seeded, settings):
    settings.PPID_CLOCK_SWEEP_BATCH = 2
    steps = _three_due_steps()

    assert sweep_at(DUE + timedelta(hours=1)) == 2
    assert {k for _, _, k in notices()} == {
        f"step:{steps[0].pk}:overdue",
        f"step:{steps[1].pk}:overdue",
    }
    assert sweep_at(DUE + timedelta(hours=1)) == 1  # the rest with the next sweep
    assert f"step:{steps[2].pk}:overdue" in {k for _, _, k in notices()}


def test_the_sweep_is_on_the_beat_schedule_with_an_expiry_shorter_than_its_period():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "workflow.tasks.sweep_step_clock"
    )
    period = entry["schedule"].total_seconds()
    assert period == settings.PPID_CLOCK_SWEEP_SECONDS
    assert 0 < entry["options"]["expires"] < period
    assert tasks.watch_step.acks_late and tasks.watch_steps.acks_late


def test_the_sweep_fans_out_a_chunk_of_step_ids_a_message(seeded, settings):
    settings.PPID_CLOCK_FANOUT_CHUNK = 2
    steps = _three_due_steps()

    with mock.patch.object(tasks.watch_steps, "apply_async") as publish:
        assert sweep_at(DUE + timedelta(hours=1)) == 3

    assert [c.args[0] for c in publish.call_args_list] == [
        ([steps[0].pk, steps[1].pk],),
        ([steps[2].pk],),
    ]
    assert {c.kwargs["expires"] for c in publish.call_args_list} == {
        settings.PPID_CLOCK_SWEEP_SECONDS
    }


def test_a_step_that_fails_does_not_hold_up_the_others_and_is_retried(seeded):
    steps = _three_due_steps()
    real_watch = clock.step_watch

    def broken_for_the_first(*, step_id, now=None):
        if step_id == steps[0].pk:
            raise RuntimeError("database hiccup")
        return real_watch(step_id=step_id, now=now)

    with mock.patch.object(clock, "step_watch", side_effect=broken_for_the_first):
        assert sweep_at(DUE + timedelta(hours=1)) == 3

    overdue = {key for _, kind, key in notices() if kind == NoticeKind.OVERDUE}
    assert overdue == {f"step:{steps[1].pk}:overdue", f"step:{steps[2].pk}:overdue"}
    assert sweep_at(DUE + timedelta(hours=1, minutes=1)) == 1  # selected again, and sent
    assert f"step:{steps[0].pk}:overdue" in {key for _, _, key in notices()}


# --- exactly once, with two workers ---------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_watching_the_same_step_send_each_notice_once(seeded):
    """Both workers are in flight while a third holds the step's row; when it lets go they
    run one after the other, and the second finds everything sent."""
    with at(T0):
        edition = edition_at(KAPUAS, Stage.VERIFICATION, title="DIP Kapuas Hulu 2027")
    step = schedule(edition)
    with_email(f"{KAPUAS}.ppid", f"{KAPUAS}.atasan", KAPUAS_UTAMA)
    moment = DUE + 2 * GRACE
    results: dict[str, object] = {}

    def worker(name: str) -> None:
        try:
            results[name] = step_watch(step_id=step.pk, now=moment)
        except BaseException as error:
            results[name] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=worker, args=("a",), daemon=True)
    second = threading.Thread(target=worker, args=("b",), daemon=True)
    with transaction.atomic():
        Step.objects.select_for_update().get(pk=step.pk)
        first.start()
        second.start()
        _wait_for_waiters(2)
    for thread in (first, second):
        thread.join(timeout=60)

    sent = sorted([results["a"], results["b"]], key=len)
    assert sent == [[], ["overdue", "escalation:1", "escalation:2"]], results
    assert len(notices()) == 3
    assert audit(step, "step.overdue").count() == 1
    assert audit(step, "step.escalated").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        f"{KAPUAS}.atasan@ppid.example.go.id",
        f"{KAPUAS}.ppid@ppid.example.go.id",
        f"{KAPUAS_UTAMA}@ppid.example.go.id",
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notice_once(seeded):
    with at(T0):
        edition = edition_at(KAPUAS, Stage.VERIFICATION, title="DIP Kapuas Hulu 2027")
    step = schedule(edition)
    with_email(f"{KAPUAS}.ppid", f"{KAPUAS}.atasan")

    with at(DUE + GRACE):
        results = run_together([tasks.sweep_step_clock for _ in range(4)])
        again = run_together([lambda: step_watch(step_id=step.pk) for _ in range(4)])

    assert all(kind == "ok" for kind, _ in results + again), results + again
    assert notices() == [
        (f"{KAPUAS}.atasan", NoticeKind.ESCALATION, f"step:{step.pk}:escalation:1"),
        (f"{KAPUAS}.ppid", NoticeKind.OVERDUE, f"step:{step.pk}:overdue"),
    ]
    assert audit(step, "step.overdue").count() == 1
    assert audit(step, "step.escalated").count() == 1
    assert len(mail.outbox) == 2
    step.refresh_from_db()
    assert step.next_notice_at == DUE + 2 * GRACE
