"""Documents a city sends to its mayor (issue 26): the programme's logo and funding line
on every document, the action plan with its needs, key factors by number and title and an
approval or signature block, the agenda without repeated participants, the
self-assessment report whole; and the bad uploads refused."""

import io
import re
import shutil
import subprocess

import pytest
from PIL import Image

from schemes.models import Programme

pytestmark = pytest.mark.django_db

EDIT = "/programmes/test-programme/edit/"


def png_bytes(colour=(10, 61, 145), size=(120, 60)):
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes():
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def upload(name, data, content_type="image/png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type=content_type)


def edit_data(client, **overrides):
    """What the programme's edit form posts as it is, with ``overrides``."""
    form = client.get(EDIT).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name in ("logo", "emblem"):
            continue
        if value is None:
            value = ""
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value
    data.update(overrides)
    return data


def pdf_text(pdf):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed to read PDFs back")
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def pdf_images(pdf):
    """How many images the PDF holds (pdfimages -list)."""
    listing = subprocess.run(["pdfimages", "-list", "-", "-"], input=pdf, capture_output=True, check=False).stdout.decode()
    if not listing:  # pdfimages reads no stdin on some versions: through a file then
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
            handle.write(pdf)
            handle.flush()
            listing = subprocess.run(["pdfimages", "-list", handle.name], capture_output=True, check=True).stdout.decode()
    return len(listing.strip().splitlines()[2:])


def brand(personas, **fields):
    client = personas.client("coordinator")
    data = edit_data(client, **fields)
    response = client.post(EDIT, data)
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return Programme.objects.get(pk=personas.programme.pk)


# --- The programme's logo and funding line --------------------------------------------


def test_a_coordinator_uploads_a_logo_and_emblem_and_sets_a_funding_line(personas):
    programme = brand(
        personas,
        logo=upload("logo.png", png_bytes()),
        emblem=upload("eu.jpg", jpeg_bytes(), "image/jpeg"),
        funding_line="Funded by the Asylum, Migration and Integration Fund",
    )
    assert programme.logo.name.startswith(f"p{programme.pk}/branding-") and programme.logo.name.endswith(".png")
    # Stored re-encoded as PNG, whatever came in.
    with programme.emblem.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    record = programme.history.latest("history_id")
    assert record.history_user == personas.users["coordinator"] and record.logo == programme.logo.name
    from mentoring.models import LogEntry

    assert LogEntry.objects.filter(action="programme.changed", programme=programme).exists()


@pytest.mark.parametrize(
    "name, data, content_type, message",
    [
        ("logo.png", b"This is a text file, not an image.\n", "image/png", "Only a PNG or JPEG image is accepted"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="10" height="10"/></svg>',
            "image/svg+xml",
            "Only a PNG or JPEG image is accepted",
        ),
        ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (30 * 1024 * 1024), "image/png", "This image is larger than 2.0"),
        ("logo.png", png_bytes()[:40], "image/png", "Only a PNG or JPEG image is accepted"),
    ],
    ids=["text-named-png", "svg-with-script", "30-mb", "truncated-png"],
)
def test_a_bad_logo_is_refused_with_a_message_and_nothing_changes(personas, name, data, content_type, message):
    client = personas.client("coordinator")
    before = personas.programme.history.count()
    response = client.post(EDIT, edit_data(client, logo=upload(name, data, content_type), name="Renamed"))
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index("data-error-summary")
    assert message in page[start : page.index("</ul>", start)]  # in the error summary
    programme = Programme.objects.get(pk=personas.programme.pk)
    assert not programme.logo and programme.name == "Test Programme"
    assert programme.history.count() == before


def test_a_funding_line_with_markup_is_refused_and_printed_escaped_if_stored(personas):
    client = personas.client("coordinator")
    response = client.post(EDIT, edit_data(client, funding_line='Funded by <b onclick="x()">the EU</b>'))
    assert response.status_code == 200 and "Write plain text" in response.content.decode()
    assert Programme.objects.get(pk=personas.programme.pk).funding_line == ""
    # A line that came in another way (an import, the admin) is printed as text, never as markup.
    Programme.objects.filter(pk=personas.programme.pk).update(funding_line="Funded by <i>the EU</i> & partners")
    from schemes.views.training import key_points_document

    document = key_points_document(Programme.objects.get(pk=personas.programme.pk))
    assert "Funded by &lt;i&gt;the EU&lt;/i&gt; &amp; partners" in document.html
    assert "<i>the EU</i>" not in document.html


