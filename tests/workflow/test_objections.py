"""Objections (keberatan, UU 14/2008 Pasal 35-37): filed within 30 working days of the reason by
the body's office calendar, on a ground a-g; answered by the atasan PPID only, as a signed PDF
verified on /verifikasi/; the Komisi Informasi deadline of 14 working days; the clock's
reminder, terlambat and escalation, each once."""

from __future__ import annotations

import hashlib
import html
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pypdf import PdfReader

from dip.models import DocumentStatus
from ppid.models import Body
from tests.helpers import utama_of
from workflow import tasks
from workflow.models import (
    AuditEntry,
    InformationRequest,
    Notice,
    Objection,
    ObjectionAnswerDocument,
    ObjectionStatus,
    RequestStatus,
)
from workflow.services import objections as service

pytestmark = pytest.mark.django_db

User = get_user_model()
DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU_RAYA = "disdukcapil-kubu-raya"
WIB = ZoneInfo("Asia/Pontianak")
# Monday 7 December 2026, 09:00 WIB.
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=WIB)


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    """The e-mail and document tasks run in-process once the transaction commits."""


def make_request(
    slug: str = DINSOS,
    *,
    received_at: datetime = T0 - timedelta(days=20),
    due_at: datetime | None = None,
    status: str = RequestStatus.REFUSED,
    decided_at: datetime | None = T0 - timedelta(days=1),
    email: str = "warga@example.com",
    number: int = 1,
) -> InformationRequest:
    """A request as the register holds it (test setup: the request side has its own tests)."""
    body = Body.objects.get(slug=slug)
    return InformationRequest.objects.create(
        body=body,
        year=received_at.year,
        number=number,
        received_at=received_at,
        name="Siti Warga",
        address="Jalan Kenanga 1, Putussibau",
        email=email,
        identity_number="6106010101900001",
        information="Daftar penerima bantuan sosial 2026",
        purpose="Penelitian",
        status=status,
        due_at=due_at or received_at + timedelta(days=14),
        decided_at=None if status in ("received", "extended") else decided_at,
    )


def user(slug: str, role: str):
    return User.objects.get(username=f"{slug}.{role}")


def nothing_stored() -> None:
    assert not Objection.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="objection.").exists()


# --- filing -----------------------------------------------------------------------------------


