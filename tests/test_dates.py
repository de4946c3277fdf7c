"""Dates and times read one way everywhere (issue 18): day month year and a 24-hour
clock, in English too ("5 Dec 2026, 21:31"), the reader's own conventions in French; on
the pages, in the history, the invitations, the e-mails, the PDFs and their margin notes.

The clock is stopped at one instant (``timezone.now``), so every test asserts the exact
text a reader sees."""

import datetime
import io
import re
import subprocess
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags

from mentoring.templatetags.dates import day_heading
from schemes.models import Question
from tests.test_accounts import invite
from tests.test_questionnaires import form_data
from tests.test_visits import VISITS, session_data, visit_data

MOMENT = datetime.datetime(2026, 12, 5, 20, 31, tzinfo=datetime.UTC)  # 21:31 in Brussels
SCHEME = "/programmes/test-programme/schemes/1/"

EXPECTED = {
    "en": {
        "moment": "5 Dec 2026, 21:31",
        "day": "5 Dec 2026",
        "visit": "10 Mar 2027 – 12 Mar 2027",
        "first day": "10 Mar 2027",
        "preparation": "27 Jan 2027",
        "heading": "Wednesday 10 March 2027",
        "expires": "12 Dec 2026",
        "answer": "30 Nov 2026",
    },
    "fr": {
        "moment": "5 décembre 2026 21:31",
        "day": "5 décembre 2026",
        "visit": "10 mars 2027 – 12 mars 2027",
        "first day": "10 mars 2027",
        "preparation": "27 janvier 2027",
        "heading": "Mercredi 10 mars 2027",
        "expires": "12 décembre 2026",
        "answer": "30 novembre 2026",
    },
}

# What must never be shown: numeric dates (month-first or not: "12/05/2026" is read both
# ways), a 12-hour clock, and Django's American English abbreviations ("Dec. 5").
WRONG = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b[ap]\.\s?m\.|\b[AP]M\b|\bnoon\b|\bmidnight\b"
    r"|\b(Jan|Feb|Mar|Apr|Aug|Sept|Oct|Nov|Dec)\.(?=\s*\d)"
)


def text_of(content):
    """What a reader sees of a page, an e-mail or a PDF's text: tags gone, one space."""
    if isinstance(content, bytes):
        content = content.decode()
    return " ".join(strip_tags(content).split())


def pdf_text(content):
    return text_of(subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout)


def assert_one_family(text, where):
    wrong = WRONG.search(text)
    assert wrong is None, f"{where}: {wrong.group(0)!r} in …{text[max(0, wrong.start() - 80) : wrong.end() + 80]}…"


