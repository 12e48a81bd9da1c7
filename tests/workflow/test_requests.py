"""Requests for information (issue 13): receipt and numbering, the 10 + 7 working-day clock on
the body's office calendar, the one extension, the decision and its signed written notice
(verified like an edition's), the clock watch, and who may see what."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from dip.models import Classification, DocumentStatus, ExemptionGround
from dip.verification import GENUINE, verify_pdf
from ppid.models import Body
from tests.factories import BodyFactory, ItemFactory, UnitFactory
from tests.helpers import officers_of
from workflow import tasks
from workflow.models import (
    AuditEntry,
    InformationRequest,
    Notice,
    RequestChannel,
    RequesterMail,
    RequestNoticeDocument,
    RequestStatus,
)
from workflow.selectors.requests import request_for_user, request_register
from workflow.services import requests as svc
from workflow.services.requests import RequestAlreadyDecided, RequestAlreadyExtended

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Pontianak")
KALBAR = "disdukcapil-kalbar"
DINSOS = "dinsos-p3a-kapuas-hulu"
# Wednesday 16 December 2026, 10:00 WIB: the count runs over two weekends, the cuti bersama of
# Christmas (Thursday 24th), Christmas (Friday 25th) and New Year's Day (Friday 1 January 2027).
T0 = datetime(2026, 12, 16, 10, 0, tzinfo=WIB)


def requester(**overrides) -> dict:
    fields = {
        "name": "Siti Aminah",
        "address": "Jalan Gajah Mada 12, Pontianak",
        "phone": "0812-5555-0101",
        "email": "siti@example.org",
        "occupation": "Wartawan",
        "identity_number": "6171015505900001",
        "information": "Data jumlah penduduk per kecamatan tahun 2025",
        "purpose": "Bahan liputan",
        "obtain": "copy",
        "form": "softcopy",
        "delivery": "email",
    }
    return fields | overrides


def receive(body_slug: str = KALBAR, **overrides) -> InformationRequest:
    return svc.request_receive(body=Body.objects.get(slug=body_slug), **requester(**overrides))


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    """E-mails and the notice's PDF are built in-process once the transaction commits."""


def local(moment: datetime) -> datetime:
    return moment.astimezone(WIB)


@time_machine.travel(T0, tick=False)
def test_receipt_numbers_the_request_and_stores_ten_working_days(
    seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = receive()
        second = receive(name="Budi")
    assert (first.number, first.year, second.number) == (1, 2026, 2)
    assert first.status == RequestStatus.RECEIVED
    assert len(first.tracking_code) == 16 and first.tracking_code != second.tracking_code
    # 10 working days: 17, 18, 21, 22, 23, (24 cuti bersama, 25 Natal), 28, 29, 30, 31,
    # (1 Jan Tahun Baru), 4 January 2027 at closing time.
    assert local(first.due_at).date() == date(2027, 1, 4)
    assert "Cuti Bersama Hari Raya Natal" in first.due_explanation
    assert "Tahun Baru" in first.due_explanation
    assert first.remind_at < first.due_at and first.next_notice_at == first.remind_at
    audit = AuditEntry.objects.get(action="request.receive", target_id=str(first.pk))
    assert audit.body.slug == KALBAR and audit.actor is None
    # The requester got a receipt with the tracking code; the PPID a notice.
    receipts = [m for m in mail.outbox if m.to == ["siti@example.org"]]
    assert receipts and first.tracking_code in receipts[0].body
    ppid = officers_of(first.body)["ppid"]
    assert Notice.objects.filter(recipient=ppid, key=f"request:{first.pk}:received").exists()


@time_machine.travel(T0, tick=False)
def test_numbers_restart_each_year_and_offline_keeps_the_real_receipt_date(seeded):
    body = Body.objects.get(slug=KALBAR)
    operator = officers_of(body)["operator"]
    walk_in = svc.request_receive(
        body=body,
        channel=RequestChannel.WALK_IN,
        received_at=datetime(2026, 12, 11, 15, 0, tzinfo=WIB),  # Friday, before today
        user=operator,
        **requester(email="", delivery="pickup"),
    )
    assert walk_in.number == 1 and walk_in.entered_by == operator
    assert local(walk_in.received_at).date() == date(2026, 12, 11)
    with time_machine.travel(datetime(2027, 1, 4, 9, 0, tzinfo=WIB), tick=False):
        assert receive().number == 1
        assert receive().year == 2027


@time_machine.travel(T0, tick=False)
def test_offline_entry_needs_an_officer_of_the_body_and_a_past_date(seeded):
    body = Body.objects.get(slug=KALBAR)
    stranger = officers_of(Body.objects.get(slug=DINSOS))["operator"]
    with pytest.raises(PermissionDenied):
        svc.request_receive(
            body=body, channel=RequestChannel.LETTER, received_at=T0, user=stranger, **requester()
        )
    with pytest.raises(ValidationError) as error:
        svc.request_receive(
            body=body,
            channel=RequestChannel.LETTER,
            received_at=T0 + timedelta(days=1),
            user=officers_of(body)["operator"],
            **requester(),
        )
    assert "received_at" in error.value.message_dict
    assert not InformationRequest.objects.exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("name", ""),
        ("information", "   "),
        ("information", "x" * 5001),
        ("identity_number", "1" * 33),
        ("email", "not-an-address"),
        ("obtain", "steal"),
        ("delivery", "pigeon"),
    ],
)
@time_machine.travel(T0, tick=False)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(seeded, field, value):
    with pytest.raises(ValidationError) as error:
        receive(**{field: value})
    assert field in error.value.message_dict
    assert not InformationRequest.objects.exists()
    assert not AuditEntry.objects.filter(action="request.receive").exists()


