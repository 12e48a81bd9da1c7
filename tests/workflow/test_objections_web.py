"""Objections through the API and the pages: the public filing by tracking code (201, 400 past
the 30 working days or with an unknown ground, nothing stored; honeypot; a flood from one
address; no personal data shown), the officers' register (their bodies only) and the atasan's
answer (others 403, other bodies 404, twice 409)."""

from __future__ import annotations

import html
from datetime import datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from tests.helpers import form_shown
from tests.workflow.test_objections import DINSOS, KUBU_RAYA, T0, WIB, make_request
from workflow.models import AuditEntry, Objection, ObjectionStatus
from workflow.services import objections as service

pytestmark = pytest.mark.django_db

User = get_user_model()

PERSONAL = ("Siti Warga", "6106010101900001", "warga@example.com", "Kenanga")


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(request) -> str:
    return f"/api/public/requests/{request.tracking_code}/objections/"


def nothing_stored() -> None:
    assert not Objection.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="objection.").exists()


# --- public API -------------------------------------------------------------------------------


def test_api_files_an_objection(seeded, api):
    request = make_request()
    with time_machine.travel(T0, tick=False):
        response = api().post(url(request), {"ground": "a", "reason": "Bukan rahasia."})
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"id", "number", "due_at"}
    objection = Objection.objects.get(pk=data["id"])
    assert datetime.fromisoformat(data["due_at"]) == datetime(2027, 1, 22, 16, 30, tzinfo=WIB)
    assert objection.request == request


@pytest.mark.parametrize(
    "payload",
    [
        {"ground": "h", "reason": "Alasan."},
        {"ground": "", "reason": "Alasan."},
        {"reason": "Alasan."},
        {"ground": "a"},
        {"ground": "a", "reason": ""},
        {"ground": "a", "reason": "x" * 5001},
        {"ground": "a", "reason": "<script>alert(1)</script>" * 300},
    ],
)
def test_api_bad_input_is_400_and_nothing_stored(seeded, api, payload):
    request = make_request()
    with time_machine.travel(T0, tick=False):
        response = api().post(url(request), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"ground", "reason"}
    nothing_stored()


def test_api_past_30_working_days_is_400(seeded, api):
    request = make_request(decided_at=datetime(2026, 11, 20, 10, 0, tzinfo=WIB))
    with time_machine.travel(datetime(2027, 1, 8, 8, 0, tzinfo=WIB), tick=False):
        response = api().post(url(request), {"ground": "a", "reason": "Terlambat."})
    assert response.status_code == 400
    assert "7 Januari 2027" in response.json()["ground"][0]
    nothing_stored()


def test_api_unknown_tracking_code_is_404(seeded, api):
    response = api().post(
        "/api/public/requests/AAAAAAAAAAAAAAAA/objections/", {"ground": "a", "reason": "x"}
    )
    assert response.status_code == 404
    nothing_stored()


def test_api_flood_from_one_address_is_429(seeded, api, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "objection_filing": "3/hour",
        },
    }
    request = make_request()
    client = api()
    with time_machine.travel(T0, tick=False):
        codes = [
            client.post(url(request), {"ground": "h", "reason": "x"}).status_code for _ in range(5)
        ]
    assert codes[:3] == [400, 400, 400] and codes[3:] == [429, 429]
    nothing_stored()


# --- officers' API ------------------------------------------------------------------------------


def filed(slug: str = DINSOS) -> Objection:
    with time_machine.travel(T0, tick=False):
        return service.objection_file(request=make_request(slug), ground="a", reason="Alasan.")


def test_officers_list_only_their_bodies(seeded, api):
    mine = filed(DINSOS)
    other = filed(KUBU_RAYA)
    data = api(f"{DINSOS}.operator").get("/api/objections/").json()
    ids = [row["id"] for row in data["results"]]
    assert ids == [mine.pk]
    assert data["results"][0]["number"] == "1/2026"
    assert "Siti Warga" not in str(data)
    assert api(f"{DINSOS}.operator").get(f"/api/objections/{other.pk}/").status_code == 404
    assert api().get("/api/objections/").status_code == 401


@pytest.mark.parametrize("role", ["operator", "ppid", "tim"])
def test_api_answer_by_others_is_403(seeded, api, role):
    objection = filed()
    response = api(f"{DINSOS}.{role}").post(
        f"/api/objections/{objection.pk}/answer/", {"decision": "upheld", "note": "Ya."}
    )
    assert response.status_code == 403
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED


