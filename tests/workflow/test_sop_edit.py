"""SOPs edited in the app (issue 12 rule 7): the PPID Utama over the body or its atasan changes
the header and the steps in a form shaped like the seed documents; each change is a new version
(the old one kept, an audit row naming what changed); editions in flight keep the route they
started with; bad input shows its error and stores nothing; the SOP page shows where each
decision leads."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import resolve_url

from dip.models import Stage
from ppid import services as ppid_services
from ppid.models import Body, Role
from tests.helpers import drive_to, officers_of, open_edition
from workflow.models import AuditEntry, Sop, SopStep, Step
from workflow.services.sops import SopNotInForce, sop_header, sop_revise, sop_step_rows

DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
User = get_user_model()


def _active(slug: str = DINSOS) -> Sop:
    return Sop.objects.get(body__slug=slug, is_active=True)


def _form_data(sop: Sop, *, header: dict | None = None, steps: list[dict] | None = None) -> dict:
    """What the edit page posts: the SOP's header and steps as they are, with changes."""
    values = {**sop_header(sop), **(header or {})}
    rows = steps if steps is not None else sop_step_rows(sop)
    data: dict[str, Any] = {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in values.items()
        if value is not None
    }
    data.update(
        {
            "steps-TOTAL_FORMS": str(len(rows)),
            "steps-INITIAL_FORMS": str(len(sop_step_rows(sop))),
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "30",
        }
    )
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                data[f"steps-{index}-{name}"] = "on"
            elif value is not None and value is not False:
                data[f"steps-{index}-{name}"] = str(value)
    return data


def _changed_rows(sop: Sop, number: int, **changes: Any) -> list[dict]:
    rows = sop_step_rows(sop)
    for row in rows:
        if row["number"] == number:
            row.update(changes)
    return rows


def _counts() -> tuple[int, int, int]:
    return (
        Sop.objects.count(),
        SopStep.objects.count(),
        AuditEntry.objects.filter(action="sop.revise").count(),
    )


def _edit_url(sop: Sop) -> str:
    return f"/badan/{sop.body.slug}/sop/{sop.pk}/ubah/"


def _utama_over(body: Body):
    """A PPID Utama holding the role on the body above `body` (whatever the demo's tree)."""
    user = User.objects.create_user(username="utama.uji", password="x")
    ppid_services.role_grant(user=user, body=body.parent, role=Role.PPID_UTAMA)
    return user


# --- a change is a new version ---------------------------------------------------------------


@pytest.mark.django_db
def test_edit_makes_a_new_version_keeps_the_old_and_audits_it(seeded, login):
    old = _active()
    old_steps = sop_step_rows(old)
    client = login(f"{DINSOS}.atasan")
    page = client.get(_edit_url(old))
    assert page.status_code == 200
    html = page.content.decode()
    assert old.number in html and "Memerintahkan petugas PPID" in html
    data = _form_data(
        old,
        header={"name": "Prosedur Pendokumentasian Informasi Publik (Revisi)"},
        steps=_changed_rows(old, 4, time_amount=30),
    )
    data["change_note"] = "Verifikasi butuh waktu lebih."
    # A browser sends the line ends of a textarea as CR LF: that is no change.
    data["legal_basis"] = old.legal_basis.replace("\n", "\r\n")
    assert "\r\n" in data["legal_basis"]
    response = client.post(_edit_url(old), data, follow=True)
    assert response.redirect_chain[-1][0] == f"/badan/{DINSOS}/sop/"
    html = response.content.decode()
    assert "versi 2" in html.lower()

    new = _active()
    old.refresh_from_db()
    assert (new.version, new.replaces_id, new.number) == (2, old.pk, old.number)
    assert not old.is_active
    assert new.name == "Prosedur Pendokumentasian Informasi Publik (Revisi)"
    assert new.created_by.username == f"{DINSOS}.atasan"
    # The old version keeps its steps; the new one has its own, with the change.
    assert sop_step_rows(old) == old_steps
    assert [r["time_amount"] for r in sop_step_rows(new)] == [1, 15, 1, 30, 15, 30]
    assert new.lanes == old.lanes
    entry = AuditEntry.objects.get(action="sop.revise")
    assert entry.actor.username == f"{DINSOS}.atasan" and entry.body == new.body
    assert entry.target_id == str(new.pk) and entry.note == "Verifikasi butuh waktu lebih."
    assert entry.data["from_version"] == 1 and entry.data["to_version"] == 2
    changes = entry.data["changes"]
    assert len(changes) == 2
    assert changes[0].startswith("Nama SOP: Prosedur Pendokumentasian Informasi Publik →")
    assert changes[1] == "Langkah 4: Waktu: 15 → 30"
    # The SOP page lists both versions with what changed; each version can be read.
    assert "Langkah 4: Waktu: 15 → 30" in html and "Verifikasi butuh waktu lebih." in html
    # The audit log names the event.
    utama = _utama_over(new.body)
    log = login(utama.username).get("/jejak-audit/", {"action": "sop.revise"}).content.decode()
    assert "SOP diubah (versi baru)" in log and "Verifikasi butuh waktu lebih." in log
    client = login(f"{DINSOS}.atasan")
    version_one = client.get(f"/badan/{DINSOS}/sop/{old.pk}/").content.decode()
    assert "tidak berlaku lagi" in version_one and "Memerintahkan petugas PPID" in version_one


