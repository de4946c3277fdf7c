"""Self-assessment against the scheme's benchmark: levels on a labelled scale with
evidence and focus, rounds, concurrent saves, charts with their tables, the report PDF."""

import subprocess

import pytest

from benchmarks.models import KeyFactor
from schemes.models import KeyFactorAssessment, SelfAssessment

SCHEME = "/programmes/test-programme/schemes/1/self-assessment/"


@pytest.fixture
def url(personas):
    return f"{SCHEME}{personas.mentee_city.pk}/"


def form_data(client, url, **changes):
    """The form as the browser sends it; ``changes`` by field name prefix and key factor
    number, e.g. level_1=3."""
    form = client.get(url).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name.startswith("focus_"):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    numbers = {str(kf.number): kf.pk for kf in form.key_factors}
    for key, value in changes.items():
        prefix, number = key.rsplit("_", 1)
        name = f"{prefix}_{numbers[number]}"
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def every_page(client, url):
    """The addresses of the pages of the form, the first one ``url``."""
    count = len(client.get(url).context["pages"])
    return [url] + [f"{url}pages/{number}/" for number in range(2, count + 1)]


def pdf_text(content):
    return " ".join(
        subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode().split()
    )


def test_the_mentee_rates_key_factors_beside_the_guide_questions_and_submits(personas, url):
    mentee = personas.client("mentee")
    page = mentee.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    guide = KeyFactor.objects.filter(version=personas.a.benchmark).exclude(guide_questions=None).first()
    assert guide.guide_questions.first().text[:50] in html
    assert "Not in place" in html and "Fully in place" in html

    response = mentee.post(
        url, form_data(mentee, url, level_1="1", evidence_1="A first welcome office.", focus_1="on", level_2="3")
    )
    assert response.status_code == 302
    baseline = SelfAssessment.objects.get(scheme=personas.a, city=personas.mentee_city)
    assert baseline.round == 1 and baseline.benchmark == personas.a.benchmark
    rows = {row.key_factor.number: row for row in baseline.key_factors.select_related("key_factor")}
    assert (rows["1"].level, rows["1"].evidence, rows["1"].focus) == (1, "A first welcome office.", True)
    assert rows["2"].level == 3 and rows["1"].updated_by == personas.users["mentee"]

    assert mentee.post(url + "submit/", {"confirmed": "1"}).status_code == 302
    baseline.refresh_from_db()
    assert baseline.submitted_at is not None
    # A submitted round is read-only.
    refused = mentee.post(url, form_data(mentee, url, level_1="4"), follow=True)
    assert "read-only" in refused.content.decode()
    assert KeyFactorAssessment.objects.get(assessment=baseline, key_factor__number="1").level == 1


def test_a_re_assessment_starts_from_the_baseline_and_the_chart_shows_both(personas, url):
    mentee = personas.client("mentee")
    mentee.post(url, form_data(mentee, url, level_1="1", level_2="2"))
    mentee.post(url + "submit/", {"confirmed": "1"})
    assert mentee.post(url + "new-round/").status_code == 302
    second = SelfAssessment.objects.get(scheme=personas.a, city=personas.mentee_city, round=2)
    assert second.key_factors.get(key_factor__number="1").level == 1  # carried over, to revise
    mentee.post(url, form_data(mentee, url, level_1="3"))
    baseline = SelfAssessment.objects.get(round=1)
    assert baseline.key_factors.get(key_factor__number="1").level == 1  # the baseline did not move
    assert second.key_factors.get(key_factor__number="1").level == 3

    page = mentee.get(url).content.decode()
    assert "<svg" in page and 'role="img"' in page
    assert "Menteeville: Baseline" in page and "Menteeville: Round 2" in page
    # The table beside the chart gives the same figures.
    assert "1 · First steps" in page and "3 · Largely in place" in page


