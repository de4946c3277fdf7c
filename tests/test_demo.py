"""The demo in flight (issue 26): ``load_demo`` brings IncluCities scheme 1 mid-way and
scheme 2 to its end, the others at the start, written through the services as the demo
people; a second load changes nothing."""

import html
import io
import json
import re
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mentoring.data_exports import build_zip
from mentoring.models import LogEntry, User
from schemes.models import (
    Action,
    ActionPlanStatus,
    Answer,
    Programme,
    Response,
    SelfAssessment,
    VisitStatus,
)
from schemes.services.demo import demo_email
from schemes.services.progress import DONE, STARTED, TODO, progress_for, progress_queryset
from schemes.services.visits import agenda_days

pytestmark = pytest.mark.django_db

SCHEME_1 = "/programmes/inclucities/schemes/1/"


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # demo accounts sign in only with DEBUG on
    call_command("load_demo", stdout=io.StringIO())
    return Programme.objects.get(slug="inclucities")


def person(key):
    return User.objects.get(email=demo_email(key))


def signed_in(key):
    client = Client()
    client.force_login(person(key))
    return client


def visible(response):
    """The page's text as a reader sees it (tags and repeated spaces left out)."""
    assert response.status_code == 200
    text = re.sub(r"<(script|style).*?</\1>", " ", response.content.decode(), flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text)))


def states(programme):
    schemes = progress_queryset(programme.schemes.order_by("number"))
    return {p.scheme.number: p for p in progress_for(schemes).values()}


def test_scheme_1_is_mid_way_scheme_2_complete_the_others_at_the_start(demo):
    progress = states(demo)
    first = {step.key: step.state for step in progress[1].steps}
    for key in ("needs_analysis", "strengths", "pairing", "training", "scope", "support_group", "commitment"):
        assert first[key] == DONE, key
    assert (first["visits"], first["action_plan"], first["approval"]) == (STARTED, STARTED, TODO)
    assert [step.state for step in progress[1].visits][:2] == [DONE, STARTED]
    assert progress[1].step("visits").detail == "1 of 3 held"
    assert progress[1].step("action_plan").detail == "3 actions · 2 versions"
    assert progress[2].done and progress[2].done_count == progress[2].total_count == 15
    for number in (3, 4):
        assert progress[number].done_count == 1  # the pairing, made when the scheme was
        assert not progress[number].late

    scheme1, scheme2 = demo.schemes.get(number=1), demo.schemes.get(number=2)
    visit1, visit2 = scheme1.visits.get(order=1), scheme1.visits.get(order=2)
    assert visit1.status == VisitStatus.HELD and visit1.end_date < visit2.start_date
    assert visit1.agenda_items.exists() and visit1.report_items.count() == 3 and visit1.outcomes
    # Whom the visitors call: the visit's contact on its first day, a day's own on the second.
    days = {day: contact for day, _sessions, _total, contact in agenda_days(visit1, visit1.agenda_items.all())}
    assert list(days.values()) == [visit1.contact, "Salvatore Greco, parish youth centre, +39 091 555 0177"]
    assert scheme1.focus_agreed_by_mentee and scheme1.focus_agreed_by_mentor
    assert list(scheme1.action_plan.versions.values_list("label", flat=True)) == [
        "Draft after visit 1",
        "Second draft, for visit 2",
    ]
    assert SelfAssessment.objects.filter(scheme=scheme1, submitted_at__isnull=False).count() == 2
    assert scheme2.action_plan.status == ActionPlanStatus.APPROVED
    # Scheme 2's timeline reads in order, all of it in the past: the last visit, the
    # approval, the implementation updates, the final round.
    approved = timezone.localtime(scheme2.action_plan.approved_at).date()
    last_visit = max(v.end_date for v in scheme2.visits.all())
    updates = sorted(Action.objects.filter(plan__scheme=scheme2).values_list("updates__date", flat=True))
    final = SelfAssessment.objects.filter(scheme=scheme2, round=2).first()
    assert last_visit < approved < updates[0] <= updates[-1] < timezone.localtime(final.submitted_at).date()
    assert timezone.localtime(final.submitted_at).date() < timezone.localdate()
    assert max(v.end_date for v in scheme2.visits.all()) < visit1.start_date
    assert set(SelfAssessment.objects.filter(scheme=scheme2).values_list("round", flat=True)) == {1, 2}
    # The mentor's good practice is attached to the strengths, and transferred by an action.
    strengths = Response.objects.get(scheme=scheme1, template__kind="strengths")
    assert [p.title for p in strengths.good_practices.all()] == ["Buddy Project: a volunteer at every newcomer's side"]
    assert Action.objects.filter(plan__scheme=scheme1, transfers_practice__city__name="Mechelen").exists()