@pytest.fixture
def stopped_clock(monkeypatch):
    """Everything saved during the test is saved at MOMENT (auto_now, history rows):
    ask for it before the personas, so that they are created then too."""
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_page_e_mail_and_pdf_with_a_date_uses_one_family(stopped_clock, personas, language):
    expected = EXPECTED[language]
    facilitator, mentor, mentee = (personas.client(key) for key in ("facilitator", "mentor", "mentee"))
    for client in (facilitator, mentor, mentee):
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    for key in ("mentor", "mentee"):
        personas.users[key].language = language
        personas.users[key].save()

    # At 21:31 in Brussels: the facilitator plans the first visit and its first session,
    # the mentee answers in the needs analysis (a date too), the mentor comments on it,
    # and the facilitator invites a new officer.
    data = visit_data(host=str(personas.mentee_city.pk))
    data["seen_version"] = facilitator.get(f"{VISITS}1/edit/").context["form"]["seen_version"].value()
    assert facilitator.post(f"{VISITS}1/edit/", data).status_code == 302
    assert facilitator.post(f"{VISITS}1/sessions/new/", session_data()).status_code == 302
    # Its preparation meeting, six weeks before: the scheme page's next date.
    visit = personas.a.visits.get(order=1)
    visit.preparation_meetings.create(
        scheme=personas.a, purpose="preparation", title="Preparation", date=datetime.date(2027, 1, 27)
    )
    needs = f"{SCHEME}needs-analysis/{personas.mentee_city.pk}/"
    section = needs + "sections/mentee-needs/"
    Question.objects.create(
        section=mentee.get(section).context["form"].questions[0].section,
        key="first-arrivals",
        order=99,
        text="When did the first newcomers arrive?",
        kind="date",
        required=False,
    )
    answers = {"challenge": "Housing for newcomers.", "first-arrivals": "2026-11-30"}
    assert mentee.post(section, form_data(mentee, section, **answers)).status_code == 302
    assert mentor.post(section + "comments/", {"comment-question": "", "comment-text": "Which districts?"}).status_code == 302
    mail.outbox.clear()
    assert invite(facilitator, SCHEME + "people/", organisation=personas.mentee_city.pk).status_code == 302
    invitation = mail.outbox[-1]

    # The scheme page: recent changes, the next date, the next visit.
    scheme_page = facilitator.get(SCHEME).content.decode()
    assert f'<time datetime="2026-12-05T21:31:00+01:00">{expected["moment"]}</time>' in scheme_page
    assert f"<strong>{expected['preparation']}</strong>" in scheme_page and expected["visit"] in text_of(scheme_page)
    # The visit's history: when, and the dates it was given.
    history = text_of(facilitator.get(f"{VISITS}1/history/").content)
    assert expected["moment"] in history and expected["first day"] in history
    # The invitations on the people page, and the e-mail the invitee receives.
    people = text_of(facilitator.get(SCHEME + "people/").content)
    assert f"{expected['moment']} · Facilitator Tester" in people
    assert expected["expires"] in text_of(invitation.body)
    # The visit page and its agenda PDF: the day headed with its weekday, 24-hour times.
    visit_page = text_of(facilitator.get(f"{VISITS}1/").content)
    assert f"{expected['heading']} · " in visit_page and "09:00–10:30" in visit_page
    agenda = pdf_text(facilitator.get(f"{VISITS}1/agenda.pdf").content)
    assert expected["heading"] in agenda and "09:00–10:30" in agenda and expected["visit"] in agenda
    # The needs analysis: the comment on screen, the date answer, and the PDF with the
    # comment in the margin.
    overview = text_of(mentee.get(needs).content)
    assert expected["answer"] in overview
    section_page = text_of(mentee.get(section).content)
    assert f"Mentor Tester · {expected['moment']}" in section_page
    document = pdf_text(mentor.get(needs + "document.pdf?comments=1").content)
    assert f"Mentor Tester ({expected['moment']}): Which districts?" in document
    assert f"{expected['day']} · " in document and expected["answer"] in document  # the version's date, the answer
    # The reminder two weeks before the visit.
    mail.outbox.clear()
    call_command("send_reminders", "--today=2027-02-24", stdout=io.StringIO())
    reminder = next(message for message in mail.outbox if message.to == ["mentor@test.example"])
    assert f"{expected['visit']}, Menteeville" in text_of(reminder.body)

    for where, text in [
        ("scheme page", text_of(scheme_page)),
        ("history", history),
        ("people", people),
        ("invitation", text_of(invitation.body)),
        ("visit", visit_page),
        ("agenda", agenda),
        ("needs analysis", overview),
        ("section", section_page),
        ("questionnaire PDF", document),
        ("reminder", text_of(reminder.body)),
    ]:
        assert_one_family(text, where)


def test_english_and_french_formats_are_the_ones_chosen():
    moment = timezone.localtime(MOMENT)
    sunday = datetime.date(2026, 12, 6)
    with translation.override("en"):
        assert formats.date_format(moment, "DATE_FORMAT") == "5 Dec 2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "5 Dec 2026, 21:31"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "5 Dec 2026, 21:31"
        assert formats.time_format(moment.time(), "TIME_FORMAT") == "21:31"
        assert formats.date_format(moment, "MONTH_DAY_FORMAT") == "5 December"
        assert formats.date_format(moment, "YEAR_MONTH_FORMAT") == "December 2026"
        assert day_heading(sunday) == "Sunday 6 December 2026"
    with translation.override("fr"):
        assert formats.date_format(moment, "DATETIME_FORMAT") == "5 décembre 2026 21:31"
        assert day_heading(sunday) == "dimanche 6 décembre 2026"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_language_offered_has_a_24_hour_clock_and_an_agenda_heading(language):
    """A language added with just its catalogue (README, "Languages") brings Django's
    formats: they must keep to the family, and the day heading must still work."""
    moment = timezone.localtime(MOMENT)
    with translation.override(language):
        names = (
            "DATE_FORMAT",
            "DATETIME_FORMAT",
            "SHORT_DATE_FORMAT",
            "SHORT_DATETIME_FORMAT",
            "MONTH_DAY_FORMAT",
            "YEAR_MONTH_FORMAT",
        )
        shown = {name: formats.date_format(moment, name) for name in names}
        shown["TIME_FORMAT"] = formats.time_format(moment.time(), "TIME_FORMAT")
        shown["day heading"] = day_heading(moment.date())
    assert "21" in shown["TIME_FORMAT"] and "21" in shown["DATETIME_FORMAT"]  # 21:31, not 9:31
    assert re.search(r"[^\W\d_]{3}", shown["DATE_FORMAT"]), shown  # the month in words
    assert "2026" in shown["day heading"] and "DAY" not in shown["day heading"]
    for name, text in shown.items():
        assert not re.search(r"[ap]\.\s?m\.|\b[AP]M\b|\b12/05/", text), (name, text)


