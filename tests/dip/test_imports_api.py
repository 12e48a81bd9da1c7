"""Spreadsheet import through the API: upload (202), follow (status, counts, skipped rows),
commit (202, once: 409 after), and who may: another body's job is 404, a role that may not keep
the register 403, and a bad file a 400 on `file` with nothing stored. Also the round trip in
the layout an `.xlsx` export of the register uses (the template's headings)."""

from __future__ import annotations

import pytest
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
# The register export's layout on the export branch (dip.columns.REGISTER_COLUMNS there): other
# headings, and columns the system keeps itself, which an import ignores.
EXPORT_BRANCH_COLUMNS = [
    ("number", "No"),
    ("title", "Judul Informasi"),
    ("summary", "Ringkasan Isi Informasi"),
    ("classification", "Klasifikasi"),
    ("unit", "Bidang/Seksi"),
    ("holding_unit", "Pejabat/Unit/Satuan Kerja yang Menguasai Informasi"),
    ("responsible", "Penanggung Jawab Pembuatan atau Penerbitan Informasi"),
    ("produced_at", "Waktu Pembuatan Informasi"),
    ("produced_place", "Tempat Pembuatan Informasi"),
    ("form", "Bentuk Informasi yang Tersedia"),
    ("retention", "Jangka Waktu Penyimpanan atau Retensi Arsip"),
    ("update_period_months", "Jangka Waktu Pembaruan (bulan)"),
    ("exempted_part", "Informasi yang Dikecualikan"),
    ("exemption_ground", "Dasar Hukum Pengecualian (Pasal 17 UU 14/2008)"),
    ("exemption_law", "Undang-Undang Lain yang Dikutip"),
    ("consequence_if_opened", "Akibat bila Informasi Dibuka"),
    ("consequence_if_closed", "Akibat bila Informasi Ditutup"),
    ("public_interest", "Pertimbangan Kepentingan Publik"),
    ("exemption_until", "Dikecualikan sampai Tanggal"),
    ("exemption_event", "Dikecualikan sampai Peristiwa"),
    ("exemption_permanent", "Dikecualikan Permanen"),
    ("last_updated_on", "Terakhir Diperbarui"),
    ("next_update_on", "Pembaruan Berikutnya"),
]


def export_layout(body: Body, columns: list[tuple[str, str]]) -> bytes:
    """The register of `body` as its `.xlsx` export lays it out: the template's headings, one
    row per item, dates as Excel dates. (When the export lands, the test reads the export
    itself instead of this stand-in.)"""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Daftar Informasi"
    sheet.append([heading for _field, heading in columns])
    items = Item.objects.filter(body=body).select_related("unit").order_by("title")
    for number, item in enumerate(items, start=1):
        values = []
        for field, _heading in columns:
            if field == "number":
                values.append(number)
            elif field in EXPORT_VALUES:
                values.append(EXPORT_VALUES[field](item))
            else:
                value = getattr(item, field)
                values.append("" if value is None else value)
        sheet.append(values)
    return workbook_bytes(workbook)


@pytest.mark.parametrize("columns", [TEMPLATE_COLUMNS, EXPORT_BRANCH_COLUMNS])
def test_round_trip_into_another_body_gives_an_identical_register(
    seeded, api, django_capture_on_commit_callbacks, celery_eager, columns
):
    source = Body.objects.get(slug="disdukcapil-kubu-raya")  # DIP and DIK rows, with units
    target = Body.objects.get(slug=KALBAR)
    for unit in source.units.all():
        if not target.units.filter(name=unit.name).exists():
            UnitFactory(body=target, name=unit.name)
    Item.objects.filter(body=target).delete()
    client = api(OPERATOR)
    job_id = post(client, export_layout(source, columns)).json()["id"]
    shown = client.get(f"/api/imports/{job_id}/").json()
    assert shown["problems"] == []
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/imports/{job_id}/commit/", {}, format="json")
    assert client.get(f"/api/imports/{job_id}/").json()["created"] == source.items.count()
    assert register_rows(target) == register_rows(source)
