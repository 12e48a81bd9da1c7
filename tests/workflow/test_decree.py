"""Issue 12 rule 6: the decision that sets the lists. Signing records the decree (Keputusan)
number and date (required, checked, nothing stored on bad input, audited); the signed PDF, the
public page and the public JSON show them."""

from __future__ import annotations

import subprocess
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dip import services as dip_services
from dip.models import Edition, EditionRow, Stage
from tests.helpers import edition_at, make_ready
from workflow import services
from workflow.models import AuditEntry, Step

pytestmark = pytest.mark.django_db

User = get_user_model()
DINSOS = "dinsos-p3a-kapuas-hulu"  # the atasan signs (sign)
KALBAR = "disdukcapil-kalbar"  # SOP 002: the PPID's verify is the signature
KUBU = "disdukcapil-kubu-raya"  # DIK: the atasan signs after the tim
NUMBER = "188.4/123/DINSOS/2026"


def text(response) -> str:
    return response.content.decode()


def stored(edition: Edition) -> tuple:
    """Everything a signature writes."""
    fresh = Edition.objects.get(pk=edition.pk)
    return (
        fresh.state,
        fresh.signed_at,
        fresh.decree_number,
        fresh.decree_date,
        EditionRow.objects.filter(edition=edition).count(),
        AuditEntry.objects.filter(edition=edition).count(),
        Step.objects.filter(edition=edition).count(),
    )


def today() -> date:
    return timezone.localdate()


BAD = [
    ({}, {"decree_number", "decree_date"}),
    ({"decree_number": "   ", "decree_date": "today"}, {"decree_number"}),
    ({"decree_number": "Keputusan", "decree_date": "today"}, {"decree_number"}),  # no digit
    ({"decree_number": "188.4/1\n/X", "decree_date": "today"}, {"decree_number"}),
    ({"decree_number": "<b>188</b>", "decree_date": "today"}, {"decree_number"}),
    ({"decree_number": "1" * 101, "decree_date": "today"}, {"decree_number"}),
    ({"decree_number": NUMBER, "decree_date": "tomorrow"}, {"decree_date"}),
    ({"decree_number": NUMBER, "decree_date": date(2020, 5, 1)}, {"decree_date"}),
    ({"decree_number": NUMBER}, {"decree_date"}),
]


def _resolve(values: dict) -> dict:
    out = dict(values)
    if out.get("decree_date") == "today":
        out["decree_date"] = today()
    elif out.get("decree_date") == "tomorrow":
        out["decree_date"] = today() + timedelta(days=1)
    return out


@pytest.mark.parametrize(("values", "fields"), BAD)
def test_the_service_refuses_a_signature_without_a_proper_decree(seeded, values, fields):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Tanpa keputusan")
    atasan = User.objects.get(username=f"{DINSOS}.atasan")
    before = stored(edition)
    with pytest.raises(ValidationError) as refused:
        services.edition_transition(
            edition=edition.pk, name="sign", user=atasan, note="Setuju", **_resolve(values)
        )
    assert set(refused.value.message_dict) == fields
    assert stored(edition) == before


def test_a_signature_records_and_audits_the_decree(seeded):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Dengan keputusan")
    atasan = User.objects.get(username=f"{DINSOS}.atasan")
    edition = services.edition_transition(
        edition=edition.pk,
        name="sign",
        user=atasan,
        note="Setuju",
        decree_number=f"  {NUMBER} ",
        decree_date=today(),
    )
    fresh = Edition.objects.get(pk=edition.pk)
    assert fresh.state == Stage.PUBLICATION
    assert (fresh.decree_number, fresh.decree_date) == (NUMBER, today())
    entry = AuditEntry.objects.get(edition=edition, transition="sign")
    assert entry.data == {"decree_number": NUMBER, "decree_date": today().isoformat()}


def test_other_transitions_ignore_a_decree(seeded):
    edition = edition_at(KUBU, Stage.VERIFICATION, title="Paraf")
    ppid = User.objects.get(username=f"{KUBU}.ppid")
    edition = services.edition_transition(
        edition=edition.pk, name="verify", user=ppid, decree_number=NUMBER, decree_date=today()
    )
    fresh = Edition.objects.get(pk=edition.pk)
    assert fresh.state == Stage.CONSIDERATION and fresh.decree_number == ""


# --- the API -----------------------------------------------------------------------------------


