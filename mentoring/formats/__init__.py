"""The project's date and time formats, per language (settings.FORMAT_MODULE_PATH).

Django looks here first and falls back to its own formats for anything a module does
not set, and for every language without a module here. English needs one: Django's is
American ("Dec. 5, 2026", "12/05/2026 9:31 p.m."), which the officers of European
cities, reading English as a second language, misread. French, like most European
languages, is right in Django already and only adds the agenda's day heading. A language
whose Django formats have a 12-hour clock or numeric dates (Greek) needs a module here:
tests/test_dates.py checks every language offered.
"""
