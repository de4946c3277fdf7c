"""Revisions of an approved action plan (issue 23; seed 002: "review progress on the
action plan, with the mentor, and adjust it where necessary"): an approved plan is revised,
the revision compared with the approved version and approved in turn; the approved
versions stay, each openable and printable."""

import datetime
import subprocess

import pytest

from mentoring.models import LogEntry
from schemes.models import Action, ActionPlan, Scheme
from schemes.services.action_plans import plan_approve, plan_submit
from schemes.services.plan_revisions import revision_start
from schemes.services.progress import progress_for, progress_queryset

from .races import client_of, on_postgresql, personas_on_reference_data, race_at
from .test_action_plans import PLAN, action_data, drafted, update  # noqa: F401 (the fixture)


def pdf_text(content):
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()


def approve(client, reference):
    assert client.post(PLAN + "submit/", {"confirmed": "1"}).status_code == 302
    assert client.post(PLAN + "approve/", {"confirmed": "1", "decision_reference": reference}).status_code == 302


def plan_of(personas):
    return ActionPlan.objects.get(scheme=personas.a)


def test_an_approved_plan_is_revised_compared_and_approved_again(personas, drafted):  # noqa: F811
    mentee = personas.client("mentee")
    approve(mentee, "Council 2027/14")
    first = plan_of(personas)
    assert first.status == "approved" and first.approved_version.label.startswith("Approved version 1 (approved on ")
    desk = first.actions.get(action="Open a one-stop welcome desk")
    mentee.post(
        f"{PLAN}actions/{desk.pk}/updates/new/",
        update(desk, date="2027-05-01", status="in_progress", progress="40", text="Desk staffed."),
    )
    page = mentee.get(PLAN).content.decode()
    assert "Start revision 2" in page and "Approved versions" in page

    # Starting asks first; confirmed, the plan is a draft again, the approved version in force.
    asked = mentee.post(PLAN + "revision/start/")
    assert asked.status_code == 200 and "Start revision 2 of the approved action plan?" in asked.content.decode()
    assert plan_of(personas).status == "approved"
    response = mentee.post(PLAN + "revision/start/", {"confirmed": "1"}, follow=True)
    page = response.content.decode()
    assert "Revision 2 in progress — the approved version stays in force until this revision is approved." in page
    approved_url = f"{PLAN}versions/{first.approved_version.number}/"
    assert f'href="{approved_url}"' in page
    plan = plan_of(personas)
    assert (plan.status, plan.revision, plan.approved_version_id) == ("draft", 2, first.approved_version_id)
    # The implementation update stays with its action, and implementation goes on.
    assert "Desk staffed." in page
    assert LogEntry.objects.filter(action="action_plan.revision_started").exists()

    # The revision changes the plan: one action reworded, one removed, one added.
    seen = mentee.get(f"{PLAN}actions/{desk.pk}/").context["form"]["seen_version"].value()
    edited = mentee.post(f"{PLAN}actions/{desk.pk}/", action_data("Open two welcome desks", seen_version=seen))
    assert edited.status_code == 302
    train = plan.actions.get(action="Train front-desk staff")
    assert mentee.post(f"{PLAN}actions/{train.pk}/delete/", {"confirmed": "1"}).status_code == 302
    assert mentee.post(PLAN + "actions/new/", action_data("Publish a newcomers' guide")).status_code == 302
    assert Action.objects.get(pk=desk.pk).updates.count() == 1

    # Compared with the approved version.
    compared = mentee.get(f"{PLAN}compare/?from={first.approved_version.number}&to=current").content.decode()
    assert "Publish a newcomers&#x27; guide" in compared or "Publish a newcomers' guide" in compared
    assert "Train front-desk staff" in compared and "two" in compared

    # Approved through the usual path: the new approved version is frozen too.
    approve(mentee, "Council 2028/3")
    plan = plan_of(personas)
    assert plan.status == "approved" and plan.decision_reference == "Council 2028/3"
    approved = list(plan.versions.filter(approved_at__isnull=False).order_by("number"))
    assert [v.label.split(" (")[0] for v in approved] == ["Approved version 1", "Approved version 2"]
    assert [v.decision_reference for v in approved] == ["Council 2027/14", "Council 2028/3"]
    assert plan.approved_version == approved[1]
    assert LogEntry.objects.filter(action="action_plan.revision_approved").exists()
    page = mentee.get(PLAN).content.decode()
    # The plan page names the version in force; the versions page has both, with their decisions.
    assert approved[1].label in page and "All 2 approved versions, on the versions page" in page
    assert "Start revision 3" in page and "Revision 2 in progress" not in page
    versions = mentee.get(PLAN + "versions/").content.decode()
    assert approved[0].label in versions and "Council 2027/14" in versions and "Council 2028/3" in versions

    # The first approved version still reads and prints as it was approved.
    first_page = mentee.get(f"{PLAN}versions/{approved[0].number}/").content.decode()
    assert "Train front-desk staff" in first_page and "Publish a newcomers" not in first_page
    text = pdf_text(personas.client("mentor").get(f"{PLAN}versions/{approved[0].number}/version.pdf").content)
    assert "Approved version 1" in text and "Train front-desk staff" in text and "Council 2027/14" in text
    assert "newcomers' guide" not in text