@time_machine.travel(T0, tick=False)
def test_extension_once_by_at_most_seven_working_days_with_a_reason(seeded):
    request = receive()
    ppid = officers_of(request.body)["ppid"]
    with pytest.raises(ValidationError) as error:
        svc.request_extend(request=request, user=ppid, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        svc.request_extend(request=request, user=ppid, reason="Data di bidang lain", days=8)
    assert "days" in error.value.message_dict
    request.refresh_from_db()
    assert request.extended_at is None
    request = svc.request_extend(request=request, user=ppid, reason="Data di bidang lain")
    assert request.status == RequestStatus.EXTENDED
    # 7 working days after Monday 4 January 2027: 5 January is Isra Mikraj, so 6, 7, 8, 11,
    # 12, 13, 14 January.
    assert local(request.extended_due_at).date() == date(2027, 1, 14)
    assert request.deadline == request.extended_due_at
    assert "Isra Mikraj" in request.extended_due_explanation
    with pytest.raises(RequestAlreadyExtended):
        svc.request_extend(request=request, user=ppid, reason="Sekali lagi")
    assert AuditEntry.objects.filter(action="request.extend").count() == 1


@time_machine.travel(T0, tick=False)
def test_only_the_ppid_extends_and_decides(seeded):
    request = receive()
    operator = officers_of(request.body)["operator"]
    with pytest.raises(PermissionDenied):
        svc.request_extend(request=request, user=operator, reason="Alasan")
    with pytest.raises(PermissionDenied):
        svc.request_decide(request=request, user=operator, decision="granted")


@time_machine.travel(T0, tick=False)
def test_refusal_without_a_dik_row_is_refused_and_with_one_copies_its_test(seeded):
    request = receive()
    body = request.body
    ppid = officers_of(body)["ppid"]
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=request, user=ppid, decision="refused", note="Dikecualikan")
    assert "dik_item" in error.value.message_dict
    public_row = ItemFactory(body=body)
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=request, user=ppid, decision="refused", dik_item=public_row)
    assert "dik_item" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == RequestStatus.RECEIVED and request.decided_at is None
    dik = ItemFactory(
        body=body,
        classification=Classification.DIKECUALIKAN,
        exempted_part="Alamat dan NIK penduduk",
        exemption_ground=ExemptionGround.H,
        exemption_permanent=True,
        consequence_if_opened="Data pribadi penduduk tersebar.",
        consequence_if_closed="Tidak ada kerugian publik.",
        public_interest="Perlindungan data pribadi lebih besar.",
    )
    request = svc.request_decide(request=request, user=ppid, decision="refused", dik_item=dik)
    assert request.status == RequestStatus.REFUSED
    assert request.refusal_ground == ExemptionGround.H
    assert "Data pribadi penduduk tersebar." in request.refusal_consequence
    with pytest.raises(RequestAlreadyDecided):
        svc.request_decide(request=request, user=ppid, decision="granted")


@time_machine.travel(T0, tick=False)
def test_a_dik_row_of_another_body_cannot_refuse(seeded):
    request = receive()
    other = ItemFactory(
        body=DINSOS,
        classification=Classification.DIKECUALIKAN,
        exempted_part="Data korban",
        exemption_ground=ExemptionGround.H,
        exemption_permanent=True,
        consequence_if_opened="a",
        consequence_if_closed="b",
        public_interest="c",
    )
    with pytest.raises(ValidationError) as error:
        svc.request_decide(
            request=request,
            user=officers_of(request.body)["ppid"],
            decision="refused",
            dik_item=other,
        )
    assert "dik_item" in error.value.message_dict


