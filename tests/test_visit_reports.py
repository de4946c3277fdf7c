"""The report after a visit (seed 002): the mentor side and the facilitators write key
challenges, risks and recommendations, tied to the scheme's key factors and needs; the
mentee city responds to each; the report prints as a PDF; a recommendation becomes a
draft action of the plan, once, and the plan says where it came from."""

import subprocess

import pytest
from django.utils.html import escape

from benchmarks.models import KeyFactor
from mentoring.models import LogEntry
from schemes.models import Action, ActionPlanStatus, Need, VisitReportItem
from schemes.services.action_plans import plan_get_or_create

SCHEME = "/programmes/test-programme/schemes/1/"
REPORT = SCHEME + "visits/1/report/"
NEW = REPORT + "items/new/"


def item_url(item, what):
    return f"{REPORT}items/{item.pk}/{what}/"


def item_data(client=None, url=NEW, **change):
    data = {"kind": "recommendation", "text": "Open a one-stop welcome desk.", "key_factor": "", "need": "", "seen_version": ""}
    if client is not None:
        form = client.get(url).context["form"]
        data["seen_version"] = form["seen_version"].value()
        if "submission" in form.fields:
            data["submission"] = form["submission"].value()
    data.update(change)
    return data


@pytest.fixture
def report(personas):
    """Scheme A's plan with two needs, and the report of visit 1 with a challenge tied to a
    key factor and a recommendation tied to a need, written by the mentor."""
    plan = plan_get_or_create(scheme=personas.a)
    needs = [Need.objects.create(plan=plan, order=i, text=text) for i, text in enumerate(["Language courses", "Housing"])]
    key_factor = personas.a.benchmark.key_factors.order_by("order").first()
    mentor = personas.client("mentor")
    assert (
        mentor.post(NEW, item_data(kind="challenge", text="Services are scattered.", key_factor=key_factor.pk)).status_code == 302
    )
    assert mentor.post(NEW, item_data(text="Open a one-stop welcome desk.", need=needs[0].pk)).status_code == 302
    visit = personas.a.visits.get(order=1)
    challenge, recommendation = visit.report_items.order_by("id")
    return {
        "visit": visit,
        "plan": plan,
        "needs": needs,
        "key_factor": key_factor,
        "challenge": challenge,
        "recommendation": recommendation,
    }


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def test_the_visit_page_links_to_its_report(personas):
    page = personas.client("observer").get(SCHEME + "visits/1/").content.decode()
    assert f'href="{REPORT}"' in page and "Visit report" in page


def test_mentor_and_facilitator_write_everyone_of_the_scheme_reads(personas, report):
    facilitator = personas.client("facilitator")
    response = facilitator.post(NEW, item_data(kind="risk", text="Funding ends in 2028."), follow=True)
    assert "Saved in the report." in response.content.decode()
    for role in ("mentee", "association", "observer", "coordinator", "mentor"):
        page = personas.client(role).get(REPORT).content.decode()
        assert "Services are scattered." in page and "Open a one-stop welcome desk." in page and "Funding ends in 2028." in page
        assert "Key challenge" in page and "Risk" in page and "Recommendation" in page
        assert escape(report["key_factor"].title) in page and "Language courses" in page
    challenge = report["challenge"]
    assert challenge.author == personas.users["mentor"] and challenge.key_factor == report["key_factor"]
    assert report["recommendation"].need == report["needs"][0]
    entries = LogEntry.objects.filter(scheme=personas.a, action="visit_report.item_added")
    assert entries.count() == 3
    # Recent changes on the scheme page tell it, linked to the report.
    scheme_page = personas.client("mentee").get(SCHEME).content.decode()
    assert "in the report of" in scheme_page and REPORT in scheme_page
    # Outsiders and other schemes' people see nothing of it.
    assert personas.client("outsider").get(REPORT).status_code == 404
    assert personas.client("b_mentee").get(REPORT).status_code == 404