def test_scheme_2_is_written_in_french(demo):
    scheme2 = demo.schemes.get(number=2)
    texts = " ".join(Answer.objects.filter(response__scheme=scheme2).values_list("text", flat=True))
    assert "habitantes" in texts and "Marches exploratoires" in scheme2.action_plan.actions.all()[1].transfers_practice.title


def test_the_mentee_sees_the_answers_and_actions_on_the_scheme_and_home_pages(demo):
    client = signed_in("mentee")
    text = visible(client.get(SCHEME_1))
    assert "7 of 15 steps done" in text
    assert "Visit 1: Setting the scene Done · Held, Capaci" in text
    assert "Action plan In progress · 3 actions · 2 versions" in text
    assert "Pietro Puccio , Mayor of Capaci" in text
    assert "Marc Mentor commented on the action “Open a weekly welcome desk" in text
    # Each change is dated on its day of the timeline: visit 1 recorded on its last day.
    visit1 = demo.schemes.get(number=1).visits.get(order=1)
    recorded = LogEntry.objects.get(action="visit.recorded", object_id=visit1.pk)
    assert timezone.localtime(recorded.time).date() == visit1.end_date
    plan = visible(client.get(SCHEME_1 + "action-plan/"))
    assert "Pilot a Buddy Project in Capaci" in plan
    assert "Start with fewer pairs and train the volunteers first" in plan
    capaci = demo.schemes.get(number=1).parties.get(organisation__name="Capaci").organisation_id
    needs = visible(client.get(SCHEME_1 + f"needs-analysis/{capaci}/sections/mentee-needs/"))
    assert "Newcomers in Capaci" in needs
    home = visible(client.get("/"))
    assert "Working meeting: the second draft of the action plan" in home and "Visit 2: Inspiration" in home
    dashboard = visible(signed_in("coordinator").get("/programmes/inclucities/dashboard/"))
    assert "Capaci" in dashboard and "In progress" in dashboard and "1 of 3 held" in dashboard


def test_the_activity_log_and_the_history_name_the_demo_people(demo):
    scheme1 = demo.schemes.get(number=1)
    entries = LogEntry.objects.filter(scheme=scheme1)
    assert entries.count() > 30
    assert not entries.filter(actor__isnull=True).exists()
    actors = set(entries.values_list("actor__email", flat=True))
    assert {demo_email(key) for key in ("mentee", "mentee2", "mentor", "association", "facilitator")} <= actors
    page = visible(signed_in("mentee").get(SCHEME_1))
    assert "Felix Facilitator recorded what happened at the visit “Setting the scene”" in page
    assert "someone" not in page.lower()
    answer = Answer.objects.filter(response__scheme=scheme1).first()
    assert answer.history.filter(history_user__isnull=False).exists()
    assert not Answer.history.filter(response__scheme=scheme1, history_user__isnull=True).exists()


def counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"mentoring", "schemes", "benchmarks"} and model._meta.label != "mentoring.LogEntry"
    } | {"mentoring.LogEntry": LogEntry.objects.count()}


def test_a_second_load_duplicates_nothing(demo):
    before = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == before