def test_filed_within_time_gets_its_30_working_day_deadline_across_cuti_bersama(
    seeded, django_capture_on_commit_callbacks
):
    request = make_request()
    with (
        time_machine.travel(T0, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        objection = service.objection_file(request=request, ground="a", reason="Bukan rahasia.")
    assert objection.status == ObjectionStatus.FILED
    assert objection.register_number == "1/2026"
    # 30 working days from Monday 7 December 2026: the weekends, the cuti bersama of 24
    # December, Christmas, New Year and Isra Mikraj (5 January 2027) skipped.
    assert objection.due_at == datetime(2027, 1, 22, 16, 30, tzinfo=WIB)
    assert "Cuti Bersama Hari Raya Natal" in objection.due_explanation
    entry = AuditEntry.objects.get(action="objection.file")
    assert entry.target_id == str(objection.pk) and entry.body == request.body
    atasan = user(DINSOS, "atasan")
    assert Notice.objects.filter(recipient=atasan, key=f"objection:{objection.pk}:filed").exists()
    assert any("warga@example.com" in m.to for m in mail.outbox)


def test_past_30_working_days_is_refused_and_nothing_stored(seeded):
    # Notice given Friday 20 November 2026 10:00: 30 working days end Thursday 7 January 2027.
    request = make_request(decided_at=datetime(2026, 11, 20, 10, 0, tzinfo=WIB))
    with time_machine.travel(datetime(2027, 1, 7, 15, 0, tzinfo=WIB), tick=False):
        assert service.open_grounds(request)["a"] == datetime(2027, 1, 7, 16, 0, tzinfo=WIB)
    with (
        time_machine.travel(datetime(2027, 1, 8, 8, 0, tzinfo=WIB), tick=False),
        pytest.raises(ValidationError) as error,
    ):
        service.objection_file(request=request, ground="a", reason="Terlambat.")
    assert "ground" in error.value.message_dict
    assert "7 Januari 2027" in error.value.message_dict["ground"][0]
    nothing_stored()


@pytest.mark.parametrize("ground", ["h", "", "A", "a; DROP", "\x00"])
def test_unknown_ground_is_refused(seeded, ground):
    request = make_request()
    with time_machine.travel(T0, tick=False), pytest.raises(ValidationError) as error:
        service.objection_file(request=request, ground=ground, reason="Alasan.")
    assert "ground" in error.value.message_dict
    nothing_stored()


@pytest.mark.parametrize("reason", ["", "   ", "x" * 5001, "a\x00b"])
def test_bad_reason_is_refused(seeded, reason):
    request = make_request()
    with time_machine.travel(T0, tick=False), pytest.raises(ValidationError) as error:
        service.objection_file(request=request, ground="a", reason=reason)
    assert "reason" in error.value.message_dict
    nothing_stored()


def test_not_answered_counts_from_the_request_deadline(seeded):
    # Received Monday 23 November, due (10 working days) Monday 7 December 16:00, unanswered.
    request = make_request(
        received_at=datetime(2026, 11, 23, 9, 0, tzinfo=WIB),
        due_at=datetime(2026, 12, 7, 16, 0, tzinfo=WIB),
        status=RequestStatus.RECEIVED,
    )
    with time_machine.travel(datetime(2026, 12, 7, 10, 0, tzinfo=WIB), tick=False):
        with pytest.raises(ValidationError) as early:
            service.objection_file(request=request, ground="c", reason="Belum dijawab.")
        assert "still within its time limit" in str(early.value) or "masih" in str(early.value)
        with pytest.raises(ValidationError):  # no notice: only ground c applies
            service.objection_file(request=request, ground="a", reason="Ditolak.")
    nothing_stored()
    with time_machine.travel(datetime(2026, 12, 8, 8, 0, tzinfo=WIB), tick=False):
        assert set(service.open_grounds(request)) == {"c"}
        objection = service.objection_file(request=request, ground="c", reason="Belum dijawab.")
    assert objection.ground == "c"


def test_ground_a_needs_a_refusal_and_g_a_late_notice(seeded):
    request = make_request(
        status=RequestStatus.GRANTED,
        due_at=T0 + timedelta(days=5),
        decided_at=T0 - timedelta(days=1),
    )
    with time_machine.travel(T0, tick=False):
        for ground in ("a", "g", "c"):
            with pytest.raises(ValidationError):
                service.objection_file(request=request, ground=ground, reason="Alasan.")
        assert set(service.open_grounds(request)) == {"b", "d", "e", "f"}
    nothing_stored()


def test_the_same_ground_twice_is_refused(seeded):
    request = make_request()
    with time_machine.travel(T0, tick=False):
        service.objection_file(request=request, ground="a", reason="Pertama.")
        with pytest.raises(ValidationError):
            service.objection_file(request=request, ground="a", reason="Kedua.")
        service.objection_file(request=request, ground="f", reason="Biaya.")
        assert "a" not in service.open_grounds(request)
        assert "f" not in service.open_grounds(request)
    assert Objection.objects.count() == 2
    assert sorted(Objection.objects.values_list("number", flat=True)) == [1, 2]


# --- the answer ---------------------------------------------------------------------------------


def filed(slug: str = DINSOS) -> Objection:
    request = make_request(slug)
    with time_machine.travel(T0, tick=False):
        return service.objection_file(request=request, ground="a", reason="Bukan rahasia.")


@pytest.mark.parametrize("role", ["operator", "ppid", "tim"])
def test_only_the_atasan_answers(seeded, role):
    objection = filed()
    with pytest.raises(PermissionDenied):
        service.objection_answer(
            objection=objection, user=user(DINSOS, role), decision="upheld", note="Ya."
        )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED
    assert not AuditEntry.objects.filter(action="objection.answer").exists()


def test_another_bodys_atasan_may_not_answer(seeded):
    objection = filed()
    with pytest.raises(PermissionDenied):
        service.objection_answer(
            objection=objection, user=user(KUBU_RAYA, "atasan"), decision="upheld", note="Ya."
        )


def test_answer_needs_a_decision_and_a_note(seeded):
    objection = filed()
    atasan = user(DINSOS, "atasan")
    with pytest.raises(ValidationError) as error:
        service.objection_answer(objection=objection, user=atasan, decision="maybe", note="")
    assert set(error.value.message_dict) == {"decision", "note"}
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED and objection.answered_at is None


def test_answer_is_signed_verified_and_gives_the_komisi_deadline(
    seeded, client, django_capture_on_commit_callbacks
):
    objection = filed()
    mail.outbox.clear()
    atasan = user(DINSOS, "atasan")
    with (
        time_machine.travel(datetime(2026, 12, 18, 16, 0, tzinfo=WIB), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answered = service.objection_answer(
            objection=objection, user=atasan, decision="upheld", note="Informasi dibuka."
        )
    assert answered.status == ObjectionStatus.UPHELD
    # 14 working days from Friday 18 December 2026 (Pasal 37).
    assert answered.dispute_due_at == datetime(2027, 1, 13, 16, 0, tzinfo=WIB)
    document = ObjectionAnswerDocument.objects.get(objection=answered)
    assert document.status == DocumentStatus.READY, document.last_error
    with document.file.open("rb") as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == document.sha256
    words = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "Tanggapan Atasan PPID atas Keberatan Nomor 1/2026" in words
    assert "Menerima keberatan Saudara" in words and "13 Januari 2027" in words
    assert (
        "Pasal 35 ayat (1) huruf a" in words
        and f"Kode verifikasi {answered.verification_code}" in words
    )
    assert AuditEntry.objects.filter(action="objection.answer", actor=atasan).exists()
    assert AuditEntry.objects.filter(action="objection.answer_document_ready").exists()
    assert any("13 Januari 2027" in m.body for m in mail.outbox)

    page = html.unescape(
        Client()
        .post("/verifikasi/", {"file": SimpleUploadedFile("tanggapan.pdf", pdf)})
        .content.decode()
    )
    assert "Tanggapan atas Keberatan Nomor 1/2026: dikabulkan" in page
    assert "tanggapan atasan PPID atas keberatan" in page
    assert "Siti Warga" not in page and "6106010101900001" not in page
    by_code = Client().get(f"/verifikasi/{answered.verification_code}/")
    assert by_code.status_code == 200 and document.sha256 in by_code.content.decode()
    assert "Siti Warga" not in by_code.content.decode()
    changed = pdf[:200] + bytes([pdf[200] ^ 1]) + pdf[201:]
    assert (
        "Tanggapan Atasan PPID"
        not in Client()
        .post("/verifikasi/", {"file": SimpleUploadedFile("x.pdf", changed)})
        .content.decode()
    )


def test_answering_twice_is_a_conflict(seeded):
    objection = filed()
    atasan = user(DINSOS, "atasan")
    service.objection_answer(objection=objection, user=atasan, decision="rejected", note="Tidak.")
    with pytest.raises(service.ObjectionAlreadyAnswered):
        service.objection_answer(objection=objection, user=atasan, decision="upheld", note="Ya.")
    assert AuditEntry.objects.filter(action="objection.answer").count() == 1


# --- the clock ------------------------------------------------------------------------------------


def test_clock_reminds_marks_terlambat_and_escalates_once_each(seeded):
    objection = filed()
    atasan = user(DINSOS, "atasan")
    utama = User.objects.get(username=utama_of(DINSOS))
    assert objection.remind_at == datetime(2027, 1, 14, 15, 6, tzinfo=WIB)

    def sweep(moment: datetime) -> None:
        with time_machine.travel(moment, tick=False):
            tasks.sweep_objection_clock()
            tasks.sweep_objection_clock()  # twice: nothing sent twice

    sweep(datetime(2027, 1, 14, 15, 0, tzinfo=WIB))
    assert not AuditEntry.objects.filter(action="objection.reminded").exists()
    sweep(datetime(2027, 1, 14, 15, 10, tzinfo=WIB))
    assert AuditEntry.objects.filter(action="objection.reminded").count() == 1
    assert Notice.objects.filter(recipient=atasan, key=f"objection:{objection.pk}:reminder")
    sweep(datetime(2027, 1, 22, 16, 31, tzinfo=WIB))
    assert AuditEntry.objects.filter(action="objection.overdue").count() == 1
    objection.refresh_from_db()
    # The lapse opens the way to the Komisi Informasi: 14 working days after the deadline.
    assert objection.dispute_due_at == datetime(2027, 2, 12, 16, 30, tzinfo=WIB)
    assert not AuditEntry.objects.filter(action="objection.escalated").exists()
    sweep(datetime(2027, 1, 25, 9, 0, tzinfo=WIB))
    sweep(datetime(2027, 2, 25, 9, 0, tzinfo=WIB))
    assert AuditEntry.objects.filter(action="objection.escalated").count() == 1
    assert Notice.objects.filter(recipient=utama, key=f"objection:{objection.pk}:escalation")
    objection.refresh_from_db()
    assert objection.next_notice_at is None


def test_an_answered_objection_is_left_alone_by_the_clock(seeded):
    objection = filed()
    service.objection_answer(
        objection=objection, user=user(DINSOS, "atasan"), decision="rejected", note="Tidak."
    )
    with time_machine.travel(datetime(2027, 3, 1, 9, 0, tzinfo=WIB), tick=False):
        tasks.sweep_objection_clock()
        assert service.objection_watch(objection_id=objection.pk) == []
    assert not AuditEntry.objects.filter(
        action__in=["objection.reminded", "objection.overdue", "objection.escalated"]
    ).exists()


def test_one_definition_of_the_filing_limit(seeded, monkeypatch):
    """The tracking page / API (`objection_due_at`) and `objection_file` count the 30 working
    days with one function: changing the limit in that one place moves all of them."""
    from workflow.selectors import requests as request_selectors

    request = make_request(decided_at=datetime(2026, 11, 20, 10, 0, tzinfo=WIB))
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=WIB), tick=False):
        assert request_selectors.objection_due_at(request) == datetime(
            2027, 1, 7, 16, 0, tzinfo=WIB
        )
        monkeypatch.setattr(request_selectors, "OBJECTION_FILING_WORKING_DAYS", 1)
        # One working day after Friday 20 November: the end of Monday 23 November.
        shortened = request_selectors.objection_due_at(request)
        assert shortened == datetime(2026, 11, 23, 16, 0, tzinfo=WIB)
        assert service.filing_deadline(request, "a", request.decided_at) == shortened
        assert service.open_grounds(request)["a"] == shortened
    with (
        time_machine.travel(datetime(2026, 11, 23, 17, 0, tzinfo=WIB), tick=False),
        pytest.raises(ValidationError),
    ):
        service.objection_file(request=request, ground="a", reason="Lewat.")
    nothing_stored()


@pytest.mark.parametrize("event", ["filed", "answered"])
def test_a_redelivered_objection_email_task_sends_once(seeded, mailoutbox, event):
    request = make_request()
    with time_machine.travel(T0, tick=False):
        objection = service.objection_file(request=request, ground="a", reason="Bukan rahasia.")
    if event == "answered":
        Objection.objects.filter(pk=objection.pk).update(
            status=ObjectionStatus.UPHELD, dispute_due_at=T0 + timedelta(days=20)
        )
    mailoutbox.clear()
    assert tasks.mail_objection_requester.run(objection.pk, event) is True
    assert tasks.mail_objection_requester.run(objection.pk, event) is False
    assert len([m for m in mailoutbox if "warga@example.com" in m.to]) == 1


def test_the_objection_sweep_has_its_own_beat_entry_expiring_within_its_period():
    from django.conf import settings as conf

    (entry,) = [
        e
        for e in conf.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "workflow.tasks.sweep_objection_clock"
    ]
    period = entry["schedule"].total_seconds()
    assert period == conf.PPID_CLOCK_SWEEP_SECONDS
    assert 0 < entry["options"]["expires"] < period
    assert tasks.sweep_objection_clock.name == "workflow.tasks.sweep_objection_clock"
    assert tasks.watch_objections.acks_late
