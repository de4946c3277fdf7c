"""A community of practice's plans (issue 23: "in a community of practice each city has
its own needs analysis, self-assessment and action plan, and peers comment on each
other's"). Four peer cities, four plans: each city's officers write, submit and approve
their own; the other peers comment on it and on each other's needs analysis; a city not
in the scheme is not found; the plan's documents carry the city's name; the scheme page
lists the plans in the same queries for any number of cities."""

import csv
import io
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from schemes.models import (
    Action,
    ActionComment,
    ActionPlan,
    Comment,
    Organisation,
    OrganisationKind,
    SchemeKind,
    SchemeRole,
    SelfAssessment,
    SelfAssessmentComment,
    Side,
)
from schemes.services.action_plans import plan_get_or_create
from schemes.services.progress import progress_for
from schemes.services.schemes import scheme_create

CITIES = ("Antwerp", "Bologna", "Cluj", "Dortmund")


def action_data(text, **change):
    return {
        "action": text,
        "outcomes": "",
        "timeframe": "2027",
        "due_date": "",
        "lead": "Integration office",
        "resources": "",
        "evaluation": "",
        "seen_version": "",
        **change,
    }


class Community:
    """A community of practice of ``count`` peer cities in the personas' programme, each
    with one officer (alternately in the mentee and the mentor role: a community's
    officers hold either), and the personas' facilitator."""

    def __init__(self, personas, django_user_model, count=4, names=CITIES):
        self.p = personas
        self.cities = [Organisation.objects.create(kind=OrganisationKind.CITY, name=name, country="EU") for name in names[:count]]
        self.scheme = scheme_create(
            programme=personas.programme,
            title="Welcoming cities together",
            theme="Reception",
            kind=SchemeKind.COMMUNITY,
            benchmark=personas.a.benchmark,
            parties=[(city, Side.PEER) for city in self.cities],
        )
        parties = {party.organisation_id: party for party in self.scheme.parties.all()}
        self.users = {}
        for index, city in enumerate(self.cities):
            user = django_user_model.objects.create_user(email=f"officer{index}@test.example", password="x")
            SchemeRole.objects.create(
                scheme=self.scheme, user=user, role="mentee" if index % 2 == 0 else "mentor", party=parties[city.pk]
            )
            self.users[city.name] = user
        SchemeRole.objects.create(scheme=self.scheme, user=personas.users["facilitator"], role="facilitator")
        self.base = f"/programmes/test-programme/schemes/{self.scheme.number}/"

    def client(self, city_name):
        from django.test import Client

        client = Client()
        client.force_login(self.users[city_name])
        return client

    def plan_url(self, city, suffix=""):
        return f"{self.base}action-plan/{city.pk}/{suffix}"


@pytest.fixture
def community(personas, django_user_model):
    return Community(personas, django_user_model)


def _pdf_text(pdf):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_each_city_writes_its_own_plan_and_the_community_has_four(community):
    for city in community.cities:
        client = community.client(city.name)
        page = client.get(community.plan_url(city)).content.decode()
        assert f"Action plan of {city.name}" in page and "Add an action" in page
        response = client.post(community.plan_url(city, "actions/new/"), action_data(f"Welcome desk in {city.name}"))
        assert response.status_code == 302
        assert response["Location"].startswith(community.plan_url(city))
    plans = ActionPlan.objects.filter(scheme=community.scheme)
    assert plans.count() == 4
    assert {plan.organisation.name: [a.action for a in plan.actions.all()] for plan in plans} == {
        name: [f"Welcome desk in {name}"] for name in CITIES
    }
    # Each action was written in its city officer's name.
    for city in community.cities:
        action = Action.objects.get(action=f"Welcome desk in {city.name}")
        assert action.history.latest().history_user == community.users[city.name]
    # The scheme page lists the four plans: city, status, link.
    page = community.client("Antwerp").get(community.base).content.decode()
    for city in community.cities:
        assert f"Action plan of {city.name}" in page and community.plan_url(city) in page
    assert page.count("<td>Draft</td>") == 4
    # The shared address lists them too; its other pages do not exist in a community.
    page = community.client("Bologna").get(community.base + "action-plan/").content.decode()
    assert all(community.plan_url(city) in page for city in community.cities)
    response = community.client("Bologna").get(community.base + "action-plan/versions/1/")
    assert response.status_code == 302 and response["Location"] == community.base + "action-plan/"
    assert community.client("Bologna").post(community.base + "action-plan/actions/new/", action_data("x")).status_code == 404


