"""Serta merta announced at once (issue 12 rule 2, UU 14/2008 Pasal 10): the operator asks, the
PPID approves in one step with its own short time standard, the item is on the public site at
once (with its times, a spoken version and a large-print page), kept as evidence, and listed
in the next DIP; the verification of that DIP does not announce it twice.
"""

from __future__ import annotations

import html
import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from dip.models import (
    Announcement,
    AnnouncementAudio,
    AnnouncementKind,
    Classification,
    DocumentStatus,
    EditionItem,
    Item,
    Stage,
)
from dip.services import audio as audio_service
from ppid.models import Body
from tests.conftest import require_command
from tests.factories import ItemFactory
from tests.helpers import advance, drive_to, officers_of, open_edition, utama_of
from workflow import tasks
from workflow.models import AuditEntry, Notice, NoticeKind, SertaMertaRequest, SertaMertaState
from workflow.services import sertamerta

pytestmark = pytest.mark.django_db

User = get_user_model()
DINSOS = "dinsos-p3a-kapuas-hulu"  # SOP 000 (DIP): operator, ppid, atasan
KUBU_RAYA = "disdukcapil-kubu-raya"
WIB = ZoneInfo("Asia/Pontianak")
# Monday 1 February 2027, 09:00 WIB: a working day, in office hours.
T0 = datetime(2027, 2, 1, 9, 0, tzinfo=WIB)
ESPEAK = shutil.which("espeak-ng") is not None
# What the audio is made into: Ogg/Opus when opusenc (opus-tools) is there, as in production.
OPUS_OR_WAV = "audio/ogg" if shutil.which("opusenc") else "audio/wav"


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    """The e-mail and audio tasks run in-process once the transaction commits."""


def text(response) -> str:
    return html.unescape(response.content.decode())


def username(body: Body, role: str) -> str:
    return f"{body.slug}.{role}"


@pytest.fixture
def body(seeded) -> Body:
    found = Body.objects.get(slug=DINSOS)
    User.objects.filter(username__startswith=f"{found.slug}.").update(email="petugas@example.go.id")
    return found


@pytest.fixture
def urgent(body) -> Item:
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        return ItemFactory(
            body=body,
            title="Peringatan dini banjir bandang Sungai Kapuas",
            summary="Warga bantaran sungai mengungsi ke GOR Putussibau.",
            classification=Classification.SERTA_MERTA,
        )


def nothing_stored() -> None:
    assert not SertaMertaRequest.objects.exists()
    assert not Announcement.objects.exists()
    assert not Notice.objects.filter(kind=NoticeKind.SERTA_MERTA).exists()
    assert not AuditEntry.objects.filter(action__startswith="serta_merta.").exists()


# --- the whole path, through the API and the public pages ------------------------------------