def test_the_logo_and_funding_line_are_printed_on_a_document(personas):
    brand(
        personas,
        logo=upload("logo.png", png_bytes()),
        emblem=upload("eu.png", png_bytes((0, 51, 153), (90, 60))),
        funding_line="Funded by the Asylum, Migration and Integration Fund",
    )
    response = personas.client("mentee").get("/programmes/test-programme/schemes/1/action-plan/action-plan.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Funded by the Asylum, Migration and Integration Fund" in text
    assert pdf_images(response.content) >= 2  # the logo and the emblem


def test_without_a_funding_line_the_funding_is_printed(personas):
    Programme.objects.filter(pk=personas.programme.pk).update(funding="AMIF")
    response = personas.client("mentee").get("/programmes/test-programme/schemes/1/action-plan/action-plan.pdf")
    assert "Funded by: AMIF" in pdf_text(response.content)


# --- The action plan ---------------------------------------------------------------

PLAN_PDF = "/programmes/test-programme/schemes/1/action-plan/action-plan.pdf"


def drafted_plan(personas):
    import datetime

    from schemes.models import Action, Need
    from schemes.services.action_plans import plan_get_or_create

    plan = plan_get_or_create(scheme=personas.a)
    desk = Need.objects.create(plan=plan, order=1, text="A single place where newcomers are welcomed")
    Need.objects.create(plan=plan, order=2, text="Interpreters for the social services")
    action = Action.objects.create(
        plan=plan, order=1, action="Open a welcome desk", due_date=datetime.date(2027, 6, 30), lead="Social services"
    )
    action.needs.add(desk)
    kf = personas.a.benchmark.key_factors.order_by("order").first()
    action.key_factors.add(kf)
    return plan, kf


def test_the_action_plan_prints_its_needs_key_factors_due_dates_and_the_cities(personas):
    _plan, kf = drafted_plan(personas)
    text = pdf_text(personas.client("mentee").get(PLAN_PDF).content)
    assert "Needs identified" in text
    assert "1. A single place where newcomers are welcomed" in text or "A single place where newcomers are welcomed" in text
    assert "Interpreters for the social services" in text
    assert f"KF {kf.number} · {kf.title}" in text
    assert "Due: 30 Jun 2027" in text
    assert "Needs: 1" in text
    # Annex 6 names the cities; their associations support them on a line of their own.
    assert "Mentee city Menteeville Version" in text
    assert "With the support of Association of Menteeland, Association of Mentorland" in text
    # Not approved yet: a signature block for each city.
    assert "Signatures" in text and text.count("Signature") >= 3 and "Approval" not in text


def test_an_approved_plan_prints_its_approval_decision_date_and_who(personas):
    from schemes.services.action_plans import plan_approve, plan_for, plan_submit

    plan, kf = drafted_plan(personas)
    plan_submit(plan=plan, user=personas.users["mentee"])
    plan = plan_approve(plan=plan_for(personas.a), user=personas.users["mentee"], decision_reference="Council decision 2027/14")
    text = pdf_text(personas.client("facilitator").get(PLAN_PDF).content)
    # The version shown is the approved version's own number, the one listed with its label.
    number = plan.approved_version.number
    assert f"Version {number} · Approved" in text and f"version {number} ·" in text
    page = personas.client("facilitator").get("/programmes/test-programme/schemes/1/action-plan/").content.decode()
    assert f"{number} · Approved</dd>" in page and f"{number} · {plan.approved_version.label}" in page
    # The approved version's own PDF, from its frozen content: key factors by number and title too.
    version = pdf_text(
        personas.client("facilitator")
        .get(f"/programmes/test-programme/schemes/1/action-plan/versions/{number}/version.pdf")
        .content
    )
    assert f"KF {kf.number} · {kf.title}" in version and "Due: 30 Jun 2027" in version
    assert "Approval Decision Approved · Council decision 2027/14" in text
    assert "Approved by Mentee Tester" in text
    assert "Signatures" not in text


# --- The agenda ----------------------------------------------------------------------

AGENDA_PDF = "/programmes/test-programme/schemes/1/visits/1/agenda.pdf"


def two_day_visit(personas, sessions_per_day, *, title_words=1, people=True):
    import datetime

    from schemes.models import AgendaItem

    visit = personas.a.visits.get(order=1)
    visit.start_date, visit.end_date = datetime.date(2027, 3, 10), datetime.date(2027, 3, 11)
    visit.contact = "Ana Silva, +351 912 345 678"
    visit.save()
    mentee, mentor = personas.users["mentee"], personas.users["mentor"]
    for day in (visit.start_date, visit.end_date):
        for n in range(sessions_per_day):
            session = AgendaItem.objects.create(
                visit=visit,
                day=day,
                start_time=datetime.time(8 + n),
                end_time=datetime.time(8 + n, 45),
                session_type="workshop",
                title=f"Session {day.day}-{n} " + "on welcoming newcomers " * title_words,
                place="Council room",
            )
            if people:
                session.participants.add(mentee, mentor)
    return visit


def pdf_pages(pdf):
    import pypdfium2

    return len(pypdfium2.PdfDocument(pdf))


def test_a_short_two_day_agenda_is_one_page_with_each_days_people_and_contact_once(personas):
    two_day_visit(personas, 3)
    pdf = personas.client("facilitator").get(AGENDA_PDF).content
    text = pdf_text(pdf)
    assert pdf_pages(pdf) == 1  # no forced page per day, no mostly blank pages
    assert text.count("Participants in every session: Mentee Tester, Mentor Tester") == 2  # once a day, not per row
    assert text.count("Contact on the day: Ana Silva, +351 912 345 678") == 2


def test_a_long_two_day_agenda_puts_each_day_on_its_own_page_and_no_blank_page(personas):
    two_day_visit(personas, 7, title_words=4, people=False)
    pdf = personas.client("facilitator").get(AGENDA_PDF).content
    assert pdf_pages(pdf) == 2
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    first, second = text.split("\f")[:2]
    assert "Wednesday 10 March 2027" in first and "Thursday 11 March 2027" not in first
    assert "Thursday 11 March 2027" in second


def test_different_people_per_session_are_listed_with_as_above_for_repeats(personas):
    visit = two_day_visit(personas, 3)
    first = visit.agenda_items.order_by("day", "start_time").first()
    first.participants.remove(personas.users["mentor"])
    text = pdf_text(personas.client("facilitator").get(AGENDA_PDF).content)
    assert "As above" in text and "Participants in every session" in text  # the second day is still all the same


# --- The self-assessment report -----------------------------------------------------


def test_the_self_assessment_report_prints_whole_key_factor_names_legend_and_context_notes(personas):
    from schemes.models import ContextFactorNote, KeyFactorAssessment, SelfAssessment

    benchmark = personas.a.benchmark
    longest = max(benchmark.key_factors.all(), key=lambda kf: len(kf.title))
    assert len(longest.title) > 40  # the name the chart used to cut
    context_factor = benchmark.context_factors.order_by("order").first()
    for city, level in ((personas.mentee_city, 1), (personas.mentor_city, 4)):
        assessment = SelfAssessment.objects.create(scheme=personas.a, city=city, benchmark=benchmark, label="Baseline")
        KeyFactorAssessment.objects.create(
            assessment=assessment, key_factor=longest, level=level, evidence=f"Evidence of {city.name}", focus=True
        )
    ContextFactorNote.objects.create(
        assessment=SelfAssessment.objects.get(city=personas.mentee_city),
        context_factor=context_factor,
        notes="A new mayor since May: integration is a priority again.",
    )
    response = personas.client("observer").get("/programmes/test-programme/schemes/1/self-assessment/report.pdf")
    html = response.content
    text = pdf_text(html)
    assert f"{longest.number}. {longest.title}" in text  # whole, in the chart and the evidence
    assert "…" not in text
    assert "Menteeville" in text and "Mentorburg" in text
    assert f"Context factors noted by Menteeville {context_factor.title}" in text
    assert "A new mayor since May: integration is a priority again." in text


def test_chart_legends_and_key_factor_names_are_not_cut(personas):
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    from schemes.charts import levels_chart

    kf = SimpleNamespace(pk=1, number="N3", title="Coordination and monitoring of integration at neighbourhood level")
    series = [("Menteeville – baseline self-assessment", {1: 2}), ("Menteeville – final self-assessment", {1: 3})]
    svg = render_to_string("charts/levels.html", {"chart": levels_chart([kf], series), "chart_id": "c", "chart_title": "T"})
    assert "Menteeville – baseline self-assessment" in svg and "Menteeville – final self-assessment" in svg
    assert "…" not in svg.split("</svg>")[0]
    svg_text = " ".join(part.split(">")[-1] for part in svg.split("</tspan>")[:-1])
    assert "N3. Coordination and monitoring of integration at neighbourhood level" in " ".join(svg_text.split())


# --- A visual check of every document's first page -----------------------------------

ARTEFACTS = __import__("pathlib").Path(__file__).resolve().parent.parent / "test-artifacts" / "documents"


def every_document(personas):
    """(name, client key, address) of one document of each kind the application prints."""
    from django.urls import reverse

    from schemes.models import GoodPractice, QuestionnaireTemplate
    from schemes.services.action_plans import plan_approve, plan_for, plan_submit

    scheme = "/programmes/test-programme/schemes/1/"
    two_day_visit(personas, 3)
    plan, _kf = drafted_plan(personas)
    plan_submit(plan=plan, user=personas.users["mentee"])
    plan = plan_approve(plan=plan_for(personas.a), user=personas.users["mentee"], decision_reference="2027/14")
    practice = GoodPractice.objects.create(
        programme=personas.programme, city=personas.mentor_city, title="One-stop welcome desk", description="Open daily."
    )
    template = QuestionnaireTemplate.objects.filter(programme__isnull=True).first()
    from schemes.models import KeyFactorAssessment, SelfAssessment

    for city, levels in ((personas.mentee_city, (1, 2, 0)), (personas.mentor_city, (4, 3, 3))):
        assessment = SelfAssessment.objects.create(scheme=personas.a, city=city, benchmark=personas.a.benchmark, label="Baseline")
        for kf, level in zip(personas.a.benchmark.key_factors.order_by("order"), levels, strict=False):
            KeyFactorAssessment.objects.create(assessment=assessment, key_factor=kf, level=level, evidence="Evidence.")
    return [
        ("action_plan", "mentee", scheme + "action-plan/action-plan.pdf"),
        ("action_plan_version", "mentee", scheme + f"action-plan/versions/{plan.approved_version.number}/version.pdf"),
        ("agenda", "facilitator", scheme + "visits/1/agenda.pdf"),
        ("visit_report", "facilitator", scheme + "visits/1/report/report.pdf"),
        ("self_assessment_report", "observer", scheme + "self-assessment/report.pdf"),
        ("needs_analysis", "mentee", scheme + f"needs-analysis/{personas.mentee_city.pk}/document.pdf"),
        ("strengths", "mentor", scheme + f"strengths/{personas.mentor_city.pk}/document.pdf"),
        ("support_group_roster", "mentee", scheme + f"support-groups/{personas.mentee_city.pk}/roster.pdf"),
        ("closing_report", "coordinator", scheme + "closing/report.pdf"),
        ("programme_report", "coordinator", "/programmes/test-programme/report.pdf"),
        ("good_practice", "mentor", f"/programmes/test-programme/good-practices/{practice.pk}/document.pdf"),
        ("template_blank", "coordinator", f"/programmes/test-programme/templates/{template.pk}/blank.pdf"),
        ("training_key_points", "mentee", "/programmes/test-programme/training/key-points.pdf"),
        (
            "benchmark_booklet",
            "mentee",
            reverse("benchmarks:booklet", kwargs={"slug": "implementoring-theme-cd", "number": 1}),
        ),
    ]


def test_every_documents_first_page_is_saved_as_a_png_with_its_header(personas):
    import pypdfium2

    brand(
        personas,
        logo=upload("logo.png", png_bytes((10, 61, 145), (240, 80))),
        emblem=upload("eu.png", png_bytes((0, 51, 153), (90, 60))),
        funding_line="Funded by the Asylum, Migration and Integration Fund",
    )
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, who, address in every_document(personas):
        response = personas.client(who).get(address)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", (name, response.status_code)
        page = pypdfium2.PdfDocument(response.content)[0]
        picture = page.render(scale=1.5).to_pil()
        path = ARTEFACTS / f"{name}.png"
        picture.save(path)
        image = picture.convert("L")
        saved.append(path.name)
        # The header area (the top quarter) is not blank: the logo, the title.
        header = image.crop((0, 0, image.width, image.height // 4))
        assert header.getextrema()[0] < 128, f"{name}: the top of the first page is blank"
        if name != "benchmark_booklet":  # a benchmark is the network's, not a programme's
            assert "Funded by the Asylum, Migration and Integration Fund" in pdf_text(response.content), name
            assert pdf_images(response.content) >= 2, name
    assert len(saved) == 14


# --- Small things that made it look unfinished --------------------------------------


def test_an_organisation_without_figures_shows_a_dash_not_none(personas):
    client = personas.client("coordinator")
    detail = client.get(f"/programmes/test-programme/organisations/{personas.mentee_city.pk}/").content.decode()
    listing = client.get("/programmes/test-programme/organisations/").content.decode()
    assert "None" not in detail and "None" not in listing
    assert 'Inhabitants</dt><dd class="col-sm-8">–</dd>' in detail


def test_the_second_round_is_called_round_2(personas):
    from django.utils import timezone

    from schemes.models import SelfAssessment
    from schemes.services.self_assessment import round_start

    baseline = SelfAssessment.objects.create(
        scheme=personas.a,
        city=personas.mentee_city,
        benchmark=personas.a.benchmark,
        label="Baseline",
        submitted_at=timezone.now(),
    )
    second = round_start(scheme=personas.a, city=personas.mentee_city, previous=baseline, actor=personas.users["mentee"])
    assert second.round == 2 and second.name == "Round 2"


def test_an_approved_plan_no_longer_offers_to_freeze_a_version(personas):
    from schemes.services.action_plans import plan_approve, plan_for, plan_submit

    plan, _kf = drafted_plan(personas)
    page = personas.client("facilitator").get("/programmes/test-programme/schemes/1/action-plan/").content.decode()
    assert "Freeze this version" in page
    plan_submit(plan=plan, user=personas.users["mentee"])
    plan_approve(plan=plan_for(personas.a), user=personas.users["mentee"], decision_reference="2027/14")
    page = personas.client("facilitator").get("/programmes/test-programme/schemes/1/action-plan/").content.decode()
    assert "Freeze this version" not in page


def test_every_page_has_a_favicon(personas, client):
    from django.contrib.staticfiles import finders

    assert finders.find("img/favicon.svg")
    assert 'rel="icon" href="/static/img/favicon.svg"' in personas.client("mentee").get("/programmes/").content.decode()
    assert 'rel="icon"' in client.get("/no-such-page/").content.decode()


def test_the_needs_analysis_version_is_the_submitted_versions_number_not_a_count_of_saves(personas):
    from django.utils import timezone

    from schemes.models import QuestionnaireTemplate, Response, ResponseSubmission

    template = QuestionnaireTemplate.objects.filter(kind="needs_analysis").first()
    response = Response.objects.create(template=template, scheme=personas.a, organisation=personas.mentee_city, version=8)
    assert response.shown_version == 1  # a draft: the version it will be submitted as
    ResponseSubmission.objects.create(response=response, number=1, submitted_at=timezone.now())
    response = Response.objects.get(pk=response.pk)
    response.status = "submitted"
    assert response.shown_version == 1  # "Version 1, submitted on ...", as the overview lists it
    response = Response.objects.get(pk=response.pk)  # reopened: a draft of version 2
    assert response.shown_version == 2


def test_a_scheme_of_three_cities_shows_each_citys_movement(personas):
    from django.utils import timezone

    from schemes.models import KeyFactorAssessment, Organisation, SchemeParty, SelfAssessment

    third = Organisation.objects.create(kind="city", name="Thirdham", country="BE")
    SchemeParty.objects.create(scheme=personas.a, organisation=third, side="mentee", order=5)
    benchmark = personas.a.benchmark
    kf = benchmark.key_factors.order_by("order").first()
    for city in (personas.mentee_city, personas.mentor_city, third):
        for number, level in ((1, 1), (2, 3)):
            assessment = SelfAssessment.objects.create(
                scheme=personas.a,
                city=city,
                benchmark=benchmark,
                round=number,
                label="Baseline" if number == 1 else "Round 2",
                submitted_at=timezone.now(),
            )
            KeyFactorAssessment.objects.create(assessment=assessment, key_factor=kf, level=level)
    page = personas.client("observer").get("/programmes/test-programme/schemes/1/self-assessment/").content.decode()
    assert "How far they moved" in page
    for city in ("Menteeville", "Mentorburg", "Thirdham"):
        assert f"{city}: baseline and latest round" in page
    assert 'id="progress-chart-3-title"' in page or "progress-chart-3" in page
    text = pdf_text(personas.client("observer").get("/programmes/test-programme/schemes/1/self-assessment/report.pdf").content)
    assert "How far they moved" in text and "Thirdham: baseline and latest round" in text


def test_the_edit_page_previews_the_stored_logo_without_a_link_and_can_remove_it(personas):
    programme = brand(personas, logo=upload("logo.png", png_bytes()))
    client = personas.client("coordinator")
    page = client.get(EDIT).content.decode()
    assert 'src="data:image/png;base64,' in page and programme.logo.name not in page  # no address of the stored file
    assert "Remove the logo" in page and "Remove the emblem" not in page
    assert client.post(EDIT, edit_data(client, logo_remove="on")).status_code == 302
    assert not Programme.objects.get(pk=programme.pk).logo


def test_where_the_cities_stand_shows_every_city_of_a_large_scheme(personas):
    """Five cities with a round each: all five in the chart's legend and its table (the
    chart kept four, without a word)."""
    from django.utils import timezone

    from schemes.models import KeyFactorAssessment, Organisation, SchemeParty, SelfAssessment

    benchmark = personas.a.benchmark
    kf = benchmark.key_factors.order_by("order").first()
    cities = [personas.mentee_city, personas.mentor_city]
    for index, name in enumerate(("Thirdham", "Fourthby", "Fifthwick")):
        city = Organisation.objects.create(kind="city", name=name, country="BE")
        SchemeParty.objects.create(scheme=personas.a, organisation=city, side="mentee", order=5 + index)
        cities.append(city)
    for city in cities:
        assessment = SelfAssessment.objects.create(
            scheme=personas.a, city=city, benchmark=benchmark, round=1, label="Baseline", submitted_at=timezone.now()
        )
        KeyFactorAssessment.objects.create(assessment=assessment, key_factor=kf, level=2)
    page = personas.client("observer").get("/programmes/test-programme/schemes/1/self-assessment/").content.decode()
    legend = re.findall(r'<text x="14" y="9" fill="#111">([^<]+)</text>', page)
    for name in ("Menteeville", "Mentorburg", "Thirdham", "Fourthby", "Fifthwick"):
        assert sum(name in entry for entry in legend) >= 1, (name, legend)
    # Five bars for the key factor, each in its own style.
    styles = set(
        re.findall(
            r'<rect x="\d+" y="\d+" width="\d+" height="\d+" fill="(#[0-9a-f]{6})"(?: fill-opacity="0.6" stroke="#000" stroke-width="0.6" stroke-dasharray="([^"]+)")?>',
            page,
        )
    )
    assert len(styles) >= 5, styles
