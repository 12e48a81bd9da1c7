"""What a public search query matches, and in which order: said once, for every public channel.

On PostgreSQL: full-text search with the `simple` configuration (PostgreSQL has no Indonesian
stemmer) over each signed row's generated `search_vector` (title weight A, units B, summary C;
GIN index, migration 0012). Every word of the query must match, as a word or the start of one
("anggar" finds "anggaran"). A word that starts no word of any signed row is taken for a typo
and also matches the closest words of the vocabulary (`SearchWord`, trigram index): "anggran"
finds "anggaran", "kependudkan" "kependudukan". Order: the rows containing the query as a
phrase first, then by rank (title over unit over summary, words close together first).

Elsewhere (SQLite, the demo's embedded database): every word must appear, as a substring, in
the title, the summary or a unit; no typo tolerance, no ranking.

Only the words of the query count: up to `MAX_WORDS` words of letters and digits, each at
least `MIN_WORD_LENGTH` long (shorter ones are ignored); a query with no such word matches
nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connections
from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.db.models.expressions import Col, CombinedExpression

from dip.models import EditionRow, SearchWord

MAX_WORDS = 8
MIN_WORD_LENGTH = 2
# Typo correction: a word of at least this length, corrected to at most CORRECTIONS words of
# the vocabulary at least this similar (pg_trgm similarity).
TYPO_MIN_LENGTH = 4
TYPO_SIMILARITY = 0.4
CORRECTIONS = 3

_WORD = re.compile(r"\w+", re.UNICODE)


def search_words(query: str) -> list[str]:
    """The words a query searches for, lower case, in order, without repeats."""
    words: list[str] = []
    for word in _WORD.findall(query.lower()):
        word = word.replace("_", "")
        if len(word) >= MIN_WORD_LENGTH and word not in words:
            words.append(word[:100])
    return words[:MAX_WORDS]


def _search_vector() -> Col:
    """The generated column (PostgreSQL only), as an expression of EditionRow's table."""
    field = SearchVectorField()
    field.set_attributes_from_name("search_vector")
    field.model = EditionRow
    return Col(EditionRow._meta.db_table, field)


def _vocabulary(words: list[str], using: str) -> tuple[set[str], dict[str, list[str]]]:
    """The words found whole in the vocabulary, and for each word that starts none of its
    words, its closest words: one query."""
    candidates = [w for w in words if len(w) >= TYPO_MIN_LENGTH and not w.isdigit()]
    if not candidates:
        return set(), {}
    table = SearchWord._meta.db_table
    with connections[using].cursor() as cursor:
        cursor.execute(
            f"""
            SELECT q.word, NULL FROM unnest(%s::text[]) AS q(word)
            WHERE EXISTS (SELECT 1 FROM {table} k WHERE k.word = q.word)
            UNION ALL
            SELECT q.word, c.word
            FROM unnest(%s::text[]) AS q(word)
            CROSS JOIN LATERAL (
                SELECT v.word FROM {table} v
                WHERE v.word %% q.word AND similarity(v.word, q.word) >= %s
                ORDER BY similarity(v.word, q.word) DESC, v.word
                LIMIT %s
            ) AS c
            WHERE NOT EXISTS (SELECT 1 FROM {table} p WHERE p.word LIKE q.word || '%%')
            """,
            [candidates, candidates, TYPO_SIMILARITY, CORRECTIONS],
        )
        known: set[str] = set()
        corrections: dict[str, list[str]] = {}
        for word, correction in cursor.fetchall():
            if correction is None:
                known.add(word)
            else:
                corrections.setdefault(word, []).append(correction)
    return known, corrections


def _tsquery(words: list[str], known: set[str], corrections: dict[str, list[str]]) -> SearchQuery:
    """Every word, or one of its corrections. The last word (perhaps still being typed) and a
    word found whole nowhere match as the start of a word too; a whole known word, or a short
    one, matches itself only (cheaper on the index: no prefix to expand). A raw tsquery of
    words made of letters and digits only, so nothing in the query is tsquery syntax."""
    parts = []
    for n, word in enumerate(words):
        whole = n < len(words) - 1 and (word in known or len(word) < TYPO_MIN_LENGTH)
        options = [word if whole else f"{word}:*", *corrections.get(word, [])]
        parts.append("(" + " | ".join(options) + ")")
    return SearchQuery(" & ".join(parts), search_type="raw", config="simple")


@dataclass(frozen=True)
class SearchTerms:
    """A query read once: its words and, on PostgreSQL, its tsqueries (with the corrections)."""

    words: list[str]
    fulltext: bool
    tsquery: SearchQuery | None = None
    phrase: SearchQuery | None = None


def search_terms(query: str, *, using: str = "default") -> SearchTerms | None:
    """The terms of a query on database `using` (one query on PostgreSQL, for the typos), or
    None when it has no word to search for."""
    words = search_words(query)
    if not words:
        return None
    if connections[using].vendor != "postgresql":
        return SearchTerms(words=words, fulltext=False)
    known, corrections = _vocabulary(words, using)
    # The phrase as meant: each mistyped word replaced by its closest correction.
    meant = [corrections.get(word, [word])[0] for word in words]
    return SearchTerms(
        words=words,
        fulltext=True,
        tsquery=_tsquery(words, known, corrections),
        phrase=SearchQuery(" ".join(meant), search_type="phrase", config="simple"),
    )


def _matches(query: SearchQuery) -> CombinedExpression:
    return CombinedExpression(_search_vector(), "@@", query, output_field=BooleanField())


def rows_matching(rows: QuerySet[EditionRow], terms: SearchTerms | None) -> QuerySet[EditionRow]:
    """`rows` that match the terms: every word (see the module's docstring)."""
    if terms is None:
        return rows.none()
    if terms.fulltext:
        return rows.filter(_matches(terms.tsquery))
    fields = ("title", "summary", "unit_name", "holding_unit")
    return rows.filter(
        reduce(
            and_,
            [reduce(or_, [Q(**{f"{f}__icontains": w}) for f in fields]) for w in terms.words],
        )
    )


def rows_by_relevance(
    rows: QuerySet[EditionRow], terms: SearchTerms | None, *then: str
) -> QuerySet[EditionRow]:
    """Matching `rows`, most relevant first (the phrase, then the rank), then by `then`; in
    the order of `then` alone elsewhere than PostgreSQL."""
    rows = rows_matching(rows, terms)
    if terms is None or not terms.fulltext:
        return rows.order_by(*then)
    rank = SearchRank(_search_vector(), terms.tsquery, cover_density=True) + Case(
        When(_matches(terms.phrase), then=Value(1.0)), default=Value(0.0)
    )
    return rows.annotate(search_rank=rank).order_by("-search_rank", *then)
