"""The requests API (issue 13): POST /api/public/requests/ → 201 {tracking_code, received_at,
due_at}, 400 with field errors and nothing stored; GET /api/public/requests/{code}/ without
personal data; the officers' list and detail (another body's id 404), extend (second → 409)
and decide (refusal without a DIK row → 400; notice_url once the PDF is signed)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from dip.models import Classification, ExemptionGround
from ppid.models import Body
from tests.factories import ItemFactory
from workflow.models import InformationRequest

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Pontianak")
KALBAR = "disdukcapil-kalbar"
DINSOS = "dinsos-p3a-kapuas-hulu"
T0 = datetime(2026, 12, 16, 10, 0, tzinfo=WIB)
NIK = "6171015505900001"
PUBLIC = "/api/public/requests/"


def payload(**overrides) -> dict:
    data = {
        "body": KALBAR,
        "name": "Siti Aminah",
        "address": "Jalan Gajah Mada 12, Pontianak",
        "phone": "081255550101",
        "email": "siti@example.org",
        "occupation": "Wartawan",
        "identity_number": NIK,
        "information": "Data jumlah penduduk per kecamatan",
        "purpose": "Bahan liputan",
        "obtain": "copy",
        "form": "softcopy",
        "delivery": "email",
    }
    return data | overrides


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    """Wednesday 16 December 2026 for the whole test, fixtures included; tasks in-process."""
    with time_machine.travel(T0, tick=False):
        yield


@pytest.fixture
def filed(seeded, api):
    response = api().post(PUBLIC, payload(), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_public_post_answers_the_code_and_deadline(filed):
    assert set(filed) == {"tracking_code", "received_at", "due_at"}
    made = InformationRequest.objects.get()
    assert filed["tracking_code"] == made.tracking_code
    assert (
        datetime.fromisoformat(filed["due_at"]).astimezone(WIB).date().isoformat() == "2027-01-04"
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"body": "no-such-body"}, "body"),
        ({"name": ""}, "name"),
        ({"information": "x" * 5001}, "information"),
        ({"obtain": "borrow"}, "obtain"),
        ({"email": "nope"}, "email"),
        ({"delivery": "email", "email": ""}, "email"),
    ],
)
def test_public_post_bad_input_is_400_by_field_and_nothing_stored(seeded, api, overrides, field):
    response = api().post(PUBLIC, payload(**overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not InformationRequest.objects.exists()


def test_public_post_with_nul_is_400_and_nothing_stored(seeded, api):
    response = api().post(PUBLIC, payload(information="a\x00b"), format="json")
    assert response.status_code == 400
    assert not InformationRequest.objects.exists()


def test_public_status_has_no_personal_data(filed, api):
    response = api().get(f"{PUBLIC}{filed['tracking_code']}/")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "received" and data["body"] == KALBAR
    assert data["extended"] is False and data["decision"] is None and data["notice_url"] is None
    assert data["objection_due_at"] is None and data["objections"] == []
    raw = response.content.decode()
    for personal in ("Siti", NIK, "Gajah Mada", "siti@example.org", "081255550101"):
        assert personal not in raw
    assert api().get(f"{PUBLIC}AAAAAAAAAAAAAAAA/").status_code == 404


def test_officers_list_masks_the_nik_and_other_bodies_get_404(filed, api):
    made = InformationRequest.objects.get()
    own = api(f"{KALBAR}.operator")
    listing = own.get("/api/requests/")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [r["id"] for r in rows] == [made.pk]
    assert rows[0]["identity_number"] == "************0001"
    detail = own.get(f"/api/requests/{made.pk}/")
    assert detail.status_code == 200 and detail.json()["identity_number"] == NIK
    stranger = api(f"{DINSOS}.ppid")
    assert stranger.get(f"/api/requests/{made.pk}/").status_code == 404
    assert stranger.get("/api/requests/").json()["results"] == []
    assert stranger.post(f"/api/requests/{made.pk}/extend/", {"reason": "x"}).status_code == 404
    assert api().get("/api/requests/").status_code in (401, 403)


def test_extend_once_then_409_and_the_operator_is_403(filed, api):
    made = InformationRequest.objects.get()
    url = f"/api/requests/{made.pk}/extend/"
    assert api(f"{KALBAR}.operator").post(url, {"reason": "Data"}).status_code == 403
    ppid = api(f"{KALBAR}.ppid")
    assert ppid.post(url, {"reason": ""}, format="json").status_code == 400
    assert ppid.post(url, {"reason": "Data", "days": 8}, format="json").status_code == 400
    first = ppid.post(url, {"reason": "Data di bidang lain"}, format="json")
    assert first.status_code == 200 and first.json()["status"] == "extended"
    assert first.json()["extension_days"] == 7
    second = ppid.post(url, {"reason": "Lagi"}, format="json")
    assert second.status_code == 409 and second.json()["code"] == "already_processed"
    public = api().get(f"{PUBLIC}{filed['tracking_code']}/").json()
    assert public["extended"] is True and public["status"] == "extended"


def test_decide_refusal_needs_a_dik_row_then_notice_url(
    filed, api, django_capture_on_commit_callbacks
):
    made = InformationRequest.objects.get()
    url = f"/api/requests/{made.pk}/decide/"
    ppid = api(f"{KALBAR}.ppid")
    missing = ppid.post(url, {"decision": "refused", "note": "x"}, format="json")
    assert missing.status_code == 400 and "dik_item" in missing.json()
    public_row = ItemFactory(body=KALBAR)
    wrong = ppid.post(url, {"decision": "refused", "dik_item": public_row.pk}, format="json")
    assert wrong.status_code == 400 and "dik_item" in wrong.json()
    assert ppid.post(url, {"decision": "maybe"}, format="json").status_code == 400
    made.refresh_from_db()
    assert made.status == "received"
    dik = ItemFactory(
        body=Body.objects.get(slug=KALBAR),
        classification=Classification.DIKECUALIKAN,
        exempted_part="NIK penduduk",
        exemption_ground=ExemptionGround.H,
        exemption_permanent=True,
        consequence_if_opened="Data pribadi tersebar.",
        consequence_if_closed="Tidak ada kerugian.",
        public_interest="Perlindungan data pribadi.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        done = ppid.post(url, {"decision": "refused", "dik_item": dik.pk}, format="json")
    assert done.status_code == 200
    assert done.json()["decision"]["ground"] == "h"
    detail = ppid.get(f"/api/requests/{made.pk}/").json()
    assert detail["notice_url"] and detail["notice_url"].endswith("/pemberitahuan.pdf")
    public = api().get(f"{PUBLIC}{filed['tracking_code']}/").json()
    assert public["status"] == "refused" and public["notice_url"]
    assert public["objection_due_at"] is not None
    assert "Data pribadi tersebar." in public["decision"]["consequence_test"]
    again = ppid.post(url, {"decision": "granted"}, format="json")
    assert again.status_code == 409