def test_a_second_revision_while_one_is_in_progress_is_refused(personas, drafted):  # noqa: F811
    mentee = personas.client("mentee")
    approve(mentee, "2027/14")
    assert mentee.post(PLAN + "revision/start/", {"confirmed": "1"}).status_code == 302
    before = plan_of(personas)
    versions = before.versions.count()
    response = personas.client("facilitator").post(PLAN + "revision/start/", {"confirmed": "1"}, follow=True)
    assert "Revision 2 is already in progress: " in response.content.decode()
    after = plan_of(personas)
    assert (after.revision, after.status, after.versions.count()) == (2, "draft", versions)
    # Submitted, it is still in progress (waiting for the approval).
    mentee.post(PLAN + "submit/", {"confirmed": "1"})
    response = mentee.post(PLAN + "revision/start/", {"confirmed": "1"}, follow=True)
    assert "Revision 2 is already in progress: it is submitted" in response.content.decode()
    assert plan_of(personas).revision == 2


def test_a_plan_never_approved_cannot_be_revised(personas, drafted):  # noqa: F811
    response = personas.client("mentee").post(PLAN + "revision/start/", {"confirmed": "1"}, follow=True)
    assert "Only an approved action plan can be revised." in response.content.decode()
    assert plan_of(personas).revision == 1


@pytest.mark.parametrize("role", ["mentor", "observer", "association", "coordinator"])
def test_only_the_mentee_city_and_facilitators_start_a_revision(personas, drafted, role):  # noqa: F811
    approve(personas.client("mentee"), "2027/14")
    assert "Start revision 2" not in personas.client(role).get(PLAN).content.decode()
    assert personas.client(role).post(PLAN + "revision/start/", {"confirmed": "1"}).status_code == 403
    assert plan_of(personas).status == "approved"


def test_a_facilitator_starts_a_revision(personas, drafted):  # noqa: F811
    approve(personas.client("mentee"), "2027/14")
    assert personas.client("facilitator").post(PLAN + "revision/start/", {"confirmed": "1"}).status_code == 302
    assert plan_of(personas).revision == 2


def test_a_plan_approved_before_revisions_has_its_approved_version_frozen_at_the_start(personas, drafted):  # noqa: F811
    approve(personas.client("mentee"), "2027/14")
    plan = plan_of(personas)
    plan.versions.filter(approved_at__isnull=False).delete()  # as approved before this feature
    ActionPlan.objects.filter(pk=plan.pk).update(approved_version=None)
    revision_start(plan=plan_of(personas), actor=personas.users["mentee"])
    plan = plan_of(personas)
    assert plan.approved_version.label.startswith("Approved version 1 (approved on ")
    assert plan.approved_version.decision_reference == "2027/14"


