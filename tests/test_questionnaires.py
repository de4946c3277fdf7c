"""The questionnaire engine: filling the needs analysis together without losing a word."""

import subprocess

import pytest
from django.test import Client

from schemes.models import Answer, Response, ResponseStatus

BASE = "/programmes/test-programme/schemes/1/needs-analysis/{city}/"
HOSTILE = '<script>alert(1)</script><img src="http://example.com/x.png"><base href="http://example.com/"><style>body{display:none}</style>'


@pytest.fixture
def base(personas):
    return BASE.format(city=personas.mentee_city.pk)


def form_data(client, url, **answers):
    """The section form as the browser would send it, with ``answers`` by question key."""
    form = client.get(url).context["form"]
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    keys = {question.key: question.pk for question in form.questions}
    for key, value in answers.items():
        data[f"q{keys[key]}"] = value
    return data


def answer(personas, key):
    return Answer.objects.filter(response__scheme=personas.a, question__key=key).first()


def test_the_mentee_saves_a_draft_and_the_association_reads_it(personas, base):
    mentee = personas.client("mentee")
    url = base + "sections/mentee-needs/"
    response = mentee.post(url, form_data(mentee, url, challenge="Housing for newcomers."))
    assert response.status_code == 302
    assert answer(personas, "challenge").text == "Housing for newcomers."
    assert answer(personas, "challenge").updated_by == personas.users["mentee"]
    association = personas.client("association")
    page = association.get(url).content.decode()
    assert "Housing for newcomers." in page and "Save draft" not in page
    assert association.post(url, {}).status_code == 403
    # The association fills its own part.
    own = base + "sections/national-context/"
    assert "Save draft" in association.get(own).content.decode()
    first_question = association.get(own).context["form"].questions[0]
    assert (
        association.post(own, form_data(association, own, **{first_question.key: "Regions fund language courses."})).status_code
        == 302
    )
    # The mentor may read but never edit the mentee's needs analysis.
    assert personas.client("mentor").post(url, {}).status_code == 403


def test_the_overview_shows_progress(personas, base):
    mentee = personas.client("mentee")
    page = mentee.get(base)
    state = page.context["progress"]
    assert (state.sections_done, state.sections_total, state.required_answered) == (0, 3, 0)
    assert f"0 of {state.required_total} required answers given" in page.content.decode()


def test_numbers_are_read_and_shown_in_the_readers_language(personas, base):
    mentee = personas.client("mentee")
    url = base + "sections/local-context/"
    bad = mentee.post(url, form_data(mentee, url, inhabitants="12,5 million", **{"main-nationalities": "Tunisian\nRomanian"}))
    assert bad.status_code == 200
    html = bad.content.decode()
    assert "is not a number" in html and "2,300,000" in html  # the example, in English
    assert 'value="12,5 million"' in html and "Tunisian\nRomanian" in html  # nothing lost
    assert answer(personas, "inhabitants") is None and answer(personas, "main-nationalities") is None
    assert (
        mentee.post(url, form_data(mentee, url, inhabitants="102,275", **{"integration-budget-share": "2.5"})).status_code == 302
    )
    assert answer(personas, "inhabitants").number == 102275
    assert 'value="102,275"' in mentee.get(url).content.decode()
    assert "102,275 inhabitants" in mentee.get(base).content.decode()
    mentee.post("/i18n/setlang/", {"language": "fr"})
    assert 'value="102\u00a0275"' in mentee.get(url).content.decode()
    assert (
        mentee.post(url, form_data(mentee, url, inhabitants="98 500", **{"integration-budget-share": "3,5"})).status_code == 302
    )
    assert answer(personas, "inhabitants").number == 98500 and answer(personas, "integration-budget-share").number == 3.5
    assert "3,5\u00a0%" in mentee.get(base).content.decode() or "3,5 %" in mentee.get(base).content.decode()


