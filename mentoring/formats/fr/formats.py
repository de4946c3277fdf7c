"""French: Django's own formats ("5 décembre 2026 21:31") and the heading of an agenda's
day, which Django has no name for (mentoring/formats/en/formats.py)."""

DAY_HEADING_FORMAT = "l j F Y"  # dimanche 6 décembre 2026