def test_a_form_sent_twice_adds_one_item(personas, report):
    mentor = personas.client("mentor")
    data = item_data(mentor, text="Train front-desk staff.")
    assert mentor.post(NEW, data).status_code == 302
    assert mentor.post(NEW, data).status_code == 302
    assert report["visit"].report_items.filter(text="Train front-desk staff.").count() == 1


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 10_001, "Ensure this value has at most 10000 characters (it has 10001)."),
    ],
)
def test_bad_text_is_refused_and_nothing_written(personas, report, text, message):
    before = VisitReportItem.objects.count()
    response = personas.client("mentor").post(NEW, item_data(text=text))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "error-summary" in response.content.decode() or "alert" in response.content.decode()
    assert VisitReportItem.objects.count() == before


def test_the_longest_text_is_kept(personas, report):
    assert personas.client("mentor").post(NEW, item_data(text="y" * 10_000)).status_code == 302
    assert report["visit"].report_items.filter(text="y" * 10_000).exists()


def test_key_factors_and_needs_are_the_schemes_own(personas, report):
    mentor = personas.client("mentor")
    other_benchmark = KeyFactor.objects.exclude(version_id=personas.a.benchmark_id).first()
    b_plan = plan_get_or_create(scheme=personas.b)
    b_need = Need.objects.create(plan=b_plan, text="Another scheme's need")
    before = VisitReportItem.objects.count()
    for change in ({"key_factor": other_benchmark.pk}, {"need": b_need.pk}, {"kind": "wish"}):
        response = mentor.post(NEW, item_data(text="Sneaky", **change))
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert "Sneaky" in response.content.decode()  # what was typed is kept
    assert VisitReportItem.objects.count() == before
    # The form offers the scheme's key factors and needs only.
    form = mentor.get(NEW).context["form"]
    assert set(form.fields["key_factor"].queryset) == set(personas.a.benchmark.key_factors.all())
    assert list(form.fields["need"].queryset) == report["needs"]


def test_hostile_html_is_shown_as_text_on_the_page_and_in_the_pdf(personas, report):
    hostile = '<script>alert("x")</script><b>bold</b>'
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    assert mentor.post(NEW, item_data(kind="risk", text=hostile)).status_code == 302
    item = report["visit"].report_items.get(kind="risk")
    assert item.text == hostile  # kept as typed
    data = {
        "response": hostile + " reply",
        "seen_version": mentee.get(item_url(item, "respond")).context["form"]["seen_version"].value(),
    }
    assert mentee.post(item_url(item, "respond"), data).status_code == 302
    page = mentee.get(REPORT).content.decode()
    assert hostile not in page and escape(hostile) in page
    text = pdf_text(mentee.get(REPORT + "report.pdf").content)
    assert '<script>alert("x")</script><b>bold</b>' in text  # printed as the characters typed
    assert "bold</b> reply" in text


def test_another_schemes_item_is_not_found(personas, report):
    b_visit = personas.b.visits.get(order=1)
    b_item = VisitReportItem.objects.create(visit=b_visit, kind="recommendation", text="Scheme B's own")
    mentor, mentee, facilitator = personas.client("mentor"), personas.client("mentee"), personas.client("facilitator")
    assert mentor.get(item_url(b_item, "edit")).status_code == 404
    assert mentor.post(item_url(b_item, "edit"), item_data(text="Taken over")).status_code == 404
    assert mentor.post(item_url(b_item, "delete"), {"confirmed": "1"}).status_code == 404
    assert mentee.post(item_url(b_item, "respond"), {"response": "Taken over"}).status_code == 404
    assert mentor.get(item_url(b_item, "history")).status_code == 404
    assert facilitator.post(item_url(b_item, "action"), {"confirmed": "1"}).status_code == 404
    b_item.refresh_from_db()
    assert b_item.text == "Scheme B's own" and b_item.response == ""
    assert not Action.objects.filter(from_recommendation=b_item).exists()
    # Scheme B's report, under scheme B's address, is not for scheme A's people.
    assert mentor.get(f"/programmes/test-programme/schemes/{personas.b.number}/visits/1/report/").status_code == 404