def test_the_api_sign_answers_400_per_field_and_stores_nothing(seeded, api):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="API tanpa keputusan")
    client = api(f"{DINSOS}.atasan")
    url = f"/api/editions/{edition.pk}/transitions/sign/"
    before = stored(edition)
    missing = client.post(url, {"note": "Setuju"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()) >= {"decree_number", "decree_date"}
    assert "nomor keputusan" in missing.json()["decree_number"][0]
    not_a_date = client.post(
        url, {"decree_number": NUMBER, "decree_date": "kemarin"}, format="json"
    )
    assert not_a_date.status_code == 400 and "decree_date" in not_a_date.json()
    future = client.post(
        url,
        {"decree_number": NUMBER, "decree_date": (today() + timedelta(days=3)).isoformat()},
        format="json",
    )
    assert future.status_code == 400
    assert "setelah hari ini" in future.json()["decree_date"][0]
    assert stored(edition) == before

    signed = client.post(
        url, {"decree_number": NUMBER, "decree_date": today().isoformat()}, format="json"
    )
    assert signed.status_code == 200, signed.content
    assert signed.json()["decree_number"] == NUMBER
    assert signed.json()["decree_date"] == today().isoformat()


def test_the_final_verify_of_sop_002_is_a_signature_with_its_decree(seeded, api):
    edition = edition_at(KALBAR, Stage.VERIFICATION, title="Verifikasi akhir")
    client = api(f"{KALBAR}.ppid")
    url = f"/api/editions/{edition.pk}/transitions/verify/"
    before = stored(edition)
    assert client.post(url, {}, format="json").status_code == 400
    assert stored(edition) == before
    ok = client.post(
        url, {"decree_number": "065/2551/DISDUKCAPIL", "decree_date": today()}, format="json"
    )
    assert ok.status_code == 200, ok.content
    assert Edition.objects.get(pk=edition.pk).decree_number == "065/2551/DISDUKCAPIL"


def test_the_openapi_schema_documents_the_decree(seeded, api):
    schema = api().get("/api/schema/?format=json")
    assert schema.status_code == 200
    body = schema.json()
    fields = body["components"]["schemas"]["TransitionRequest"]["properties"]
    assert {"note", "decree_number", "decree_date"} <= set(fields)
    assert "Keputusan" in fields["decree_number"]["description"]


# --- the page ----------------------------------------------------------------------------------


def test_the_sign_page_asks_for_the_decree_and_keeps_input_on_error(seeded, login):
    edition = edition_at(DINSOS, Stage.APPROVAL, title="Halaman tanda tangan")
    client = login(f"{DINSOS}.atasan")
    url = f"/edisi/{edition.pk}/aksi/sign/"
    page = text(client.get(url))
    assert "Nomor keputusan" in page and "Tanggal keputusan" in page
    before = stored(edition)
    response = client.post(
        url, {"expected_state": "approval", "note": "Setuju", "decree_number": "Keputusan"}
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_decree_number_error"' in page and "188.4/123/DINSOS/2026" in page
    assert 'id="id_decree_date_error"' in page and "Isikan tanggal keputusan" in page
    assert 'value="Keputusan"' in page
    assert stored(edition) == before
    done = client.post(
        url,
        {
            "expected_state": "approval",
            "note": "Setuju",
            "decree_number": NUMBER,
            "decree_date": today().isoformat(),
        },
    )
    assert done.status_code == 302
    assert Edition.objects.get(pk=edition.pk).decree_number == NUMBER


def test_only_the_signature_asks_for_a_decree(seeded, login):
    edition = edition_at(KUBU, Stage.VERIFICATION, title="Paraf saja")
    page = text(login(f"{KUBU}.ppid").get(f"/edisi/{edition.pk}/aksi/verify/"))
    assert "Nomor keputusan" not in page


# --- where the decree is shown -----------------------------------------------------------------


def test_the_signed_pdf_prints_the_decree(seeded, tmp_path):
    edition = edition_at(KUBU, Stage.PUBLICATION, title="DIK dengan keputusan")
    document = dip_services.edition_document_build(edition_id=edition.pk)
    edition.refresh_from_db()
    path = tmp_path / "dik.pdf"
    with document.file.open("rb") as handle:
        path.write_bytes(handle.read())
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat = " ".join(pdf_text.split())
    assert "Lampiran Keputusan Kepala Dinas Kependudukan" in flat
    assert f"Nomor : {edition.decree_number}" in flat
    months = (
        "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember"
    )
    day = edition.decree_date
    assert f"Tanggal : {day.day} {months.split()[day.month - 1]} {day.year}" in flat
    assert "Penetapan Daftar Informasi yang Dikecualikan Tahun 2026" in flat
    # ...and on every page's foot.
    assert flat.count(f"Keputusan Nomor {edition.decree_number}") >= 1


def test_the_public_page_and_json_show_the_decree(seeded, client):
    edition = edition_at(DINSOS, Stage.PUBLISHED, title="DIP publik")
    make_ready(edition)
    edition.refresh_from_db()
    day = edition.decree_date
    page = text(client.get(f"/badan-publik/{DINSOS}/"))
    assert f"dengan Keputusan Nomor {edition.decree_number} tanggal" in page
    edition_page = client.get(reverse("dip:public_edition", args=[DINSOS, edition.pk]))
    assert edition_page.status_code == 200
    assert f"dengan Keputusan Nomor {edition.decree_number} tanggal" in text(edition_page)
    data = client.get(reverse("dip:public_edition_json", args=[DINSOS, edition.pk])).json()
    assert data["edition"]["decree_number"] == edition.decree_number
    assert data["edition"]["decree_date"] == day.isoformat()
    api = client.get(f"/api/public/bodies/{DINSOS}/dip/").json()
    assert api["edition"]["decree_number"] == edition.decree_number
