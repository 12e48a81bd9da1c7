#!/usr/bin/env python
"""Latency of the public search across every body's current DIP, at province scale.

Fills a PostgreSQL database of its own (`ppid_search_bench` on 127.0.0.1, created and migrated
when missing, kept between runs so that the second run starts at once) with 600 bodies, each
with a published current DIP (2026) and last year's DIP (2025, the archive, never searched)
over the same items, and a small published DIK: 200,000 items and about 405,000 signed rows
with Indonesian titles, summaries and units drawn from a vocabulary where some words are
everywhere ("data", "laporan") and some are rare. Some DIP rows belong to items closed since
(dikecualikan): the search must not find them. Rows are inserted with INSERT ... SELECT
generate_series (under a minute).

Then times, warm and single-user, the search the public home page runs
(`dip.selectors.current_dip_rows_search` through the page's Paginator: the count and the
first page of 50 rows, with each row's body and edition) for a set of queries: common words,
rare words, several words, phrases, typos ("anggran"), a unit. Prints p50/p95/max per query and
overall, and the EXPLAIN ANALYZE of the slowest.

    .venv/bin/python benchmarks/search.py [--repeat 20] [--items 200000] [--bodies 600]
        [--rebuild] [--page]

--page also times the whole home page with a query (in-process test client, the bodies'
table of 600 bodies included). --rebuild drops the data and fills it again.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "ppid_search_bench"

QUERIES = [
    "anggaran",  # common word
    "data",  # everywhere
    "laporan keuangan",  # two common words
    "anggran",  # typo
    "kependudkan",  # typo
    "bantuan sosial",  # phrase
    "realisasi anggaran pendapatan",  # three words
    "stunting",  # rare
    "puskesmas",  # rare-ish
    "sekretariat",  # a unit
    "jembatan kapuas",  # two words, one a place
    "izin mendirikan bangunan",  # phrase
    "beasiswa",  # rare
    "rekapitulasi",  # common
    "xyzzy tidak ada",  # nothing
]

KINDS = [
    "Laporan",
    "Data",
    "Daftar",
    "Rencana",
    "Rekapitulasi",
    "Profil",
    "Standar pelayanan",
    "Keputusan Kepala Dinas tentang",
    "Peraturan Bupati tentang",
    "Dokumen",
    "Rencana kerja",
    "Laporan kinerja",
    "Statistik",
    "Pedoman",
]
TOPICS = [
    "realisasi anggaran pendapatan dan belanja",
    "anggaran pendapatan dan belanja daerah",
    "penerima bantuan sosial",
    "bantuan sosial tunai",
    "jalan dan jembatan",
    "kesehatan ibu dan anak",
    "pendidikan anak usia dini",
    "administrasi kependudukan",
    "akta kelahiran dan kematian",
    "izin mendirikan bangunan",
    "pengadaan barang dan jasa",
    "aset tetap daerah",
    "pencegahan stunting",
    "imunisasi dasar lengkap",
    "pelayanan puskesmas",
    "beasiswa mahasiswa berprestasi",
    "keuangan daerah",
    "laporan keuangan",
    "tenaga kerja dan transmigrasi",
    "penanggulangan bencana banjir",
    "pengelolaan sampah",
    "air bersih dan sanitasi",
    "perizinan usaha mikro",
    "koperasi dan UMKM",
    "sengketa informasi publik",
    "rencana tata ruang wilayah",
    "pajak daerah dan retribusi",
    "dana desa",
    "kepegawaian dan formasi ASN",
    "pariwisata dan kebudayaan",
]
PLACES = [
    "Kapuas Hulu",
    "Kubu Raya",
    "Sambas",
    "Bengkayang",
    "Landak",
    "Mempawah",
    "Sanggau",
    "Ketapang",
    "Sintang",
    "Sekadau",
    "Melawi",
    "Kayong Utara",
    "Pontianak",
    "Singkawang",
    "Putussibau",
]
UNITS = [
    "Sekretariat",
    "Subbagian Keuangan",
    "Subbagian Umum dan Kepegawaian",
    "Bidang Anggaran",
    "Bidang Perencanaan",
    "Bidang Pelayanan",
    "Bidang Pengendalian",
    "Bidang Rehabilitasi Sosial",
    "Bidang Pendataan",
    "UPTD Puskesmas",
    "Bidang Bina Marga",
    "Bidang Pendapatan",
]
SENTENCES = [
    "memuat data yang dihimpun setiap triwulan",
    "disusun oleh bidang terkait dan disahkan kepala dinas",
    "berisi rincian per kecamatan dan desa",
    "diperbarui setiap tahun anggaran",
    "termasuk capaian indikator kinerja utama",
    "dengan lampiran tabel dan grafik",
    "sebagai dasar perencanaan tahun berikutnya",
    "yang dapat diperoleh di ruang pelayanan informasi",
    "memuat nama penerima dan besaran bantuan",
    "mencakup jembatan yang dibangun dan diperbaiki",
]


def admin_sql(statement: str) -> None:
    import psycopg2

    connection = psycopg2.connect(f"{SERVER}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(statement)
    connection.close()


def setup_django() -> None:
    import psycopg2

    with contextlib.suppress(psycopg2.errors.DuplicateDatabase):
        admin_sql(f"CREATE DATABASE {DATABASE}")
    os.environ["DATABASE_URL"] = f"{SERVER}/{DATABASE}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ppid.settings")
    os.environ.setdefault("PPID_VAR_DIR", tempfile.mkdtemp(prefix="ppid-bench-search-"))
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_hex(32))  # DEBUG stays off
    os.environ.pop("DATABASE_REPLICA_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(bodies: int, items: int) -> None:
    """Bodies, items, and their editions' signed rows, by INSERT ... SELECT (idempotent: only
    when the bench bodies are missing)."""
    from django.db import connection, transaction

    per_body = items // bodies
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM ppid_body WHERE slug LIKE 'bench-%%'")
        if cursor.fetchone()[0] == bodies:
            return
        started = time.monotonic()
        print(f"Filling {bodies} bodies and {items:,} items ...", flush=True)
        cursor.execute(
            """
            INSERT INTO ppid_body (slug, name, short_name, address, logo, time_zone, website,
                                   created_at)
            SELECT 'bench-' || b, 'Dinas ' || (%(topics)s::text[])[1 + b %% 30] || ' '
                   || (%(places)s::text[])[1 + b %% 15] || ' ' || b,
                   'OPD ' || b, '', '', 'Asia/Pontianak', '', now()
            FROM generate_series(1, %(bodies)s) AS b
            """,
            {"bodies": bodies, "topics": TOPICS, "places": PLACES},
        )
        # Items: the classification of the public ones; one in forty closed since.
        cursor.execute(
            """
            INSERT INTO dip_item (body_id, title, summary, classification, update_period_months,
                holding_unit, responsible, produced_place, form, retention, exemption_ground,
                exemption_law, consequence_if_opened, consequence_if_closed, public_interest,
                exemption_event, exemption_permanent, created_at, updated_at,
                reopened_awaiting_dip, exempted_part)
            SELECT body.id,
                   (%(kinds)s::text[])[1 + (random() * 13)::int] || ' '
                   || (%(topics)s::text[])[1 + (random() * 29)::int] || ' '
                   || (%(places)s::text[])[1 + (random() * 14)::int] || ' tahun '
                   || (2020 + (random() * 6)::int),
                   'Dokumen ini ' || (%(sentences)s::text[])[1 + (random() * 9)::int] || ', '
                   || (%(sentences)s::text[])[1 + (random() * 9)::int] || ' tentang '
                   || (%(topics)s::text[])[1 + (random() * 29)::int] || '.',
                   CASE WHEN n %% 40 = 0 THEN 'dikecualikan'
                        WHEN n %% 20 = 1 THEN 'serta_merta'
                        WHEN n %% 2 = 0 THEN 'berkala' ELSE 'setiap_saat' END,
                   12, (%(units)s::text[])[1 + (random() * 11)::int], 'Kepala Bidang', '',
                   'softcopy', '5 tahun', '', '', '', '', '', '', false, now(), now(), false, ''
            FROM generate_series(0, %(items)s - 1) AS n
            JOIN ppid_body body ON body.slug = 'bench-' || (1 + n / %(per_body)s)
            """,
            {
                "items": per_body * bodies,
                "per_body": per_body,
                "kinds": KINDS,
                "topics": TOPICS,
                "places": PLACES,
                "sentences": SENTENCES,
                "units": UNITS,
            },
        )
        for year, kind, state in ((2025, "dip", "published"), (2026, "dip", "published")):
            cursor.execute(
                """
                INSERT INTO dip_edition (body_id, kind, year, revision, title, state, route,
                    created_at, signed_at, published_at, decree_number)
                SELECT id, %s, %s, 0, upper(%s) || ' ' || %s, %s, '{}'::jsonb, now(),
                       make_timestamptz(%s, 1, 15, 9, 0, 0), make_timestamptz(%s, 1, 16, 9, 0, 0),
                       ''
                FROM ppid_body WHERE slug LIKE 'bench-%%'
                """,
                [kind, year, kind, year, state, year, year],
            )
        cursor.execute(
            """
            INSERT INTO dip_edition (body_id, kind, year, revision, title, state, route,
                created_at, signed_at, published_at, decree_number)
            SELECT id, 'dik', 2026, 0, 'DIK 2026', 'published', '{}'::jsonb, now(),
                   make_timestamptz(2026, 1, 15, 9, 0, 0), make_timestamptz(2026, 1, 16, 9, 0, 0),
                   ''
            FROM ppid_body WHERE slug LIKE 'bench-%%'
            """,
            [],
        )
        # Signed rows: every item (as signed, so closed ones keep their public class in the
        # DIP) in both DIPs; the DIK lists the items that are closed.
        cursor.execute(
            """
            INSERT INTO dip_editionrow (edition_id, item_id, number, classification, title,
                summary, unit_name, holding_unit, responsible, produced_place, form, retention,
                exemption_ground, exemption_law, consequence_if_opened, consequence_if_closed,
                public_interest, exemption_event, exemption_permanent, attachments,
                exempted_part, produced_at)
            SELECT edition.id, item.id,
                   row_number() OVER (PARTITION BY edition.id ORDER BY item.id),
                   CASE WHEN edition.kind = 'dik' THEN 'dikecualikan'
                        WHEN item.classification = 'dikecualikan' THEN 'berkala'
                        ELSE item.classification END,
                   item.title, CASE WHEN edition.kind = 'dik' THEN '' ELSE item.summary END,
                   item.holding_unit, item.holding_unit, item.responsible, 'Pontianak',
                   'softcopy', '5 tahun', CASE WHEN edition.kind = 'dik' THEN 'a' ELSE '' END,
                   '', '', '', '', '', CASE WHEN edition.kind = 'dik' THEN false ELSE false END,
                   '[]'::jsonb, '', make_date(2020 + (item.id %% 6)::int, 1, 1)
            FROM dip_edition edition
            JOIN ppid_body body ON body.id = edition.body_id AND body.slug LIKE 'bench-%%'
            JOIN dip_item item ON item.body_id = edition.body_id
                AND (edition.kind = 'dip' OR item.classification = 'dikecualikan')
            """,
            [],
        )
        cursor.execute("SELECT count(*) FROM dip_editionrow")
        rows = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"  {rows:,} signed rows in {time.monotonic() - started:.0f} s", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def search_once(query: str) -> tuple[float, int]:
    from django.core.paginator import Paginator

    from dip.selectors import current_dip_rows_search

    started = time.perf_counter()
    page = Paginator(current_dip_rows_search(query).rows, 50).get_page(1)
    rows = list(page.object_list)
    for row in rows:  # what the template reads
        row.edition.body.slug  # noqa: B018
    count = page.paginator.count
    return (time.perf_counter() - started) * 1000, count


def page_once(client, query: str) -> float:
    started = time.perf_counter()
    response = client.get("/", {"q": query})
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


def explain(query: str) -> str:
    """The plans of the two queries that grow with the data: the candidates (the GIN index),
    then the first page (ranked, with the public-row rules)."""
    from dip.models import EditionRow
    from dip.selectors import current_dip_rows_search
    from dip.selectors.public import SEARCH_CANDIDATES, _current_dip_pks
    from dip.selectors.search import rows_matching, search_terms

    rows = EditionRow.objects.filter(edition__in=_current_dip_pks())
    candidates = rows_matching(rows, search_terms(query)).order_by().values_list("pk")
    page = current_dip_rows_search(query).rows
    return (
        "-- candidates\n"
        + candidates[: SEARCH_CANDIDATES + 1].explain(analyze=True, buffers=True)
        + "\n-- first page\n"
        + re.sub(r"'\{[\d,]+\}'", "'{...}'", page[:50].explain(analyze=True, buffers=True))
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--bodies", type=int, default=600)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--page", action="store_true")
    args = parser.parse_args()
    setup_django()
    if args.rebuild:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM dip_editionrow WHERE edition_id IN (SELECT e.id FROM dip_edition e"
                " JOIN ppid_body b ON b.id = e.body_id WHERE b.slug LIKE 'bench-%%')"
            )
            for table in ("dip_edition", "dip_item"):
                cursor.execute(
                    f"DELETE FROM {table} WHERE body_id IN"
                    " (SELECT id FROM ppid_body WHERE slug LIKE 'bench-%%')"
                )
            cursor.execute("DELETE FROM ppid_body WHERE slug LIKE 'bench-%%'")
    fill(args.bodies, args.items)
    # The rows are loaded with SQL, not signed through the services, so their words reach the
    # vocabulary that corrects typos the way the README says for any bulk load.
    from django.core.management import call_command

    call_command("search_vocabulary")

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
        cursor.execute("SELECT count(*) FROM dip_editionrow")
        print(f"{cursor.fetchone()[0]:,} signed rows, {args.items:,} items, {args.bodies} bodies")

    all_times: list[float] = []
    slowest = ("", 0.0)
    print(f"\nSearch (count + first page of 50), {args.repeat} runs each after one warm-up:")
    print(f"{'query':<32} {'found':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for query in QUERIES:
        search_once(query)
        times = []
        for _ in range(args.repeat):
            ms, count = search_once(query)
            times.append(ms)
        all_times += times
        p95 = percentile(times, 95)
        if p95 > slowest[1]:
            slowest = (query, p95)
        print(
            f"{query:<32} {count:>8,} {statistics.median(times):>8.1f} {p95:>8.1f}"
            f" {max(times):>8.1f}"
        )
    print(
        f"{'all queries':<32} {'':>8} {statistics.median(all_times):>8.1f}"
        f" {percentile(all_times, 95):>8.1f} {max(all_times):>8.1f}"
    )

    if args.page:
        from django.conf import settings
        from django.test import Client

        # No collected static files here: plain names (the page's cost is the same).
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }

        client = Client()
        page_times: list[float] = []
        for query in QUERIES:
            page_once(client, query)
            page_times += [page_once(client, query) for _ in range(max(args.repeat // 4, 3))]
        print(
            f"\nHome page with a query (in-process client, {args.bodies} bodies listed):"
            f" p50 {statistics.median(page_times):.1f} ms, p95 {percentile(page_times, 95):.1f}"
            f" ms, max {max(page_times):.1f} ms"
        )

    print(f"\nEXPLAIN ANALYZE for the slowest query, {slowest[0]!r}:")
    print(explain(slowest[0]))


if __name__ == "__main__":
    main()
