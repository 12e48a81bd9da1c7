# One date format on every page (the API keeps ISO 8601): "6 Desember 2026" and
# "6 Desember 2026 14:05". Templates write `|date` and `|date:"DATETIME_FORMAT"`; input
# formats stay Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y H:i"
SHORT_DATE_FORMAT = "d-m-Y"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