@time_machine.travel(T0, tick=False)
def test_the_decision_gives_a_signed_notice_that_verifies(
    seeded, django_capture_on_commit_callbacks
):
    request = receive()
    ppid = officers_of(request.body)["ppid"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request = svc.request_decide(
            request=request, user=ppid, decision="granted", note="Terlampir.", fee=None
        )
    document = RequestNoticeDocument.objects.get(request=request)
    assert document.status == DocumentStatus.READY, document.last_error
    data = document.file.read()
    verdict = verify_pdf(data)
    assert verdict.outcome == GENUINE
    assert verdict.other is not None and request.register_number in verdict.other.title
    assert "Siti" not in verdict.other.title
    altered = verify_pdf(data + b"%% changed\n")
    assert altered.outcome != GENUINE
    assert any(request.tracking_code in m.body for m in mail.outbox)
    assert AuditEntry.objects.filter(action="request.notice_ready").exists()


@time_machine.travel(T0, tick=False)
def test_not_held_names_the_holder_and_not_documented_says_when(seeded):
    ppid = officers_of(Body.objects.get(slug=KALBAR))["ppid"]
    request = svc.request_decide(
        request=receive(), user=ppid, decision="not_held", holder="BPS Provinsi Kalimantan Barat"
    )
    assert request.status == RequestStatus.NOT_HELD and request.holder.startswith("BPS")
    with pytest.raises(ValidationError) as error:
        svc.request_decide(request=receive(), user=ppid, decision="not_documented")
    assert "note" in error.value.message_dict


def test_clock_reminds_marks_late_and_escalates_once_each(seeded):
    with time_machine.travel(T0, tick=False):
        request = receive()
    body = request.body
    ppid = officers_of(body)["ppid"]
    with time_machine.travel(request.remind_at + timedelta(minutes=1), tick=False):
        assert tasks.sweep_request_clock() == 1
        assert tasks.sweep_request_clock() == 0
    assert Notice.objects.filter(recipient=ppid, key=f"request:{request.pk}:reminder").count() == 1
    with time_machine.travel(request.due_at + timedelta(minutes=1), tick=False):
        tasks.sweep_request_clock()
        tasks.sweep_request_clock()
        assert (
            request_register(
                user=ppid, body=body, overdue=True, now=request.due_at + timedelta(minutes=1)
            ).count()
            == 1
        )
    with time_machine.travel(request.due_at + timedelta(days=3), tick=False):
        tasks.sweep_request_clock()
        tasks.sweep_request_clock()
    actions = list(
        AuditEntry.objects.filter(
            target_id=str(request.pk), target_type="workflow.informationrequest"
        ).values_list("action", flat=True)
    )
    assert actions.count("request.reminded") == 1
    assert actions.count("request.overdue") == 1
    levels = [
        entry.data["level"]
        for entry in AuditEntry.objects.filter(
            action="request.escalated", target_id=str(request.pk)
        )
    ]
    # Each level once; the last one reached is the PPID Utama (level 2).
    assert levels and len(levels) == len(set(levels)) and max(levels) == 2
    request.refresh_from_db()
    assert request.next_notice_at is None and request.escalation_level == 2


@time_machine.travel(T0, tick=False)
def test_other_bodies_officers_do_not_see_the_request(seeded):
    request = receive()
    stranger = officers_of(Body.objects.get(slug=DINSOS))["ppid"]
    with pytest.raises(InformationRequest.DoesNotExist):
        request_for_user(user=stranger, pk=request.pk)
    own = officers_of(request.body)["operator"]
    assert request_for_user(user=own, pk=request.pk) == request


@time_machine.travel(T0, tick=False)
def test_hand_over_to_a_unit_of_the_body_and_notes(seeded):
    request = receive()
    body = request.body
    operator = officers_of(body)["operator"]
    unit = UnitFactory(body=body)
    foreign = UnitFactory(body=BodyFactory())
    with pytest.raises(ValidationError):
        svc.request_hand_over(request=request, unit=foreign, user=operator)
    request = svc.request_hand_over(request=request, unit=unit, user=operator, note="Mohon data")
    assert request.handed_to == unit
    note = svc.request_note_add(request=request, user=operator, text="Sudah ditelepon.")
    assert note.request == request
    with pytest.raises(ValidationError):
        svc.request_note_add(request=request, user=operator, text=" ")


@time_machine.travel(T0, tick=False)
def test_a_failed_notice_shows_its_error_and_the_ppid_builds_it_again(
    seeded, monkeypatch, django_capture_on_commit_callbacks
):
    from dip import signing

    request = receive()
    ppid = officers_of(request.body)["ppid"]
    real = signing.signer_for

    def broken(body):
        raise OSError("kunci tanda tangan tidak terbaca")

    monkeypatch.setattr(signing, "signer_for", broken)
    with django_capture_on_commit_callbacks(execute=True):
        svc.request_decide(request=request, user=ppid, decision="granted")
    document = RequestNoticeDocument.objects.get(request=request)
    assert document.status == DocumentStatus.FAILED
    assert "kunci tanda tangan" in document.last_error
    assert AuditEntry.objects.filter(action="request.notice_failed").exists()
    monkeypatch.setattr(signing, "signer_for", real)
    operator = officers_of(request.body)["operator"]
    with pytest.raises(PermissionDenied):
        svc.request_notice_retry(request=request, user=operator)
    with django_capture_on_commit_callbacks(execute=True):
        svc.request_notice_retry(request=request, user=ppid)
    document.refresh_from_db()
    assert document.status == DocumentStatus.READY
    with pytest.raises(ValidationError):
        svc.request_notice_retry(request=request, user=ppid)


@time_machine.travel(T0, tick=False)
def test_a_local_day_off_moves_the_deadline_and_is_named(seeded):
    from django.contrib.auth import get_user_model

    from workflow.services import calendar as calendar_services

    body = Body.objects.get(slug=KALBAR)
    calendar_services.calendar_day_add(
        body=body,
        date=date(2026, 12, 17),
        kind="off",
        name="Hari Jadi Kota Uji",
        user=get_user_model().objects.get(username="ppid-utama"),
    )
    request = receive()
    # One working day less in December; 5 January 2027 is Isra Mikraj: due Wednesday 6th.
    assert local(request.due_at).date() == date(2027, 1, 6)
    assert "Hari Jadi Kota Uji" in request.due_explanation


@time_machine.travel(T0, tick=False)
def test_the_requester_is_mailed_at_the_extension(seeded, django_capture_on_commit_callbacks):
    request = receive()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        svc.request_extend(
            request=request, user=officers_of(request.body)["ppid"], reason="Data di bidang lain"
        )
    (message,) = [m for m in mail.outbox if m.to == ["siti@example.org"]]
    assert "diperpanjang" in message.subject and "Data di bidang lain" in message.body
    assert "14 Januari 2027" in message.body


@time_machine.travel(T0, tick=False)
def test_register_search_by_number_name_or_code_and_filters(seeded):
    first = receive()
    second = receive(name="Budi Santoso", information="Peta wilayah administrasi")
    ppid = officers_of(first.body)["ppid"]

    def found(**filters) -> list[int]:
        return list(request_register(user=ppid, now=T0, **filters).values_list("pk", flat=True))

    assert found(search="2/2026") == [second.pk]
    assert found(search="budi") == [second.pk]
    assert found(search="peta wilayah") == [second.pk]
    assert found(search=first.tracking_code.lower()) == [first.pk]
    assert found(status="received") == [second.pk, first.pk]
    assert found(status="granted") == []
    assert found(year=2025) == []
    assert found(overdue=True) == []


@time_machine.travel(T0, tick=False)
@pytest.mark.parametrize("event", ["received", "extended", "decided"])
def test_a_redelivered_requester_email_task_sends_once(seeded, mailoutbox, monkeypatch, event):
    """Celery delivers at least once (acks_late): the second run of the same e-mail finds its
    claim and sends nothing; a send that failed releases the claim, so its retry sends."""
    request = receive()
    mailoutbox.clear()
    from workflow.services.requests import mail as request_mail

    real = request_mail.send_mail

    def broken(**kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(request_mail, "send_mail", broken)
    with pytest.raises(OSError):
        tasks.send_requester_email.run(request.pk, event)
    assert not RequesterMail.objects.exists() and mailoutbox == []
    monkeypatch.setattr(request_mail, "send_mail", real)
    assert tasks.send_requester_email.run(request.pk, event) is True
    assert tasks.send_requester_email.run(request.pk, event) is False
    assert len([m for m in mailoutbox if m.to == ["siti@example.org"]]) == 1
    assert RequesterMail.objects.get().key == f"request:{request.pk}:{event}"