def test_opening_a_plan_writes_nothing_its_first_change_creates_it(community):
    antwerp = community.cities[0]
    assert community.client("Antwerp").get(community.plan_url(antwerp)).status_code == 200
    assert not ActionPlan.objects.exists()
    community.client("Antwerp").post(community.plan_url(antwerp, "actions/new/"), action_data("First"))
    plan = ActionPlan.objects.get()
    assert plan.organisation == antwerp and plan.title == "Welcoming cities together · Antwerp"


def test_a_peer_cannot_write_another_citys_plan_but_comments_on_it(community):
    antwerp, bologna = community.cities[:2]
    community.client("Antwerp").post(community.plan_url(antwerp, "actions/new/"), action_data("Buddy scheme"))
    action = Action.objects.get()
    peer = community.client("Bologna")  # the mentor role, acting for Bologna
    page = peer.get(community.plan_url(antwerp)).content.decode()
    assert "Buddy scheme" in page
    assert "Add an action" not in page and "Edit the needs" not in page
    assert "Submit the final version for approval" not in page
    assert "Comment" in page
    # Every write to Antwerp's plan is refused to Bologna's officer, nothing changes.
    assert peer.get(community.plan_url(antwerp, "actions/new/")).status_code == 403
    assert peer.post(community.plan_url(antwerp, "actions/new/"), action_data("Not mine")).status_code == 403
    seen = community.client("Antwerp").get(community.plan_url(antwerp, f"actions/{action.pk}/")).context["form"]
    edit = action_data("Changed by a peer", seen_version=seen["seen_version"].value())
    assert peer.post(community.plan_url(antwerp, f"actions/{action.pk}/"), edit).status_code == 403
    assert peer.post(community.plan_url(antwerp, f"actions/{action.pk}/delete/"), {"confirmed": "1"}).status_code == 403
    assert peer.post(community.plan_url(antwerp, "submit/"), {"confirmed": "1"}).status_code == 403
    assert peer.post(community.plan_url(antwerp, "versions/freeze/"), {"label": "Mine"}).status_code == 403
    action.refresh_from_db()
    assert action.action == "Buddy scheme" and ActionPlan.objects.get().status == "draft"
    assert not Action.objects.filter(action="Not mine").exists()
    # Bologna's officer comments on the draft action; Antwerp reads the comment.
    response = peer.post(
        community.plan_url(antwerp, f"actions/{action.pk}/comments/new/"),
        {f"comment-{action.pk}-text": "We pair volunteers by language: ask us how."},
    )
    assert response.status_code == 302
    comment = ActionComment.objects.get()
    assert comment.author == community.users["Bologna"]
    page = community.client("Antwerp").get(community.plan_url(antwerp)).content.decode()
    assert "We pair volunteers by language: ask us how." in page


def test_the_city_alone_submits_and_approves_its_plan(community):
    cluj = community.cities[2]
    officer = community.client("Cluj")
    officer.post(community.plan_url(cluj, "actions/new/"), action_data("Language café"))
    officer.post(community.plan_url(cluj, "actions/new/"), action_data("Job fair"))
    assert progress_for([community.scheme])[community.scheme.pk].step("action_plan").detail == "1 of 4 plans started"
    assert community.client("Dortmund").post(community.plan_url(cluj, "submit/"), {"confirmed": "1"}).status_code == 403
    assert officer.post(community.plan_url(cluj, "submit/"), {"confirmed": "1"}).status_code == 302
    assert ActionPlan.objects.get(organisation=cluj).status == "submitted"
    approval = {"decision_reference": "Council 2027/4", "confirmed": "1"}
    assert community.client("Dortmund").post(community.plan_url(cluj, "approve/"), approval).status_code == 403
    assert community.p.client("facilitator").post(community.plan_url(cluj, "approve/"), approval).status_code == 403
    assert officer.post(community.plan_url(cluj, "approve/"), approval).status_code == 302
    plan = ActionPlan.objects.get(organisation=cluj)
    assert plan.status == "approved" and plan.approved_by == community.users["Cluj"]
    # The dashboard's steps count the cities' plans.
    progress = progress_for([community.scheme])[community.scheme.pk]
    assert progress.step("approval").detail == "1 of 4 plans approved"
    assert progress.step("action_plan").detail == "1 of 4 plans started"


