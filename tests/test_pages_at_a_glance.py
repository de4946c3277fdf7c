"""Pages that read at a glance (issue 26): the needs analysis says whose it is, where to
go on and who it waits for; "Save and next" skips what the person may
not edit; a good practice is recorded and attached from the strengths page in one step;
the programme page's actions are grouped with the destructive one apart; the scheme
page's "Next" box is coherent; the dashboard puts what is late first, in words."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import escape

from benchmarks.models import KeyFactor
from mentoring.models import LogEntry
from schemes.forms.practices import programme_key_factors
from schemes.models import GoodPractice, Question, Response

from .test_questionnaires import form_data

NEEDS = "/programmes/test-programme/schemes/1/needs-analysis/{city}/"
STRENGTHS = "/programmes/test-programme/schemes/1/strengths/{city}/"


@pytest.fixture
def needs(personas):
    return NEEDS.format(city=personas.mentee_city.pk)


def fill(client, base, section_key, **extra):
    """Answer every required question of a section as ``client``."""
    url = base + f"sections/{section_key}/"
    form = client.get(url).context["form"]
    values = {q.key: ("1000" if q.is_numeric else f"Answer to {q.key}") for q in form.questions if q.required}
    return client.post(url, {**form_data(client, url, **values), **extra})


def test_the_needs_analysis_says_whose_it_is_and_where_to_start(personas, needs):
    mentee = personas.client("mentee")
    page = mentee.get(needs).content.decode()
    assert "<h1" in page and "Menteeville’s needs analysis</h1>" in page
    assert "Needs analysis template: Menteeville" not in page
    # Not started: one "Start" button to the first section the mentee fills.
    assert re.search(rf'href="{re.escape(needs)}sections/mentee-needs/">Start<', page)
    # The missing answers: one line per section, not one link per question.
    missing = page[page.index("Required answers still missing:") :]
    missing = missing[: missing.index("</ul>")]
    assert missing.count(f'href="{needs}sections/mentee-needs/">Mentees: Needs analysis') == 1
    assert "11 required answers" in page
    assert "(filled by Municipal association)" in page
    # A tick per section, in words for a screen reader.
    assert page.count("Not done yet:") == 2 * 3  # the menu and the overview, three sections
    # Once something is saved: "Continue", to the section still missing answers.
    url = needs + "sections/mentee-needs/"
    assert mentee.post(url, form_data(mentee, url, challenge="Housing for newcomers.")).status_code == 302
    page = mentee.get(needs).content.decode()
    assert re.search(rf'href="{re.escape(needs)}sections/mentee-needs/">Continue<', page)


def test_save_and_next_skips_the_sections_the_person_may_not_edit(personas, needs):
    mentee = personas.client("mentee")
    response = fill(mentee, needs, "mentee-needs", next="1")
    assert response.status_code == 302 and response["Location"] == needs + "sections/local-context/"
    # The last section the mentee fills: the next one is the association's, read-only for
    # the mentee, so the overview comes next.
    response = fill(mentee, needs, "local-context", next="1")
    assert response.status_code == 302 and response["Location"] == needs
    # The association's part: the overview after it too.
    association = personas.client("association")
    response = fill(association, needs, "national-context", next="1")
    assert response.status_code == 302 and response["Location"] == needs


def test_your_part_is_done_waiting_for_the_others(personas, needs):
    mentee = personas.client("mentee")
    fill(mentee, needs, "mentee-needs")
    fill(mentee, needs, "local-context")
    page = mentee.get(needs).content.decode()
    assert "Your part is done." in page and "Waiting for Municipal association:" in page
    assert "National/regional context and role of city associations</li>" in page
    assert page.count("Done:") == 2 * 2 and page.count("Not done yet:") == 2
    assert ">Continue<" not in page and ">Start<" not in page
    # The association sees its own section to do, not "waiting".
    page = personas.client("association").get(needs).content.decode()
    assert "Your part is done." not in page
    assert re.search(rf'href="{re.escape(needs)}sections/national-context/">Continue<', page)
    # Everything answered: nobody is waited for.
    fill(personas.client("association"), needs, "national-context")
    page = mentee.get(needs).content.decode()
    assert "Your part is done." not in page and page.count("Done:") == 2 * 3


def test_the_self_assessment_shows_its_progress_and_what_each_level_means(personas):
    url = f"/programmes/test-programme/schemes/1/self-assessment/{personas.mentee_city.pk}/"
    page = personas.client("mentee").get(url).content.decode()
    # Beside each level of every key factor's scale, inside the level's label.
    labels = re.findall(r'<label for="(id_level_\d+_\d)" class="form-check-label">\s*(.*?)\s*</label>', page, re.S)
    key_factors = len(set(re.findall(r'id="kf-(\d+)"', page)))
    assert key_factors > 1
    largely = [text for _for, text in labels if text.startswith("Largely in place")]
    assert (
        largely
        == ['Largely in place <span class="level-meaning">Most of it works and lasts; a few gaps remain.</span>'] * key_factors
    )
    assert sum("level-meaning" in text for _for, text in labels) == 5 * key_factors
    assert re.search(r"0 of \d+ key factors assessed", page)


# --- The good practice, recorded and attached from the strengths page -----------------


@pytest.fixture
def strengths(personas):
    return STRENGTHS.format(city=personas.mentor_city.pk)


def new_practice_url(strengths, next_url=None):
    return strengths + "good-practices/new/" + (f"?next={next_url}" if next_url else "")


def test_the_strengths_page_records_and_attaches_a_good_practice_in_one_go(personas, strengths):
    mentor = personas.client("mentor")
    page = mentor.get(strengths).content.decode()
    # The block comes before the answers, with its link carrying the way back.
    assert page.index('id="good-practices"') < page.index('<h2 class="h4"><span class="section-tick')
    assert f'href="{strengths}good-practices/new/?next=' in page
    form_page = mentor.get(new_practice_url(strengths, strengths))
    assert form_page.status_code == 200
    html = form_page.content.decode()
    # Key factors as checkboxes with their full names; no city to choose.
    factor = programme_key_factors(personas.programme).first()
    assert re.search(rf'type="checkbox" class="form-check-input"\s+name="key_factors" value="{factor.pk}"', html)
    assert escape(f"{factor.number}. {factor.title}") in html
    assert 'name="city"' not in html
    data = {"title": "One-stop welcome desk", "theme": "Reception", "key_factors": [factor.pk]}
    response = mentor.post(new_practice_url(strengths, strengths), data)
    assert response.status_code == 302 and response["Location"] == strengths
    practice = GoodPractice.objects.get(title="One-stop welcome desk")
    assert practice.city == personas.mentor_city and list(practice.key_factors.all()) == [factor]
    document = Response.objects.get(scheme=personas.a, organisation=personas.mentor_city)
    assert list(document.good_practices.all()) == [practice]
    assert set(LogEntry.objects.values_list("action", flat=True)) >= {"good_practice.added", "strengths.practices_changed"}
    page = mentor.get(strengths).content.decode()
    assert "recorded and attached to these strengths" in page
    assert f'href="/programmes/test-programme/good-practices/{practice.pk}/">One-stop welcome desk</a>' in page


def test_the_way_back_goes_only_to_this_sites_pages(personas, strengths):
    mentor = personas.client("mentor")
    response = mentor.post(new_practice_url(strengths, "https://evil.example/"), {"title": "Buddy project"})
    assert response.status_code == 302 and response["Location"] == strengths + "#good-practices"
    response = mentor.get(new_practice_url(strengths, "//evil.example/"))
    assert 'href="//evil.example/"' not in response.content.decode()


def test_a_bad_good_practice_is_refused_with_an_error_summary_and_nothing_created(personas, strengths):
    mentor = personas.client("mentor")
    hostile = '<script>alert(1)</script><img src="http://example.com/x.png">'
    # Empty.
    response = mentor.post(new_practice_url(strengths, strengths), {"title": ""})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    # Hostile text with a required field missing: kept as typed, shown as text.
    response = mentor.post(new_practice_url(strengths, strengths), {"title": "", "description": hostile})
    html = response.content.decode()
    assert "error-summary" in html and "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    # A key factor of a benchmark this programme does not use.
    foreign = KeyFactor.objects.exclude(pk__in=programme_key_factors(personas.programme).values("pk")).first()
    assert foreign is not None
    response = mentor.post(new_practice_url(strengths, strengths), {"title": "Buddy project", "key_factors": [foreign.pk]})
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not GoodPractice.objects.exists()
    assert not Response.objects.filter(good_practices__isnull=False).exists()
    # Hostile text in a valid practice: saved as written, shown as text.
    response = mentor.post(new_practice_url(strengths, strengths), {"title": hostile})
    assert response.status_code == 302
    page = mentor.get(strengths).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_citys_officers_record_a_practice_from_its_strengths(personas, strengths):
    assert personas.client("mentee").get(new_practice_url(strengths)).status_code == 403
    assert personas.client("mentee").post(new_practice_url(strengths), {"title": "Not mine"}).status_code == 403
    assert not GoodPractice.objects.exists()
    # Another scheme's city: not found.
    other = STRENGTHS.format(city=personas.b_mentor.pk)
    assert personas.client("mentor").get(new_practice_url(other)).status_code == 404


# --- The programme page, the scheme page, the dashboard, the menu -------------------------


def test_the_programme_page_groups_its_actions_and_keeps_archiving_apart(personas):
    client = personas.client("coordinator")
    page = client.get("/programmes/test-programme/").content.decode()
    # The name once as a heading, not again as the breadcrumb's current page.
    assert "<h1>Test Programme</h1>" in page and 'aria-current="page">Test Programme' not in page
    for group in ("Follow the schemes", "Method and content", "People and cities", "The programme"):
        assert group in page
    actions, danger = page.split('id="danger-zone"')
    assert "Archive the programme" not in actions and "Archive the programme" in danger
    assert "data-confirm-danger" in danger  # asked in a dialog with JavaScript
    # Without JavaScript the archive asks on a page first: nothing is archived in one click.
    response = client.post("/programmes/test-programme/archive/")
    assert response.status_code == 200
    personas.programme.refresh_from_db()
    assert not personas.programme.archived
    # Someone who may not archive sees no danger zone.
    assert 'id="danger-zone"' not in personas.client("observer").get("/programmes/test-programme/").content.decode()
    # The scheme page too: its archive button apart, below everything else.
    page = client.get("/programmes/test-programme/schemes/1/").content.decode()
    actions, danger = page.split('id="danger-zone"')
    assert "Archive the scheme" not in actions and "Archive the scheme" in danger and "data-confirm-danger" in danger


def test_the_schemes_next_box_is_coherent(personas):
    today = timezone.localdate()
    first, second = list(personas.a.visits.order_by("order"))[:2]
    type(first).objects.filter(pk=first.pk).update(start_date=None, end_date=None)
    later = today + datetime.timedelta(days=5)
    type(second).objects.filter(pk=second.pk).update(start_date=later, end_date=later)
    page = personas.client("facilitator").get("/programmes/test-programme/schemes/1/").content.decode()
    box = page[page.index('id="next-heading"') : page.index('id="changes-heading"')]
    assert "Next date" in box and f">Visit 2: {second.title}</a>" in box
    assert "Next visit:" in box and f">Visit 1: {first.title}</a>" in box
    assert "Its dates are not set yet." in box and "Set its dates" in box
    assert "(no dates yet)" not in box
    # The next visit with its dates: one line, not the same visit twice.
    type(first).objects.filter(pk=first.pk).update(start_date=today + datetime.timedelta(days=2))
    page = personas.client("facilitator").get("/programmes/test-programme/schemes/1/").content.decode()
    box = page[page.index('id="next-heading"') : page.index('id="changes-heading"')]
    assert box.count(f"Visit 1: {first.title}") == 1 and "Next date" not in box


def test_the_dashboard_puts_late_and_due_soon_first_in_words(personas):
    today = timezone.localdate()
    # Scheme B has a visit in three days; scheme A nothing dated: B comes first.
    visit = personas.b.visits.order_by("order").first()
    type(visit).objects.filter(pk=visit.pk).update(start_date=today + datetime.timedelta(days=3))
    response = personas.client("coordinator").get("/programmes/test-programme/dashboard/")
    assert [row.scheme.title for row in response.context["rows"]] == ["Scheme B", "Scheme A"]
    page = response.content.decode()
    assert '<span class="state state-soon">Due soon</span>' in page
    assert "1 with something due soon" in page
    # Late and Next date come right after the scheme's name.
    header = page[page.index("<thead>") : page.index("</thead>")]
    assert header.index("Late") < header.index("Next date") < header.index("Phase") < header.index("Needs analysis")
    # Something late: that scheme first, "Late" in words.
    type(visit).objects.filter(pk=visit.pk).update(start_date=None)
    first = personas.a.visits.order_by("order").first()
    type(first).objects.filter(pk=first.pk).update(
        start_date=today - datetime.timedelta(days=20), end_date=today - datetime.timedelta(days=19)
    )
    response = personas.client("coordinator").get("/programmes/test-programme/dashboard/")
    assert [row.scheme.title for row in response.context["rows"]][0] == "Scheme A"
    assert '<span class="state state-late">Late</span>' in response.content.decode()


def test_what_is_late_comes_first_across_the_pages_not_only_within_one(personas, monkeypatch):
    from schemes.views import dashboard

    monkeypatch.setattr(dashboard, "ROWS_PER_PAGE", 1)
    today = timezone.localdate()
    # Scheme B (number 2, the second page by number) has a visit past and not held.
    visit = personas.b.visits.order_by("order").first()
    type(visit).objects.filter(pk=visit.pk).update(
        start_date=today - datetime.timedelta(days=20), end_date=today - datetime.timedelta(days=19)
    )
    client = personas.client("coordinator")
    first = client.get("/programmes/test-programme/dashboard/")
    assert [row.scheme.title for row in first.context["rows"]] == ["Scheme B"]
    # The count is the programme's, not the page's.
    assert "1 with something late" in first.content.decode() and "late on this page" not in first.content.decode()
    second = client.get("/programmes/test-programme/dashboard/?page=2")
    assert [row.scheme.title for row in second.context["rows"]] == ["Scheme A"]
    assert "1 with something late" in second.content.decode()


def test_the_menu_folds_on_a_phone_and_the_agenda_becomes_cards(personas):
    client = personas.client("facilitator")
    page = client.get("/").content.decode()
    assert 'class="collapse navbar-collapse" id="main-menu"' in page
    assert 'aria-controls="main-menu" aria-expanded="false" data-menu-toggle hidden>Menu</button>' in page
    agenda = client.get("/programmes/test-programme/schemes/1/visits/1/").content.decode()
    assert "agenda-table" in agenda or "No session this day yet." in agenda or "first and last day" in agenda


def test_a_question_left_out_of_the_template_is_not_counted(personas, needs):
    """The ticks count the visible questions only, like the progress bar."""
    Question.objects.filter(section__key="local-context", required=True).update(hidden=True)
    page = personas.client("mentee").get(needs).content.decode()
    assert "The local context</a>: " not in page  # nothing missing there any more
