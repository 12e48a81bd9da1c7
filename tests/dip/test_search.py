"""The public search across every body's current DIP (dip.selectors.search): relevance order,
typos, several words, the cap, nothing unpublished or exempted found, a constant number of
queries, and the substring fallback used where the database is not PostgreSQL."""

from __future__ import annotations

import html
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dip.models import Classification, EditionRow, Item, SearchWord, Stage
from dip.selectors import current_dip_rows_search, public_rows
from dip.selectors import public as public_selectors
from dip.selectors.search import _WORD, search_words
from ppid.models import Body
from tests.factories import ItemFactory
from tests.helpers import edition_at, published

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

KALBAR = "disdukcapil-kalbar"  # SOP 002, DIP
DINSOS = "dinsos-p3a-kapuas-hulu"  # SOP 000, DIP
KUBU_RAYA = "disdukcapil-kubu-raya"  # SOP 004, DIK

PHRASE_IN_TITLE = "Realisasi anggaran pendapatan daerah 2025"
PHRASE_IN_SUMMARY = "Daftar penerima beasiswa mahasiswa"
WORDS_APART = "Pendapatan asli dan anggaran kecamatan"
IN_UNIT = "Pedoman pengelolaan arsip dinamis"
CLOSED = "Kontrak zebrakuda pengadaan"
UNPUBLISHED = "Rencana kudanil terbang"


@pytest.fixture(scope="module")
def searchable(module_data):
    """KALBAR's DIP published with rows made for the search; one of its items closed since;
    DINSOS with an edition signed but not yet published; KUBU_RAYA's DIK published."""
    with module_data():
        kalbar = Body.objects.get(slug=KALBAR)
        ItemFactory(body=kalbar, title=PHRASE_IN_TITLE, summary="Tabel per triwulan.")
        ItemFactory(
            body=kalbar,
            title=PHRASE_IN_SUMMARY,
            summary="Dibiayai dari anggaran pendapatan daerah tahun berjalan.",
        )
        ItemFactory(body=kalbar, title=WORDS_APART, summary="Rekapitulasi tahunan.")
        ItemFactory(body=kalbar, title=IN_UNIT, holding_unit="Bidang Anggaran")
        closed = ItemFactory(body=kalbar, title=CLOSED, summary="Dokumen lelang.")
        published(KALBAR)
        # Closed since by a signed classification change: its signed row stays in the DIP.
        Item.objects.filter(pk=closed.pk).update(classification=Classification.DIKECUALIKAN)
        ItemFactory(body=DINSOS, title=UNPUBLISHED, summary="Belum terbit.")
        edition_at(DINSOS, Stage.PUBLICATION)
        published(KUBU_RAYA)
        yield


def titles(q: str) -> list[str]:
    return list(current_dip_rows_search(q).rows.values_list("title", flat=True))


def page_titles(client, q: str) -> list[str]:
    response = client.get("/", {"q": q})
    assert response.status_code == 200
    table = response.content.decode().split('id="search-results"', 1)
    if len(table) == 1:
        return []
    body = table[1].split("</table>", 1)[0]
    return [html.unescape(t) for t in re.findall(r'/informasi/\d+/">([^<]+)</a>', body)]


def test_the_phrase_first_then_the_rank(searchable, client):
    found = page_titles(client, "anggaran pendapatan")
    # The phrase in a title, then the phrase in a summary, then both words apart.
    assert found[:3] == [PHRASE_IN_TITLE, PHRASE_IN_SUMMARY, WORDS_APART]
    # A title outranks a unit, which outranks a summary, for one word.
    found = titles("anggaran")
    assert found.index(PHRASE_IN_TITLE) < found.index(IN_UNIT) < found.index(PHRASE_IN_SUMMARY)


def test_every_word_must_match_in_any_order_and_as_a_prefix(searchable):
    assert titles("beasiswa daerah") == [PHRASE_IN_SUMMARY]
    assert titles("DAERAH Beasiswa") == [PHRASE_IN_SUMMARY]
    assert titles("beasiswa tidakadadimanapun") == []
    assert PHRASE_IN_TITLE in titles("realisas anggar")  # words being typed
    assert titles("dinamis") == [IN_UNIT]


def test_a_typo_finds_the_word_it_meant(searchable, client):
    assert SearchWord.objects.filter(word="anggaran").exists()  # added when it was signed
    found = page_titles(client, "anggran")
    assert {PHRASE_IN_TITLE, PHRASE_IN_SUMMARY, WORDS_APART, IN_UNIT} <= set(found)
    assert found.index(PHRASE_IN_TITLE) < found.index(IN_UNIT) < found.index(PHRASE_IN_SUMMARY)
    # The phrase as meant still comes first.
    found = titles("anggran pendaptan")
    assert found[:3] == [PHRASE_IN_TITLE, PHRASE_IN_SUMMARY, WORDS_APART]
    assert titles("realisai anggran pendaptan")[0] == PHRASE_IN_TITLE
    assert titles("beasiwa") == [PHRASE_IN_SUMMARY]
    # A real word is not "corrected" into another one.
    assert titles("arsip") == [IN_UNIT]