def test_the_facilitator_drafts_with_every_city(community):
    dortmund = community.cities[3]
    facilitator = community.p.client("facilitator")
    assert facilitator.post(community.plan_url(dortmund, "actions/new/"), action_data("Night school")).status_code == 302
    assert ActionPlan.objects.get().organisation == dortmund


def test_a_city_not_in_the_community_and_another_schemes_plan_are_not_found(community, personas):
    antwerp = community.cities[0]
    client = community.client("Antwerp")
    # A city of another scheme, under this community's address.
    assert client.get(community.plan_url(personas.mentee_city)).status_code == 404
    assert client.post(community.plan_url(personas.mentee_city, "actions/new/"), action_data("x")).status_code == 404
    # This community's city under a mentoring scheme's address (the personas' scheme A).
    facilitator = personas.client("facilitator")
    assert facilitator.get(f"/programmes/test-programme/schemes/1/action-plan/{antwerp.pk}/").status_code == 404
    # Another scheme's action under this city's plan.
    other = plan_get_or_create(scheme=personas.a)
    foreign = Action.objects.create(plan=other, order=1, action="Scheme A's")
    assert client.get(community.plan_url(antwerp, f"actions/{foreign.pk}/")).status_code == 404
    # Another city's action under this city's plan.
    bologna = community.cities[1]
    community.client("Bologna").post(community.plan_url(bologna, "actions/new/"), action_data("Bologna's"))
    theirs = Action.objects.get(action="Bologna's")
    assert community.p.client("facilitator").get(community.plan_url(antwerp, f"actions/{theirs.pk}/")).status_code == 404
    # Someone outside the scheme.
    assert personas.client("outsider").get(community.plan_url(antwerp)).status_code == 404


