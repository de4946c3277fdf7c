"""English as Europe writes it: day month year and a 24-hour clock, "5 Dec 2026, 21:31".

Only dates and times: numbers keep Django's English formats. The month is a word, never
a number, so that no date can be read month-first ("12/05/2026" is 5 December to one
reader and 12 May to another); the short forms are therefore the same as the long ones.
"""

DATE_FORMAT = "j M Y"  # 5 Dec 2026
TIME_FORMAT = "H:i"  # 21:31
DATETIME_FORMAT = "j M Y, H:i"  # 5 Dec 2026, 21:31
SHORT_DATE_FORMAT = DATE_FORMAT
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
MONTH_DAY_FORMAT = "j F"  # 5 December
YEAR_MONTH_FORMAT = "F Y"  # December 2026
# The heading of a day in an agenda: the weekday matters there, and a heading has room
# for the whole month (the ``day_heading`` filter, mentoring/templatetags/dates.py).
DAY_HEADING_FORMAT = "l j F Y"  # Sunday 6 December 2026
FIRST_DAY_OF_WEEK = 1  # Monday

# Forms use <input type="date">, which sends ISO 8601 (always accepted); a browser that
# shows a text box instead gets what a European types, day first. Never month first.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-05
    "%d/%m/%Y",  # 05/12/2026
    "%d/%m/%y",  # 05/12/26
    "%d.%m.%Y",  # 05.12.2026
    "%d %b %Y",  # 5 Dec 2026
    "%d %B %Y",  # 5 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",  # 2026-12-05 21:31:59
    "%Y-%m-%d %H:%M:%S.%f",  # 2026-12-05 21:31:59.000200
    "%Y-%m-%d %H:%M",  # 2026-12-05 21:31
    "%d/%m/%Y %H:%M:%S",  # 05/12/2026 21:31:59
    "%d/%m/%Y %H:%M",  # 05/12/2026 21:31
    "%d/%m/%y %H:%M",  # 05/12/26 21:31
    "%d.%m.%Y %H:%M",  # 05.12.2026 21:31
    "%d %b %Y, %H:%M",  # 5 Dec 2026, 21:31 (as it is shown)
    "%d %b %Y %H:%M",  # 5 Dec 2026 21:31
]