def test_nothing_unpublished_exempted_or_closed_is_found(searchable, client):
    # The signed row of an item closed since, even by its exact words or a typo of them.
    assert titles("zebrakuda") == [] and titles("zebrakud") == [] and titles("zebrakoda") == []
    assert CLOSED not in page_titles(client, "kontrak pengadaan")
    # An edition signed but not yet published.
    assert EditionRow.objects.filter(title=UNPUBLISHED).exists()
    assert titles("kudanil") == [] and titles("kudanl") == []
    # A DIK's rows, published or not (their titles are public in the DIK table, but the search
    # covers the DIPs only, and their summaries never).
    dik_rows = EditionRow.objects.filter(edition__body__slug=KUBU_RAYA)
    assert dik_rows.exists()
    for row in dik_rows:
        assert row.title not in titles(row.title)
    # What is found is what the public rows of a current DIP are.
    for row in current_dip_rows_search("anggaran").rows:
        assert public_rows(row.edition).filter(pk=row.pk).exists()


def test_short_words_and_symbols_search_for_nothing(searchable, client):
    assert search_words("a & | ! :* 'x' anggaran_") == ["anggaran"]
    assert search_words("Dana  DESA dana") == ["dana", "desa"]
    assert titles("a") == [] and titles("!:*&") == []
    page = client.get("/", {"q": "a"}).content.decode()
    assert "0 hasil" in page


def test_a_broad_search_is_capped_and_says_so(searchable, client, monkeypatch):
    monkeypatch.setattr(public_selectors, "SEARCH_CANDIDATES", 2)
    search = current_dip_rows_search("anggaran")
    assert search.capped and search.rows.count() <= 2
    page = client.get("/", {"q": "anggaran"}).content.decode()
    assert 'id="search-capped"' in page and "hanya 2 yang pertama" in page
    assert not current_dip_rows_search("beasiswa").capped
    assert 'id="search-capped"' not in client.get("/", {"q": "beasiswa"}).content.decode()


def test_the_number_of_queries_does_not_depend_on_the_query(searchable, client):
    counts = []
    for q in ("beasiswa", "anggaran", "anggran pendaptan realisai", "tidakadadimanapun"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/", {"q": q}).status_code == 200
        counts.append(len(queries))
    # The same for one row or many, typos or not; one fewer (no page to read) for none.
    assert counts[0] == counts[1] == counts[2] == counts[3] + 2, counts
    assert counts[0] <= 6


def test_without_postgresql_every_word_is_a_substring(searchable, monkeypatch):
    """The demo's SQLite: the same door, a substring match of every word, no typo tolerance."""
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert set(titles("anggaran pendapatan")) >= {PHRASE_IN_TITLE, PHRASE_IN_SUMMARY, WORDS_APART}
    assert titles("beasiswa daerah") == [PHRASE_IN_SUMMARY]
    assert titles("anggran") == []
    assert titles("zebrakuda") == [] and titles("kudanil") == []


def test_a_search_page_lists_results_not_every_body(searchable, client):
    page = client.get("/", {"q": "beasiswa"}).content.decode()
    assert 'id="search-results"' in page and 'id="bodies"' not in page
    assert 'href="/#bodies-title"' in page
    assert 'id="bodies"' in client.get("/").content.decode()


def test_the_vocabulary_is_rebuilt_by_a_command(searchable):
    SearchWord.objects.filter(word__in=["beasiswa", "anggaran"]).delete()
    assert titles("beasiwa") == []  # nothing to correct it against
    out = StringIO()
    call_command("search_vocabulary", stdout=out)
    assert "new words in the search vocabulary" in out.getvalue()
    assert SearchWord.objects.filter(word="beasiswa").exists()
    assert titles("beasiwa") == [PHRASE_IN_SUMMARY]
    out = StringIO()
    call_command("search_vocabulary", stdout=out)
    assert out.getvalue().startswith("0 new words")


def test_the_vocabulary_holds_no_word_of_a_dik(searchable):
    dik_words = set()
    for row in EditionRow.objects.filter(edition__body__slug=KUBU_RAYA, edition__kind="dik"):
        dik_words |= {w for w in search_words(f"{row.title} {row.summary}") if len(w) >= 4}
    dip_words = set()
    for row in EditionRow.objects.filter(edition__kind="dip"):
        text = f"{row.title} {row.summary} {row.unit_name} {row.holding_unit}"
        dip_words |= set(_WORD.findall(text.lower()))
    only_dik = dik_words - dip_words
    assert only_dik  # the seed's DIK has words of its own
    assert not SearchWord.objects.filter(word__in=only_dik).exists()
