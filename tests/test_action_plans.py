"""The action plan (Annex 6): drafting with needs and focus key factors, versions frozen
after visits and compared, submission and approval (then read-only), implementation,
and the exports."""

import csv
import datetime
import io
import re
import subprocess

import pytest
from django.utils import formats, timezone
from django.utils.formats import date_format
from django.utils.html import escape
from openpyxl import load_workbook

from schemes.models import Action, ActionPlan, Need

from .test_attachments_more import add

PLAN = "/programmes/test-programme/schemes/1/action-plan/"


def action_data(text, **change):
    data = {
        "action": text,
        "outcomes": "",
        "timeframe": "2027",
        "due_date": "",
        "lead": "Integration office",
        "resources": "",
        "evaluation": "",
        "seen_version": "",
    }
    data.update(change)
    return data


def update(action, **fields):
    return {f"update-{action.pk}-{name}": value for name, value in fields.items()}


@pytest.fixture
def drafted(personas):
    """Scheme A focuses on two key factors; the mentee lists two needs and two actions."""
    scheme = personas.a
    kf1, kf2 = scheme.benchmark.key_factors.order_by("order")[:2]
    scheme.focus_key_factors.add(kf1, kf2)
    mentee = personas.client("mentee")
    assert mentee.get(PLAN).status_code == 200  # reading creates nothing: the needs below create the plan
    response = mentee.post(
        PLAN + "needs/",
        {
            "needs-TOTAL_FORMS": "2",
            "needs-INITIAL_FORMS": "0",
            "needs-MIN_NUM_FORMS": "0",
            "needs-MAX_NUM_FORMS": "1000",
            "needs-0-text": "Newcomers do not find the services",
            "needs-0-ORDER": "1",
            "needs-1-text": "Staff lack intercultural skills",
            "needs-1-ORDER": "2",
        },
    )
    assert response.status_code == 302
    plan = ActionPlan.objects.get(scheme=scheme)
    first_need, second_need = plan.needs.order_by("order")
    response = mentee.post(
        PLAN + "actions/new/",
        action_data(
            "Open a one-stop welcome desk",
            key_factors=[str(kf1.pk)],
            needs=[str(first_need.pk)],
            due_date="2027-06-30",
            outcomes="Newcomers served in one place",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    mentee.post(PLAN + "actions/new/", action_data("Train front-desk staff"))
    return plan, (kf1, kf2), (first_need, second_need)


def test_the_plan_traces_actions_to_focus_key_factors_and_needs(personas, drafted):
    plan, (kf1, kf2), (need1, need2) = drafted
    page = personas.client("mentee").get(PLAN).content.decode()
    assert "Not addressed by any action yet" in page
    assert f"Focus key factor {kf2.number}: {escape(kf2.title)}" in page and f"Focus key factor {kf1.number}:" not in page
    assert "Need: Staff lack intercultural skills" in page and "Need: Newcomers do not find" not in page
    # Linking the second action to the rest clears the warning.
    mentee = personas.client("mentee")
    second = plan.actions.get(action="Train front-desk staff")
    url = f"{PLAN}actions/{second.pk}/"
    seen = mentee.get(url).context["form"]["seen_version"].value()
    mentee.post(url, action_data("Train front-desk staff", key_factors=[str(kf2.pk)], needs=[str(need2.pk)], seen_version=seen))
    assert "Not addressed by any action yet" not in mentee.get(PLAN).content.decode()
    # Reordered with the buttons.
    mentee.post(f"{PLAN}actions/{second.pk}/move/", {"direction": "up"})
    assert list(plan.actions.order_by("order").values_list("action", flat=True)) == [
        "Train front-desk staff",
        "Open a one-stop welcome desk",
    ]


def test_versions_are_frozen_after_visits_and_compared_field_by_field(personas, drafted):
    plan, _kfs, _needs = drafted
    facilitator = personas.client("facilitator")
    visit1 = personas.a.visits.get(order=1)
    assert (
        facilitator.post(PLAN + "versions/freeze/", {"label": "Draft after visit 1", "visit": str(visit1.pk)}).status_code == 302
    )
    # The same label again is refused on the versions page, with what was typed kept and
    # the error linked from the summary; nothing frozen.
    response = facilitator.post(PLAN + "versions/freeze/", {"label": "draft after visit 1", "visit": str(visit1.pk)})
    page = response.content.decode()
    assert response.status_code == 200 and "already called" in page and plan.versions.count() == 1
    assert 'class="alert alert-danger error-summary"' in page and 'href="#id_label"' in page
    assert 'value="draft after visit 1"' in page and f'<option value="{visit1.pk}" selected>' in page
    # An empty label: the same.
    response = facilitator.post(PLAN + "versions/freeze/", {"label": ""})
    assert response.status_code == 200 and 'href="#id_label"' in response.content.decode() and plan.versions.count() == 1

    mentee = personas.client("mentee")
    desk = plan.actions.get(action="Open a one-stop welcome desk")
    url = f"{PLAN}actions/{desk.pk}/"
    form = mentee.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, [])}
    data.update(action="Open a one-stop welcome desk in the town hall", lead="Mayor's office")
    assert mentee.post(url, data).status_code == 302
    mentee.post(f"{PLAN}actions/{plan.actions.get(action='Train front-desk staff').pk}/delete/", {"confirmed": "1"})
    mentee.post(PLAN + "actions/new/", action_data("Publish a newcomers' guide"))
    facilitator.post(PLAN + "versions/freeze/", {"label": "Draft after visit 2"})

    page = facilitator.get(PLAN + "compare/?from=1&to=2")
    changes = {(c.status, c.title) for c in page.context["changes"]}
    assert changes == {
        ("reworded", "Open a one-stop welcome desk in the town hall"),
        ("removed", "Train front-desk staff"),
        ("added", "Publish a newcomers' guide"),
    }
    changed = next(c for c in page.context["changes"] if c.status == "reworded")
    assert {d.field for d in changed.diffs} == {"action", "lead"}
    lead = next(d for d in changed.diffs if d.field == "lead")
    assert (lead.old, lead.new) == ("Integration office", "Mayor's office")
    assert "<ins>" in page.content.decode()
    # The frozen version still reads as it was.
    assert "Train front-desk staff" in facilitator.get(PLAN + "versions/1/").content.decode()
    assert facilitator.get(PLAN + "compare/?from=9").status_code == 400


