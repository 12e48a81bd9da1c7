"""The median and the 90th percentile: PostgreSQL's percentile_cont as an aggregate, and the
same interpolation in Python for a database without it (SQLite in development)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Aggregate, FloatField
from django.db.models.functions import Cast


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class PercentileCont(Aggregate):
    """percentile_cont(fraction) WITHIN GROUP (ORDER BY expression), PostgreSQL only."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    output_field = FloatField()
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: str, fraction: float, **extra: Any) -> None:
        super().__init__(Cast(expression, FloatField()), fraction=repr(float(fraction)), **extra)


def database_percentiles() -> bool:
    return connection.vendor == "postgresql"