def test_operator_asks_ppid_approves_and_it_is_public_at_once_with_times_audio_and_large_print(
    body, urgent, api, django_capture_on_commit_callbacks
):
    operator, ppid = username(body, "operator"), username(body, "ppid")
    with time_machine.travel(T0, tick=False) as clock:
        with django_capture_on_commit_callbacks(execute=True):
            response = api(operator).post(
                "/api/serta-merta/",
                {"item": urgent.pk, "note": "Air naik cepat; mohon segera."},
                format="json",
            )
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["state"] == "diajukan" and data["item"] == urgent.pk
        assert data["requested_by"] == operator
        # Its own short time standard: one office hour.
        assert data["standard_amount"] == 1 and data["standard_unit"] == "jam"
        assert datetime.fromisoformat(data["due_at"]) == T0 + timedelta(hours=1)
        assert data["announcement"] is None

        # The PPID is told: in the bell and by e-mail, with the link to decide.
        notice = Notice.objects.get(kind=NoticeKind.SERTA_MERTA, recipient__username=ppid)
        assert urgent.title in notice.title
        assert notice.url == f"/serta-merta/{data['id']}/"
        assert any(urgent.title in m.subject for m in mail.outbox)
        # Nothing public yet.
        assert urgent.title not in text(Client().get(f"/badan-publik/{body.slug}/pengumuman/"))

        clock.move_to(T0 + timedelta(minutes=20))
        with django_capture_on_commit_callbacks(execute=True):
            response = api(ppid).post(f"/api/serta-merta/{data['id']}/approve/")
        assert response.status_code == 200, response.content
        data = response.json()
        assert data["state"] == "disetujui" and data["decided_by"] == ppid
        assert data["overdue"] is False
        announced = data["announcement"]
        assert datetime.fromisoformat(announced["requested_at"]) == T0
        assert datetime.fromisoformat(announced["announced_at"]) == T0 + timedelta(minutes=20)

    announcement = Announcement.objects.get()
    assert announcement.kind == AnnouncementKind.SERTA_MERTA and announcement.item == urgent
    assert announcement.edition is None and announcement.announced_by.username == ppid
    assert announcement.requested_at == T0
    assert AuditEntry.objects.filter(action="serta_merta.request").count() == 1
    approved = AuditEntry.objects.get(action="serta_merta.approve")
    assert approved.duration_seconds == 20 * 60 and approved.standard_seconds == 3600

    # At once on the public site (the page cache was retired), with both times.
    for url in ("/pengumuman/", f"/badan-publik/{body.slug}/pengumuman/"):
        page = text(Client().get(url))
        assert urgent.title in page and urgent.summary in page, url
        assert "1 Februari 2027 09:00" in page, url  # requested
        assert "1 Februari 2027 09:20" in page, url  # approved and announced
        assert f"/pengumuman/{announcement.pk}/cetak-besar/" in page, url

    # The large-print page: plain, large type, no images, no inline style or script.
    response = Client().get(f"/pengumuman/{announcement.pk}/cetak-besar/")
    assert response.status_code == 200
    page = text(response)
    assert f"<h1>{urgent.title}</h1>" in page and urgent.summary in page
    assert "css/large-print" in page and 'class="large-print"' in page
    for forbidden in ("<img", "style=", "<script", "<svg"):
        assert forbidden not in page
    assert "1 Februari 2027 09:20" in page

    require_command("espeak-ng", "espeak-ng")
    # The spoken version was made by the task after the commit, and is served: Ogg/Opus where
    # opusenc is installed (production's image, and bin/test), WAV otherwise.
    made = AnnouncementAudio.objects.get(announcement=announcement)
    assert made.status == DocumentStatus.READY and made.attempts == 1
    assert made.content_type == OPUS_OR_WAV and len(made.sha256) == 64
    response = Client().get(f"/pengumuman/{announcement.pk}/suara/")
    assert response.status_code == 200
    assert response["Content-Type"] == made.content_type
    content = b"".join(response.streaming_content)
    assert content[:4] == (b"RIFF" if made.content_type == "audio/wav" else b"OggS")
    assert len(content) == made.size > 10_000
    page = text(Client().get(f"/badan-publik/{body.slug}/pengumuman/"))
    assert f'<audio controls preload="none" src="/pengumuman/{announcement.pk}/suara/"' in page
    assert f'href="/pengumuman/{announcement.pk}/suara/" download' in page
    data = api(ppid).get(f"/api/serta-merta/{response_id(announcement)}/").json()
    assert data["announcement"]["audio_url"] == f"/pengumuman/{announcement.pk}/suara/"


def response_id(announcement: Announcement) -> int:
    return SertaMertaRequest.objects.get(announcement=announcement).pk


def test_the_audio_is_built_once_in_indonesian(body, urgent, django_capture_on_commit_callbacks):
    require_command("espeak-ng", "espeak-ng")
    request = _asked(body, urgent)
    _approve(body, request)
    announcement = Announcement.objects.get()
    assert "Pengumuman" in audio_service.speech_text(announcement)
    first = audio_service.announcement_audio_build(announcement_id=announcement.pk)
    again = audio_service.announcement_audio_build(announcement_id=announcement.pk)
    assert first.status == again.status == DocumentStatus.READY
    assert again.file.name == first.file.name and again.attempts == 1
    assert AuditEntry.objects.filter(action="announcement.audio_ready").count() == 1