def test_a_version_is_frozen_when_a_visit_is_recorded_as_held(personas, drafted):
    plan, _kfs, _needs = drafted
    facilitator = personas.client("facilitator")
    url = "/programmes/test-programme/schemes/1/visits/2/record/"
    seen = facilitator.get(url).context["form"]["seen_version"].value()
    data = {"status": "held", "notes": "", "outcomes": "Inspiring.", "next_steps": "", "seen_version": seen}
    response = facilitator.post(url, data, follow=True)
    assert "frozen as “Draft after visit 2”" in response.content.decode()
    version = plan.versions.get()
    assert version.label == "Draft after visit 2" and version.visit.order == 2 and len(version.snapshot["actions"]) == 2
    # Saving the record again freezes nothing more.
    data["seen_version"] = facilitator.get(url).context["form"]["seen_version"].value()
    facilitator.post(url, data)
    assert plan.versions.count() == 1


def test_the_names_the_application_gives_versions_are_said_in_the_readers_language(personas, drafted):
    from schemes.models import ActionPlanVersion

    plan, _kfs, _needs = drafted
    # An Italian facilitator records the visit, an Italian officer submits the plan, twice.
    facilitator, mentee = personas.client("facilitator"), personas.client("mentee")
    facilitator.cookies["django_language"] = mentee.cookies["django_language"] = "it"
    url = "/programmes/test-programme/schemes/1/visits/2/record/"
    seen = facilitator.get(url).context["form"]["seen_version"].value()
    facilitator.post(url, {"status": "held", "notes": "", "outcomes": "Utile.", "next_steps": "", "seen_version": seen})
    assert mentee.post(PLAN + "submit/", {"confirmed": "1"}).status_code == 302
    facilitator.post(PLAN + "reopen/", {"confirmed": "1"})
    # Submitted again by an English officer: the plan has its final version already, in
    # Italian, so this one is dated, not a second "Final version".
    mentee.cookies["django_language"] = "en"
    assert mentee.post(PLAN + "submit/", {"confirmed": "1"}).status_code == 302
    facilitator.post(PLAN + "versions/freeze/", {"label": "Bozza di giugno"})
    labels = list(plan.versions.order_by("number").values_list("label", flat=True))
    assert labels[:2] == ["Bozza dopo la visita 2", "Versione definitiva"] and labels[3] == "Bozza di giugno"
    assert labels[2].startswith("Final version (")
    # Nor can a person give a version the name the application gave another, as they read it.
    facilitator.cookies["django_language"] = "en"
    refused = facilitator.post(PLAN + "versions/freeze/", {"label": "Draft after visit 2"})
    assert refused.status_code == 200 and plan.versions.count() == 4
    assert "A version of this plan is already called" in refused.content.decode()
    # Read in English and in French: the application's names in the reader's words; the
    # name a person gave, as written.
    mentor = personas.client("mentor")
    english = mentor.get(PLAN + "versions/").content.decode()
    assert "1 · Draft after visit 2" in english and "2 · Final version<" in english
    dated = ActionPlanVersion.objects.get(plan=plan, number=3)
    assert f"3 · Final version ({date_format(dated.created_at.date(), 'DATE_FORMAT')})" in english
    assert "4 · Bozza di giugno" in english and "Versione" not in english and "visita" not in english
    assert "Bozza di giugno" in mentor.get(PLAN).content.decode()  # the latest, on the plan's page
    # The scheme's recent changes say the names in the reader's language too.
    changes = mentor.get("/programmes/test-programme/schemes/1/").content.decode()
    assert "the version “Draft after visit 2”" in changes and "Bozza dopo" not in changes
    mentor.cookies["django_language"] = "fr"
    french = mentor.get(PLAN + "versions/").content.decode()
    assert "1 · Brouillon après la visite 2" in french and "2 · Version finale<" in french
    assert "Brouillon après la visite 2" in mentor.get(PLAN + "versions/1/").content.decode()
    plan.versions.filter(number=4).delete()
    assert "Version finale (" in mentor.get(PLAN).content.decode()


