"""Spreadsheet import into the register, through the pages: real-looking workbooks and CSV files,
the preview with each row's problems, duplicates offered as updates, the mapping remembered,
the commit in one transaction with its progress and report, and every bad file refused with
its message and nothing stored."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from dip.models import Classification, ImportJob, ImportMapping, ImportStatus, Item
from dip.selectors import progress_key
from dip.services import imports
from dip.services.imports.columns import TEMPLATE_COLUMNS
from ppid.models import Body
from tests.dip.spreadsheets import (
    perki_workbook,
    png_bytes,
    table_workbook,
    upload,
    workbook_bytes,
    zip_bomb,
)
from tests.helpers import officers_of
from workflow.models import AuditEntry

pytestmark = pytest.mark.django_db

KALBAR = "disdukcapil-kalbar"
OPERATOR = f"{KALBAR}.operator"


@pytest.fixture
def kalbar(seeded):
    return Body.objects.get(slug=KALBAR)


@pytest.fixture
def operator(login):
    return login(OPERATOR)


def post_file(client, content: bytes, name: str = "daftar.xlsx", slug: str = KALBAR):
    return client.post(reverse("dip:import_start", args=[slug]), {"file": upload(content, name)})


def uploaded_job(client, content: bytes, name: str = "daftar.xlsx") -> ImportJob:
    response = post_file(client, content, name)
    assert response.status_code == 302, response.content.decode()[:3000]
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[-1]))


def commit(client, job: ImportJob, captured, **data):
    with captured(execute=True):
        response = client.post(
            reverse("dip:import_commit", args=[job.pk]), {"confirm": "on", **data}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    job.refresh_from_db()
    return job


# --- a register as PPID offices keep it ------------------------------------------------------


def test_perki_workbook_is_previewed_with_each_rows_problems(kalbar, operator):
    before = Item.objects.filter(body=kalbar).count()
    job = uploaded_job(operator, perki_workbook())

    assert job.status == ImportStatus.PENDING and job.committed_at is None
    assert job.total == 5  # blank rows, titles, header rows and column numbers are not rows
    assert Item.objects.filter(body=kalbar).count() == before  # nothing before the commit
    by_title = {r["title"]: r for r in job.rows}
    assert by_title["Laporan realisasi anggaran dinas tahun anggaran 2025"]["classification"] == (
        Classification.BERKALA
    )
    assert by_title["Peringatan dini gangguan layanan kependudukan karena banjir"][
        "classification"
    ] == (Classification.SERTA_MERTA)
    bad = by_title["Daftar sarana dan prasarana pelayanan"]
    assert bad["sheet"] == "Setiap Saat" and bad["row"] == 8
    assert any("31 Juni 2025" in e for e in bad["errors"])

    page = operator.get(reverse("dip:import_job", args=[job.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "5 baris terbaca: 4 dapat diimpor" in text
    assert "31 Juni 2025" in text  # the problem next to its row
    assert "4 Maret 2025" in text and "12 Januari 2025" in text  # the dates as read
    assert 'id="row-4" class="has-error"' in text


def test_commit_writes_every_valid_row_with_its_fields(
    kalbar, operator, django_capture_on_commit_callbacks, celery_eager
):
    job = uploaded_job(operator, perki_workbook())
    job = commit(operator, job, django_capture_on_commit_callbacks)

    assert job.status == ImportStatus.DONE
    assert (job.created, job.updated, job.done, job.total) == (4, 0, 5, 5)
    assert job.skipped == [{"row": 8, "sheet": "Setiap Saat", "errors": job.skipped[0]["errors"]}]
    report = Item.objects.get(body=kalbar, title__startswith="Laporan realisasi anggaran")
    assert report.classification == Classification.BERKALA
    assert report.update_period_months == 6
    assert report.produced_at == date(2025, 1, 12)  # "12 Januari 2025"
    assert report.produced_place == "Pontianak"
    assert report.form == "softcopy"  # ticked under Softcopy only
    assert report.holding_unit == "Sub Bagian Keuangan"
    assert report.responsible == "Sekretaris Dinas"
    assert report.retention == "10 tahun"
    assert report.summary == "Laporan realisasi anggaran dinas tahun anggaran 2025"
    plan = Item.objects.get(body=kalbar, title="Rencana strategis dinas 2025-2029")
    assert plan.produced_at == date(2025, 3, 4)  # an Excel date
    assert plan.form == "both"
    flood = Item.objects.get(body=kalbar, title__startswith="Peringatan dini")
    assert flood.classification == Classification.SERTA_MERTA
    assert flood.produced_at == date(2025, 2, 5) and flood.form == "hardcopy"
    standard = Item.objects.get(body=kalbar, title__startswith="Standar pelayanan penerbitan")
    assert standard.produced_at == date(2025, 6, 30)
    assert not Item.objects.filter(title="Daftar sarana dan prasarana pelayanan").exists()

    actions = set(AuditEntry.objects.filter(body=kalbar).values_list("action", flat=True))
    assert {"import.upload", "import.commit", "import.done", "item.create"} <= actions
    assert AuditEntry.objects.filter(action="item.create", target_id=str(report.pk)).count() == 1

    page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
    assert "4 dibuat, 0 diperbarui, 1 dilewati." in page
    assert "31 Juni 2025" in page  # why the row was skipped
    assert reverse("dip:item", args=[report.pk]) in page


def test_classification_column_unit_column_and_section_rows(kalbar, operator):
    header = ["No", "Judul Informasi", "Unit Kerja", "Klasifikasi", "Tanggal Pembuatan"]
    content = table_workbook(
        header,
        [
            [1, "Profil dinas", "Sekretariat", "Informasi Setiap Saat", "1/2/2025"],
            [2, "Jadwal layanan keliling", "Bidang Tidak Ada", "Berkala", "2 Feb 2025"],
            [3, "Data rahasia", "", "Rahasia Negara?", ""],
            [None, "B. Informasi Serta Merta"],
            [4, "Evakuasi banjir", "", "", ""],
            [5, "Tanpa kelas", "", "", ""],
        ],
    )
    job = uploaded_job(operator, content)
    rows = {r["title"]: r for r in job.rows}
    assert len(rows) == 5  # the section row opens a class, it is no item
    assert rows["Profil dinas"]["errors"] == []
    assert rows["Profil dinas"]["classification"] == Classification.SETIAP_SAAT
    assert any("Bidang Tidak Ada" in e for e in rows["Jadwal layanan keliling"]["errors"])
    assert rows["Evakuasi banjir"]["classification"] == Classification.SERTA_MERTA
    assert rows["Evakuasi banjir"]["errors"] == []
    # "Rahasia" reads as dikecualikan, which needs its consequence test: not importable bare.
    assert rows["Data rahasia"]["classification"] == Classification.DIKECUALIKAN


def test_csv_with_semicolons_in_windows_1252(kalbar, operator):
    text = (
        "Judul Informasi;Ringkasan Isi Informasi;Klasifikasi;Tanggal Pembuatan Informasi;"
        "Bentuk Informasi yang Tersedia\r\n"
        "Laporan kegiatan sosialisasi;Kegiatan di Kecamatan Sungai Raya \u2013 ringkasan;Berkala;"
        "03/04/2025;Softcopy dan hardcopy\r\n"
        "\r\n"
        "Daftar pejabat struktural;Nama dan jabatan;Setiap saat;17 Agustus 2025;Hardcopy\r\n"
    )
    job = uploaded_job(operator, text.encode("cp1252"), "Daftar.csv")
    assert [r["errors"] for r in job.rows] == [[], []]
    assert job.rows[0]["values"]["summary"] == "Kegiatan di Kecamatan Sungai Raya \u2013 ringkasan"
    assert job.rows[0]["values"]["produced_at"] == "2025-04-03"
    assert job.rows[1]["values"]["form"] == "hardcopy"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [("utf-8-sig", ","), ("utf-8", "\t"), ("latin-1", "|")],
)
def test_csv_encodings_and_delimiters(kalbar, operator, encoding, delimiter):
    rows = [["Judul", "Klasifikasi", "Tempat"], ["Peta rawan bencana", "Serta merta", "Sintang"]]
    rows.append(["Ringkasan APBD", "Berkala", "Pontianak"])
    text = "\n".join(delimiter.join(r) for r in rows)
    job = uploaded_job(operator, text.encode(encoding), "data.csv")
    assert [(r["title"], r["classification"], r["errors"]) for r in job.rows] == [
        ("Peta rawan bencana", "serta_merta", []),
        ("Ringkasan APBD", "berkala", []),
    ]


# --- bad files: a message next to the file field, nothing stored -----------------------------


def huge_csv() -> bytes:
    lines = ["Judul Informasi,Klasifikasi"] + [f"Informasi {n},Berkala" for n in range(100_000)]
    return "\n".join(lines).encode()


def formula_workbook() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Berkala"
    sheet.append(["Judul Informasi", "Periode Pembaruan (bulan)"])
    sheet.append(["Laporan", 6])
    sheet.append(["Laporan lain", "=B2*2"])
    return workbook_bytes(workbook)


def empty_workbook() -> bytes:
    workbook = Workbook()
    workbook.create_sheet("Berkala")
    return workbook_bytes(workbook)


def headings_only() -> bytes:
    return table_workbook(["Judul Informasi", "Klasifikasi"], [])


BAD_FILES = {
    "png renamed": (png_bytes, "daftar.xlsx", "bukan lembar kerja"),
    "png as csv": (png_bytes, "daftar.csv", "bukan lembar kerja"),
    "zip bomb": (zip_bomb, "daftar.xlsx", "bom zip"),
    "100,000 rows": (huge_csv, "daftar.csv", "lebih dari 20.000 baris"),
    "formulas": (formula_workbook, "daftar.xlsx", "Berkala!B3"),
    "csv formula": (lambda: b"Judul,Klasifikasi\n=1+1,Berkala\n", "a.csv", "rumus"),
    "empty file": (lambda: b"", "daftar.xlsx", "Berkas kosong"),
    "empty sheets": (empty_workbook, "daftar.xlsx", "Lembar kerja kosong"),
    "headings only": (headings_only, "daftar.xlsx", "tidak ada baris informasi"),
    "old excel": (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", ".xlsx"),
    "other type": (lambda: b"%PDF-1.4", "daftar.pdf", "bukan lembar kerja"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_is_refused_with_its_message_and_nothing_stored(kalbar, operator, case):
    make, name, message = BAD_FILES[case]
    items, jobs, audit = Item.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count()

    response = post_file(operator, make(), name)

    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="id_file_error"' in text  # next to the file field
    assert message in text, text[text.find("id_file_error") - 200 :][:800]
    assert (Item.objects.count(), ImportJob.objects.count(), AuditEntry.objects.count()) == (
        items,
        jobs,
        audit,
    )


def test_large_xlsx_is_refused_past_the_row_limit(kalbar, operator, settings):
    settings.PPID_IMPORT_MAX_ROWS = 50
    content = table_workbook(
        ["Judul Informasi", "Klasifikasi"], [[f"Informasi {n}", "Berkala"] for n in range(60)]
    )
    response = post_file(operator, content)
    assert "lebih dari 50 baris" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_no_file_chosen(kalbar, operator):
    response = operator.post(reverse("dip:import_start", args=[KALBAR]), {})
    assert "Pilih berkas lembar kerja." in response.content.decode()
    assert not ImportJob.objects.exists()


# --- duplicates, mapping, the commit ---------------------------------------------------------


def existing_item_rows(kalbar) -> tuple[Item, bytes]:
    item = Item.objects.filter(body=kalbar, unit__isnull=False).order_by("pk").first()
    content = table_workbook(
        ["Judul Informasi", "Unit Kerja", "Klasifikasi", "Penanggung Jawab"],
        [
            [f"  {item.title.upper()} ", item.unit.name, "Berkala", "Kepala Bidang Baru"],
            ["Informasi baru sama sekali", "", "Setiap saat", "Sekretaris"],
        ],
    )
    return item, content


def test_duplicates_are_offered_as_updates_and_skipped_unless_chosen(
    kalbar, operator, django_capture_on_commit_callbacks, celery_eager
):
    item, content = existing_item_rows(kalbar)
    job = uploaded_job(operator, content)
    assert job.rows[0]["duplicate_of"] == item.pk and job.rows[1]["duplicate_of"] is None
    page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
    assert 'name="update_rows" value="0"' in page

    job = commit(operator, job, django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.responsible != "Kepala Bidang Baru"
    assert (job.created, job.updated) == (1, 0)
    assert "tidak dipilih untuk diperbarui" in job.skipped[0]["errors"][0]


def test_a_duplicate_chosen_is_updated(
    kalbar, operator, django_capture_on_commit_callbacks, celery_eager
):
    item, content = existing_item_rows(kalbar)
    title = item.title
    job = uploaded_job(operator, content)
    job = commit(operator, job, django_capture_on_commit_callbacks, update_rows=["0"])
    item.refresh_from_db()
    assert (job.created, job.updated, job.skipped) == (1, 1, [])
    assert item.responsible == "Kepala Bidang Baru"
    assert item.title == title.upper()  # the row as written (spaces trimmed)
    assert Item.objects.filter(body=kalbar, title__iexact=title).count() == 1


def test_update_all(kalbar, operator, django_capture_on_commit_callbacks, celery_eager):
    item, content = existing_item_rows(kalbar)
    job = uploaded_job(operator, content)
    job = commit(operator, job, django_capture_on_commit_callbacks, update_all="on")
    item.refresh_from_db()
    assert job.updated == 1 and item.responsible == "Kepala Bidang Baru"


def test_commit_needs_the_confirmation_box(kalbar, operator):
    job = uploaded_job(operator, perki_workbook())
    response = operator.post(reverse("dip:import_commit", args=[job.pk]), {})
    assert "Centang kotak ini untuk mengonfirmasi impor." in response.content.decode()
    job.refresh_from_db()
    assert job.committed_at is None


def test_mapping_is_changed_and_remembered_for_the_body(kalbar, operator):
    content = table_workbook(
        ["Nama Kegiatan", "Klasifikasi"], [["Musrenbang kecamatan", "Berkala"]]
    )
    job = uploaded_job(operator, content)
    assert job.mapping == {"nama kegiatan": "", "klasifikasi": "classification"}
    assert job.rows[0]["errors"]  # no title

    fields = {"col_0": "title", "col_1": "classification"}
    response = operator.post(reverse("dip:import_mapping", args=[job.pk]), fields)
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.rows[0]["errors"] == [] and job.rows[0]["title"] == "Musrenbang kecamatan"
    assert ImportMapping.objects.get(body=kalbar).columns["nama kegiatan"] == "title"

    again = uploaded_job(operator, content)
    assert again.mapping["nama kegiatan"] == "title"
    assert again.rows[0]["errors"] == []


def test_a_field_taken_twice_is_an_error_next_to_the_column(kalbar, operator):
    job = uploaded_job(operator, table_workbook(["A", "B"], [["Profil dinas", "Berkala"]]))
    response = operator.post(
        reverse("dip:import_mapping", args=[job.pk]), {"col_0": "title", "col_1": "title"}
    )
    assert "sudah dipakai kolom lain" in response.content.decode()
    assert not ImportMapping.objects.filter(body=kalbar).exists()


def test_never_a_half_import(
    kalbar, operator, django_capture_on_commit_callbacks, celery_eager, monkeypatch
):
    job = uploaded_job(operator, perki_workbook())
    before = Item.objects.count()
    audited = AuditEntry.objects.filter(action__in=["item.create", "import.done"]).count()
    real = imports.items_create_many

    def failing(**kwargs):
        real(**kwargs)  # the rows are written, then the disk fills up
        raise RuntimeError("disk full")

    monkeypatch.setattr(imports, "items_create_many", failing)
    job = commit(operator, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.FAILED
    assert "disk full" in job.error and job.created == 0
    assert Item.objects.count() == before
    assert AuditEntry.objects.filter(action__in=["item.create", "import.done"]).count() == audited
    page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
    assert "tidak ada yang disimpan" in page


def test_progress_survives_a_reload(kalbar, operator, django_capture_on_commit_callbacks):
    job = uploaded_job(operator, perki_workbook())
    with django_capture_on_commit_callbacks(execute=False):  # the worker has not started
        operator.post(reverse("dip:import_commit", args=[job.pk]), {"confirm": "on"})
    page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
    assert f'hx-get="{reverse("dip:import_progress", args=[job.pk])}"' in page
    assert 'value="0"' in page and "Menunggu" in page

    # The worker is writing row 3 of 5 (its transaction not yet committed): the count is in
    # the cache, and every reload (or poll) reads it.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    cache.set(progress_key(job.pk), 3)
    for _reload in range(2):
        page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
        assert "3 dari 5 baris" in page and '<progress id="import-bar" max="5" value="3">' in page
    fragment = operator.get(reverse("dip:import_progress", args=[job.pk]))
    assert "3 dari 5 baris" in fragment.content.decode() and "HX-Refresh" not in fragment

    imports.import_job_run(job_id=job.pk)
    fragment = operator.get(reverse("dip:import_progress", args=[job.pk]))
    assert fragment["HX-Refresh"] == "true"
    page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
    assert "4 dibuat" in page and "<progress" not in page


def test_a_redelivered_task_writes_nothing_twice(
    kalbar, operator, django_capture_on_commit_callbacks, celery_eager
):
    job = commit(
        operator, uploaded_job(operator, perki_workbook()), django_capture_on_commit_callbacks
    )
    count = Item.objects.count()
    imports.import_job_run(job_id=job.pk)
    assert Item.objects.count() == count


def test_preview_page_queries_are_bounded(kalbar, operator, django_assert_max_num_queries):
    job = uploaded_job(operator, perki_workbook())
    with django_assert_max_num_queries(12):
        operator.get(reverse("dip:import_job", args=[job.pk]))


# --- who may ---------------------------------------------------------------------------------


def test_other_bodies_and_other_roles(kalbar, login):
    job = uploaded_job(login(OPERATOR), perki_workbook())
    stranger = login("disdukcapil-kubu-raya.operator")
    assert stranger.get(reverse("dip:import_job", args=[job.pk])).status_code == 404
    assert stranger.get(reverse("dip:import_start", args=[KALBAR])).status_code == 404
    atasan = login("dinsos-p3a-kapuas-hulu.atasan")
    slug = "dinsos-p3a-kapuas-hulu"
    assert atasan.get(reverse("dip:import_start", args=[slug])).status_code == 403
    assert post_file(atasan, perki_workbook(), slug=slug).status_code == 403
    assert ImportJob.objects.count() == 1


def test_discard_a_preview(kalbar, operator):
    job = uploaded_job(operator, perki_workbook())
    confirm = operator.get(reverse("dip:import_discard", args=[job.pk]))
    assert "Ya, buang" in confirm.content.decode()
    operator.post(reverse("dip:import_discard", args=[job.pk]))
    assert not ImportJob.objects.filter(pk=job.pk).exists()


# --- the template, and the layout an export uses -----------------------------------------------


def test_template_has_the_headings_and_imports_as_it_is(kalbar, operator):
    response = operator.get(reverse("dip:import_template_xlsx", args=[KALBAR]))
    assert response.status_code == 200
    workbook = load_workbook(__import__("io").BytesIO(response.content), read_only=True)
    header = next(workbook.active.iter_rows(values_only=True))
    assert list(header) == [heading for _field, heading in TEMPLATE_COLUMNS]
    job = uploaded_job(operator, response.content)
    assert job.total == 1 and job.rows[0]["errors"] == []
    assert all(field for field in job.mapping.values())  # every heading recognised

    csv = operator.get(reverse("dip:import_template_csv", args=[KALBAR]))
    job = uploaded_job(operator, csv.content, "templat.csv")
    assert job.total == 1 and job.rows[0]["errors"] == []


def test_register_page_links_the_import(kalbar, operator):
    page = operator.get(reverse("dip:items", args=[KALBAR])).content.decode()
    assert reverse("dip:import_start", args=[KALBAR]) in page
    assert officers_of(kalbar)


def test_confirming_again_while_waiting_queues_it_again_and_writes_once(
    kalbar, operator, django_capture_on_commit_callbacks, celery_eager
):
    job = uploaded_job(operator, perki_workbook())
    with django_capture_on_commit_callbacks(execute=False):  # the message never arrived
        operator.post(reverse("dip:import_commit", args=[job.pk]), {"confirm": "on"})
    page = operator.get(reverse("dip:import_job", args=[job.pk])).content.decode()
    assert "Antrekan lagi" in page
    before = Item.objects.count()
    job = commit(operator, job, django_capture_on_commit_callbacks)
    assert job.status == ImportStatus.DONE and Item.objects.count() == before + 4
    response = operator.post(
        reverse("dip:import_commit", args=[job.pk]), {"confirm": "on"}, follow=True
    )
    assert "Impor ini sudah dimulai." in response.content.decode()
    assert Item.objects.count() == before + 4
