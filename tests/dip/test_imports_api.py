"""Spreadsheet import through the API: upload (202), follow (status, counts, skipped rows),
commit (202, once: 409 after), and who may: another body's job is 404, a role that may not keep
the register 403, and a bad file a 400 on `file` with nothing stored. Also the round trip: a
body's real register export imported into another body gives the same register, and a file in
the earlier template's layout still imports."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import Workbook

from dip.models import ImportJob, ImportStatus, Item
from dip.services.imports.columns import TEMPLATE_COLUMNS
from ppid.models import Body
from tests.dip.spreadsheets import perki_workbook, png_bytes, upload, workbook_bytes
from tests.factories import ItemFactory, UnitFactory

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"
OPERATOR = f"{KALBAR}.operator"


def post(client, content: bytes, name: str = "daftar.xlsx", body: str = KALBAR):
    return client.post("/api/imports/", {"file": upload(content, name), "body": body})


def test_upload_follow_and_commit(seeded, api, django_capture_on_commit_callbacks, celery_eager):
    client = api(OPERATOR)
    response = post(client, perki_workbook())
    assert response.status_code == 202
    assert set(response.json()) == {"id", "status"} and response.json()["status"] == "pending"
    job_id = response.json()["id"]

    shown = client.get(f"/api/imports/{job_id}/").json()
    assert shown["status"] == "pending" and shown["committed"] is False
    assert (shown["total"], shown["done"], shown["created"], shown["skipped"]) == (5, 0, 0, [])
    assert [(p["sheet"], p["row"]) for p in shown["problems"]] == [("Setiap Saat", 8)]
    assert "31 Juni 2025" in shown["problems"][0]["errors"][0]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/imports/{job_id}/commit/", {}, format="json")
    assert response.status_code == 202, response.content

    shown = client.get(f"/api/imports/{job_id}/").json()
    assert shown["status"] == "done"
    assert (shown["total"], shown["done"], shown["created"]) == (5, 5, 4)
    assert shown["skipped"] == [
        {"row": 8, "sheet": "Setiap Saat", "errors": shown["skipped"][0]["errors"]}
    ]
    assert Item.objects.filter(body__slug=KALBAR, title__startswith="Rencana strategis").exists()

    again = client.post(f"/api/imports/{job_id}/commit/", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_processed" and again.json()["state"] == "done"


def test_choosing_duplicates_to_update(
    seeded, api, django_capture_on_commit_callbacks, celery_eager
):
    body = Body.objects.get(slug=KALBAR)
    item = ItemFactory(body=body, title="Profil dinas", responsible="Lama")
    workbook = Workbook()
    workbook.active.append(["Judul Informasi", "Klasifikasi", "Penanggung Jawab"])
    workbook.active.append(["Profil dinas", "Setiap saat", "Baru"])
    client = api(OPERATOR)
    job_id = post(client, workbook_bytes(workbook)).json()["id"]
    shown = client.get(f"/api/imports/{job_id}/").json()
    assert shown["duplicates"] == [
        {
            "index": 0,
            "row": 2,
            "sheet": "Sheet",
            "title": "Profil dinas",
            "errors": [],
            "duplicate_of": item.pk,
        }
    ]
    bad = client.post(f"/api/imports/{job_id}/commit/", {"update_rows": [7]}, format="json")
    assert bad.status_code == 400 and "update_rows" in bad.json()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/imports/{job_id}/commit/", {"update_rows": [0]}, format="json")
    item.refresh_from_db()
    assert item.responsible == "Baru"
    assert client.get(f"/api/imports/{job_id}/").json()["created"] == 0


@pytest.mark.parametrize(("content", "name"), [(png_bytes(), "daftar.xlsx"), (b"", "daftar.csv")])
def test_bad_file_is_400_on_file_and_nothing_stored(seeded, api, content, name):
    response = post(api(OPERATOR), content, name)
    assert response.status_code == 400
    assert list(response.json()) == ["file"]
    assert not ImportJob.objects.exists()


def test_missing_file_and_foreign_body(seeded, api):
    client = api(OPERATOR)
    response = client.post("/api/imports/", {"body": "disdukcapil-kubu-raya"})
    assert response.status_code == 400
    assert set(response.json()) == {"file", "body"}
    assert not ImportJob.objects.exists()


def test_other_body_404_other_role_403_anonymous_401(seeded, api):
    job_id = post(api(OPERATOR), perki_workbook()).json()["id"]
    stranger = api("disdukcapil-kubu-raya.operator")
    assert stranger.get(f"/api/imports/{job_id}/").status_code == 404
    assert stranger.post(f"/api/imports/{job_id}/commit/", {}, format="json").status_code == 404
    assert stranger.get("/api/imports/").json()["count"] == 0
    assert api().get(f"/api/imports/{job_id}/").status_code == 401

    atasan = api("dinsos-p3a-kapuas-hulu.atasan")
    response = post(atasan, perki_workbook(), body="dinsos-p3a-kapuas-hulu")
    assert response.status_code == 403
    assert ImportJob.objects.count() == 1
    assert ImportJob.objects.get().status == ImportStatus.PENDING


def register_rows(body: Body) -> list[dict]:
    """A register as comparable rows: every field an officer fills in, the unit by name."""
    rows = []
    for item in Item.objects.filter(body=body).select_related("unit").order_by("title"):
        row = {field: getattr(item, field) for field, _h in TEMPLATE_COLUMNS[1:] if field != "unit"}
        row["unit"] = item.unit.name if item.unit else ""
        if item.classification != "berkala":
            row.pop("update_period_months")
        rows.append(row)
    return rows


EXPORT_VALUES = {
    "classification": lambda item: item.get_classification_display(),
    "unit": lambda item: item.unit.name if item.unit else "",
    "form": lambda item: item.get_form_display() if item.form else "",
    "exemption_permanent": lambda item: "Ya" if item.exemption_permanent else "Tidak",
    "exemption_ground": lambda item: item.get_exemption_ground_display(),
}
# The headings of the earlier import template (before it became the register export's layout):
# files filled in from it must still import.
OLD_TEMPLATE_COLUMNS = [
    ("number", "No"),
    ("title", "Judul Informasi"),
    ("summary", "Ringkasan Isi Informasi"),
    ("classification", "Klasifikasi"),
    ("update_period_months", "Periode Pembaruan (bulan)"),
    ("unit", "Unit Kerja"),
    ("holding_unit", "Pejabat atau Unit/Satuan Kerja yang Menguasai Informasi"),
    ("responsible", "Penanggung Jawab Pembuatan atau Penerbitan Informasi"),
    ("produced_at", "Tanggal Pembuatan Informasi"),
    ("produced_place", "Tempat Pembuatan Informasi"),
    ("form", "Bentuk Informasi yang Tersedia"),
    ("retention", "Jangka Waktu Penyimpanan atau Retensi Arsip"),
    ("exempted_part", "Bagian yang Dikecualikan"),
    ("exemption_ground", "Dasar Hukum Pengecualian (Pasal 17 huruf)"),
    ("exemption_law", "Undang-Undang yang Dikutip"),
    ("consequence_if_opened", "Akibat bila Dibuka"),
    ("consequence_if_closed", "Akibat bila Ditutup"),
    ("public_interest", "Pertimbangan Kepentingan Publik"),
    ("exemption_until", "Dikecualikan sampai Tanggal"),
    ("exemption_event", "Dikecualikan sampai Peristiwa"),
    ("exemption_permanent", "Dikecualikan Permanen"),
]


def old_template_layout(body: Body) -> bytes:
    """The register of `body` written by hand in the earlier template's layout."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daftar Informasi"
    sheet.append([heading for _field, heading in OLD_TEMPLATE_COLUMNS])
    items = Item.objects.filter(body=body).select_related("unit").order_by("title")
    for number, item in enumerate(items, start=1):
        values = []
        for field, _heading in OLD_TEMPLATE_COLUMNS:
            if field == "number":
                values.append(number)
            elif field in EXPORT_VALUES:
                values.append(EXPORT_VALUES[field](item))
            else:
                value = getattr(item, field)
                values.append("" if value is None else value)
        sheet.append(values)
    return workbook_bytes(workbook)