def test_the_plans_documents_carry_the_citys_name(community):
    bologna = community.cities[1]
    officer = community.client("Bologna")
    officer.post(community.plan_url(bologna, "actions/new/"), action_data("Mentoring by former newcomers"))
    response = community.client("Cluj").get(community.plan_url(bologna, "action-plan.pdf"))
    assert response.status_code == 200 and "bologna" in response["Content-Disposition"]
    text = _pdf_text(response.content)
    assert "Action plan of Bologna" in text and "Mentoring by former newcomers" in text
    response = officer.get(community.plan_url(bologna, "actions.csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "City" and rows[1][0] == "Bologna"
    assert "bologna" in response["Content-Disposition"]
    response = officer.get(community.plan_url(bologna, "actions.xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "Bologna"


def test_peers_comment_on_each_others_needs_analysis_and_never_edit_it(community):
    antwerp = community.cities[0]
    section = f"{community.base}needs-analysis/{antwerp.pk}/sections/mentee-needs/"
    for name in ("Bologna", "Cluj"):  # a mentor-role and a mentee-role peer
        peer = community.client(name)
        page = peer.get(section).content.decode()
        assert 'name="comment-text"' in page
        response = peer.post(section + "comments/", {"comment-question": "", "comment-text": f"{name} asks: which districts?"})
        assert response.status_code == 302
    assert sorted(comment.text for comment in Comment.objects.all()) == [
        "Bologna asks: which districts?",
        "Cluj asks: which districts?",
    ]
    # Editing stays Antwerp's: the section's form is not offered to a peer, and a post is refused.
    cluj = community.client("Cluj")
    assert cluj.post(section, {}).status_code == 403
    assert community.client("Antwerp").get(section).status_code == 200


def test_the_scheme_page_costs_the_same_for_two_cities_or_eight(personas, django_user_model):
    def measure(count, names):
        community = Community(personas, django_user_model, count=count, names=names)
        for city in community.cities:
            plan_get_or_create(scheme=community.scheme, city=city)
        client = personas.client("coordinator")
        client.get(community.base)  # warm the caches of the first request
        with CaptureQueriesContext(connection) as queries:
            page = client.get(community.base).content.decode()
        assert all(f"Action plan of {city.name}" in page for city in community.cities)
        SchemeRole.objects.filter(scheme=community.scheme).delete()
        django_user_model.objects.filter(email__startswith="officer").delete()
        return len(queries.captured_queries)

    two = measure(2, ("Aachen", "Bruges"))
    eight = measure(8, ("Cork", "Delft", "Essen", "Faro", "Ghent", "Haarlem", "Ivrea", "Jena"))
    assert eight <= two


def test_each_citys_plan_is_frozen_when_a_visit_is_held(community):
    antwerp, bologna = community.cities[:2]
    community.client("Antwerp").post(community.plan_url(antwerp, "actions/new/"), action_data("Antwerp's desk"))
    community.client("Bologna").post(community.plan_url(bologna, "actions/new/"), action_data("Bologna's buddies"))
    facilitator = community.p.client("facilitator")
    url = f"{community.base}visits/1/record/"
    seen = facilitator.get(url).context["form"]["seen_version"].value()
    data = {"status": "held", "notes": "", "outcomes": "Good start.", "next_steps": "", "seen_version": seen}
    assert facilitator.post(url, data).status_code == 302
    frozen = {plan.organisation.name: list(plan.versions.values_list("label", flat=True)) for plan in ActionPlan.objects.all()}
    assert frozen == {"Antwerp": ["Draft after visit 1"], "Bologna": ["Draft after visit 1"]}
    snapshot = ActionPlan.objects.get(organisation=bologna).versions.get().snapshot
    assert snapshot["mentee"] == "Bologna" and [a["action"] for a in snapshot["actions"]] == ["Bologna's buddies"]


def test_peers_comment_on_each_others_self_assessment_and_never_edit_it(community, personas):
    antwerp = community.cities[0]
    SelfAssessment.objects.create(scheme=community.scheme, city=antwerp, benchmark=community.scheme.benchmark, round=1)
    url = f"{community.base}self-assessment/{antwerp.pk}/"
    peer = community.client("Cluj")  # the mentee role, acting for Cluj
    page = peer.get(url).content.decode()
    assert "Comments from the peers" in page and "Add the comment" in page
    response = peer.post(url + "comments/", {"round-comment-text": "Your evidence on KF3 is strong: share the survey?"})
    assert response.status_code == 302 and response["Location"].endswith("#comments")
    comment = SelfAssessmentComment.objects.get()
    assert comment.author == community.users["Cluj"] and comment.assessment.city == antwerp
    assert "Your evidence on KF3 is strong" in community.client("Antwerp").get(url).content.decode()
    # Commenting never edits: the round's levels stay Antwerp's to give.
    assert peer.post(url, {}).status_code == 403
    # An empty comment is the form again, with its error.
    assert peer.post(url + "comments/", {"round-comment-text": ""}).status_code == 200
    assert SelfAssessmentComment.objects.count() == 1
    # A mentoring scheme's self-assessments have no comments.
    mentoring = f"/programmes/test-programme/schemes/1/self-assessment/{personas.mentee_city.pk}/comments/"
    assert personas.client("mentor").post(mentoring, {"round-comment-text": "Hello"}).status_code == 404
    assert "Comments from the peers" not in personas.client("mentor").get(mentoring[: -len("comments/")]).content.decode()


def test_only_the_city_attaches_the_decision_of_its_plans_approval(community):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schemes.models import Attachment

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    antwerp = community.cities[0]
    plan = plan_get_or_create(scheme=community.scheme, city=antwerp)
    url = f"{community.base}attachments/approval/{plan.pk}/add/"
    # Cluj's officer holds the mentee role, as Antwerp's does: still not Antwerp's.
    response = community.client("Cluj").post(url, {"file": SimpleUploadedFile("decision.pdf", pdf)})
    assert response.status_code == 403 and not Attachment.objects.exists()
    response = community.client("Antwerp").post(url, {"file": SimpleUploadedFile("decision.pdf", pdf)})
    assert response.status_code == 302 and response["Location"].startswith(community.plan_url(antwerp))
    assert Attachment.objects.count() == 1


def test_a_peers_comment_is_told_to_the_citys_own_officers(community):
    from mentoring.models import Notification

    antwerp = community.cities[0]
    community.client("Antwerp").post(community.plan_url(antwerp, "actions/new/"), action_data("Buddy scheme"))
    action = Action.objects.get()
    community.client("Bologna").post(
        community.plan_url(antwerp, f"actions/{action.pk}/comments/new/"), {f"comment-{action.pk}-text": "How many buddies?"}
    )
    told = set(Notification.objects.filter(entry__action="action.commented").values_list("recipient__email", flat=True))
    assert told == {community.users["Antwerp"].email}


def test_a_peer_association_has_no_plan_of_its_own(community):
    from schemes.models import SchemeParty

    association = Organisation.objects.create(kind=OrganisationKind.ASSOCIATION, name="Cities' League", country="EU")
    SchemeParty.objects.create(scheme=community.scheme, organisation=association, side=Side.PEER, order=9)
    page = community.client("Antwerp").get(community.base).content.decode()
    assert "Action plan of Cities" not in page and page.count("Action plan of ") == 4
    assert community.client("Antwerp").get(community.plan_url(association)).status_code == 404
    progress = progress_for([community.scheme])[community.scheme.pk]
    assert progress.step("approval").detail == "0 of 4 plans approved"


def test_a_submitted_city_plan_waits_for_its_own_officers(community):
    from schemes.services.my_work import tasks_for

    cluj = community.cities[2]
    officer = community.client("Cluj")
    officer.post(community.plan_url(cluj, "actions/new/"), action_data("Language café"))
    officer.post(community.plan_url(cluj, "submit/"), {"confirmed": "1"})
    task = next(t for t in tasks_for(community.users["Cluj"]) if t.text == "Record the approval of Cluj's action plan")
    assert task.url == community.plan_url(cluj)
    # Nobody else's task: Cluj's plan is Cluj's to approve.
    assert not any("approval" in t.text for t in tasks_for(community.users["Dortmund"]))
    assert not any("approval" in t.text for t in tasks_for(community.users["Antwerp"]))


def test_the_recent_changes_link_to_the_citys_own_plan(community):
    from mentoring.activity import recent_changes

    bologna = community.cities[1]
    community.client("Bologna").post(community.plan_url(bologna, "actions/new/"), action_data("Buddy scheme"))
    change = recent_changes(community.scheme)[0]
    assert change.url.startswith(community.plan_url(bologna))


def test_a_mentoring_plans_version_still_links_to_the_shared_plan(personas):
    from mentoring.activity import recent_changes

    facilitator = personas.client("facilitator")
    facilitator.post("/programmes/test-programme/schemes/1/action-plan/actions/new/", action_data("Welcome desk"))
    facilitator.post("/programmes/test-programme/schemes/1/action-plan/versions/freeze/", {"label": "Draft one"})
    urls = [change.url for change in recent_changes(personas.a)]
    assert "/programmes/test-programme/schemes/1/action-plan/versions/1/" in urls


def test_the_others_see_a_submitted_city_plan_waiting_and_may_remind_its_officer(community, mailoutbox):
    from schemes.services.waiting import waiting_for_others

    cluj = community.cities[2]
    officer = community.client("Cluj")
    officer.post(community.plan_url(cluj, "actions/new/"), action_data("Language café"))
    assert not any("Cluj" in w.title for w in waiting_for_others(community.p.users["facilitator"]))
    officer.post(community.plan_url(cluj, "submit/"), {"confirmed": "1"})
    for waiting_one in (community.p.users["facilitator"], community.users["Dortmund"]):
        item = next(w for w in waiting_for_others(waiting_one) if w.title == "Approval of Cluj's action plan")
        assert item.url == community.plan_url(cluj) and item.people == [community.users["Cluj"]]
    # Cluj's own officer has it as a task, not as something to wait for.
    assert not any("Cluj" in w.title for w in waiting_for_others(community.users["Cluj"]))
    home = community.p.client("facilitator").get("/").content.decode()
    assert "Approval of Cluj&#x27;s action plan" in home or "Approval of Cluj's action plan" in home
    item = next(w for w in waiting_for_others(community.p.users["facilitator"]) if w.title == "Approval of Cluj's action plan")
    community.p.client("facilitator").post(item.remind_url)
    assert [message.to for message in mailoutbox] == [["officer2@test.example"]]


def test_the_closing_review_counts_every_citys_plan(community):
    from schemes.services.closing import closing_ledgers

    for city, title in ((community.cities[0], "Welcome desk"), (community.cities[2], "Language café")):
        community.client(city.name).post(community.plan_url(city, "actions/new/"), action_data(title))
    ledger = closing_ledgers([community.scheme])[community.scheme.pk]
    assert sorted(entry.action.action for entry in ledger.actions) == ["Language café", "Welcome desk"]
    page = community.p.client("facilitator").get(f"{community.base}closing/review/").content.decode()
    counts = re.search(r'id="status-heading".*?</ul>', page, re.S).group(0)
    assert sum(int(n) for n in re.findall(r"<strong>(\d+)</strong>", counts)) == 2
