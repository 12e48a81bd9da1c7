"""The API doors of two officers' pages (issue 12 rules 1 and 3), through the same services:

- `POST /api/items/{id}/event-happened/`: the PPID records that the event an exemption ran
  until has happened (the page `/informasi/<id>/peristiwa-terjadi/`);
- `GET /api/classification-changes/` and `POST /api/classification-changes/{id}/decide/`:
  the tim pertimbangan decides a classification change (the page
  `/perubahan-klasifikasi/<id>/putuskan/`).

Each: success, bad input (400 with the field, nothing stored), another role (403), another
body (404), and a repeated action (409 "already processed").
"""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from dip.models import ChangeState, Classification, ClassificationChange, EditionKind, Item, Stage
from dip.services import classification
from ppid.models import Body
from tests.dip.test_classification_changes import (
    DINSOS,
    MEMO,
    SIAK,
    at,
    kubu,  # noqa: F401 (a fixture)
    open_edition,
)
from tests.helpers import drive_to, officers_of
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_ppid_records_the_event_through_the_api(kubu, api):  # noqa: F811
    body, officers = kubu
    siak = Item.objects.get(body=body, title=SIAK)
    url = f"/api/items/{siak.pk}/event-happened/"
    good = {"happened_on": "2027-03-01", "note": "SIAK lama dihentikan."}
    other_ppid = officers_of(Body.objects.get(slug=DINSOS))["ppid"].username

    def nothing_stored():
        siak.refresh_from_db()
        assert siak.exemption_event_happened_on is None and siak.exemption_ended_on is None
        assert not ClassificationChange.objects.exists()
        assert not AuditEntry.objects.filter(action="item.exemption_event_closed").exists()

    with time_machine.travel(at(date(2027, 3, 2)), tick=False):
        assert api(other_ppid).post(url, good, format="json").status_code == 404
        for role in ("operator", "tim", "atasan"):
            response = api(officers[role].username).post(url, good, format="json")
            assert response.status_code == 403, (role, response.content)
        ppid = api(officers["ppid"].username)
        for data, field in (
            ({**good, "happened_on": "2027-03-05"}, "happened_on"),  # in the future
            ({"note": "x"}, "happened_on"),
            ({**good, "note": "  "}, "note"),
            ({**good, "to_classification": "dikecualikan"}, "to_classification"),
            ({**good, "to_classification": "berkala", "update_period_months": 9}, None),
        ):
            response = ppid.post(url, data, format="json")
            assert response.status_code == 400, (data, response.content)
            assert field is None or field in response.json(), response.json()
        nothing_stored()
        # An item whose exemption runs until a date has no event to record.
        memo = Item.objects.get(body=body, title=MEMO)
        response = ppid.post(f"/api/items/{memo.pk}/event-happened/", good, format="json")
        assert response.status_code == 400 and "happened_on" in response.json()
        nothing_stored()

        response = ppid.post(
            url, {**good, "to_classification": "berkala", "update_period_months": 3}, format="json"
        )
        assert response.status_code == 200, response.content
        data = response.json()
        assert (data["item"], data["state"], data["origin"]) == (
            siak.pk,
            "pending",
            "exemption_ended",
        )
        assert (data["to_classification"], data["update_period_months"]) == ("berkala", 3)
        siak.refresh_from_db()
        assert siak.exemption_event_happened_on == date(2027, 3, 1)
        assert siak.exemption_ended_on == date(2027, 3, 1)
        assert siak.classification == Classification.DIKECUALIKAN  # opened only when signed
        entry = AuditEntry.objects.get(action="item.exemption_event_closed")
        assert entry.actor == officers["ppid"] and entry.data["note"] == "SIAK lama dihentikan."

        again = ppid.post(url, good, format="json")
        assert again.status_code == 409, again.content
        assert again.json()["code"] == "already_processed"
    assert ClassificationChange.objects.count() == 1
    assert AuditEntry.objects.filter(action="item.exemption_event_closed").count() == 1