def test_a_date_typed_in_english_is_read_day_first():
    """<input type="date"> sends ISO 8601; a browser showing a text box instead gets
    what a European types. "05/12/2026" is 5 December, never 12 May."""
    with translation.override("en"):
        assert forms.DateField().clean("05/12/2026") == datetime.date(2026, 12, 5)
        assert forms.DateField().clean("5 Dec 2026") == datetime.date(2026, 12, 5)
        assert forms.DateField().clean("2026-12-05") == datetime.date(2026, 12, 5)
        with pytest.raises(forms.ValidationError):
            forms.DateField().clean("12/25/2026")  # month first: refused, not misread
        moment = forms.DateTimeField().clean("5 Dec 2026, 21:31")
        assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") == "2026-12-05 21:31"


def test_exports_keep_iso_dates_as_data(stopped_clock, personas):
    """A spreadsheet reads ISO 8601 as a date in any language; an XLSX cell is a date."""
    import csv

    from openpyxl import load_workbook

    from tests.test_action_plans import PLAN, action_data

    mentee = personas.client("mentee")
    assert mentee.post(PLAN + "actions/new/", action_data("Open a desk", due_date="2027-05-31")).status_code == 302
    rows = list(csv.reader(io.StringIO(mentee.get(PLAN + "actions.csv").content.decode("utf-8-sig"))))
    due = rows[0].index("Due date")
    assert rows[1][due] == "2027-05-31"
    sheet = load_workbook(io.BytesIO(mentee.get(PLAN + "actions.xlsx").content)).active
    cell = sheet.cell(row=2, column=due + 1)
    assert cell.is_date and cell.value.date() == datetime.date(2027, 5, 31) and cell.number_format == "yyyy-mm-dd"


def test_a_frozen_action_plan_shows_its_due_dates_as_dates(stopped_clock, personas):
    """A version keeps its due dates as ISO 8601 data; its page and the comparison show
    them as every other date."""
    from schemes.models import Action
    from tests.test_action_plans import PLAN, action_data

    facilitator, mentee = personas.client("facilitator"), personas.client("mentee")
    assert mentee.post(PLAN + "actions/new/", action_data("Open a desk", due_date="2027-05-31")).status_code == 302
    assert facilitator.post(PLAN + "versions/freeze/", {"label": "Draft after visit 1"}).status_code == 302
    action = Action.objects.get(action="Open a desk")
    action.due_date = datetime.date(2027, 6, 30)
    action.save()
    version = text_of(facilitator.get(PLAN + "versions/1/").content)
    assert "Version 1, frozen 5 Dec 2026, 21:31" in version and "2027 31 May 2027" in version  # timeframe, due date
    comparison = text_of(facilitator.get(PLAN + "compare/?from=1&to=current").content)
    assert "Due date[removed: 31 May][added: 30 Jun] 2027" in comparison  # word by word


# A date filter or {% now %} with a format spelled out, rather than a named format.
SPELLED = re.compile(r"""\|\s*(?:date|time)\s*:\s*(["'])(?P<filter>.*?)\1|\{%\s*now\s+(["'])(?P<now>.*?)\3""")
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"}
# ISO 8601 for machines, allowed inside a tag only (<time datetime>, an id, a value).
MACHINE = {"c", "Y-m-d"}


def spelled_formats(text):
    """(line, format) of each date format in ``text`` that is not a named one."""
    found = []
    for match in SPELLED.finditer(text):
        spelled = match.group("filter") if match.group("filter") is not None else match.group("now")
        inside_tag = text.rfind("<", 0, match.start()) > text.rfind(">", 0, match.start())
        if spelled in NAMED or (spelled in MACHINE and inside_tag):
            continue
        found.append((text.count("\n", 0, match.start()) + 1, spelled))
    return found


def test_templates_show_dates_only_in_named_formats():
    """SHORT_* formats are not named here: in most languages they are the numeric dates a
    second-language reader misreads. An agenda's day heading is ``|day_heading``."""
    root = Path(settings.BASE_DIR) / "templates"
    drifted = {
        str(path.relative_to(root)): found
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in {".html", ".txt"}
        for found in [spelled_formats(path.read_text(encoding="utf-8"))]
        if found
    }
    assert drifted == {}
    # The check itself finds what it must.
    assert spelled_formats('{{ x|date:"SHORT_DATETIME_FORMAT" }} {% now "Y" %} <p>{{ y|date:"Y-m-d" }}</p>') == [
        (1, "SHORT_DATETIME_FORMAT"),
        (1, "Y"),
        (1, "Y-m-d"),
    ]
    assert spelled_formats('<time datetime="{{ y|date:\'c\' }}">{{ y|date:"DATETIME_FORMAT" }}</time>') == []