def test_audio_without_espeak_fails_with_its_error_and_the_page_offers_none(
    body, urgent, monkeypatch
):
    request = _asked(body, urgent)
    _approve(body, request)
    announcement = Announcement.objects.get()
    monkeypatch.setattr(audio_service.shutil, "which", lambda name: None)
    with pytest.raises(audio_service.AudioUnavailable):
        audio_service.announcement_audio_build(announcement_id=announcement.pk)
    made = AnnouncementAudio.objects.get(announcement=announcement)
    assert made.status == DocumentStatus.FAILED and "espeak-ng" in made.last_error
    assert Client().get(f"/pengumuman/{announcement.pk}/suara/").status_code == 404
    page = text(Client().get(f"/badan-publik/{body.slug}/pengumuman/"))
    assert urgent.title in page and "<audio" not in page


def _approve(body: Body, request: SertaMertaRequest, minutes: int = 5) -> SertaMertaRequest:
    with time_machine.travel(T0 + timedelta(minutes=minutes), tick=False):
        return sertamerta.serta_merta_request_approve(
            request=request, user=officers_of(body)["ppid"]
        )


def _asked(body: Body, item: Item, role: str = "operator", at: datetime = T0) -> SertaMertaRequest:
    with time_machine.travel(at, tick=False):
        return sertamerta.serta_merta_request_create(item=item, user=officers_of(body)[role])


# --- listed in the next DIP, never announced twice -------------------------------------------


def test_approved_item_waits_for_the_next_dip_and_its_verification_does_not_announce_again(
    body, urgent, django_capture_on_commit_callbacks
):
    officers = officers_of(body)
    request = _asked(body, urgent)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        sertamerta.serta_merta_request_approve(request=request, user=officers["ppid"])
    urgent.refresh_from_db()
    assert urgent.reopened_awaiting_dip  # no DIP is being assembled: the next one takes it

    with time_machine.travel(T0 + timedelta(days=1), tick=False):
        edition = open_edition(body, title="DIP 2027", year=2027, items=[], officers=officers)
        assert list(edition.entries.values_list("item_id", flat=True)) == [urgent.pk]
        urgent.refresh_from_db()
        assert not urgent.reopened_awaiting_dip
        edition = drive_to(edition, Stage.VERIFICATION, officers)
        with django_capture_on_commit_callbacks(execute=True):
            edition = advance(edition, officers)  # the PPID verifies: the fallback runs
    assert edition.state == Stage.APPROVAL
    assert Announcement.objects.filter(item=urgent).count() == 1


def test_approved_item_joins_the_dip_being_assembled(body, urgent):
    officers = officers_of(body)
    with time_machine.travel(T0 - timedelta(days=1), tick=False):
        edition = open_edition(body, title="DIP 2027", year=2027, items=[], officers=officers)
    request = _asked(body, urgent)
    _approve(body, request)
    assert EditionItem.objects.filter(edition=edition, item=urgent).exists()
    urgent.refresh_from_db()
    assert not urgent.reopened_awaiting_dip


