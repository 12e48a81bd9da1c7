"""Loading rows fast: COPY into a model's table, and ids taken from its sequence beforehand."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection, models


def _csv_value(value: Any) -> Any:
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def copy_rows(model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY `rows` (tuples in the order of `columns`, field attnames) into `model`'s table, in
    chunks; returns the count."""
    fields = [model._meta.get_field(name) for name in columns]
    column_sql = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"COPY {connection.ops.quote_name(model._meta.db_table)} ({column_sql}) "
        "FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    )
    count = 0
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> None:
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(sql, buffer)
        buffer.seek(0)
        buffer.truncate()

    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        count += 1
        if count % 50_000 == 0:
            flush()
    flush()
    return count


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Take `count` ids from the table's sequence; returns the first."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1 if count else first])
    return first


def up_to(target: int, *sources: Iterable[Sequence]) -> Iterator[Sequence]:
    """The rows of `sources` one after the other, `target` of them at the most. It draws one
    row past the target before it stops (a filler source spends the random generator on it),
    which the data set of a given `--seed` depends on: keep it so."""
    count = 0
    for source in sources:
        for row in source:
            if count >= target:
                return
            yield row
            count += 1