def test_api_answer_of_another_body_is_404(seeded, api):
    objection = filed(DINSOS)
    response = api(f"{KUBU_RAYA}.atasan").post(
        f"/api/objections/{objection.pk}/answer/", {"decision": "upheld", "note": "Ya."}
    )
    assert response.status_code == 404


def test_api_answer_then_twice_is_409(seeded, api):
    objection = filed()
    client = api(f"{DINSOS}.atasan")
    bad = client.post(f"/api/objections/{objection.pk}/answer/", {"decision": "maybe"})
    assert bad.status_code == 400 and set(bad.json()) == {"decision", "note"}
    first = client.post(
        f"/api/objections/{objection.pk}/answer/", {"decision": "rejected", "note": "Tidak."}
    )
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "rejected" and first.json()["dispute_due_at"]
    again = client.post(
        f"/api/objections/{objection.pk}/answer/", {"decision": "upheld", "note": "Ya."}
    )
    assert again.status_code == 409
    assert AuditEntry.objects.filter(action="objection.answer").count() == 1


# --- public page --------------------------------------------------------------------------------


def page(request) -> str:
    return f"/lacak-permohonan/{request.tracking_code}/keberatan/"


def test_public_page_files_and_shows_no_personal_data(seeded):
    request = make_request()
    client = Client(enforce_csrf_checks=True)
    with time_machine.travel(T0, tick=False):
        shown = client.get(page(request))
        assert shown.status_code == 200
        assert not shown.cookies  # no cookie, not even CSRF
        body = text(shown)
        assert "Penolakan" in body or "Pasal 17" in body
        assert "Cache-Control" in shown and "no-store" in shown["Cache-Control"]
        posted = client.post(page(request), {"ground": "a", "reason": "Bukan rahasia."})
    assert posted.status_code == 200
    body = text(posted)
    assert "1/2026" in body and "22 Januari 2027" in body
    for value in PERSONAL:
        assert value not in body
    assert Objection.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"ground": "h", "reason": "Alasan."},
        {"ground": "a", "reason": ""},
        {"ground": "a", "reason": "x" * 5001},
        {},
    ],
)
def test_public_page_bad_input_answers_next_to_the_field(seeded, data):
    request = make_request()
    with time_machine.travel(T0, tick=False):
        response = Client().post(page(request), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    nothing_stored()


def test_public_page_honeypot_stores_nothing_and_keeps_what_was_typed(
    seeded, celery_eager, django_capture_on_commit_callbacks
):
    """The one honeypot rule (ppid.forms.HoneypotMixin), as on the request form: refused like
    an invalid form (not a fake success: the requester's 30 working days run), nothing stored
    and no mail, the typing shown again with the trap emptied; sent again as shown, it is filed
    and the requester e-mailed (the mail count can move)."""
    request = make_request()
    other = filed(KUBU_RAYA)  # one objection already there: counts, not emptiness
    before = (Objection.objects.count(), AuditEntry.objects.count(), len(mail.outbox))
    client = Client()
    typed = {"ground": "d", "reason": "Jawaban tidak sesuai permohonan."}
    with (
        time_machine.travel(T0, tick=False),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = client.post(page(request), typed | {"website": "http://spam.example"})
    assert response.status_code == 400
    assert (Objection.objects.count(), AuditEntry.objects.count(), len(mail.outbox)) == before
    assert not callbacks
    body = text(response)
    assert "Formulir Anda belum terkirim dan tidak ada yang disimpan" in body
    assert "spam.example" not in body and "Terima kasih" not in body
    shown = form_shown(response.content.decode(), page(request))
    assert shown == typed | {"website": ""}
    with (
        time_machine.travel(T0, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        again = client.post(page(request), shown)
    assert again.status_code == 200
    assert Objection.objects.exclude(pk=other.pk).get().request == request
    assert len(mail.outbox) > before[2]


def test_public_page_flood_is_429(seeded, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "objection_filing": "2/hour",
        },
    }
    request = make_request()
    client = Client()
    with time_machine.travel(T0, tick=False):
        codes = [
            client.post(page(request), {"ground": "h", "reason": "x"}).status_code for _ in range(3)
        ]
        last = client.post(page(request), {"ground": "a", "reason": "Sah dan lengkap."})
    assert codes == [400, 400, 429]
    assert last.status_code == 429 and int(last["Retry-After"]) > 0
    assert "Terlalu banyak formulir dikirim" in text(last)
    shown = form_shown(last.content.decode(), page(request))
    assert shown == {"ground": "a", "reason": "Sah dan lengkap.", "website": ""}
    nothing_stored()


def test_public_page_unknown_code_is_404(seeded):
    assert Client().get("/lacak-permohonan/AAAAAAAAAAAAAAAA/keberatan/").status_code == 404


# --- officers' pages ----------------------------------------------------------------------------


def test_register_and_answer_page(seeded, login):
    objection = filed()
    filed(KUBU_RAYA)
    client = login(f"{DINSOS}.atasan")
    register = text(client.get("/keberatan/"))
    assert objection.register_number in register
    assert register.count("/keberatan/") >= 1
    assert "<strong>terlambat</strong>" not in register
    Objection.objects.filter(pk=objection.pk).update(due_at=datetime(2026, 12, 1, tzinfo=WIB))
    late = text(client.get("/keberatan/?overdue=on"))
    assert "<strong>terlambat</strong>" in late and objection.register_number in late
    detail = client.get(f"/keberatan/{objection.pk}/")
    assert detail.status_code == 200 and "jawab" in text(detail)
    assert "************0001" in text(detail)
    unconfirmed = client.post(
        f"/keberatan/{objection.pk}/jawab/", {"decision": "upheld", "note": "Dibuka."}
    )
    assert unconfirmed.status_code == 400
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED
    done = client.post(
        f"/keberatan/{objection.pk}/jawab/",
        {"decision": "upheld", "note": "Dibuka.", "confirm": "on"},
    )
    assert done.status_code == 302
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.UPHELD
    assert AuditEntry.objects.filter(action="objection.answer").count() == 1


def test_answer_page_other_role_403_other_body_404(seeded, login):
    objection = filed()
    data = {"decision": "upheld", "note": "Ya.", "confirm": "on"}
    assert login(f"{DINSOS}.ppid").post(f"/keberatan/{objection.pk}/jawab/", data).status_code == (
        403
    )
    assert login(f"{KUBU_RAYA}.atasan").get(f"/keberatan/{objection.pk}/").status_code == 404
    assert (
        login(f"{KUBU_RAYA}.atasan").post(f"/keberatan/{objection.pk}/jawab/", data).status_code
        == 404
    )
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.FILED


def test_register_query_count_does_not_grow(seeded, login, django_assert_max_num_queries):
    for n in range(3):
        with time_machine.travel(T0, tick=False):
            service.objection_file(
                request=make_request(number=10 + n), ground="a", reason=f"Alasan {n}."
            )
    client = login(f"{DINSOS}.atasan")
    client.get("/keberatan/")
    with django_assert_max_num_queries(15):
        assert client.get("/keberatan/").status_code == 200


def test_a_failed_signed_answer_is_built_again_by_the_ppid(
    seeded, login, django_capture_on_commit_callbacks
):
    from dip.models import DocumentStatus
    from workflow.models import ObjectionAnswerDocument

    objection = filed()
    service.objection_answer(
        objection=objection,
        user=User.objects.get(username=f"{DINSOS}.atasan"),
        decision="rejected",
        note="Tidak.",
    )
    ObjectionAnswerDocument.objects.filter(objection=objection).update(
        status=DocumentStatus.FAILED, last_error="OSError: disk full"
    )
    page = login(f"{DINSOS}.ppid").get(f"/keberatan/{objection.pk}/")
    assert "disk full" in text(page) and "tanggapan/coba-lagi/" in text(page)
    assert (
        login(f"{DINSOS}.operator").post(f"/keberatan/{objection.pk}/tanggapan/coba-lagi/")
    ).status_code == 403
    client = login(f"{DINSOS}.ppid")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/keberatan/{objection.pk}/tanggapan/coba-lagi/")
    assert response.status_code == 302
    document = ObjectionAnswerDocument.objects.get(objection=objection)
    assert document.status == DocumentStatus.READY and document.sha256
    assert AuditEntry.objects.filter(action="objection.answer_document_retry").count() == 1
    again = client.post(f"/keberatan/{objection.pk}/tanggapan/coba-lagi/", follow=True)
    assert "Hanya tanggapan bertanda tangan yang gagal" in text(again)
    assert AuditEntry.objects.filter(action="objection.answer_document_retry").count() == 1


def test_the_atasan_finds_the_objection_in_the_task_list(seeded, login):
    objection = filed()
    page = text(login(f"{DINSOS}.atasan").get("/tugas/"))
    assert "Keberatan yang harus ditanggapi" in page and f"/keberatan/{objection.pk}/" in page
    assert f"/keberatan/{objection.pk}/" not in text(login(f"{DINSOS}.operator").get("/tugas/"))
    assert f"/keberatan/{objection.pk}/" not in text(login(f"{KUBU_RAYA}.atasan").get("/tugas/"))