def test_versions_named_before_in_any_language_are_read_as_their_names(personas, drafted):
    import importlib

    from django.apps import apps

    from schemes.models import ActionPlanVersion

    plan, _kfs, _needs = drafted
    migration = importlib.import_module("schemes.migrations.0036_names_said_in_the_readers_language")
    approved = timezone.make_aware(datetime.datetime(2027, 3, 4, 10))
    labels = [
        "Bozza dopo la visita 1",
        "Melnraksts pēc 2. vizītes",
        "Versione definitiva",
        "Bozza di giugno",
        "Versione definitiva (7 dicembre 2026) (2)",
        "Genehmigte Version 1 (genehmigt am 4. März 2027)",
    ]
    for number, label in enumerate(labels, 1):
        ActionPlanVersion.objects.create(
            plan=plan,
            number=number,
            label=label,
            snapshot={"actions": [], "needs": []},
            approved_at=approved if number == 6 else None,
        )
    migration.names_as_messages(apps, None)
    versions = plan.versions.order_by("number")
    frozen_on = date_format(timezone.localdate(), "DATE_FORMAT")
    assert [v.name for v in versions] == [
        "Draft after visit 1",
        "Draft after visit 2",
        "Final version",
        "Bozza di giugno",
        f"Final version ({frozen_on}) (2)",  # dated the day it was frozen
        "Approved version 1 (approved on 4 Mar 2027)",
    ]
    assert [v.label for v in versions][:2] == ["Bozza dopo la visita 1", "Melnraksts pēc 2. vizītes"]  # kept apart as before