def test_the_tim_decides_a_classification_change_through_the_api(kubu, api):  # noqa: F811
    body, officers = kubu
    memo = Item.objects.get(body=body, title=MEMO)
    other = officers_of(Body.objects.get(slug=DINSOS))["operator"].username
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        change = classification.classification_change_propose(
            item=memo, user=officers["operator"], to_classification="setiap_saat", reason="Final."
        )
        dik = open_edition(
            body, EditionKind.DIK, officers, items=body.items.filter(classification="dikecualikan")
        )
        url = f"/api/classification-changes/{change.pk}/"
        decide = f"{url}decide/"
        tim = api(officers["tim"].username)

        # Who sees it: the body's officers, not another body's.
        listed = tim.get("/api/classification-changes/").json()["results"]
        assert [c["id"] for c in listed] == [change.pk]
        assert listed[0]["edition"] == dik.pk and listed[0]["state"] == "pending"
        assert api(other).get("/api/classification-changes/").json()["results"] == []
        assert api(other).get(url).status_code == 404
        assert api(other).post(decide, {"decision": "agree"}, format="json").status_code == 404
        assert tim.get(url).json()["to_classification"] == "setiap_saat"

        # Not at the consideration stage yet: nothing to decide.
        early = tim.post(decide, {"decision": "agree"}, format="json")
        assert early.status_code == 400, early.content

        drive_to(dik, Stage.CONSIDERATION, officers)
        for role in ("operator", "ppid", "atasan"):
            response = api(officers[role].username).post(
                decide, {"decision": "agree"}, format="json"
            )
            assert response.status_code == 403, (role, response.content)
        for data, field in (
            ({"decision": "maybe"}, "decision"),
            ({}, "decision"),
            ({"decision": "refuse", "note": " "}, "note"),
        ):
            response = tim.post(decide, data, format="json")
            assert response.status_code == 400, (data, response.content)
            assert field in response.json(), response.json()
        change.refresh_from_db()
        assert change.state == ChangeState.PENDING and change.decided_by is None
        assert not AuditEntry.objects.filter(action="classification_change.decide").exists()

        agreed = tim.post(decide, {"decision": "agree"}, format="json")
        assert agreed.status_code == 200, agreed.content
        assert agreed.json()["state"] == "agreed"
        # While the tim still considers the DIK it may change its mind.
        refused = tim.post(decide, {"decision": "refuse", "note": "Belum final."}, format="json")
        assert refused.status_code == 200 and refused.json()["state"] == "refused"
        assert refused.json()["decision_note"] == "Belum final."
        again = tim.post(decide, {"decision": "agree"}, format="json")
        assert again.status_code == 409, again.content
        assert (again.json()["code"], again.json()["state"]) == ("already_processed", "refused")
    change.refresh_from_db()
    assert change.state == ChangeState.REFUSED and change.decided_by == officers["tim"]
    assert AuditEntry.objects.filter(action="classification_change.decide").count() == 2


def test_a_dik_signature_takes_a_closed_row_out_of_the_dip_under_review(
    kubu,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """Issue 12: an item the DIK's signature closes leaves every unsigned DIP of its body (one
    under review, one being assembled), each with an audit row and a notice to whoever must act
    on it, and the DIP is then signed without it (the signature check stays the last guard)."""
    from dip.models import EditionItem, EditionRow
    from dip.services.editions import edition_check_ready
    from tests.factories import ItemFactory
    from workflow.models import Notice

    body, officers = kubu
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        cctv = ItemFactory(body=body, title="Rekaman CCTV ruang server")
        keep = ItemFactory(body=body, title="Jadwal layanan keliling")
        closing = classification.classification_change_propose(
            item=cctv,
            user=officers["operator"],
            to_classification="dikecualikan",
            reason="Keamanan sistem.",
            exemption_ground="c",
            consequence_if_opened="Sistem dapat diserang.",
            consequence_if_closed="Publik tidak melihat rekaman.",
            public_interest="Keamanan data penduduk lebih besar.",
            exemption_permanent=False,
            exemption_until=date(2030, 12, 31),
        )
        dip = open_edition(body, EditionKind.DIP, officers, items=[cctv, keep])
        dip = drive_to(dip, Stage.VERIFICATION, officers)
        later = open_edition(body, EditionKind.DIP, officers, year=2028, items=[cctv, keep])
        dik = open_edition(
            body, EditionKind.DIK, officers, items=body.items.filter(classification="dikecualikan")
        )
        closing.refresh_from_db()
        assert closing.edition == dik
        with django_capture_on_commit_callbacks(execute=True):
            drive_to(dik, Stage.PUBLICATION, officers)

    cctv.refresh_from_db()
    assert cctv.classification == Classification.DIKECUALIKAN
    assert EditionRow.objects.filter(edition=dik, item=cctv).exists()
    for edition in (dip, later):
        assert not EditionItem.objects.filter(edition=edition, item=cctv).exists()
        assert EditionItem.objects.filter(edition=edition, item=keep).exists()
    entries = AuditEntry.objects.filter(action="edition.remove_closed_item").order_by("edition_id")
    assert [(e.edition_id, e.data["item"], e.data["dik_edition"]) for e in entries] == [
        (dip.pk, cctv.pk, dik.pk),
        (later.pk, cctv.pk, dik.pk),
    ]
    # Told: the PPID who verifies the DIP under review, the operator assembling the other.
    told = Notice.objects.filter(kind="row_removed")
    assert {(n.edition_id, n.recipient) for n in told} == {
        (dip.pk, officers["ppid"]),
        (later.pk, officers["operator"]),
    }
    notice = told.get(edition=dip)
    assert cctv.title in notice.title and notice.url == f"/edisi/{dip.pk}/"
    # The DIP under review goes on and is signed without the row.
    with time_machine.travel(at(date(2027, 2, 8)), tick=False):
        dip = drive_to(dip, Stage.PUBLISHED, officers)
    assert set(EditionRow.objects.filter(edition=dip).values_list("item", flat=True)) == {keep.pk}
    # The signature's own check still refuses an exempted row (the last guard).
    EditionItem.objects.create(edition=later, item=cctv, position=99)
    with pytest.raises(Exception, match=r"(?i)dikecualikan|exempt"):
        edition_check_ready(later)
