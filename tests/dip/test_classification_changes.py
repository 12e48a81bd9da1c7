"""Issue 12 rules 1 and 3: a change into or out of dikecualikan is never a plain edit. It is
proposed, rides on the body's DIK edition, the tim pertimbangan decides it, and it is applied
only when the atasan signs; an opening is announced and goes into the next DIP. An exemption
"until an event" is closed by the PPID; an ended exemption leaves the public DIK at once.

Disdukcapil Kubu Raya (SOP 004, DIK: operator → PPID → tim → atasan) is given the DIP route of
SOP 000 here, so that a re-opened row can land in its next DIP.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from dip.models import (
    EXEMPTION_FIELDS,
    ITEM_FIELDS,
    Announcement,
    AnnouncementKind,
    ChangeOrigin,
    ChangeState,
    Classification,
    ClassificationChange,
    EditionItem,
    EditionKind,
    EditionRow,
    Item,
    Stage,
)
from dip.services import classification
from dip.tasks import sweep_row_flags
from ppid.models import Body, Role
from tests.factories import ItemFactory, OfficerFactory
from tests.helpers import decree, drive_to, officers_of, write_record
from workflow import services as workflow_services
from workflow.models import AuditEntry, Sop

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
MEMO = "Memorandum internal pembahasan rancangan kebijakan layanan keliling"
SIAK = "Hak akses dan konfigurasi keamanan SIAK"
WIB = ZoneInfo("Asia/Pontianak")
REFUSED = "tim pertimbangan"  # in the Indonesian message next to the classification field
TEST = {
    "exemption_ground": "i",
    "consequence_if_opened": "Mengganggu pembahasan kebijakan yang belum selesai.",
    "consequence_if_closed": "Publik menunggu kebijakan akhir.",
    "public_interest": "Kebijakan akhir diumumkan setelah ditetapkan.",
    "exemption_until": date(2027, 6, 30),
}


@pytest.fixture(autouse=True)
def _eager(celery_eager):
    """The sweep's per-row tasks run in-process."""


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=WIB)


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def give_dip_route(body: Body) -> None:
    """Kubu Raya gets the DIP route of SOP 000 (its own SOP covers only the DIK)."""
    source = Sop.objects.get(body__slug=DINSOS, applies_to=EditionKind.DIP, is_active=True)
    steps = list(source.steps.order_by("number"))
    source.pk = None
    source.body = body
    source.number = f"{source.number}-KR"
    source.save()
    for step in steps:
        step.pk = None
        step.sop = source
        step.save()


@pytest.fixture
def kubu(seeded):
    body = Body.objects.get(slug=KUBU)
    give_dip_route(body)
    return body, officers_of(body)


def open_edition(body: Body, kind: str, officers, *, year: int = 2027, items=()):
    edition = workflow_services.edition_open(
        body=body, kind=kind, year=year, title=f"{kind.upper()} {year}", user=officers["operator"]
    )
    if items:
        from dip import services as dip_services

        dip_services.edition_add_items(edition=edition, items=items, user=officers["operator"])
    return edition


def publish_dik(body: Body, officers, items, *, year: int = 2026):
    edition = open_edition(body, EditionKind.DIK, officers, year=year, items=items)
    return drive_to(edition, Stage.PUBLISHED, officers)