def test_submitted_then_approved_the_plan_no_longer_changes(personas, drafted):
    plan, _kfs, _needs = drafted
    mentee, facilitator = personas.client("mentee"), personas.client("facilitator")
    desk = plan.actions.get(action="Open a one-stop welcome desk")
    assert personas.client("mentor").post(PLAN + "submit/", {"confirmed": "1"}).status_code == 403  # the mentee submits
    assert mentee.post(PLAN + "submit/", {"confirmed": "1"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "submitted" and plan.versions.get(is_final=True).label == "Final version"
    # Submitted: edits refused until a facilitator reopens it.
    response = mentee.post(f"{PLAN}actions/{desk.pk}/", action_data("Changed"), follow=True)
    assert "no longer changes" in response.content.decode()
    facilitator.post(PLAN + "reopen/")
    plan.refresh_from_db()
    assert plan.status == "draft"
    mentee.post(PLAN + "submit/", {"confirmed": "1"})
    # Approval needs the decision reference; the facilitator may not approve.
    assert facilitator.post(PLAN + "approve/", {"confirmed": "1", "decision_reference": "Council 2027/14"}).status_code == 403
    response = mentee.post(PLAN + "approve/", {"confirmed": "1", "decision_reference": ""}, follow=True)
    assert "Give the reference of the formal decision" in response.content.decode()
    mentee.post(PLAN + "approve/", {"confirmed": "1", "decision_reference": "Council decision 2027/14"})
    plan.refresh_from_db()
    assert (
        plan.status == "approved"
        and plan.approved_by == personas.users["mentee"]
        and plan.decision_reference == "Council decision 2027/14"
    )
    before = list(plan.actions.values_list("action", "order"))
    for url, data in [
        (f"{PLAN}actions/{desk.pk}/", action_data("Changed after approval")),
        (f"{PLAN}actions/new/", action_data("New after approval")),
        (f"{PLAN}actions/{desk.pk}/move/", {"direction": "down"}),
        (f"{PLAN}actions/{desk.pk}/delete/", {}),
        (f"{PLAN}needs/", {}),
        (f"{PLAN}submit/", {}),
        (f"{PLAN}reopen/", {}),
    ]:
        client = facilitator if url.endswith("reopen/") else mentee
        response = client.post(url, data, follow=True)
        assert "no longer changes" in response.content.decode(), url
    assert list(plan.actions.values_list("action", "order")) == before
    assert ActionPlan.objects.get(pk=plan.pk).status == "approved"


def test_a_plan_submitted_three_times_in_a_day_keeps_three_final_versions(personas, drafted):
    """Submitted, reopened and submitted again the same day: each final version has a
    label of its own (the label is unique in the plan), never an error page."""
    plan, _kfs, _needs = drafted
    mentee, facilitator = personas.client("mentee"), personas.client("facilitator")
    for round_ in range(3):
        if round_:
            assert facilitator.post(PLAN + "reopen/").status_code == 302
        assert mentee.post(PLAN + "submit/", {"confirmed": "1"}).status_code == 302
    today = formats.date_format(timezone.localdate(), "DATE_FORMAT")  # 5 Dec 2026
    labels = list(plan.versions.filter(is_final=True).order_by("number").values_list("label", flat=True))
    assert labels == ["Final version", f"Final version ({today})", f"Final version ({today}) (2)"]


def approve(mentee):
    """The mentee city submits the plan and records its approval."""
    mentee.post(PLAN + "submit/", {"confirmed": "1"})
    mentee.post(PLAN + "approve/", {"confirmed": "1", "decision_reference": "2027/14"})


def test_implementation_is_tracked_with_updates_overdue_flags_and_mentor_comments(personas, drafted):
    plan, _kfs, _needs = drafted
    mentee = personas.client("mentee")
    approve(mentee)
    desk = plan.actions.get(action="Open a one-stop welcome desk")
    Action.objects.filter(pk=desk.pk).update(due_date=datetime.date(2020, 1, 31))
    page = mentee.get(PLAN).content.decode()
    assert "Overdue" in page and "1 overdue" in page
    response = mentee.post(
        f"{PLAN}actions/{desk.pk}/updates/new/",
        update(desk, date="2027-05-01", status="in_progress", progress="40", text="Desk staffed two days a week."),
    )
    assert response.status_code == 302
    desk.refresh_from_db()
    assert (desk.status, desk.progress) == ("in_progress", 40)
    bad = mentee.post(
        f"{PLAN}actions/{desk.pk}/updates/new/", update(desk, date="2027-05-02", status="done", progress="140", text="x")
    )
    assert bad.status_code == 200 and "less than or equal to 100" in bad.content.decode()
    assert personas.client("mentor").post(f"{PLAN}actions/{desk.pk}/updates/new/", {}).status_code == 403
    assert (
        personas.client("mentor")
        .post(f"{PLAN}actions/{desk.pk}/comments/new/", {f"comment-{desk.pk}-text": "Open on Saturdays too?"})
        .status_code
        == 302
    )
    mentee.post(
        f"{PLAN}actions/{desk.pk}/updates/new/",
        update(desk, date="2027-06-01", status="done", progress="100", text="Open every day."),
    )
    page = mentee.get(PLAN).content.decode()
    assert "Open on Saturdays too?" in page and "0 overdue" in page and "Desk staffed two days a week." in page
    # The scheme page: the plan's progress at a glance (the desk done, the training not started).
    scheme_page = mentee.get("/programmes/test-programme/schemes/1/").content.decode()
    assert "2 actions · 50 % done on average" in scheme_page and "overdue" not in scheme_page and 'value="50"' in scheme_page


def test_bad_cells_are_refused_with_the_text_kept(personas, drafted):
    plan, _kfs, _needs = drafted
    mentee = personas.client("mentee")
    other_need = Need.objects.create(plan=ActionPlan.objects.create(scheme=personas.b, title="B"), text="Other scheme's need")
    other_kf = personas.a.benchmark.key_factors.order_by("order")[5]
    words = " ".join(["integration"] * 5000)
    cases = [
        (action_data(words), "at most 20000 characters"),
        (action_data(""), "This field is required."),
        (action_data("Valid", needs=[str(other_need.pk)]), "Select a valid choice"),
        (action_data("Valid", key_factors=[str(other_kf.pk)]), "Select a valid choice"),
        (action_data("Valid", due_date="soon"), "Enter a valid date."),
    ]
    for data, message in cases:
        response = mentee.post(PLAN + "actions/new/", data)
        assert response.status_code == 200 and message in response.content.decode(), message
    assert words[:200] in mentee.post(PLAN + "actions/new/", action_data(words)).content.decode()
    assert plan.actions.count() == 2


def test_exports_csv_xlsx_and_a_landscape_pdf_with_the_header_on_every_page(personas, drafted):
    plan, _kfs, _needs = drafted
    mentee = personas.client("mentee")
    mentee.post(PLAN + "actions/new/", action_data('=HYPERLINK("http://example.com")'))
    for n in range(40):
        Action.objects.create(plan=plan, order=10 + n, action=f"Action {n} " + "with a long description " * 8, lead="Team")
    rows = list(csv.reader(io.StringIO(mentee.get(PLAN + "actions.csv").content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["No.", "Actions", "Outcomes"] and rows[1][1] == "Open a one-stop welcome desk"
    assert rows[3][1].startswith("'=HYPERLINK")  # a formula is quoted, not run
    book = load_workbook(io.BytesIO(mentee.get(PLAN + "actions.xlsx").content))
    sheet = book.active
    assert sheet["B2"].value == "Open a one-stop welcome desk" and sheet.max_row == 1 + 43
    pdf = mentee.get(PLAN + "action-plan.pdf").content
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "841.89 x 595.2" in info  # A4 landscape
    pages = (
        subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split("\f")
    )
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 2
    for page in pages:
        assert "Outcomes" in page and "Timeframe" in page  # the repeated header


def test_the_plan_page_offers_each_reader_the_forms_they_may_use_and_no_others(personas, drafted):
    plan, _kfs, _needs = drafted
    desk = plan.actions.get(action="Open a one-stop welcome desk")
    record, comment = f'name="update-{desk.pk}-text"', f'name="comment-{desk.pk}-text"'
    open_record, open_comment = f'href="?record={desk.pk}#record-{desk.pk}"', f'href="?comment={desk.pk}#comment-{desk.pk}"'
    mentee, mentor = personas.client("mentee"), personas.client("mentor")
    # A draft: nothing to record nor to comment yet, even when asked for.
    for reader in (mentee, mentor):
        page = reader.get(f"{PLAN}?record={desk.pk}&comment={desk.pk}").content.decode()
        assert record not in page and comment not in page and open_record not in page and open_comment not in page
    approve(mentee)
    # Approved: each action offers the mentee city a link that opens its "Record progress"
    # form under it, and the mentor side one that opens a comment; never both, and the
    # page carries only the form opened.
    page = mentee.get(PLAN).content.decode()
    assert open_record in page and open_comment not in page and record not in page
    page = mentee.get(f"{PLAN}?record={desk.pk}&comment={desk.pk}").content.decode()
    assert record in page and comment not in page
    assert re.findall(r'name="update-(\d+)-text"', page) == [str(desk.pk)]  # one form: the one opened
    page = mentor.get(PLAN).content.decode()
    assert open_comment in page and open_record not in page and comment not in page
    page = mentor.get(f"{PLAN}?comment={desk.pk}&record={desk.pk}").content.decode()
    assert comment in page and record not in page and 'id="mention-people"' in page
    # Anything else asked for opens nothing: another scheme's action, words, a huge number.
    other = Action.objects.exclude(plan=plan).first()
    for value in [other.pk if other else 999999, "desk", "9" * 5000, "-1", "٣"]:
        page = mentor.get(PLAN, {"comment": value}).content.decode()
        assert 'name="comment-' not in page and 'id="mention-people"' not in page


def test_an_updates_upload_form_opens_under_it_when_asked_for(personas, drafted):
    plan, _kfs, _needs = drafted
    mentee = personas.client("mentee")
    approve(mentee)
    desk = plan.actions.get(action="Open a one-stop welcome desk")
    mentee.post(
        f"{PLAN}actions/{desk.pk}/updates/new/",
        update(desk, date="2027-05-01", status="in_progress", progress="40", text="Desk staffed."),
    )
    done = desk.updates.get()
    field = f'id="attachment-file-update-{done.pk}"'
    page = mentee.get(PLAN).content.decode()
    assert f'href="?attach={done.pk}#attachments-update-{done.pk}"' in page and field not in page
    page = mentee.get(PLAN, {"attach": done.pk}).content.decode()
    assert field in page and '<details class="small" open>' in page
    # Once it holds a file, its list shows under it, and its upload form opens only when asked for.
    assert add(mentee, "update", done.pk).status_code == 302
    page = mentee.get(PLAN).content.decode()
    assert "proof.pdf" in page and field in page and '<details class="small" open>' not in page
    # The mentor side reads the update, and has no upload form to open.
    page = personas.client("mentor").get(PLAN, {"attach": done.pk}).content.decode()
    assert "Desk staffed." in page and field not in page
    assert 'href="?attach=' not in page


def test_plan_page_keeps_its_query_count_as_actions_grow(personas, drafted, django_assert_max_num_queries):
    plan, (kf1, kf2), (need1, need2) = drafted
    mentee = personas.client("mentee")
    urls = [PLAN, PLAN + "compare/", PLAN + "actions.csv", PLAN + "action-plan.pdf", "/programmes/test-programme/schemes/1/"]
    counts = {}
    for url in urls:
        # The plan page reads the actions with their key factors, needs, updates and
        # comments, the needs, the focus, the versions and the visits: 15 + 4 of the session.
        with django_assert_max_num_queries(19 if url == PLAN else 15) as queries:
            assert mentee.get(url).status_code == 200, url
        counts[url] = len(queries.captured_queries)
    for n in range(50):
        action = Action.objects.create(plan=plan, order=10 + n, action=f"Action {n}")
        action.key_factors.add(kf1, kf2)
        action.needs.add(need1)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert mentee.get(url).status_code == 200, url


def test_an_approved_plan_reads_well_after_its_approver_left(personas, drafted):
    """The approver's and authors' accounts may be deleted (the links are then empty):
    the plan page says so instead of failing."""
    mentee = personas.client("mentee")
    approve(mentee)
    action = Action.objects.filter(plan__scheme=personas.a).first()
    mentee.post(
        f"{PLAN}actions/{action.pk}/updates/new/",
        update(action, date="2027-05-01", status="in_progress", progress="40", text="Staffed."),
    )
    ActionPlan.objects.filter(scheme=personas.a).update(approved_by=None)
    action.updates.update(author=None)
    page = personas.client("facilitator").get(PLAN)
    assert page.status_code == 200
    text = page.content.decode()
    assert "a person no longer registered · decision 2027/14" in text
    assert 'Staffed.</span> <span class="text-body-secondary">(a person no longer registered)' in text


def _pdf_pages(pdf):
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


def test_a_long_plan_reads_as_one_document(personas, drafted, tmp_path):
    """A plan of 60 actions, laid out in one piece: every action once, in order and
    numbered; the header once; the running header, the table header and "page / pages" on
    every page; tagged for screen readers, in the plan's language."""
    plan, _kfs, _needs = drafted
    for n in range(3, 61):
        Action.objects.create(plan=plan, order=n, action=f"Marker{n:03d} " + "a long description of the action " * 6, lead="Team")
    pdf = personas.client("mentee").get(PLAN + "action-plan.pdf").content
    pages = _pdf_pages(pdf)
    assert len(pages) >= 4
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"\b{number}\s*/\s*{len(pages)}$", page.strip().splitlines()[-1])  # bottom right, over the whole
        assert "Test Programme · Scheme A · Action plan" in page.splitlines()[0]  # the running header
        if "Marker" in page:
            assert "Outcomes" in page and "Timeframe" in page  # the table header
    # After the table, the lines for the cities' signatures (issue 26), kept whole.
    assert "Signatures" in pages[-1] and "Menteeville" in pages[-1] and "Mentorburg" in pages[-1]
    text = "\f".join(pages)
    markers = [int(m) for m in re.findall(r"Marker(\d{3})", text)]
    assert markers == list(range(3, 61))  # each action once, in order
    assert re.search(r"\b60\s+Marker060", text)
    assert text.count("Mentor ") == 1  # the plan header once
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info) and f"Pages:           {len(pages)}" in info


def test_an_unchanged_plan_is_served_from_the_document_cache(personas, drafted, settings, monkeypatch):
    from django.core.cache import caches

    from mentoring import documents

    caches["documents"].clear()
    made = []
    real = documents.render_within_limits
    monkeypatch.setattr(documents, "render_within_limits", lambda html: made.append(html) or real(html))
    plan, _kfs, _needs = drafted
    mentee = personas.client("mentee")
    first = mentee.get(PLAN + "action-plan.pdf").content
    assert len(made) == 1
    assert mentee.get(PLAN + "action-plan.pdf").content == first and len(made) == 1  # not made again
    assert personas.client("coordinator").get(PLAN + "action-plan.pdf").content == first and len(made) == 1
    action = plan.actions.order_by("order").first()
    url = PLAN + f"actions/{action.pk}/"
    seen = mentee.get(url).context["form"]["seen_version"].value()
    response = mentee.post(url, action_data("Townhalldesk", seen_version=seen))
    assert response.status_code == 302
    changed = mentee.get(PLAN + "action-plan.pdf").content
    assert len(made) == 2 and changed != first
    assert "Townhalldesk" in _pdf_pages(changed)[0] and "Townhalldesk" not in _pdf_pages(first)[0]