def test_only_the_mentee_city_responds_and_only_the_writers_write(personas, report):
    item = report["recommendation"]
    mentor, mentee, association = personas.client("mentor"), personas.client("mentee"), personas.client("association")
    # The mentor (or the facilitator) may not write the mentee city's response.
    for role in ("mentor", "facilitator", "association", "coordinator", "observer"):
        client = personas.client(role)
        assert client.get(item_url(item, "respond")).status_code == 403
        assert client.post(item_url(item, "respond"), {"response": "Not theirs", "seen_version": ""}).status_code == 403
    # The mentee city may not write or change items.
    assert mentee.get(NEW).status_code == 403
    assert mentee.post(NEW, item_data(text="Mentee's own idea")).status_code == 403
    assert mentee.post(item_url(item, "edit"), item_data(text="Changed by the mentee")).status_code == 403
    assert mentee.post(item_url(item, "delete"), {"confirmed": "1"}).status_code == 403
    assert association.post(NEW, item_data(text="Association's idea")).status_code == 403
    item.refresh_from_db()
    assert item.text == "Open a one-stop welcome desk." and item.response == ""
    assert not VisitReportItem.objects.filter(text__in=["Mentee's own idea", "Association's idea"]).exists()
    # The mentee city responds; everyone reads the response.
    url = item_url(item, "respond")
    form_page = mentee.get(url)
    assert "Open a one-stop welcome desk." in form_page.content.decode()  # the item answered, shown above the form
    assert (
        mentee.post(url, {"response": "", "seen_version": form_page.context["form"]["seen_version"].value()}).status_code == 200
    )
    data = {"response": "We will open it in the town hall.", "seen_version": form_page.context["form"]["seen_version"].value()}
    assert mentee.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.response == "We will open it in the town hall." and item.responded_by == personas.users["mentee"]
    assert "We will open it in the town hall." in mentor.get(REPORT).content.decode()
    assert LogEntry.objects.filter(scheme=personas.a, action="visit_report.responded").count() == 1
    # Too long a response is refused.
    data = {"response": "z" * 10_001, "seen_version": mentee.get(url).context["form"]["seen_version"].value()}
    response = mentee.post(url, data)
    assert response.status_code == 200 and "at most 10000 characters" in response.content.decode()


def test_two_people_editing_at_once_lose_nothing(personas, report):
    item = report["recommendation"]
    url = item_url(item, "edit")
    mentor, facilitator = personas.client("mentor"), personas.client("facilitator")
    first = item_data(mentor, url, text="The mentor's wording.")
    second = item_data(facilitator, url, text="The facilitator's wording.")
    assert mentor.post(url, first).status_code == 302
    response = facilitator.post(url, second)
    assert response.status_code == 409
    assert "Someone else saved changes" in response.content.decode()
    assert escape("The facilitator's wording.") in response.content.decode()  # kept in the form
    item.refresh_from_db()
    assert item.text == "The mentor's wording."
    # A response written meanwhile is a change too: the editor is told, not overwritten.
    mentee = personas.client("mentee")
    edit = item_data(mentor, url, text="Later wording.")
    respond = item_url(item, "respond")
    assert (
        mentee.post(
            respond, {"response": "Agreed.", "seen_version": mentee.get(respond).context["form"]["seen_version"].value()}
        ).status_code
        == 302
    )
    assert mentor.post(url, edit).status_code == 409
    item.refresh_from_db()
    assert item.response == "Agreed." and item.text == "The mentor's wording."


def test_removal_asks_first_and_stays_in_the_history(personas, report):
    item = report["challenge"]
    mentor = personas.client("mentor")
    asked = mentor.post(item_url(item, "delete"))
    assert asked.status_code == 200 and "Remove “Services are scattered.”?" in asked.content.decode()
    assert VisitReportItem.objects.filter(pk=item.pk).exists()
    response = mentor.post(item_url(item, "delete"), {"confirmed": "1"}, follow=True)
    assert "Item removed from the report" in response.content.decode()
    assert not VisitReportItem.objects.filter(pk=item.pk).exists()
    assert VisitReportItem.history.filter(id=item.pk, history_type="-").exists()
    assert LogEntry.objects.filter(action="visit_report.item_removed", label="Services are scattered.").exists()