def test_the_timeline_keeps_approval_and_implementation_done_during_a_revision(personas, drafted):  # noqa: F811
    mentee = personas.client("mentee")
    approve(mentee, "2027/14")
    for action in plan_of(personas).actions.all():
        mentee.post(
            f"{PLAN}actions/{action.pk}/updates/new/",
            update(action, date="2027-05-01", status="done", progress="100", text="Done."),
        )
    mentee.post(PLAN + "revision/start/", {"confirmed": "1"})
    steps = {s.key: s for s in progress_for(progress_queryset(Scheme.objects.filter(pk=personas.a.pk)))[personas.a.pk].steps}
    assert steps["approval"].state == "done" and "revision 2 in progress" in steps["approval"].detail
    assert steps["implementation"].state == "done" and "revision 2 in progress" in steps["implementation"].detail


def test_the_plan_page_reads_any_number_of_approved_versions_in_the_same_queries(
    personas,
    drafted,  # noqa: F811
    django_assert_max_num_queries,
):
    mentee = personas.client("mentee")
    user = personas.users["mentee"]
    approve(mentee, "Decision 1")
    with django_assert_max_num_queries(40) as one:
        assert mentee.get(PLAN).status_code == 200
    with django_assert_max_num_queries(40) as one_versions:
        assert mentee.get(PLAN + "versions/").status_code == 200
    for n in range(2, 6):
        revision_start(plan=plan_of(personas), actor=user)
        plan_submit(plan=plan_of(personas), user=user)
        plan_approve(plan=plan_of(personas), user=user, decision_reference=f"Decision {n}")
    # The versions page (the plan approved, as when first read): every version, in the same queries as with one.
    with django_assert_max_num_queries(len(one_versions.captured_queries)):
        versions = mentee.get(PLAN + "versions/").content.decode()
    assert versions.count("Approved version ") >= 5
    revision_start(plan=plan_of(personas), actor=user)  # a revision in progress shows its banner too
    assert plan_of(personas).versions.filter(approved_at__isnull=False).count() == 5
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = mentee.get(PLAN).content.decode()
    assert "All 5 approved versions, on the versions page" in page and "Revision 6 in progress" in page
    assert mentee.get(PLAN + "versions/").content.decode().count("Approved version ") >= 5


@on_postgresql[0]
@on_postgresql[1]
def test_two_revisions_started_at_once_make_one(transactional_db, django_user_model, monkeypatch):
    """Both requests have read the approved plan before either starts the revision: the
    plan's row is locked, the second finds the first's revision and says so."""
    from schemes.services.action_plans import plan_get_or_create
    from schemes.views import plan_revisions as views

    p = personas_on_reference_data(django_user_model)
    plan = plan_get_or_create(scheme=p.a)
    Action.objects.create(plan=plan, order=1, action="Open a welcome desk")
    plan_submit(plan=plan, user=p.users["mentee"])
    plan_approve(plan=plan_of(p), user=p.users["mentee"], decision_reference="2027/14")
    url = PLAN + "revision/start/"
    posts = [(client_of(p, key), url, {"confirmed": "1"}) for key in ("mentee", "facilitator")]
    responses = race_at(monkeypatch, views, "plan_for", posts, follow=True)
    pages = [response.content.decode() for response in responses]
    plan = plan_of(p)
    assert (plan.revision, plan.status) == (2, "draft")
    assert plan.versions.filter(approved_at__isnull=False).count() == 1
    assert sum("Revision 2 started" in page for page in pages) == 1
    assert sum("Revision 2 is already in progress" in page for page in pages) == 1


def test_the_approved_version_in_force_is_still_implemented_during_a_revision(personas, drafted):  # noqa: F811
    """Progress is recorded, and overdue actions told, while the revision is drafted."""
    from schemes.services.deadlines import notify_overdue

    mentee = personas.client("mentee")
    approve(mentee, "2027/14")
    mentee.post(PLAN + "revision/start/", {"confirmed": "1"})
    desk = plan_of(personas).actions.get(action="Open a one-stop welcome desk")
    response = mentee.post(
        f"{PLAN}actions/{desk.pk}/updates/new/",
        update(desk, date="2027-05-01", status="in_progress", progress="60", text="Second desk planned."),
        follow=True,
    )
    assert "Update recorded." in response.content.decode()
    assert Action.objects.get(pk=desk.pk).progress == 60
    Action.objects.filter(pk=desk.pk).update(due_date=datetime.date(2020, 1, 1))
    assert notify_overdue(datetime.date(2027, 1, 1)) == 1