def form_data(item: Item, **changes) -> dict:
    data = {}
    for name in ITEM_FIELDS:
        value = getattr(item, f"{name}_id" if name == "unit" else name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = "" if value is None else str(value)
    data.update(changes)
    return data


def item_snapshot(item: Item) -> dict:
    return dict(Item.objects.filter(pk=item.pk).values(*ITEM_FIELDS, "updated_at").get())


# --- rule 1: no direct edit ------------------------------------------------------------------


def test_the_item_form_refuses_a_change_out_of_or_into_dikecualikan_and_stores_nothing(kubu):
    body, officers = kubu
    memo = Item.objects.get(body=body, title=MEMO)
    public = ItemFactory(body=body, title="Jadwal pelayanan keliling")
    client = client_of(officers["operator"])
    for item, to in ((memo, "setiap_saat"), (public, "dikecualikan")):
        before = item_snapshot(item)
        url = f"/informasi/{item.pk}/ubah/"
        page = text(client.get(url))
        assert "Usulkan perubahan klasifikasi" in page
        assert f"/informasi/{item.pk}/usulan-klasifikasi/" in page
        response = client.post(
            url, form_data(item, classification=to, **TEST if to == "dikecualikan" else {})
        )
        assert response.status_code == 200
        error = text(response).split('id="id_classification_error"', 1)[1].split("</p>", 1)[0]
        assert REFUSED in error and "Usulkan perubahan klasifikasi" in error, error
        assert item_snapshot(item) == before
        assert not AuditEntry.objects.filter(action="item.update", target_id=str(item.pk)).exists()
    # An edit that keeps the classification is still a plain edit.
    response = client.post(f"/informasi/{memo.pk}/ubah/", form_data(memo, summary="Ringkas."))
    assert response.status_code == 302
    memo.refresh_from_db()
    assert memo.summary == "Ringkas." and memo.classification == Classification.DIKECUALIKAN


def test_the_api_answers_400_on_the_classification_field_and_stores_nothing(kubu, api):
    body, officers = kubu
    memo = Item.objects.get(body=body, title=MEMO)
    public = ItemFactory(body=body, title="Jadwal pelayanan keliling")
    client = api(officers["operator"].username)
    for item, data in (
        (memo, {"classification": "berkala", "update_period_months": 6}),
        (public, {"classification": "dikecualikan", **TEST, "exemption_until": "2027-06-30"}),
    ):
        before = item_snapshot(item)
        response = client.patch(f"/api/items/{item.pk}/", data, format="json")
        assert response.status_code == 400, response.content
        assert set(response.json()) == {"classification"}
        assert REFUSED in response.json()["classification"][0]
        assert item_snapshot(item) == before
    assert not ClassificationChange.objects.exists()


# --- rule 1: the DIK route -------------------------------------------------------------------


def test_an_opening_goes_through_the_tim_and_applies_only_at_the_atasans_signature(
    kubu, django_capture_on_commit_callbacks
):
    body, officers = kubu
    memo = Item.objects.get(body=body, title=MEMO)
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        # Bad proposals store nothing.
        for bad, field in (
            ({"to_classification": "setiap_saat", "reason": " "}, "reason"),
            ({"to_classification": "dikecualikan", "reason": "x"}, "to_classification"),
        ):
            with pytest.raises(ValidationError) as refused:
                classification.classification_change_propose(
                    item=memo, user=officers["operator"], **bad
                )
            assert field in refused.value.message_dict
        with pytest.raises(PermissionDenied):
            classification.classification_change_propose(
                item=memo, user=officers["tim"], to_classification="setiap_saat", reason="x"
            )
        assert not ClassificationChange.objects.exists()

        response = client_of(officers["operator"]).post(
            f"/informasi/{memo.pk}/usulan-klasifikasi/",
            {"to_classification": "setiap_saat", "reason": "Kebijakan sudah ditetapkan."},
        )
        assert response.status_code == 302
        change = ClassificationChange.objects.get()
        assert (change.state, change.edition, change.from_classification) == (
            ChangeState.PENDING,
            None,
            Classification.DIKECUALIKAN,
        )
        page = text(client_of(officers["ppid"]).get(f"/informasi/{memo.pk}/"))
        assert "Menunggu tim pertimbangan" in page and "Kebijakan sudah ditetapkan." in page
        # A second proposal while one waits is refused.
        second = client_of(officers["operator"]).post(
            f"/informasi/{memo.pk}/usulan-klasifikasi/",
            {"to_classification": "berkala", "reason": "Lagi."},
        )
        assert second.status_code == 200 and ClassificationChange.objects.count() == 1

        dip = open_edition(body, EditionKind.DIP, officers)
        dik = open_edition(
            body, EditionKind.DIK, officers, items=body.items.filter(classification="dikecualikan")
        )
        change.refresh_from_db()
        assert change.edition == dik
        dik = drive_to(dik, Stage.CONSIDERATION, officers)
        # The tim must decide the change before passing the DIK on.
        from workflow.services import review

        for item in body.items.filter(classification="dikecualikan"):
            review.consideration_record(
                edition=dik, item=item, user=officers["tim"], decision="agree"
            )
        with pytest.raises(ValidationError, match=r"perubahan klasifikasi|classification change"):
            workflow_services.edition_transition(edition=dik, name="consider", user=officers["tim"])
        # Only the tim decides; the operator may not.
        decide_url = f"/perubahan-klasifikasi/{change.pk}/putuskan/"
        assert (
            client_of(officers["operator"]).post(decide_url, {"decision": "agree"}).status_code
            == 403
        )
        change.refresh_from_db()
        assert change.state == ChangeState.PENDING
        assert client_of(officers["tim"]).post(decide_url, {"decision": "agree"}).status_code == 302
        change.refresh_from_db()
        assert change.state == ChangeState.AGREED and change.decided_by == officers["tim"]
        write_record(dik, officers["tim"])
        dik = workflow_services.edition_transition(
            edition=dik, name="consider", user=officers["tim"]
        )
        assert dik.state == Stage.APPROVAL
        memo.refresh_from_db()
        assert memo.classification == Classification.DIKECUALIKAN  # not before the signature
        assert not Announcement.objects.exists()

    signed_at = at(date(2027, 2, 3), hour=10)
    with (
        time_machine.travel(signed_at, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        dik = workflow_services.edition_transition(
            edition=dik, name="sign", user=officers["atasan"], **decree()
        )
    memo.refresh_from_db()
    assert memo.classification == Classification.SETIAP_SAAT
    assert all(not getattr(memo, f) for f in EXEMPTION_FIELDS)
    change.refresh_from_db()
    assert change.state == ChangeState.APPLIED and change.applied_at == signed_at
    # Not in the signed DIK; in the DIP being assembled; announced with its time.
    assert not EditionRow.objects.filter(edition=dik, item=memo).exists()
    assert EditionRow.objects.filter(edition=dik).count() == 3
    assert EditionItem.objects.filter(edition=dip, item=memo).exists()
    announcement = Announcement.objects.get()
    assert announcement.kind == AnnouncementKind.REOPENED
    assert announcement.announced_at == signed_at and announcement.title == MEMO
    assert AuditEntry.objects.filter(
        action="classification_change.apply", target_id=str(memo.pk)
    ).exists()
    page = text(Client().get("/pengumuman/"))
    assert MEMO in page and "Informasi yang dibuka untuk publik" in page


def test_a_closing_needs_the_consequence_test_and_a_refusal_changes_nothing(kubu):
    body, officers = kubu
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        item = ItemFactory(body=body, title="Rekaman CCTV ruang server")
        before = item_snapshot(item)
        with pytest.raises(ValidationError) as refused:
            classification.classification_change_propose(
                item=item,
                user=officers["operator"],
                to_classification="dikecualikan",
                reason="Keamanan sistem.",
            )
        assert {"exemption_ground", "consequence_if_opened", "exemption_until"} <= set(
            refused.value.message_dict
        )
        assert not ClassificationChange.objects.exists()
        response = client_of(officers["operator"]).post(
            f"/informasi/{item.pk}/usulan-klasifikasi/",
            {
                "to_classification": "dikecualikan",
                "reason": "Keamanan sistem.",
                "exemption_ground": "c",
            },
        )
        assert response.status_code == 200
        assert 'id="id_consequence_if_opened_error"' in text(response)
        assert not ClassificationChange.objects.exists()

        closing = classification.classification_change_propose(
            item=item,
            user=officers["operator"],
            to_classification="dikecualikan",
            reason="Keamanan sistem.",
            **{**TEST, "exemption_ground": "c"},
        )
        other = ItemFactory(body=body, title="Denah ruang server")
        refused_change = classification.classification_change_propose(
            item=other,
            user=officers["operator"],
            to_classification="dikecualikan",
            reason="Keamanan.",
            **{**TEST, "exemption_ground": "c"},
        )
        assert item_snapshot(item) == before
        dik = open_edition(
            body, EditionKind.DIK, officers, items=body.items.filter(classification="dikecualikan")
        )
        dik = drive_to(dik, Stage.CONSIDERATION, officers)
        # The tim sees the changes on the DIK's page and decides there.
        tim = client_of(officers["tim"])
        page = text(tim.get(f"/edisi/{dik.pk}/"))
        section = page.split('id="classification-changes"', 1)[1].split("</section>", 1)[0]
        assert item.title in section and other.title in section
        decide_url = f"/perubahan-klasifikasi/{refused_change.pk}/putuskan/"
        assert decide_url in section
        with pytest.raises(ValidationError):
            classification.classification_change_decide(
                change=refused_change, user=officers["tim"], agree=False, note=""
            )
        response = tim.post(
            decide_url, {"decision": "refuse", "note": "Denah sudah publik.", "back": "edition"}
        )
        assert response.status_code == 302 and response["Location"] == f"/edisi/{dik.pk}/"
        refused_change.refresh_from_db()
        assert refused_change.state == ChangeState.REFUSED
        drive_to(dik, Stage.PUBLICATION, officers)
    item.refresh_from_db()
    other.refresh_from_db()
    closing.refresh_from_db()
    assert closing.state == ChangeState.APPLIED
    assert item.classification == Classification.DIKECUALIKAN
    assert item.exemption_ground == "c" and item.exemption_until == date(2027, 6, 30)
    row = EditionRow.objects.get(edition=dik, item=item)
    assert row.classification == Classification.DIKECUALIKAN and row.exemption_ground == "c"
    assert other.classification == Classification.SETIAP_SAAT
    assert not EditionRow.objects.filter(edition=dik, item=other).exists()
    assert not Announcement.objects.exists()  # closing is not announced as an opening
    assert refused_change.state == ChangeState.REFUSED  # not applied at the signature


# --- rule 3: exemptions that end -------------------------------------------------------------


def public_dik_titles(body: Body, edition) -> tuple[set[str], str]:
    api_rows = Client().get(f"/api/public/bodies/{body.slug}/dik/").json()["rows"]
    page = text(Client().get(f"/badan-publik/{body.slug}/edisi/{edition.pk}/"))
    return {r["title"] for r in api_rows}, page


def test_the_ppid_closes_an_event_exemption_and_the_row_leaves_the_public_dik_at_once(
    kubu, django_capture_on_commit_callbacks
):
    body, officers = kubu
    siak = Item.objects.get(body=body, title=SIAK)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        published = publish_dik(body, officers, body.items.all())
    titles, page = public_dik_titles(body, published)
    assert SIAK in titles and SIAK in page

    url = f"/informasi/{siak.pk}/peristiwa-terjadi/"
    other_ppid = officers_of(Body.objects.get(slug=DINSOS))["ppid"]
    with time_machine.travel(at(date(2027, 3, 2)), tick=False):
        # Only the body's PPID: its other roles 403, another body's PPID 404.
        for role in ("operator", "tim", "atasan"):
            assert client_of(officers[role]).get(url).status_code == 403, role
            assert (
                client_of(officers[role])
                .post(url, {"happened_on": "2027-03-01", "note": "x"})
                .status_code
                == 403
            ), role
        assert client_of(other_ppid).post(url, {"happened_on": "2027-03-01"}).status_code == 404
        utama = OfficerFactory(body=body, roles=[Role.PPID_UTAMA])
        assert (
            client_of(utama).post(url, {"happened_on": "2027-03-01", "note": "x"}).status_code
            == 403
        )
        ppid = client_of(officers["ppid"])
        page = text(ppid.get(f"/informasi/{siak.pk}/"))
        assert url in page
        for data, field in (
            ({"happened_on": "2027-03-05", "note": "Sistem diganti."}, "happened_on"),
            ({"happened_on": "", "note": "Sistem diganti."}, "happened_on"),
            ({"happened_on": "2027-03-01", "note": "  "}, "note"),
        ):
            response = ppid.post(url, {**data, "classification": "setiap_saat"})
            assert response.status_code == 200, data
            assert f'id="id_{field}_error"' in text(response), data
        siak.refresh_from_db()
        assert siak.exemption_event_happened_on is None and siak.exemption_ended_on is None
        assert not ClassificationChange.objects.exists()
        assert SIAK in public_dik_titles(body, published)[0]

        with django_capture_on_commit_callbacks(execute=True):
            response = ppid.post(
                url,
                {
                    "happened_on": "2027-03-01",
                    "note": "SIAK lama dihentikan; diganti SIAK terpusat.",
                    "classification": "setiap_saat",
                },
            )
        assert response.status_code == 302
    siak.refresh_from_db()
    assert siak.exemption_ended_on == date(2027, 3, 1)
    assert siak.classification == Classification.DIKECUALIKAN  # opened only when signed
    titles, page = public_dik_titles(body, published)
    assert SIAK not in titles and SIAK not in page
    assert EditionRow.objects.filter(edition=published, item=siak).exists()  # signed row kept
    change = ClassificationChange.objects.get(item=siak)
    assert change.origin == ChangeOrigin.EXEMPTION_ENDED and change.state == ChangeState.PENDING
    assert change.to_classification == Classification.SETIAP_SAAT
    entry = AuditEntry.objects.get(action="item.exemption_event_closed", target_id=str(siak.pk))
    assert entry.actor == officers["ppid"] and entry.data["happened_on"] == "2027-03-01"
    # A second click finds nothing to close.
    with time_machine.travel(at(date(2027, 3, 2)), tick=False):
        again = client_of(officers["ppid"]).get(url)
    assert again.status_code == 302

    # The re-opening goes the DIK route; when signed it is announced and lands in the next DIP.
    with time_machine.travel(at(date(2027, 3, 8)), tick=False):
        dik = open_edition(
            body,
            EditionKind.DIK,
            officers,
            items=body.items.filter(classification="dikecualikan").exclude(pk=siak.pk),
        )
        change.refresh_from_db()
        assert change.edition == dik
        with django_capture_on_commit_callbacks(execute=True):
            drive_to(dik, Stage.PUBLICATION, officers)
    siak.refresh_from_db()
    assert siak.classification == Classification.SETIAP_SAAT and siak.reopened_awaiting_dip
    assert Announcement.objects.get(item=siak).kind == AnnouncementKind.REOPENED
    with time_machine.travel(at(date(2027, 3, 10)), tick=False):
        dip = open_edition(body, EditionKind.DIP, officers)
        assert EditionItem.objects.filter(edition=dip, item=siak).exists()
        dip = drive_to(dip, Stage.PUBLISHED, officers)
    dip_rows = Client().get(f"/api/public/bodies/{body.slug}/dip/").json()["rows"]
    assert SIAK in {r["title"] for r in dip_rows}


def test_an_exemption_whose_date_passed_leaves_the_public_dik_at_the_sweep(
    kubu, django_capture_on_commit_callbacks
):
    body, officers = kubu
    memo = Item.objects.get(body=body, title=MEMO)
    with time_machine.travel(at(date(2027, 1, 10)), tick=False):
        published = publish_dik(body, officers, body.items.all())
    assert MEMO in public_dik_titles(body, published)[0]
    with (
        time_machine.travel(at(date(2028, 1, 1), hour=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        sweep_row_flags()
    titles, page = public_dik_titles(body, published)
    assert MEMO not in titles and MEMO not in page
    change = ClassificationChange.objects.get(item=memo)
    assert change.origin == ChangeOrigin.EXEMPTION_ENDED and change.proposed_by is None
    memo.refresh_from_db()
    assert memo.classification == Classification.DIKECUALIKAN


def test_the_api_proposes_a_change_and_refuses_bad_input_and_other_roles(kubu, api):
    body, officers = kubu
    memo = Item.objects.get(body=body, title=MEMO)
    url = f"/api/items/{memo.pk}/classification-change/"
    other = officers_of(Body.objects.get(slug=DINSOS))["operator"].username
    assert api(other).post(url, {}, format="json").status_code == 404
    atasan = api(officers["atasan"].username)
    refused = atasan.post(url, {"to_classification": "setiap_saat", "reason": "x"}, format="json")
    assert refused.status_code == 403
    operator = api(officers["operator"].username)
    for data, field in (
        ({"to_classification": "setiap_saat", "reason": ""}, "reason"),
        ({"to_classification": "dikecualikan", "reason": "x"}, "to_classification"),
        ({"to_classification": "setiap_saat", "reason": "x", "exemption_ground": "i"}, None),
    ):
        response = operator.post(url, data, format="json")
        assert response.status_code == 400, response.content
        if field:
            assert field in response.json(), response.json()
    assert not ClassificationChange.objects.exists()
    response = operator.post(
        url,
        {"to_classification": "berkala", "update_period_months": 3, "reason": "Sudah final."},
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["state"], data["from_classification"], data["to_classification"]) == (
        "pending",
        "dikecualikan",
        "berkala",
    )
    assert data["update_period_months"] == 3 and data["edition"] is None
    again = operator.post(url, {"to_classification": "setiap_saat", "reason": "x"}, format="json")
    assert again.status_code == 400 and "to_classification" in again.json()
    memo.refresh_from_db()
    assert memo.classification == Classification.DIKECUALIKAN


def test_an_eastern_body_records_an_event_that_happened_on_its_own_today(kubu):
    """23:30 WIB on 1 March (the server's clock) is 01:30 on 2 March in Jayapura (WIT): the
    page offers 2 March, which is stored; 3 March is refused next to the field, nothing
    stored."""
    body, officers = kubu
    Body.objects.filter(pk=body.pk).update(time_zone="Asia/Jayapura")
    siak = Item.objects.get(body=body, title=SIAK)
    url = f"/informasi/{siak.pk}/peristiwa-terjadi/"
    with time_machine.travel(datetime(2027, 3, 1, 23, 30, tzinfo=WIB), tick=False):
        ppid = client_of(officers["ppid"])
        assert 'name="happened_on" value="2027-03-02"' in text(ppid.get(url))
        data = {"note": "SIAK lama dihentikan.", "classification": "setiap_saat"}
        response = ppid.post(url, {**data, "happened_on": "2027-03-03"})
        assert response.status_code == 200
        field = text(response).split('id="id_happened_on_error"', 1)[1].split("</p>", 1)[0]
        assert "Peristiwa tidak mungkin terjadi pada tanggal yang akan datang." in field
        siak.refresh_from_db()
        assert siak.exemption_event_happened_on is None and siak.exemption_ended_on is None
        assert not ClassificationChange.objects.exists()

        assert ppid.post(url, {**data, "happened_on": "2027-03-02"}).status_code == 302
    siak.refresh_from_db()
    assert siak.exemption_event_happened_on == date(2027, 3, 2)
    assert ClassificationChange.objects.filter(item=siak).count() == 1


def test_an_item_opened_as_berkala_is_updated_on_the_bodys_today(
    kubu, django_capture_on_commit_callbacks
):
    """A DIK signed at 23:30 WIB on 2 February (the server's clock) in a body in Jayapura
    (01:30 WIT on 3 February) opens a row as berkala: it counts as updated on 3 February, the
    body's today, from which its next update is due."""
    body, officers = kubu
    Body.objects.filter(pk=body.pk).update(time_zone="Asia/Jayapura")
    memo = Item.objects.get(body=body, title=MEMO)
    with time_machine.travel(at(date(2027, 2, 1)), tick=False):
        change = classification.classification_change_propose(
            item=memo,
            user=officers["operator"],
            to_classification=Classification.BERKALA,
            reason="Diumumkan setiap semester.",
        )
        dik = open_edition(
            body, EditionKind.DIK, officers, items=body.items.filter(classification="dikecualikan")
        )
        dik = drive_to(dik, Stage.CONSIDERATION, officers)
        from workflow.services import review

        for item in body.items.filter(classification="dikecualikan"):
            review.consideration_record(
                edition=dik, item=item, user=officers["tim"], decision="agree"
            )
        decide = f"/perubahan-klasifikasi/{change.pk}/putuskan/"
        assert client_of(officers["tim"]).post(decide, {"decision": "agree"}).status_code == 302
        write_record(dik, officers["tim"])
        dik = workflow_services.edition_transition(
            edition=dik, name="consider", user=officers["tim"]
        )
    with (
        time_machine.travel(datetime(2027, 2, 2, 23, 30, tzinfo=WIB), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        workflow_services.edition_transition(
            edition=dik, name="sign", user=officers["atasan"], **decree()
        )
    memo.refresh_from_db()
    assert memo.classification == Classification.BERKALA
    assert memo.last_updated_on == date(2027, 2, 3)