def test_the_demo_mentee_downloads_what_they_wrote(demo, capsys):
    buffer = io.BytesIO()
    names = build_zip(person("mentee"), buffer)
    archive = zipfile.ZipFile(buffer)
    assert archive.namelist() == names == ["person.json", "writings.json"]
    written = json.loads(archive.read("writings.json"))
    filled = {kind: len(rows) for kind, rows in written.items() if rows}
    with capsys.disabled():
        print("\nThe demo mentee's download:", names, filled)
    assert any("answer" in kind.lower() for kind in filled), filled
    assert any("action" in kind.lower() for kind in filled), filled


def test_the_demo_people_find_notifications_but_none_is_e_mailed(demo, mailoutbox):
    from mentoring.emails import send_digests, send_immediate
    from mentoring.models import Notification

    mentee = person("mentee")
    assert Notification.objects.filter(recipient=mentee, read_at__isnull=True).exists()
    # What the tasks queued by the demo's writes do: e-mail each entry's notifications.
    entries = set(Notification.objects.values_list("entry_id", flat=True))
    assert sum(send_immediate(entry).emails for entry in entries) == 0
    assert send_digests().emails == 0
    assert mailoutbox == []


def test_implementoring_has_its_waiting_mentees_ready_for_matching(demo):
    from schemes.models import KeyFactorAssessment
    from schemes.services.matching import waiting_schemes

    implementoring = Programme.objects.get(slug="implementoring")
    waiting = list(waiting_schemes(implementoring))
    assert sorted(party.organisation.name for scheme in waiting for party in scheme.mentee_parties) == ["Lublin", "Riga"]
    for scheme in waiting:
        baseline = SelfAssessment.objects.get(scheme=scheme)
        assert baseline.submitted_at is not None and baseline.key_factors.count() == 8
    # Entered through the self-assessment service, in the coordinator's name.
    coordinator = person("coordinator.eurocities")
    rows = KeyFactorAssessment.history.filter(assessment__scheme__programme=implementoring)
    assert rows.exists() and not rows.exclude(history_user=coordinator).exists()
    assert LogEntry.objects.filter(programme=implementoring, action="self_assessment.submitted", actor=coordinator).count() == 6


def test_each_scheme_s_recent_changes_read_in_the_order_they_were_made_all_in_the_past(demo):
    for number in (1, 2):
        times = list(
            LogEntry.objects.filter(scheme__programme=demo, scheme__number=number).order_by("pk").values_list("time", flat=True)
        )
        assert len(times) > 30 and times == sorted(times), number
        assert times[-1] < timezone.now()


def test_a_database_loaded_by_the_earlier_demo_gets_the_schemes_in_flight(settings, monkeypatch):
    """Before issue 26 the demo put two meetings in scheme 1, visit 1 ahead (its
    preparation meeting would refuse the visit's dates in the past): they are removed
    through the service, and the story is written."""
    import datetime

    from schemes.models import Meeting
    from schemes.services import demo_story

    with monkeypatch.context() as patched:
        patched.setattr(demo_story, "demo_story", lambda programme, people: None)
        call_command("load_demo", stdout=io.StringIO())
    scheme1 = Programme.objects.get(slug="inclucities").schemes.get(number=1)
    today = timezone.localdate()
    Meeting.objects.create(scheme=scheme1, title="Working meeting: the needs analysis", date=today + datetime.timedelta(days=7))
    Meeting.objects.create(
        scheme=scheme1,
        purpose="preparation",
        visit=scheme1.visits.get(order=1),
        title="Preparation of Setting the scene",
        date=today + datetime.timedelta(days=35),
    )
    call_command("load_demo", stdout=io.StringIO())
    assert list(scheme1.meetings.order_by("date").values_list("title", flat=True)) == [
        "Working meeting: the second draft of the action plan",
        "Preparation of Inspiration",
    ]
    assert LogEntry.objects.filter(scheme=scheme1, action="meeting.removed", actor=person("facilitator")).count() == 2
    progress = states(Programme.objects.get(slug="inclucities"))
    assert progress[1].step("visits").detail == "1 of 3 held" and progress[2].done
