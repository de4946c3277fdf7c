"""Greek: Django's own formats have a 12-hour clock and numeric dates ("05/12/2026 9:31 μμ."),
so the project sets its own (month in the genitive, as Greek dates are written)."""

DATE_FORMAT = "j E Y"  # 5 Δεκεμβρίου 2026
TIME_FORMAT = "H:i"  # 21:31
DATETIME_FORMAT = "j E Y, H:i"  # 5 Δεκεμβρίου 2026, 21:31
SHORT_DATE_FORMAT = "d/m/Y"  # 05/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = "j E"  # 5 Δεκεμβρίου
YEAR_MONTH_FORMAT = "F Y"  # Δεκέμβριος 2026
DAY_HEADING_FORMAT = "l j E Y"  # Κυριακή 6 Δεκεμβρίου 2026
