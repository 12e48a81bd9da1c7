"""Public search on PostgreSQL: full-text search with the `simple` configuration (Indonesian
has no stemmer in PostgreSQL) over a generated, indexed tsvector of each signed row, and a
vocabulary of the rows' words under a trigram index (pg_trgm) to correct mistyped words.

On another database (SQLite, the demo's default) only the vocabulary table is created; the
search falls back to a substring match there (dip.selectors.search)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# Weights: title A, units B, summary C (dip.selectors.search ranks by them).
SEARCH_VECTOR = """
    setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
    || setweight(to_tsvector('simple'::regconfig,
                             coalesce(unit_name, '') || ' ' || coalesce(holding_unit, '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, coalesce(summary, '')), 'C')
"""

FORWARDS = [
    f"ALTER TABLE dip_editionrow ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS ({SEARCH_VECTOR}) STORED",
    "CREATE INDEX dip_editionrow_search_vector ON dip_editionrow USING gin (search_vector)",
    "CREATE INDEX dip_searchword_trgm ON dip_searchword USING gin (word gin_trgm_ops)",
    # The words of the DIP rows signed so far (dip.services.search keeps it up to date).
    "INSERT INTO dip_searchword (word) SELECT word FROM ts_stat("
    "'SELECT r.search_vector FROM dip_editionrow r JOIN dip_edition e ON e.id = r.edition_id "
    "WHERE e.kind = ''dip'' AND r.classification <> ''dikecualikan'''"
    ") WHERE length(word) BETWEEN 4 AND 100 ON CONFLICT DO NOTHING",
]
BACKWARDS = [
    "DROP INDEX IF EXISTS dip_searchword_trgm",
    "DROP INDEX IF EXISTS dip_editionrow_search_vector",
    "ALTER TABLE dip_editionrow DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("dip", "0013_scale_indexes"),
    ]

    operations = [
        TrigramExtension(),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=100, unique=True)),
            ],
            options={
                "verbose_name": "search word",
                "verbose_name_plural": "search words",
            },
        ),
        migrations.RunPython(_run(FORWARDS), _run(BACKWARDS), elidable=False),
    ]
