"""Report periods: a month, a quarter (triwulan) or a year, with bounds in a body's time zone.

A period is written in URLs and CSV file names as `2026` (year), `2026-T2` (quarter) or
`2026-05` (month). The same period has different bounds in different time zones: May 2026 in
Asia/Jayapura starts two hours before May 2026 in Asia/Jakarta.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

YEAR = "year"
QUARTER = "quarter"
MONTH = "month"
KIND_LABELS = {
    YEAR: gettext_lazy("Years"),
    QUARTER: gettext_lazy("Quarters"),
    MONTH: gettext_lazy("Months"),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# How far back the period picker reaches, whatever the data holds.
MAX_YEARS_BACK = 5

_PATTERN = re.compile(r"^(\d{4})(?:-(?:T([1-4])|(0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Period:
    year: int
    kind: str = YEAR
    number: int = 1  # the month (1-12) or the quarter (1-4); 1 for a year

    @classmethod
    def parse(cls, key: str) -> Period | None:
        match = _PATTERN.match(key or "")
        if not match:
            return None
        year = int(match.group(1))
        if match.group(2):
            return cls(year, QUARTER, int(match.group(2)))
        if match.group(3):
            return cls(year, MONTH, int(match.group(3)))
        return cls(year)

    @classmethod
    def containing(cls, day: date, kind: str = YEAR) -> Period:
        if kind == MONTH:
            return cls(day.year, MONTH, day.month)
        if kind == QUARTER:
            return cls(day.year, QUARTER, (day.month - 1) // 3 + 1)
        return cls(day.year)

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-T{self.number}"
        return str(self.year)

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{MONTHS[self.number]} {self.year}"
        if self.kind == QUARTER:
            return _("Quarter %(n)s %(year)s") % {"n": ROMAN[self.number], "year": self.year}
        return str(self.year)

    def _months(self) -> tuple[int, int]:
        """The first month and the month after the last (13 for December)."""
        if self.kind == MONTH:
            return self.number, self.number + 1
        if self.kind == QUARTER:
            first = 3 * (self.number - 1) + 1
            return first, first + 3
        return 1, 13

    def bounds(self, tz_name: str) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes at local midnight in the time zone."""
        zone = ZoneInfo(tz_name)
        first, after = self._months()
        start = datetime(self.year, first, 1, tzinfo=zone)
        end = (
            datetime(self.year + 1, 1, 1, tzinfo=zone)
            if after == 13
            else datetime(self.year, after, 1, tzinfo=zone)
        )
        return start, end


def period_choices(first: date | None, today: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """The picker's options, newest first, grouped by kind: from the year of `first` (the
    earliest step; at most MAX_YEARS_BACK years back) to `today`."""
    first_year = max(first.year if first else today.year, today.year - MAX_YEARS_BACK + 1)
    years = range(today.year, first_year - 1, -1)
    last_quarter = Period.containing(today, QUARTER).number
    quarters = [
        Period(y, QUARTER, q)
        for y in years
        for q in range(4, 0, -1)
        if (y, q) <= (today.year, last_quarter)
    ]
    months = [
        Period(y, MONTH, m)
        for y in years
        for m in range(12, 0, -1)
        if (y, m) <= (today.year, today.month)
    ]
    return [
        (str(KIND_LABELS[YEAR]), [(p.key, p.label) for p in map(Period, years)]),
        (str(KIND_LABELS[QUARTER]), [(p.key, p.label) for p in quarters]),
        (str(KIND_LABELS[MONTH]), [(p.key, p.label) for p in months]),
    ]