@pytest.mark.django_db
def test_edition_in_flight_keeps_its_route(seeded, login):
    body = Body.objects.get(slug=DINSOS)
    officers = officers_of(body)
    before = open_edition(body, title="Sebelum perubahan", year=2026, officers=officers)
    route = before.route
    old = _active()
    new = sop_revise(
        sop=old,
        user=officers["atasan"],
        header={},
        steps=_changed_rows(old, 4, time_amount=2, time_unit="jam", return_to=""),
    )
    # The edition under way carries the route it started with, and its steps follow it.
    before.refresh_from_db()
    assert before.route == route and before.route["sop"]["version"] == 1
    before = drive_to(before, Stage.VERIFICATION, officers)
    verification = Step.objects.get(edition=before, finished_at=None)
    assert (verification.standard_amount, verification.standard_unit) == (15, "menit")
    assert verification.standard_seconds == 900
    assert before.return_target() == Stage.COLLECTION
    # Its page names the version it runs, linked to that version's page.
    page = login(f"{DINSOS}.ppid").get(f"/edisi/{before.pk}/").content.decode()
    assert f'<a href="/badan/{DINSOS}/sop/{old.pk}/">versi 1</a>' in page
    # An edition opened now runs the new version.
    after = open_edition(body, title="Sesudah perubahan", year=2027, officers=officers)
    assert after.route["sop"] == {**route["sop"], "id": new.pk, "version": 2}
    stage = after.route_stage(Stage.VERIFICATION)
    assert (stage["amount"], stage["unit"], stage["return_to"]) == (2, "jam", None)


# --- bad input: the error next to the field, nothing stored -----------------------------------


def _without_publication(sop):
    return [r for r in sop_step_rows(sop) if r["stage"] != Stage.PUBLICATION]


