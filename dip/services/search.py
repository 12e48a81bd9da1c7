"""The search vocabulary (`SearchWord`): the words of the signed rows that a mistyped search
word is corrected against (dip.selectors.search). PostgreSQL only; elsewhere nothing to do."""

from __future__ import annotations

from django.db import connections, router

from dip.models import Classification, Edition, EditionKind, EditionRow, SearchWord


def search_words_add(*, edition: Edition | None = None) -> int:
    """Add the words of the edition's signed DIP rows (of every signed DIP row when `edition` is
    None) to the vocabulary; returns how many were new. One statement; safe to run again."""
    using = router.db_for_write(SearchWord)
    if connections[using].vendor != "postgresql":
        return 0
    # Only rows a search may find: DIP rows not dikecualikan (a DIK's words, or an exempted
    # row's, have nothing to be found by, and stay out of the vocabulary).
    rows = (
        f"SELECT r.search_vector FROM {EditionRow._meta.db_table} r"
        f" JOIN {Edition._meta.db_table} e ON e.id = r.edition_id"
        f" WHERE e.kind = '{EditionKind.DIP.value}'"
        f" AND r.classification <> '{Classification.DIKECUALIKAN.value}'"
    )
    if edition is not None:
        rows += f" AND r.edition_id = {int(edition.pk)}"
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SearchWord._meta.db_table} (word) "
            "SELECT word FROM ts_stat(%s) WHERE length(word) BETWEEN 4 AND 100 "
            "ON CONFLICT DO NOTHING",
            [rows],
        )
        return cursor.rowcount