# --- bad inputs: refused, nothing stored -----------------------------------------------------


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "item"),
        ({"item": "banjir"}, "item"),
        ({"item": 999_999_999}, "item"),
        ({"item": "<urgent>", "note": "x" * 2001}, "note"),
        ({"item": "<quiet>"}, "item"),
    ],
)
def test_bad_requests_are_refused_with_the_field_and_nothing_stored(
    body, urgent, api, payload, field
):
    quiet = ItemFactory(body=body, classification=Classification.SETIAP_SAAT)
    names = {"<urgent>": urgent.pk, "<quiet>": quiet.pk}
    payload = {k: names.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    response = api(username(body, "operator")).post("/api/serta-merta/", payload, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    nothing_stored()


def test_a_second_request_or_one_for_content_already_announced_is_refused(body, urgent, api):
    operator = api(username(body, "operator"))
    assert operator.post("/api/serta-merta/", {"item": urgent.pk}, format="json").status_code == 201
    response = operator.post("/api/serta-merta/", {"item": urgent.pk}, format="json")
    assert response.status_code == 400
    assert "sudah menunggu" in " ".join(response.json()["item"])
    assert SertaMertaRequest.objects.count() == 1

    pk = SertaMertaRequest.objects.get().pk
    assert api(username(body, "ppid")).post(f"/api/serta-merta/{pk}/approve/").status_code == 200
    response = operator.post("/api/serta-merta/", {"item": urgent.pk}, format="json")
    assert response.status_code == 400
    assert SertaMertaRequest.objects.count() == 1 and Announcement.objects.count() == 1
    # Decided once: a second approval or a return answers "already processed".
    ppid = api(username(body, "ppid"))
    assert ppid.post(f"/api/serta-merta/{pk}/approve/").status_code == 409
    assert ppid.post(f"/api/serta-merta/{pk}/return/", {"note": "x"}).status_code == 409
    assert Announcement.objects.count() == 1


def test_a_return_needs_a_note_tells_the_operator_and_announces_nothing(body, urgent, api):
    request = _asked(body, urgent, at=datetime.now(tz=WIB))
    ppid = api(username(body, "ppid"))
    response = ppid.post(f"/api/serta-merta/{request.pk}/return/", {"note": "  "}, format="json")
    assert response.status_code == 400 and "note" in response.json()
    request.refresh_from_db()
    assert request.state == SertaMertaState.DIAJUKAN and request.decided_at is None

    response = ppid.post(
        f"/api/serta-merta/{request.pk}/return/",
        {"note": "Lengkapi lokasi pengungsian."},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "dikembalikan"
    assert response.json()["decision_note"] == "Lengkapi lokasi pengungsian."
    assert not Announcement.objects.exists()
    notice = Notice.objects.get(
        recipient__username=username(body, "operator"), key=f"serta_merta:{request.pk}:returned"
    )
    assert "Lengkapi lokasi pengungsian." in notice.message
    # Returned: the operator may ask again.
    again = api(username(body, "operator")).post(
        "/api/serta-merta/", {"item": urgent.pk}, format="json"
    )
    assert again.status_code == 201


# --- who may do what -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, expected",
    [
        ("operator", 201),
        ("ppid", 201),
        ("atasan", 403),
        ("other:operator", 400),  # another body's item is not found among theirs
        ("utama:ppid_utama", 403),
        ("anonymous", 401),
    ],
)
def test_who_may_ask(body, urgent, api, who, expected):
    response = _as(api, body, who).post("/api/serta-merta/", {"item": urgent.pk}, format="json")
    assert response.status_code == expected, response.content
    assert SertaMertaRequest.objects.count() == (1 if expected == 201 else 0)


@pytest.mark.parametrize(
    "who, expected",
    [
        ("ppid", 200),
        ("operator", 403),
        ("atasan", 403),
        ("utama:ppid_utama", 403),
        ("other:ppid", 404),
        ("anonymous", 401),
    ],
)
@pytest.mark.parametrize("action", ["approve", "return"])
def test_only_the_ppid_of_the_body_decides(body, urgent, api, who, expected, action):
    request = _asked(body, urgent)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        response = _as(api, body, who).post(
            f"/api/serta-merta/{request.pk}/{action}/", {"note": "Belum lengkap."}, format="json"
        )
    assert response.status_code == expected, response.content
    request.refresh_from_db()
    decided = expected == 200
    assert (request.state != SertaMertaState.DIAJUKAN) is decided
    assert Announcement.objects.exists() is (decided and action == "approve")


def _as(api, body: Body, who: str):
    if who == "anonymous":
        return api()
    if who.startswith("other:"):
        return api(f"{KUBU_RAYA}.{who.removeprefix('other:')}")
    if who.startswith("utama:"):
        return api(utama_of(body.slug))  # the PPID Utama above the body: sees it, may not act
    return api(username(body, who))


# --- the pages -------------------------------------------------------------------------------


def test_the_pages_ask_approve_and_return(body, urgent, django_capture_on_commit_callbacks):
    officers = officers_of(body)
    operator, ppid = Client(), Client()
    operator.force_login(officers["operator"])
    ppid.force_login(officers["ppid"])

    page = text(operator.get(f"/informasi/{urgent.pk}/"))
    assert f'href="/serta-merta/ajukan/{urgent.pk}/"' in page
    assert "Belum diumumkan" in page

    response = operator.post(f"/serta-merta/ajukan/{urgent.pk}/", {"note": "x" * 2001})
    assert response.status_code == 200 and 'class="error"' in text(response)
    nothing_stored()

    response = operator.post(f"/serta-merta/ajukan/{urgent.pk}/", {"note": "Segera."})
    request = SertaMertaRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/serta-merta/{request.pk}/"
    page = text(operator.get(response["Location"]))
    assert "Diajukan" in page and "Setujui" not in page

    page = text(ppid.get("/serta-merta/"))
    assert urgent.title in page
    page = text(ppid.get("/tugas/"))
    assert "Pengumuman serta merta yang menunggu persetujuan" in page
    assert f'href="/serta-merta/{request.pk}/"' in page
    assert f'href="/serta-merta/{request.pk}/"' not in text(operator.get("/tugas/"))
    page = text(ppid.get(f"/serta-merta/{request.pk}/"))
    assert f'action="/serta-merta/{request.pk}/setujui/"' in page

    # A return without a note: the error next to the field, nothing changed.
    response = ppid.post(f"/serta-merta/{request.pk}/kembalikan/", {"note": ""})
    assert response.status_code == 400 and 'class="error"' in text(response)
    request.refresh_from_db()
    assert request.state == SertaMertaState.DIAJUKAN

    # The operator cannot approve (403); another body's officer does not see it (404).
    assert operator.post(f"/serta-merta/{request.pk}/setujui/").status_code == 403
    other = Client()
    other.force_login(officers_of(Body.objects.get(slug=KUBU_RAYA))["ppid"])
    assert other.get(f"/serta-merta/{request.pk}/").status_code == 404
    assert other.post(f"/serta-merta/{request.pk}/setujui/").status_code == 404
    assert other.get(f"/serta-merta/ajukan/{urgent.pk}/").status_code == 404
    assert not Announcement.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = ppid.post(f"/serta-merta/{request.pk}/setujui/", follow=True)
    assert "diumumkan di situs publik sekarang" in text(response)
    request.refresh_from_db()
    assert request.state == SertaMertaState.DISETUJUI
    page = text(operator.get(f"/informasi/{urgent.pk}/"))
    assert f"/pengumuman/{request.announcement_id}/cetak-besar/" in page


def test_the_ask_page_refuses_an_item_that_is_not_serta_merta(body):
    quiet = ItemFactory(body=body, classification=Classification.BERKALA)
    client = Client()
    client.force_login(officers_of(body)["operator"])
    assert "serta-merta/ajukan" not in text(client.get(f"/informasi/{quiet.pk}/"))
    response = client.post(f"/serta-merta/ajukan/{quiet.pk}/", {"note": ""})
    assert response.status_code == 302
    nothing_stored()


# --- the clock -------------------------------------------------------------------------------


def clock_notices(request: SertaMertaRequest) -> dict[str, set[str]]:
    """Event → who was told, for the request's clock notices."""
    found: dict[str, set[str]] = {}
    for key, user in Notice.objects.filter(
        key__startswith=f"serta_merta:{request.pk}:"
    ).values_list("key", "recipient__username"):
        event = key.rsplit(":", 1)[1]
        if event in ("reminder", "overdue", "escalation"):
            found.setdefault(event, set()).add(user)
    return found


def sweep_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return tasks.sweep_serta_merta_clock()


def test_the_clock_reminds_then_marks_overdue_then_escalates_once_each(body, urgent, settings):
    """Like an SOP step: the reminder at 80% of the standard (1 hour: 48 minutes), terlambat at
    the deadline, the escalation to the PPID Utama over the body a grace period later; each
    once, through the beat sweep and its per-request watch."""
    settings.PPID_ESCALATION_GRACE_HOURS = 4
    request = _asked(body, urgent)
    assert request.remind_at == T0 + timedelta(minutes=48)
    assert request.next_notice_at == request.remind_at
    ppid, atasan = username(body, "ppid"), username(body, "atasan")
    assert sweep_at(T0 + timedelta(minutes=47)) == 0
    assert clock_notices(request) == {}
    assert sweep_at(T0 + timedelta(minutes=48)) == 1
    assert sweep_at(T0 + timedelta(minutes=50)) == 0
    assert clock_notices(request) == {"reminder": {ppid}}
    assert sweep_at(T0 + timedelta(minutes=59)) == 0
    assert sweep_at(T0 + timedelta(hours=1)) == 1
    assert sweep_at(T0 + timedelta(hours=1, minutes=1)) == 0
    assert clock_notices(request)["overdue"] == {ppid, atasan}
    assert sweep_at(T0 + timedelta(hours=4, minutes=59)) == 0
    assert sweep_at(T0 + timedelta(hours=5)) == 1
    assert clock_notices(request) == {
        "reminder": {ppid},
        "overdue": {ppid, atasan},
        "escalation": {utama_of(DINSOS)},
    }
    assert sweep_at(T0 + timedelta(days=3)) == 0  # nothing more is owed
    request.refresh_from_db()
    assert request.next_notice_at is None and request.escalated_at == T0 + timedelta(hours=5)
    for action in ("serta_merta.reminded", "serta_merta.overdue", "serta_merta.escalated"):
        assert AuditEntry.objects.filter(action=action).count() == 1, action
    # A second watch of the same request (a redelivered message) sends nothing.
    assert sertamerta.serta_merta_watch(request_id=request.pk, now=T0 + timedelta(days=3)) == []
    # Approved late: it is still announced, and the audit says it was late.
    with time_machine.travel(T0 + timedelta(hours=6), tick=False):
        sertamerta.serta_merta_request_approve(request=request, user=officers_of(body)["ppid"])
    assert AuditEntry.objects.get(action="serta_merta.approve").data["on_time"] is False


def test_a_held_up_sweep_catches_up_without_the_reminder_and_a_decided_request_owes_nothing(
    body, urgent, settings
):
    settings.PPID_ESCALATION_GRACE_HOURS = 4
    late = _asked(body, urgent)
    assert sweep_at(T0 + timedelta(hours=6)) == 1
    assert set(clock_notices(late)) == {"overdue", "escalation"}

    other = ItemFactory(
        body=body, title="Jalur evakuasi", classification=Classification.SERTA_MERTA
    )
    decided = _asked(body, other)
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        sertamerta.serta_merta_request_approve(request=decided, user=officers_of(body)["ppid"])
    decided.refresh_from_db()
    assert decided.next_notice_at is None
    for moment in (timedelta(minutes=48), timedelta(hours=1), timedelta(hours=5)):
        assert sweep_at(T0 + moment) == 0
    assert clock_notices(decided) == {}


def test_the_body_sets_its_own_standard_on_the_sop_page(body, urgent):
    """The PPID Utama over the body or its atasan set the body's own standard (shown on the SOP
    page); new requests take it, requests already asked keep theirs, other bodies keep the
    project's default; bad values and other roles store nothing."""
    from workflow.models import SertaMertaStandard

    officers = officers_of(body)
    url = f"/badan/{body.slug}/sop/serta-merta/"
    before = _asked(body, urgent)
    assert (before.standard_amount, before.standard_unit) == (1, "jam")

    def client_of(user_or_name) -> Client:
        client = Client()
        user = (
            User.objects.get(username=user_or_name)
            if isinstance(user_or_name, str)
            else user_or_name
        )
        client.force_login(user)
        return client

    page = text(client_of(officers["ppid"]).get(f"/badan/{body.slug}/sop/"))
    assert "Standar waktu serta merta" in page and "1 jam" in page and url not in page
    for role in ("ppid", "operator"):
        assert client_of(officers[role]).get(url).status_code == 403, role
        assert (
            client_of(officers[role]).post(url, {"amount": 15, "unit": "menit"}).status_code == 403
        )
    kubu_atasan = officers_of(Body.objects.get(slug=KUBU_RAYA))["atasan"]
    assert client_of(kubu_atasan).post(url, {"amount": 15, "unit": "menit"}).status_code == 404

    atasan = client_of(officers["atasan"])
    assert url in text(atasan.get(f"/badan/{body.slug}/sop/"))
    form_page = text(atasan.get(url))
    assert "diingatkan saat 80%" in form_page and "standar bawaan" in form_page
    for data, field in (
        ({"amount": "", "unit": "jam"}, "amount"),
        ({"amount": "15", "unit": ""}, "unit"),
        ({"amount": "0", "unit": "menit"}, "amount"),
        ({"amount": "5", "unit": "hari_kerja"}, "amount"),  # not "without delay"
    ):
        response = atasan.post(url, data)
        assert response.status_code == 200, data
        assert f'id="id_{field}_error"' in text(response), data
    assert not SertaMertaStandard.objects.exists()
    assert not AuditEntry.objects.filter(action="serta_merta.standard_set").exists()

    response = atasan.post(url, {"amount": "15", "unit": "menit"})
    assert response.status_code == 302 and response["Location"] == f"/badan/{body.slug}/sop/"
    page = text(atasan.get(f"/badan/{body.slug}/sop/"))
    assert "15 menit" in page and "Ditetapkan untuk badan ini" in page
    entry = AuditEntry.objects.get(action="serta_merta.standard_set")
    assert entry.actor == officers["atasan"] and entry.data["to"] == {
        "amount": 15,
        "unit": "menit",
        "own": True,
    }
    before.refresh_from_db()
    assert (before.standard_amount, before.due_at) == (1, T0 + timedelta(hours=1))
    # A new request takes the body's standard: 15 minutes, reminded after 12.
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        sertamerta.serta_merta_request_approve(request=before, user=officers["ppid"])
    fresh = _asked(body, urgent_again(body), at=T0 + timedelta(hours=3))
    assert (fresh.standard_amount, fresh.standard_unit) == (15, "menit")
    assert fresh.due_at == T0 + timedelta(hours=3, minutes=15)
    assert fresh.remind_at == T0 + timedelta(hours=3, minutes=12)
    # Another body keeps the project's default.
    kubu = Body.objects.get(slug=KUBU_RAYA)
    kubu_item = ItemFactory(
        body=kubu, title="Gangguan SIAK", classification=Classification.SERTA_MERTA
    )
    assert _asked(kubu, kubu_item).standard_unit == "jam"
    # The PPID Utama over the body goes back to the default.
    utama = client_of(utama_of(DINSOS))
    assert utama.post(url, {"use_default": "on"}).status_code == 302
    assert not SertaMertaStandard.objects.exists()
    assert "1 jam" in text(utama.get(f"/badan/{body.slug}/sop/"))


def urgent_again(body: Body) -> Item:
    return ItemFactory(
        body=body, title="Peringatan dini longsor", classification=Classification.SERTA_MERTA
    )


def test_the_deadline_counts_office_time(body, urgent):
    # Friday 5 February 2027 at 15:30: the hour runs into Monday morning.
    friday = datetime(2027, 2, 5, 15, 30, tzinfo=WIB)
    with time_machine.travel(friday, tick=False):
        request = sertamerta.serta_merta_request_create(
            item=urgent, user=officers_of(body)["operator"]
        )
    assert request.due_at > friday + timedelta(hours=1)
    assert request.due_at.astimezone(WIB).date() >= date(2027, 2, 8)


def test_the_sweep_makes_the_audio_an_announcement_missed(body, urgent):
    """The broker was down at the commit (here: the commit's callbacks never ran)."""
    from dip.tasks import sweep_announcement_audio

    _approve(body, _asked(body, urgent))
    announcement = Announcement.objects.get()
    assert not AnnouncementAudio.objects.exists()
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        assert sweep_announcement_audio() == 0  # still fresh: its own task may be on the way
    with time_machine.travel(T0 + timedelta(minutes=11), tick=False):
        sweep_announcement_audio()
        made = AnnouncementAudio.objects.get(announcement=announcement)
        assert made.attempts == 1
        assert made.status == (DocumentStatus.READY if ESPEAK else DocumentStatus.FAILED)
        assert sweep_announcement_audio() == 0  # built (or just tried): nothing queued again


def test_the_announcements_page_reads_each_audio_without_a_query_per_row(
    body, django_assert_max_num_queries
):
    with time_machine.travel(T0 - timedelta(days=3), tick=False):
        items = [
            ItemFactory(body=body, classification=Classification.SERTA_MERTA) for _ in range(4)
        ]
    for minutes, item in enumerate(items, start=1):
        announcement = _approve(body, _asked(body, item), minutes=minutes).announcement
        AnnouncementAudio.objects.create(
            announcement=announcement,
            status=DocumentStatus.READY,
            file=f"announcements/{body.slug}/{announcement.pk}-0.wav",
            content_type="audio/wav",
        )
    with django_assert_max_num_queries(5):
        page = text(Client().get(f"/badan-publik/{body.slug}/pengumuman/"))
    assert page.count("<audio controls") == 4


def test_asked_in_the_evening_the_standard_stays_one_hour_and_on_time_follows_the_deadline(
    body, urgent, api
):
    """Issue 12 rule 9: the audit's standard is the standard (3,600 s for "1 jam"), not the
    span to the next office-day deadline; the deadline is beside it and judges "on time"."""
    evening = datetime(2027, 2, 1, 19, 0, tzinfo=WIB)  # Monday, after closing (16:00)
    next_morning = datetime(2027, 2, 2, 8, 30, tzinfo=WIB)  # one office hour from 07:30
    late_item = urgent_again(body)
    with time_machine.travel(evening, tick=False):
        request = sertamerta.serta_merta_request_create(
            item=urgent, user=officers_of(body)["operator"]
        )
        late = sertamerta.serta_merta_request_create(
            item=late_item, user=officers_of(body)["operator"]
        )
    assert request.due_at == next_morning
    assert request.standard_seconds == 3600
    asked = AuditEntry.objects.filter(action="serta_merta.request", target_id=str(request.pk))
    asked = asked.get()
    assert asked.standard_seconds == 3600
    assert datetime.fromisoformat(asked.data["due_at"]) == next_morning
    assert "on_time" not in asked.data  # not decided yet

    # Decided 13 hours after it was asked, far beyond 3,600 s, yet before the deadline: on time.
    with time_machine.travel(next_morning - timedelta(minutes=5), tick=False):
        data = api(username(body, "ppid")).post(f"/api/serta-merta/{request.pk}/approve/").json()
    approved = AuditEntry.objects.get(action="serta_merta.approve")
    assert approved.standard_seconds == 3600
    assert approved.duration_seconds == 13 * 3600 + 25 * 60
    assert datetime.fromisoformat(approved.data["due_at"]) == next_morning
    assert approved.data["on_time"] is True
    assert data["standard_seconds"] == 3600 and data["on_time"] is True
    assert datetime.fromisoformat(data["due_at"]) == next_morning and data["overdue"] is False

    # A minute after the deadline: late, whatever the standard.
    with time_machine.travel(next_morning + timedelta(minutes=1), tick=False):
        data = api(username(body, "ppid")).post(
            f"/api/serta-merta/{late.pk}/return/", {"note": "Belum lengkap."}, format="json"
        )
        data = data.json()
    returned = AuditEntry.objects.get(action="serta_merta.return")
    assert returned.standard_seconds == 3600 and returned.data["on_time"] is False
    assert data["standard_seconds"] == 3600 and data["on_time"] is False
    assert data["overdue"] is True
    # The waiting request in the API: the standard, its deadline, no judgement yet.
    with time_machine.travel(evening, tick=False):
        third = sertamerta.serta_merta_request_create(
            item=ItemFactory(body=body, title="Banjir", classification=Classification.SERTA_MERTA),
            user=officers_of(body)["operator"],
        )
    data = api(username(body, "ppid")).get(f"/api/serta-merta/{third.pk}/").json()
    assert data["standard_seconds"] == 3600 and data["on_time"] is None


def test_the_migration_stores_the_standard_of_requests_asked_before(body, urgent):
    """Requests asked before the standard was stored get amount times unit, a day one office day."""
    from importlib import import_module

    from django.apps import apps

    backfill = import_module(
        "workflow.migrations.0016_serta_merta_standard_seconds"
    ).backfill_standard_seconds
    with time_machine.travel(T0, tick=False):
        hour = sertamerta.serta_merta_request_create(
            item=urgent, user=officers_of(body)["operator"]
        )
        day = sertamerta.serta_merta_request_create(
            item=urgent_again(body), user=officers_of(body)["operator"]
        )
    SertaMertaRequest.objects.filter(pk=day.pk).update(standard_amount=1, standard_unit="hari")
    SertaMertaRequest.objects.update(standard_seconds=None)
    backfill(apps, None)
    assert SertaMertaRequest.objects.get(pk=hour.pk).standard_seconds == 3600
    assert SertaMertaRequest.objects.get(pk=day.pk).standard_seconds == 30600  # 07:30-16:00