BAD = {
    "no publication step": (
        lambda sop: {"steps": _without_publication(sop)},
        None,
        "SOP harus diakhiri dengan langkah publikasi.",
    ),
    "return to a later stage": (
        lambda sop: {"steps": _changed_rows(sop, 4, return_to=Stage.APPROVAL)},
        "steps-3-return_to",
        "Pengembalian harus ke tahap sebelumnya.",
    ),
    "return to a stage the SOP lacks": (
        lambda sop: {"delete_first": True},
        "steps-3-return_to",
        "SOP ini tidak punya langkah pada tahap itu.",
    ),
    "unknown role": (
        lambda sop: {"steps": _changed_rows(sop, 2, role="bupati")},
        "steps-1-role",
        "bupati",
    ),
    "empty activity": (
        lambda sop: {"steps": _changed_rows(sop, 3, activity="")},
        "steps-2-activity",
        "harus diisi",
    ),
    "huge text": (
        lambda sop: {"steps": _changed_rows(sop, 1, activity="x" * 2001)},
        "steps-0-activity",
        "2000",
    ),
    "huge header text": (
        lambda sop: {"header": {"legal_basis": "y" * 5001}},
        "legal_basis",
        "5000",
    ),
    "zero time": (
        lambda sop: {"steps": _changed_rows(sop, 2, time_amount=0)},
        "steps-1-time_amount",
        "lebih besar dari atau sama dengan 1",
    ),
    "two steps one stage": (
        lambda sop: {"steps": _changed_rows(sop, 2, stage=Stage.IDENTIFICATION)},
        "steps-1-stage",
        "Langkah lain sudah berada pada tahap ini",
    ),
    "nothing changed": (lambda sop: {}, None, "Tidak ada yang diubah"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_shows_the_error_and_stores_nothing(seeded, login, case):
    make, field, message = BAD[case]
    sop = _active()
    spec = make(sop)
    counts = _counts()
    client = login(f"{DINSOS}.atasan")
    if spec.get("delete_first"):
        # Step 1 (identification) is ticked for deletion while step 4 returns to it.
        data = _form_data(sop, steps=_changed_rows(sop, 4, return_to=Stage.IDENTIFICATION))
        data["steps-0-DELETE"] = "on"
    else:
        data = _form_data(sop, header=spec.get("header"), steps=spec.get("steps"))
    response = client.post(_edit_url(sop), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, (case, message)
    if field is not None:
        # The error sits next to its field (includes/field.html: id_<field>_error).
        assert f'id="id_{field}_error"' in html, case
    assert _counts() == counts
    assert _active().pk == sop.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        {"steps": "no publication"},
        {"steps": "later return"},
        {"steps": "unknown role"},
        {"steps": "empty activity"},
        {"steps": "huge"},
        {"steps": "none"},
        {"header": {"name": ""}},
        {"note": "n" * 5001},
    ],
)
def test_the_service_refuses_bad_input_and_stores_nothing(seeded, change):
    sop = _active()
    rows = sop_step_rows(sop)
    steps = {
        "no publication": _without_publication(sop),
        "later return": _changed_rows(sop, 4, return_to=Stage.APPROVAL),
        "unknown role": _changed_rows(sop, 2, role="bupati"),
        "empty activity": _changed_rows(sop, 3, activity=""),
        "huge": _changed_rows(sop, 1, activity="x" * 2001),
        "none": [],
    }.get(change.get("steps"), rows)
    counts = _counts()
    with pytest.raises(ValidationError):
        sop_revise(
            sop=sop,
            user=User.objects.get(username=f"{DINSOS}.atasan"),
            header=change.get("header", {"name": "Nama baru"}),
            steps=steps,
            note=change.get("note", ""),
        )
    assert _counts() == counts
    assert _active().pk == sop.pk


@pytest.mark.django_db
def test_a_replaced_version_cannot_be_changed(seeded, login):
    old = _active()
    atasan = User.objects.get(username=f"{DINSOS}.atasan")
    sop_revise(sop=old, user=atasan, header={"name": "Versi dua"}, steps=sop_step_rows(old))
    counts = _counts()
    with pytest.raises(SopNotInForce):
        sop_revise(sop=old, user=atasan, header={"name": "Versi tiga"}, steps=sop_step_rows(old))
    response = login(f"{DINSOS}.atasan").post(
        _edit_url(old), _form_data(old, header={"name": "Versi tiga"}), follow=True
    )
    assert response.redirect_chain[-1][0] == f"/badan/{DINSOS}/sop/"
    assert _counts() == counts
    assert _active().name == "Versi dua"


# --- who may change an SOP ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "status"),
    [
        (f"{DINSOS}.atasan", 200),
        ("utama", 200),
        (f"{DINSOS}.ppid", 403),
        (f"{DINSOS}.operator", 403),
        (f"{KUBU}.atasan", 404),
        (f"{KUBU}.tim", 404),
    ],
)
def test_who_may_change_an_sop(seeded, client, username, status):
    sop = _active()
    user = _utama_over(sop.body) if username == "utama" else User.objects.get(username=username)
    client.force_login(user)
    assert client.get(_edit_url(sop)).status_code == status
    counts = _counts()
    data = _form_data(sop, header={"name": "Diubah oleh " + user.username})
    response = client.post(_edit_url(sop), data)
    if status == 200:
        assert response.status_code == 302
        assert _active().name == "Diubah oleh " + user.username
        assert AuditEntry.objects.get(action="sop.revise").actor == user
    else:
        assert response.status_code == status
        assert _counts() == counts
        with pytest.raises(PermissionDenied):
            sop_revise(sop=sop, user=user, header={"name": "x"}, steps=sop_step_rows(sop))
        assert _counts() == counts
    # The SOP page offers the change only to those who may make it.
    page = client.get(f"/badan/{DINSOS}/sop/")
    if status != 404:
        assert ("Ubah SOP ini" in page.content.decode()) == (status == 200)


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(seeded, client):
    sop = _active()
    response = client.get(_edit_url(sop))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


# --- the SOP page shows the decision paths -----------------------------------------------------


@pytest.mark.django_db
def test_sop_page_shows_where_each_decision_leads(seeded, login):
    html = login(f"{DINSOS}.ppid").get(f"/badan/{DINSOS}/sop/").content.decode()
    # Seed 000: step 4 (the PPID checks) returns to the officer (step 3), step 5 (the atasan)
    # to the Ketua PPID (step 4).
    assert "Alur keputusan" in html
    assert (
        "Langkah 4</strong> (Verifikasi, PPID Pembantu): setuju → ke langkah 5; "
        "tidak setuju → kembali ke langkah 3 (Pengumpulan)"
    ) in html
    assert "tidak setuju → kembali ke langkah 4 (Verifikasi)" in html
    kubu = login(f"{KUBU}.tim").get(f"/badan/{KUBU}/sop/").content.decode()
    assert "tidak setuju → kembali ke langkah 2 (Verifikasi)" in kubu
    # The seed's wording is still shown word for word.
    assert "Memeriksa dan menandatangani draft dokumen" in kubu