def real_register_export(login, body: Body) -> bytes:
    """The body's register exactly as its officer downloads it (`.../informasi/unduh.xlsx`)."""
    client = login(f"{body.slug}.operator")
    response = client.get(reverse("dip:item_export", args=[body.slug]))
    assert response.status_code == 200
    client.logout()
    return response.content


def import_into(api, content: bytes, django_capture_on_commit_callbacks) -> dict:
    client = api(OPERATOR)
    job_id = post(client, content).json()["id"]
    shown = client.get(f"/api/imports/{job_id}/").json()
    assert shown["problems"] == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/imports/{job_id}/commit/", {}, format="json")
    return client.get(f"/api/imports/{job_id}/").json()


def _two_bodies() -> tuple[Body, Body]:
    source = Body.objects.get(slug="disdukcapil-kubu-raya")  # DIP and DIK rows, with units
    target = Body.objects.get(slug=KALBAR)
    for unit in source.units.all():
        if not target.units.filter(name=unit.name).exists():
            UnitFactory(body=target, name=unit.name)
    Item.objects.filter(body=target).delete()
    return source, target


def test_round_trip_into_another_body_gives_an_identical_register(
    seeded, api, login, django_capture_on_commit_callbacks, celery_eager
):
    """Body A's real register export (title block, every column, the update dates the system
    keeps) imported as it is into body B gives B the same register."""
    source, target = _two_bodies()
    assert source.items.filter(classification="dikecualikan").exists()
    assert source.items.filter(unit__isnull=False).exists()
    content = real_register_export(login, source)
    job = import_into(api, content, django_capture_on_commit_callbacks)
    assert job["created"] == source.items.count()
    assert register_rows(target) == register_rows(source)


def test_a_file_in_the_earlier_template_layout_still_imports(
    seeded, api, django_capture_on_commit_callbacks, celery_eager
):
    source, target = _two_bodies()
    job = import_into(api, old_template_layout(source), django_capture_on_commit_callbacks)
    assert job["created"] == source.items.count()
    assert register_rows(target) == register_rows(source)