def test_restore_from_history_keeps_the_mentee_citys_response(personas, report):
    item = report["recommendation"]
    mentor, mentee = personas.client("mentor"), personas.client("mentee")
    url = item_url(item, "edit")
    assert mentor.post(url, item_data(mentor, url, text="A changed recommendation.")).status_code == 302
    respond = item_url(item, "respond")
    assert (
        mentee.post(
            respond, {"response": "Agreed.", "seen_version": mentee.get(respond).context["form"]["seen_version"].value()}
        ).status_code
        == 302
    )
    history = mentee.get(item_url(item, "history"))
    assert history.status_code == 200 and "A changed recommendation." in history.content.decode()
    assert "Restore this version" not in history.content.decode()  # the mentee city does not restore items
    first = item.history.order_by("history_id").first()
    assert mentee.post(f"{item_url(item, 'history')}{first.history_id}/restore/").status_code == 403
    response = mentor.post(f"{item_url(item, 'history')}{first.history_id}/restore/", follow=True)
    assert "The earlier version is restored." in response.content.decode()
    item.refresh_from_db()
    assert item.text == "Open a one-stop welcome desk." and item.response == "Agreed."
    assert LogEntry.objects.filter(action="history.restored", object_id=item.pk).exists()


def test_the_report_prints_as_a_pdf(personas, report):
    item = report["recommendation"]
    mentee = personas.client("mentee")
    respond = item_url(item, "respond")
    mentee.post(
        respond,
        {
            "response": "We will open it in the town hall.",
            "seen_version": mentee.get(respond).context["form"]["seen_version"].value(),
        },
    )
    response = personas.client("observer").get(REPORT + "report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    visit = report["visit"]
    assert f"Report of {visit}" in text and "Scheme A" in text
    assert text.index("Key challenge") < text.index("Risk") < text.index("Recommendation")
    assert "Services are scattered." in text and f"Key factor {report['key_factor'].number}" in text
    assert "Open a one-stop welcome desk." in text and "Need: Language courses" in text
    assert "Response of the mentee city" in text and "We will open it in the town hall." in text
    assert "No response yet." in text  # the challenge, not answered
    assert personas.client("outsider").get(REPORT + "report.pdf").status_code == 404


def test_a_recommendation_becomes_a_draft_action_once(personas, report):
    item = report["recommendation"]
    url = item_url(item, "action")
    mentee = personas.client("mentee")
    # Shown to those who draft the plan: the mentee and mentor cities (issue 23: the plan
    # is written together) and the facilitators; not to the coordinator, who comments.
    assert "Make it a draft action" in mentee.get(REPORT).content.decode()
    assert "Make it a draft action" in personas.client("mentor").get(REPORT).content.decode()
    assert "Make it a draft action" not in personas.client("coordinator").get(REPORT).content.decode()
    # Asked first.
    asked = mentee.post(url)
    assert asked.status_code == 200 and "Make this recommendation a draft action" in asked.content.decode()
    assert not Action.objects.filter(from_recommendation=item).exists()
    response = mentee.post(url, {"confirmed": "1"}, follow=True)
    assert "The recommendation is now a draft action of the action plan." in response.content.decode()
    action = Action.objects.get(from_recommendation=item)
    assert action.plan == report["plan"] and action.action == "Open a one-stop welcome desk."
    assert list(action.needs.all()) == [report["needs"][0]]
    assert action.history.count() >= 1
    assert LogEntry.objects.filter(action="action.added", object_id=action.pk, data__from_recommendation=item.pk).exists()
    # The plan says where it came from, linked to the report.
    plan_page = response.content.decode()
    visit = report["visit"]
    assert escape(f"From the report of {visit}") in plan_page
    assert f'href="{REPORT}#item-{item.pk}"' in plan_page
    # The report shows it made, without the button; a second request makes nothing.
    page = mentee.get(REPORT).content.decode()
    assert "Made a draft action of the plan" in page and f"#action-{action.pk}" in page
    again = mentee.post(url, {"confirmed": "1"}, follow=True)
    assert "already an action of the plan" in again.content.decode()
    assert Action.objects.filter(from_recommendation=item).count() == 1
    # The facilitator too finds it made.
    personas.client("facilitator").post(url, {"confirmed": "1"})
    assert Action.objects.filter(from_recommendation=item).count() == 1
    # Removing the recommendation keeps the action, without its origin.
    personas.client("mentor").post(item_url(item, "delete"), {"confirmed": "1"})
    action.refresh_from_db()
    assert action.from_recommendation is None


def test_a_key_factor_goes_with_the_recommendation(personas, report):
    mentor = personas.client("mentor")
    mentor.post(NEW, item_data(text="Measure waiting times.", key_factor=report["key_factor"].pk))
    item = report["visit"].report_items.get(text="Measure waiting times.")
    personas.client("facilitator").post(item_url(item, "action"), {"confirmed": "1"})
    assert list(Action.objects.get(from_recommendation=item).key_factors.all()) == [report["key_factor"]]


def test_making_an_action_is_refused_on_an_approved_plan_and_to_others(personas, report):
    item = report["recommendation"]
    url = item_url(item, "action")
    # Only those who draft the plan, and only recommendations.
    assert personas.client("coordinator").post(url, {"confirmed": "1"}).status_code == 403
    assert personas.client("observer").post(url, {"confirmed": "1"}).status_code == 403
    assert personas.client("mentee").post(item_url(report["challenge"], "action"), {"confirmed": "1"}).status_code == 404
    plan = report["plan"]
    plan.status = ActionPlanStatus.APPROVED
    plan.save()
    mentee = personas.client("mentee")
    assert "Make it a draft action" not in mentee.get(REPORT).content.decode()
    response = mentee.post(url, {"confirmed": "1"}, follow=True)
    assert "an approved plan changes through a revision" in response.content.decode()
    assert not Action.objects.filter(from_recommendation__isnull=False).exists()


def test_the_report_page_reads_in_the_same_queries_for_many_items(personas, report, django_assert_max_num_queries):
    client = personas.client("mentee")
    with django_assert_max_num_queries(30) as few:
        assert client.get(REPORT).status_code == 200
    count = len(few.captured_queries)
    visit = report["visit"]
    for i in range(30):
        item = VisitReportItem.objects.create(
            visit=visit,
            kind=["challenge", "risk", "recommendation"][i % 3],
            text=f"Item {i}",
            key_factor=report["key_factor"],
            need=report["needs"][i % 2],
            author=personas.users["mentor"],
            response="Noted.",
            responded_by=personas.users["mentee"],
        )
        if i % 3 == 2:
            Action.objects.create(plan=report["plan"], action=item.text, from_recommendation=item)
    with django_assert_max_num_queries(count):
        page = client.get(REPORT).content.decode()
    assert "Item 29" in page
    # The action plan page with actions from the report: the same.
    plan_url = SCHEME + "action-plan/"
    with django_assert_max_num_queries(60) as plan_queries:
        client.get(plan_url)
    Action.objects.create(plan=report["plan"], action="One more", from_recommendation=visit.report_items.last())
    with django_assert_max_num_queries(len(plan_queries.captured_queries)):
        assert "From the report of" in client.get(plan_url).content.decode()


def test_a_written_report_is_laid_out_with_the_schemes_documents(personas, report):
    from schemes.documents import scheme_documents
    from schemes.views.visit_reports import report_document

    documents = {document.filename: document for document in scheme_documents(personas.a)}
    name = "report-test-programme-1-visit-1.pdf"
    assert name in documents
    # The same HTML as the download: the background's PDF is the one downloaded.
    assert documents[name].key == report_document(personas.a, report["visit"]).key
    # Visits without a report have none.
    assert "report-test-programme-1-visit-2.pdf" not in documents


def test_an_archived_scheme_s_report_is_read_only(personas, report):
    personas.a.archived = True
    personas.a.save()
    item = report["recommendation"]
    assert personas.client("mentor").post(NEW, item_data(text="Too late")).status_code == 403
    assert personas.client("mentee").post(item_url(item, "respond"), {"response": "Too late"}).status_code == 403
    assert personas.client("facilitator").post(item_url(item, "action"), {"confirmed": "1"}).status_code == 403
    page = personas.client("mentee").get(REPORT)
    assert page.status_code == 200 and "Make it a draft action" not in page.content.decode()
    assert "Respond" not in page.content.decode()
    assert personas.client("observer").get(REPORT + "report.pdf").status_code == 200


def test_the_mentor_city_makes_its_recommendation_a_draft_action_in_its_name(personas, report):
    item = report["recommendation"]
    mentor = personas.client("mentor")
    response = mentor.post(item_url(item, "action"), {"confirmed": "1"}, follow=True)
    assert "The recommendation is now a draft action of the action plan." in response.content.decode()
    action = Action.objects.get(from_recommendation=item)
    assert action.history.latest().history_user == personas.users["mentor"]
    assert LogEntry.objects.get(action="action.added", object_id=action.pk).actor == personas.users["mentor"]


def test_in_a_community_a_recommendation_goes_to_the_host_citys_plan(personas, django_user_model):
    """A community of practice has no shared plan: a recommendation of a visit to Bologna
    becomes a draft action of Bologna's plan, made by Bologna's officer or a facilitator;
    another peer may not, and a visit without a host city offers no button."""
    from .test_community_plans import Community

    community = Community(personas, django_user_model)
    antwerp, bologna = community.cities[:2]
    visit = community.scheme.visits.get(order=1)
    visit.host = bologna
    visit.save()
    report = f"{community.base}visits/1/report/"
    facilitator = personas.client("facilitator")
    assert facilitator.post(report + "items/new/", item_data(text="Train the front desk in plain language.")).status_code == 302
    item = visit.report_items.get()
    url = f"{report}items/{item.pk}/action/"

    assert "Make it a draft action" in community.client("Bologna").get(report).content.decode()
    assert "Make it a draft action" not in community.client("Antwerp").get(report).content.decode()
    assert community.client("Antwerp").post(url, {"confirmed": "1"}).status_code == 403
    asked = community.client("Bologna").post(url)
    assert "a draft action of the action plan of Bologna?" in asked.content.decode()
    response = community.client("Bologna").post(url, {"confirmed": "1"})
    action = Action.objects.get(from_recommendation=item)
    assert action.plan.organisation == bologna and action.plan.scheme == community.scheme
    assert response["Location"] == community.plan_url(bologna) + f"#action-{action.pk}"
    # The report links the action in Bologna's plan; no second action is made.
    page = community.client("Antwerp").get(report).content.decode()
    assert f'href="{community.plan_url(bologna)}#action-{action.pk}"' in page
    facilitator.post(url, {"confirmed": "1"})
    assert Action.objects.filter(from_recommendation=item).count() == 1
    # The host city changed since (or a tab opened before posts again): still one action,
    # and the person is shown it in Bologna's plan; Cluj's plan is not even created.
    cluj = community.cities[2]
    visit.host = cluj
    visit.save()
    again = facilitator.post(url, {"confirmed": "1"})
    assert again["Location"] == community.plan_url(bologna) + f"#action-{action.pk}"
    assert Action.objects.filter(from_recommendation=item).count() == 1
    assert not community.scheme.action_plans.filter(organisation=cluj).exists()
    visit.host = bologna
    visit.save()

    # A visit without a host city: no button, and the address is not found.
    visit.host = None
    visit.save()
    assert facilitator.post(report + "items/new/", item_data(text="Map the partners.")).status_code == 302
    other = visit.report_items.get(text="Map the partners.")
    assert "Make it a draft action" not in facilitator.get(report).content.decode()
    assert facilitator.post(f"{report}items/{other.pk}/action/", {"confirmed": "1"}).status_code == 404
    assert not Action.objects.filter(from_recommendation=other).exists()