def test_too_long_answers_and_foreign_questions_are_refused_with_a_message(personas, base):
    mentee = personas.client("mentee")
    url = base + "sections/mentee-needs/"
    huge = "word " * 20_480  # 100 kB
    response = mentee.post(url, form_data(mentee, url, challenge=huge))
    assert response.status_code == 200 and "at most 20000 characters" in response.content.decode()
    assert Answer.objects.count() == 0
    data = form_data(mentee, url)
    other_question = (
        Response._meta.apps.get_model("schemes", "Question").objects.filter(section__template__kind="strengths").first()
    )
    data[f"q{other_question.pk}"] = "sneaked in"
    response = mentee.post(url, data)
    assert response.status_code == 200 and "not in this section" in response.content.decode()
    assert Answer.objects.count() == 0


def test_hostile_text_is_shown_as_text_on_the_page_and_in_the_pdf(personas, base, fetched_urls):
    mentee = personas.client("mentee")
    url = base + "sections/mentee-needs/"
    assert mentee.post(url, form_data(mentee, url, challenge=HOSTILE)).status_code == 302
    page = mentee.get(base).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    pdf = mentee.get(base + "document.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "<script>alert(1)</script>" in text and 'src="http://example.com/x.png"' in text
    fetched = fetched_urls()
    assert any(url.endswith("/static/css/print.css") for url in fetched), fetched  # the spy saw the renderer
    assert all(not url.startswith("http://example.com") for url in fetched), fetched
    assert "Test Programme" in text and "Needs analysis" in text


def test_two_people_saving_one_section_never_overwrite_each_other(personas, base):
    p = personas
    from schemes.models import SchemeRole

    SchemeRole.objects.create(  # a second officer of the mentee city
        scheme=p.a, user=p.users["b_mentee"], role="mentee", party=p.a.parties.get(organisation=p.mentee_city)
    )
    first, second = p.client("mentee"), p.client("b_mentee")
    url = base + "sections/mentee-needs/"
    first_form = form_data(first, url)
    second_form = form_data(second, url)
    keys = {q.key: q.pk for q in first.get(url).context["form"].questions}
    q = lambda key: f"q{keys[key]}"  # noqa: E731

    first_form.update({q("challenge"): "First officer's text.", q("reasons"): "Objectives by the first."})
    assert first.post(url, first_form).status_code == 302
    # The second officer loaded the page before; changes the same answer differently, and another.
    second_form.update({q("challenge"): "Second officer's text.", q("learning"): "Strategy by the second."})
    conflict = second.post(url, second_form)
    assert conflict.status_code == 409
    html = conflict.content.decode()
    assert "Someone else saved this section" in html
    assert "First officer&#x27;s text." in html and "Second officer&#x27;s text." in html
    assert answer(p, "challenge").text == "First officer's text."  # nothing overwritten
    assert answer(p, "learning") is None  # and nothing half-saved
    # The merge form holds the second officer's text, the first officer's other answer, and
    # the current versions: merging and saving goes through.
    merged = {name: ("" if field.value() is None else field.value()) for name, field in conflict.context["form"]._bound_items()}
    assert merged[q("reasons")] == "Objectives by the first."
    merged[q("challenge")] = "First officer's text. Second officer's text."
    assert second.post(url, merged).status_code == 302
    assert answer(p, "challenge").text == "First officer's text. Second officer's text."
    assert answer(p, "reasons").text == "Objectives by the first."
    assert answer(p, "learning").text == "Strategy by the second."
    history = first.get(base + "history/").content.decode()
    assert "Second Officer" not in history  # the history names people
    assert "First officer&#x27;s text. Second officer&#x27;s text." in history and "B_Mentee Tester" in history


def test_different_answers_saved_at_once_are_merged_without_a_conflict(personas, base):
    p = personas
    first, facilitator = p.client("mentee"), p.client("facilitator")
    url = base + "sections/mentee-needs/"
    first_form, second_form = form_data(first, url), form_data(facilitator, url)
    keys = {q.key: q.pk for q in first.get(url).context["form"].questions}
    first_form[f"q{keys['challenge']}"] = "From the city."
    second_form[f"q{keys['reasons']}"] = "From the facilitator."
    assert first.post(url, first_form).status_code == 302
    assert facilitator.post(url, second_form).status_code == 302
    assert answer(p, "challenge").text == "From the city."
    assert answer(p, "reasons").text == "From the facilitator."


def fill_required(personas, base):
    from schemes.models import Question

    client = personas.client("facilitator")
    response = client.get(base)
    for section in response.context["filling"].sections:
        url = base + f"sections/{section.key}/"
        values = {}
        for question in Question.objects.filter(section=section, required=True, hidden=False):
            values[question.key] = "1000" if question.is_numeric else f"Answer to {question.key}"
        assert client.post(url, form_data(client, url, **values)).status_code == 302


def test_submit_needs_every_required_answer_then_freezes_a_version_that_survives_reopening(personas, base):
    mentee = personas.client("mentee")
    url = base + "sections/mentee-needs/"
    mentee.post(url, form_data(mentee, url, challenge="Only this."))
    refused = mentee.post(base + "submit/", {"confirmed": "1"}, follow=True)
    assert "Not submitted" in refused.content.decode()
    assert Response.objects.get().status == ResponseStatus.DRAFT
    fill_required(personas, base)
    assert personas.client("association").post(base + "submit/", {"confirmed": "1"}).status_code == 403
    mentee.post(base + "submit/", {"confirmed": "1"})
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED and response.submissions.count() == 1
    # Read-only now, for everyone.
    frozen = mentee.post(url, form_data(mentee, url, challenge="Changed after submit"), follow=True)
    assert "must be reopened" in frozen.content.decode()
    assert answer(personas, "challenge").text == "Answer to challenge"
    # The facilitator reopens; an edit follows; the submitted version is still readable.
    assert personas.client("mentor").post(base + "reopen/").status_code == 403
    personas.client("facilitator").post(base + "reopen/")
    assert mentee.post(url, form_data(mentee, url, challenge="Revised with the mentor")).status_code == 302
    version = mentee.get(base + "submitted/1/").content.decode()
    assert "Answer to challenge" in version and "Revised with the mentor" not in version


def sessions_holding(text):
    from django.contrib.sessions.models import Session

    return [s for s in Session.objects.all() if text in str(s.get_decoded())]


def test_a_save_after_the_session_expired_keeps_the_text_for_after_login(personas, base):
    """The text rides through the login page (signed, in the form: nothing is stored for
    someone not signed in) and is kept in the session of the person who signs in, for a
    section they may edit; shown again, not saved behind the writer's back."""
    import re

    client = Client()
    client.post("/accounts/login/", {"username": "mentee@test.example", "password": "a-long-test-password-1"})
    url = base + "sections/mentee-needs/"
    data = form_data(client, url, challenge="Two hours of careful writing.")
    client.post("/accounts/logout/")  # the session ends (idle or absolute expiry)
    response = client.post(url, data)
    page = response.content.decode()
    assert response.status_code == 200 and 'action="/accounts/login/"' in page
    assert "the text you typed will be on the page" in page
    assert Answer.objects.count() == 0 and sessions_holding("Two hours") == []
    carried = re.search(r'name="unsaved" value="([^"]+)"', page).group(1)
    login = {"username": "mentee@test.example", "password": "a-long-test-password-1", "next": url, "unsaved": carried}
    assert client.post("/accounts/login/", login)["Location"] == url
    page = client.get(url).content.decode()
    assert "Two hours of careful writing." in page and "Your session had expired" in page
    assert Answer.objects.count() == 0  # shown again, not saved behind the writer's back
    # Once shown, it is gone from the session.
    assert "Two hours of careful writing." not in client.get(url).content.decode()
    assert sessions_holding("Two hours") == []

    # Someone who may not edit the section (the observer), a tampered payload, or a
    # payload for another page: nothing is kept.
    for who, payload, next_url in (
        ("observer@test.example", carried, url),
        ("mentee@test.example", carried[:-3] + "abc", url),
        ("mentee@test.example", carried, base),
    ):
        other = Client()
        other.post(
            "/accounts/login/", {"username": who, "password": "a-long-test-password-1", "next": next_url, "unsaved": payload}
        )
        assert sessions_holding("Two hours") == [], who


def test_an_anonymous_post_stores_nothing(personas, base):
    """Anyone can post to a section's address: without a session, nothing is written,
    however much is posted."""
    from django.contrib.sessions.models import Session

    client = Client()
    url = base + "sections/mentee-needs/"
    before = Session.objects.count()
    for _ in range(5):
        response = client.post(url, {"q1": "x" * 500_000})
        assert response.status_code == 200
        assert "too long to keep through the login" in response.content.decode()
    small = client.post(url, {"q1": "A few words."})
    assert small.status_code == 200 and 'name="unsaved"' in small.content.decode()
    assert Session.objects.count() == before


def test_another_schemes_city_is_not_found(personas):
    client = personas.client("coordinator")
    assert client.get(BASE.format(city=personas.b_mentee.pk)).status_code == 404
    assert client.get(BASE.format(city=personas.mentor_city.pk)).status_code == 404  # not the mentee side
    assert client.get(BASE.format(city=personas.mentee_city.pk) + "sections/no-such-section/").status_code == 404


def test_questionnaire_pages_keep_their_query_count_as_answers_grow(personas, base, django_assert_max_num_queries):
    fill_required(personas, base)
    client = personas.client("mentee")
    pages = [base, base + "sections/mentee-needs/", base + "sections/local-context/", base + "history/"]
    counts = {}
    for url in pages:
        client.get(url)
        with django_assert_max_num_queries(40) as captured:
            client.get(url)
        counts[url] = len(captured.captured_queries)
    fill_required(personas, base)  # second round of saves: more history
    url = base + "sections/mentee-needs/"
    for round_number in range(15):
        client.post(url, form_data(client, url, challenge=f"Revision {round_number}"))
    for url, before in counts.items():
        with django_assert_max_num_queries(before) as captured:
            assert client.get(url).status_code == 200
        assert len(captured.captured_queries) <= 15, (url, len(captured.captured_queries))


def test_every_pdf_page_carries_the_programme_and_the_documents_version_and_date(personas, base):
    fill_required(personas, base)
    response = Response.objects.get(scheme=personas.a)
    pdf = personas.client("observer").get(base + "document.pdf").content
    pages = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    # The version it will be submitted as (1), as the overview counts them, not the saves (issue 26).
    assert response.version > 1 and response.shown_version == 1
    header = "Test Programme · Scheme A · Version 1 of"
    assert all(header in " ".join(page.split()) for page in pages), pages[-1][:300]
    blank = personas.client("observer").get(base + "document.pdf?blank=1").content
    first = subprocess.run(["pdftotext", "-", "-"], input=blank, capture_output=True, check=True).stdout.decode()
    assert "template version 1" in first and "Blank form" in first


def test_an_unchanged_date_answer_is_not_saved_again(personas):
    """A date answer is stored as ISO text and the form gives back a date: the two are
    compared as the same value, so saving the section again writes nothing (no new version,
    no false conflict for a colleague)."""
    import datetime

    from schemes.models import Question, QuestionKind
    from schemes.services.filling import response_get_or_create, section_save, template_for
    from schemes.services.questionnaires import template_adapt

    template = template_adapt(template=template_for(personas.programme, "needs_analysis"), programme=personas.programme)
    section = template.sections.get(key="mentee-needs")
    question = Question.objects.create(section=section, key="start", text="Since when?", kind=QuestionKind.DATE, order=99)
    response = response_get_or_create(scheme=personas.a, template=template, organisation=personas.mentee_city)
    user = personas.users["mentee"]
    first = section_save(response=response, section=section, values={question.pk: datetime.date(2026, 12, 5)}, seen={}, user=user)
    assert first.saved == 1
    again = section_save(
        response=response, section=section, values={question.pk: datetime.date(2026, 12, 5)}, seen={question.pk: 1}, user=user
    )
    assert again.saved == 0 and not again.conflicts
    assert Answer.objects.get(question=question).version == 1 and Answer.objects.get(question=question).text == "2026-12-05"


def test_one_missing_answer_is_told_in_the_singular(personas, base):
    """Counts read right: "1 required answer is missing", never "1 required answers"."""
    from schemes.models import Question

    fill_required(personas, base)
    question = Question.objects.filter(section__key="mentee-needs", required=True, hidden=False).first()
    mentee = personas.client("mentee")
    url = base + "sections/mentee-needs/"
    mentee.post(url, form_data(mentee, url, **{question.key: ""}))
    refused = mentee.post(base + "submit/", {"confirmed": "1"}, follow=True).content.decode()
    assert "1 required answer is missing. It is marked below." in refused
    assert "required answers are missing" not in refused