def test_each_side_edits_only_its_own_city(personas, url):
    mentor = personas.client("mentor")
    assert mentor.get(url).status_code == 200  # reads it
    assert mentor.post(url, {"seen": 0}).status_code == 403
    mentor_url = f"{SCHEME}{personas.mentor_city.pk}/"
    assert mentor.post(mentor_url, form_data(mentor, mentor_url, level_1="4")).status_code == 302
    assert (
        personas.client("facilitator").post(url, form_data(personas.client("facilitator"), url, level_3="2")).status_code == 302
    )
    assert personas.client("observer").post(url, {"seen": 0}).status_code == 403


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"level_1": "7"}, "Select a valid choice"),
        ({"level_1": "high"}, "Select a valid choice"),
        ({"evidence_1": "x" * 100_000}, "Ensure this value has at most 20000 characters"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_the_text_kept(personas, url, changes, message):
    mentee = personas.client("mentee")
    data = form_data(mentee, url, evidence_2="Kept evidence.", **changes)
    response = mentee.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert response.context["form"][next(n for n in data if data[n] == "Kept evidence.")].value() == "Kept evidence."
    assert not KeyFactorAssessment.objects.exists()


def test_a_key_factor_of_another_benchmark_is_refused(personas, url):
    mentee = personas.client("mentee")
    other = KeyFactor.objects.exclude(version=personas.a.benchmark).first()
    data = form_data(mentee, url, level_1="2")
    data[f"level_{other.pk}"] = "3"
    response = mentee.post(url, data)
    assert response.status_code == 200 and "not in this benchmark" in response.content.decode()
    assert not KeyFactorAssessment.objects.exists()


def test_two_people_saving_at_once_never_overwrite_each_other(personas, url):
    mentee, facilitator = personas.client("mentee"), personas.client("facilitator")
    mentee.post(url, form_data(mentee, url, level_1="1"))
    mine = form_data(mentee, url, evidence_2="Mine.")
    theirs = form_data(facilitator, url, evidence_2="Theirs.")
    assert facilitator.post(url, theirs).status_code == 302
    conflict = mentee.post(url, mine)
    assert conflict.status_code == 409
    page = conflict.content.decode()
    assert "Someone else saved this self-assessment" in page and "Mine." in page
    assert KeyFactorAssessment.objects.get(key_factor__number="2").evidence == "Theirs."


def test_the_scheme_compares_its_cities_and_prints_a_report(personas, url):
    mentee, mentor = personas.client("mentee"), personas.client("mentor")
    mentee.post(url, form_data(mentee, url, level_1="1", evidence_1="<script>alert(1)</script>", focus_1="on"))
    mentor_url = f"{SCHEME}{personas.mentor_city.pk}/"
    mentor.post(mentor_url, form_data(mentor, mentor_url, level_1="4"))
    page = personas.client("observer").get(SCHEME).content.decode()
    assert "Menteeville (Mentee side): Baseline" in page and "Mentorburg (Mentor side): Baseline" in page
    report = personas.client("observer").get(SCHEME + "report.pdf")
    assert report["Content-Type"] == "application/pdf"
    text = pdf_text(report.content)
    assert "Self-assessment report" in text and "Test Programme" in text
    assert "<script>alert(1)</script>" in text and "First steps" in text


def test_a_scheme_without_a_benchmark_has_no_self_assessment(personas):
    client = personas.client("b_mentee")
    assert client.get(f"/programmes/test-programme/schemes/2/self-assessment/{personas.b_mentee.pk}/").status_code == 404


def test_pages_keep_their_query_count_for_a_30_key_factor_benchmark(personas, url, django_assert_max_num_queries):
    from benchmarks.models import BenchmarkVersion, ContextFactor, GuideQuestion

    version = BenchmarkVersion.objects.create(benchmark=personas.a.benchmark.benchmark, number=99, title="Big")
    for number in range(1, 31):
        key_factor = KeyFactor.objects.create(version=version, number=str(number), order=number, title=f"Factor {number}")
        for order in range(4):
            GuideQuestion.objects.create(key_factor=key_factor, order=order, text=f"Question {order}?")
    for order in range(10):
        ContextFactor.objects.create(version=version, order=order, title=f"Context {order}")
    personas.a.benchmark = version
    personas.a.save()
    mentee, mentor = personas.client("mentee"), personas.client("mentor")
    mentor_url = f"{SCHEME}{personas.mentor_city.pk}/"
    for client, address, shift in ((mentee, url, 0), (mentor, mentor_url, 2)):
        for page in every_page(client, address):
            numbers = [int(kf.number) for kf in client.get(page).context["form"].key_factors]
            client.post(page, form_data(client, page, **{f"level_{n}": str((n + shift) % 5) for n in numbers}))
    assert KeyFactorAssessment.objects.filter(level__isnull=False).count() == 60
    pages = every_page(mentee, url)
    assert len(pages) == 6  # five of six key factors, one of the ten context factors
    for page in [*pages, SCHEME]:
        with django_assert_max_num_queries(15):
            assert mentee.get(page).status_code == 200


def test_the_form_comes_a_few_key_factors_a_page_then_the_context_factors(personas, url):
    """No page holds more than about twenty fields: six key factors of three fields, or
    the context factors' notes. Each page says which pages have their levels; the
    rounds and the chart are on the first."""
    mentee = personas.client("mentee")
    mentee.post(url, form_data(mentee, url, level_1="1", level_2="2"))
    pages = every_page(mentee, url)
    key_factors = list(KeyFactor.objects.filter(version=personas.a.benchmark).order_by("order"))
    assert len(key_factors) == 12 and len(pages) == 3
    seen = []
    for page in pages:
        response = mentee.get(page)
        form = response.context["form"]
        assert len(form.fields) <= 20
        seen += [kf.number for kf in form.key_factors]
        html = response.content.decode()
        assert "2 of 6 levels given" in html and "0 of 6 levels given" in html and "0 of 10 notes written" in html
        assert ("Rounds" in html) == (page == url)
    assert seen == [kf.number for kf in key_factors]
    notes = mentee.get(pages[-1]).context["form"]
    assert notes.key_factors == [] and len(notes.context_factors) == 10
    assert "Key factors 7 to 12" in mentee.get(pages[1]).content.decode()
    assert mentee.get(f"{url}pages/4/").status_code == 404


def test_next_and_previous_save_the_page_first(personas, url):
    mentee = personas.client("mentee")
    moved = mentee.post(url, {**form_data(mentee, url, level_1="2", evidence_1="A welcome desk."), "go": "2"})
    assert moved.status_code == 302 and moved["Location"] == f"{url}pages/2/"
    assert KeyFactorAssessment.objects.get(key_factor__number="1").evidence == "A welcome desk."
    second = f"{url}pages/2/"
    back = mentee.post(second, {**form_data(mentee, second, level_7="3"), "go": "1"})
    assert back.status_code == 302 and back["Location"] == url
    assert KeyFactorAssessment.objects.get(key_factor__number="7").level == 3
    # A refused page is shown again, not left.
    refused = mentee.post(second, {**form_data(mentee, second, level_8="9"), "go": "3"})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    # The context factors' notes, on their own page.
    notes_page = f"{url}pages/3/"
    data = form_data(mentee, notes_page)
    first_note = next(name for name in data if name.startswith("note_"))
    assert mentee.post(notes_page, {**data, first_note: "A national law on reception."}).status_code == 302
    assert "A national law on reception." in mentee.get(notes_page).content.decode()
    assert "1 of 10 notes written" in mentee.get(url).content.decode()


def test_two_people_on_different_pages_never_conflict(personas, url):
    mentee, facilitator = personas.client("mentee"), personas.client("facilitator")
    second = f"{url}pages/2/"
    mentee.post(url, form_data(mentee, url, level_1="1"))
    mine = form_data(mentee, url, evidence_2="Mine.")
    theirs = form_data(facilitator, second, evidence_8="Theirs.")
    assert facilitator.post(second, theirs).status_code == 302
    assert mentee.post(url, mine).status_code == 302
    evidence = dict(KeyFactorAssessment.objects.values_list("key_factor__number", "evidence"))
    assert evidence["2"] == "Mine." and evidence["8"] == "Theirs."


def test_save_and_submit_from_any_page_saves_it_then_asks(personas, url):
    mentee = personas.client("mentee")
    second = f"{url}pages/2/"
    asked = mentee.post(second, {**form_data(mentee, second, level_9="4"), "submit_round": "1"})
    assert asked.status_code == 200 and "Submit “Baseline”?" in asked.content.decode()
    assert f'href="{second}"' in asked.content.decode()  # Cancel: back to that page
    assert KeyFactorAssessment.objects.get(key_factor__number="9").level == 4
    assert SelfAssessment.objects.get().submitted_at is None
    assert mentee.post(url + "submit/", {"confirmed": "1"}).status_code == 302
    assert SelfAssessment.objects.get().submitted_at is not None
    read_only = mentee.get(second).content.decode()
    assert "Fully in place" in read_only and "data-autosave" not in read_only


def test_mentor_and_mentee_agree_the_focus_key_factors(personas, url):
    p = personas
    focus = "/programmes/test-programme/schemes/1/focus/"
    mentee, mentor = p.client("mentee"), p.client("mentor")
    mentee.post(url, form_data(mentee, url, level_2="1", focus_2="on"))
    page = mentee.get(focus)
    assert "flagged as focus by Menteeville" in page.content.decode()
    form = page.context["form"]
    kf2, kf5 = (kf for kf in form.fields["focus_key_factors"].queryset if kf.number in ("2", "5"))
    seen = form["seen_version"].value()

    saved = mentee.post(focus, {"save": "1", "focus_key_factors": [kf2.pk, kf5.pk], "seen_version": seen})
    assert saved.status_code == 302 and saved["Location"] == focus  # back on the focus page
    p.a.refresh_from_db()
    assert set(p.a.focus_key_factors.all()) == {kf2, kf5}
    assert p.a.focus_agreed_by_mentee is not None and p.a.focus_agreed_by_mentor is None
    assert "Mentor side: agreement awaited" in p.client("observer").get("/programmes/test-programme/schemes/1/").content.decode()

    agreed = mentor.post(focus, {"agree": "1"})
    assert agreed.status_code == 302 and agreed["Location"] == focus
    p.a.refresh_from_db()
    assert p.a.focus_agreed_by_mentor is not None
    # A change by one side withdraws the other's agreement.
    seen = mentor.get(focus).context["form"]["seen_version"].value()
    mentor.post(focus, {"save": "1", "focus_key_factors": [kf2.pk], "seen_version": seen})
    p.a.refresh_from_db()
    assert p.a.focus_agreed_by_mentee is None and p.a.focus_agreed_by_mentor is not None
    # The facilitator proposes but does not agree for a city.
    assert p.client("facilitator").post(focus, {"agree": "1"}).status_code == 403
    assert "Focus key factors changed" in p.client("mentee").get("/programmes/test-programme/schemes/1/history/").content.decode()


@pytest.mark.parametrize("bad", ["empty", "foreign", "stale"])
def test_bad_focus_input_is_refused_and_nothing_changes(personas, bad):
    focus = "/programmes/test-programme/schemes/1/focus/"
    mentee = personas.client("mentee")
    form = mentee.get(focus).context["form"]
    own = form.fields["focus_key_factors"].queryset.first()
    data = {"save": "1", "focus_key_factors": [own.pk], "seen_version": form["seen_version"].value()}
    if bad == "empty":
        data["focus_key_factors"] = []
    elif bad == "foreign":
        data["focus_key_factors"] = [KeyFactor.objects.exclude(version=personas.a.benchmark).first().pk]
    else:
        personas.a.save()  # someone saved the scheme meanwhile
    response = mentee.post(focus, data)
    assert response.status_code == 200
    message = {"empty": "Choose at least one key factor", "foreign": "Select a valid choice", "stale": "Someone else saved"}[bad]
    assert message in response.content.decode()
    assert not personas.a.focus_key_factors.exists()


def test_the_programme_compares_the_schemes_each_person_may_see(personas, url):
    p = personas
    p.b.benchmark = p.a.benchmark
    p.b.save()
    mentee = p.client("mentee")
    mentee.post(url, form_data(mentee, url, level_1="1", level_2="2"))  # baseline average 1.5
    mentee.post(url + "submit/", {"confirmed": "1"})
    mentee.post(url + "new-round/")
    mentee.post(url, form_data(mentee, url, level_1="3", level_2="4"))  # latest average 3.5
    b_url = f"/programmes/test-programme/schemes/2/self-assessment/{p.b_mentee.pk}/"
    b_mentee = p.client("b_mentee")
    b_mentee.post(b_url, form_data(b_mentee, b_url, level_1="2"))
    comparison = "/programmes/test-programme/self-assessment/"
    page = p.client("coordinator").get(comparison).content.decode()
    assert "1.5 · Partly in place" in page and "3.5 · Fully in place" in page and "Scheme B" in page
    # Scheme B's figures are confidential to its people and the programme's coordinators.
    own = mentee.get(comparison).content.decode()
    assert "Scheme A" in own and "Scheme B" not in own
    french = p.client("coordinator").get(comparison, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1,5 · Partiellement en place" in french


def test_focus_comparison_and_template_pages_keep_their_query_count(personas, url, django_assert_max_num_queries):
    from schemes.models import Side
    from schemes.services.filling import template_for
    from schemes.services.questionnaires import template_adapt
    from schemes.services.schemes import scheme_create

    p = personas
    coordinator, mentee = p.client("coordinator"), p.client("mentee")
    mentee.post(url, form_data(mentee, url, level_1="2", focus_1="on"))
    pages = [
        "/programmes/test-programme/schemes/1/focus/",
        "/programmes/test-programme/self-assessment/",
        "/programmes/test-programme/templates/",
    ]
    counts = {}
    for page in pages:
        with django_assert_max_num_queries(15) as captured:
            assert coordinator.get(page).status_code == 200
        counts[page] = len(captured.captured_queries)
    # More schemes with self-assessments, more template versions, more rounds.
    mentee.post(url + "submit/", {"confirmed": "1"})
    mentee.post(url + "new-round/")
    mentee.post(url, form_data(mentee, url, level_1="3", focus_2="on"))
    for number in range(8):
        scheme = scheme_create(
            programme=p.programme,
            title=f"Extra {number}",
            theme="T",
            benchmark=p.a.benchmark,
            parties=[(p.mentee_city, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
        )
        SelfAssessment.objects.create(scheme=scheme, city=p.mentee_city, benchmark=p.a.benchmark, label="Baseline")
        template_adapt(template=template_for(p.programme, "needs_analysis"), programme=p.programme)
    for page in pages:
        with django_assert_max_num_queries(counts[page]):
            assert coordinator.get(page).status_code == 200


def test_a_rounds_name_is_said_in_the_readers_language_not_the_writers(personas, url):
    # Written by an Italian officer; read by the Belgian mentor in English and in French.
    mentee = personas.client("mentee")
    mentee.cookies["django_language"] = "it"
    mentee.post(url, form_data(mentee, url, level_1="1", level_2="2"))
    mentee.post(url + "submit/", {"confirmed": "1"})
    assert mentee.post(url + "new-round/").status_code == 302
    assert "Menteeville: Situazione di partenza" in mentee.get(url).content.decode()
    mentor = personas.client("mentor")
    english = mentor.get(url).content.decode()
    assert "Menteeville: Baseline" in english and "Menteeville: Round 2" in english
    assert "Situazione" not in english and "Ciclo" not in english
    mentor.cookies["django_language"] = "fr"
    french = mentor.get(SCHEME).content.decode()
    assert "Cycle 2" in french and "Ciclo 2" not in french
    # And so do the scheme's recent changes.
    mentor.cookies["django_language"] = "en"
    changes = mentor.get("/programmes/test-programme/schemes/1/").content.decode()
    assert "self-assessment (Baseline)" in changes and "re-assessment (Round 2)" in changes
    assert "Situazione" not in changes
    # A name someone gave a round is shown as they wrote it.
    SelfAssessment.objects.filter(round=2).update(label="Valutazione finale")
    assert "Valutazione finale" in mentor.get(SCHEME).content.decode()


def test_rounds_named_before_in_any_language_are_read_as_their_names(personas):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("schemes.migrations.0036_names_said_in_the_readers_language")
    city, benchmark = personas.mentee_city, personas.a.benchmark
    rounds = [(1, "Situazione di partenza"), (2, "2. kārta"), (3, "Round 2"), (4, "Valutazione finale"), (5, "Réévaluation 4")]
    for number, label in rounds:
        SelfAssessment.objects.create(scheme=personas.a, city=city, benchmark=benchmark, round=number, label=label)
    migration.names_as_messages(apps, None)
    rounds = SelfAssessment.objects.filter(city=city).order_by("round")
    # Round 3 called "Round 2" was named by someone; round 5 was "Re-assessment 4" until
    # the pages named rounds by their own number.
    assert [r.label for r in rounds] == ["", "", "Round 2", "Valutazione finale", ""]
    assert [r.name for r in rounds] == ["Baseline", "Round 2", "Round 2", "Valutazione finale", "Round 5"]
    assert not SelfAssessment.history.filter(label="Situazione di partenza").exists()
