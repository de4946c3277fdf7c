"""The activity log (mentoring.activity): the services write what happened in the
transaction of the write, a person's saves as they type are one entry, and a scheme's
recent changes read it as grouped sentences naming people, linked to what still exists,
at a cost that does not grow with the log."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mentoring.activity import log_action, recent_changes
from mentoring.models import LogEntry
from schemes.models import (
    Action,
    LocalSupportGroup,
    LocalSupportGroupMember,
    PoliticalCommitment,
    SelfAssessment,
    Visit,
)
from schemes.services.action_plans import plan_get_or_create, version_freeze
from schemes.services.invitations import role_grant
from schemes.services.practice import commitment_remove
from schemes.services.setup import form_save_with_history

from .test_autosave import AUTOSAVE
from .test_questionnaires import BASE, form_data

SCHEME = "/programmes/test-programme/schemes/1/"
TODAY = datetime.date.today()


def entries(scheme, **filters):
    return list(LogEntry.objects.filter(scheme=scheme, **filters).order_by("time", "id"))


def lines(scheme):
    return [change.text for change in recent_changes(scheme)]


@pytest.fixture
def section(personas):
    return BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"


def keys(client, url):
    return [question.key for question in client.get(url).context["form"].questions]


# -- Writing ---------------------------------------------------------------------------


def test_a_service_write_is_logged_with_who_what_which_object_and_scheme(personas):
    mentee = personas.client("mentee")
    response = mentee.post(
        SCHEME + "commitments/new/",
        {
            "name": "Jane Mayor",
            "office": "Mayor",
            "party": "Green",
            "date": TODAY.isoformat(),
            "scope": "both",
            "evidence": "",
        },
    )
    assert response.status_code == 302
    commitment = PoliticalCommitment.objects.get(name="Jane Mayor")
    [entry] = entries(personas.a, action="commitment.added")
    assert entry.actor == personas.users["mentee"] and not entry.system
    assert (entry.scheme, entry.programme, entry.object, entry.label) == (
        personas.a,
        personas.programme,
        commitment,
        "Jane Mayor",
    )
    assert entry.time <= timezone.now()


def test_a_failing_write_leaves_no_entry(personas, monkeypatch):
    commitment = PoliticalCommitment.objects.create(
        scheme=personas.a, name="Jane Mayor", office="Mayor", date=TODAY, scope="both"
    )

    def fail(self, *args, **kwargs):
        raise IntegrityError("the database refused")

    monkeypatch.setattr(PoliticalCommitment, "delete", fail)
    with pytest.raises(IntegrityError):
        commitment_remove(commitment=commitment, scheme=personas.a, actor=personas.users["mentee"])
    # The entry was written before the delete, in its transaction: both are gone.
    assert not LogEntry.objects.filter(action="commitment.removed").exists()
    assert PoliticalCommitment.objects.filter(pk=commitment.pk).exists()


def test_a_failing_log_leaves_no_write(personas):
    from schemes.forms.commitments import PoliticalCommitmentForm

    commitment = PoliticalCommitment.objects.create(
        scheme=personas.a, name="Jane Mayor", office="Mayor", date=TODAY, scope="both"
    )
    form = PoliticalCommitmentForm(
        instance=commitment,
        data={
            "name": "Jane Mayor",
            "office": "Deputy mayor",
            "party": "Green",
            "date": TODAY.isoformat(),
            "scope": "both",
            "evidence": "",
            "seen_version": str(commitment.history.first().history_id),
        },
    )
    assert form.is_valid(), form.errors
    with pytest.raises(ValueError, match="Unknown action code"):
        form_save_with_history(form, actor=personas.users["mentee"], action="commitment.typo", scheme=personas.a)
    commitment.refresh_from_db()
    assert commitment.office == "Mayor" and commitment.history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_log_action_refuses_to_run_outside_a_transaction(django_user_model):
    user = django_user_model.objects.create_user(email="a@test.example", password="x")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        log_action(actor=user, action="scheme.created")
    assert not LogEntry.objects.exists()


def test_a_persons_automatic_saves_fold_into_one_entry(personas, section):
    mentee = personas.client("mentee")
    for text in ("The", "The city", "The city lacks a welcome desk."):
        assert mentee.post(section, form_data(mentee, section, challenge=text), **AUTOSAVE).status_code == 200
    [entry] = entries(personas.a, action="needs_analysis.answer.saved")
    assert entry.data["saves"] == 3 and entry.data["automatic"] is True
    # The Save button that ends the stretch of typing joins it...
    assert mentee.post(section, form_data(mentee, section, challenge="Saved by hand.", reasons="Because.")).status_code == 302
    [entry] = entries(personas.a, action="needs_analysis.answer.saved")
    assert entry.data["saves"] == 4 and len(entry.data["questions"]) == 2
    # ... but a second Save button is an entry of its own,
    mentee.post(section, form_data(mentee, section, challenge="Saved by hand again."))
    assert len(entries(personas.a, action="needs_analysis.answer.saved")) == 2
    # and so is typing after a pause of more than five minutes.
    LogEntry.objects.update(time=timezone.now() - datetime.timedelta(minutes=6))
    mentee.post(section, form_data(mentee, section, challenge="After lunch."), **AUTOSAVE)
    mentee.post(section, form_data(mentee, section, challenge="After lunch, more."), **AUTOSAVE)
    saved = entries(personas.a, action="needs_analysis.answer.saved")
    assert [entry.data["saves"] for entry in saved] == [4, 1, 2]


def test_a_colleagues_save_in_between_ends_the_fold(personas, section):
    from schemes.models import SchemeRole

    SchemeRole.objects.create(
        scheme=personas.a,
        user=personas.users["b_mentee"],
        role="mentee",
        party=personas.a.parties.get(organisation=personas.mentee_city),
    )
    mentee, colleague = personas.client("mentee"), personas.client("b_mentee")
    mentee.post(section, form_data(mentee, section, challenge="Mine."), **AUTOSAVE)
    colleague.post(section, form_data(colleague, section, reasons="Theirs."), **AUTOSAVE)
    mentee.post(section, form_data(mentee, section, challenge="Mine, longer."), **AUTOSAVE)
    saved = entries(personas.a, action="needs_analysis.answer.saved")
    assert [entry.actor.email for entry in saved] == ["mentee@test.example", "b_mentee@test.example", "mentee@test.example"]


# -- Reading ---------------------------------------------------------------------------


def test_a_persons_saves_in_a_row_read_as_one_sentence_with_a_count(personas, section):
    marco = personas.users["mentee"]
    marco.first_name, marco.last_name = "Marco", "Rossi"
    marco.save()
    personas.mentee_city.name = "Capaci"
    personas.mentee_city.save()
    mentee = personas.client("mentee")
    questions = keys(mentee, section)[:10]
    # Ten answers in two saves of the section (a Save button each: two entries).
    assert mentee.post(section, form_data(mentee, section, **{key: f"Answer {key}" for key in questions[:6]})).status_code == 302
    assert mentee.post(section, form_data(mentee, section, **{key: f"Answer {key}" for key in questions[6:]})).status_code == 302
    assert len(entries(personas.a, action="needs_analysis.answer.saved")) == 2
    [change] = [c for c in recent_changes(personas.a) if "answer" in c.text]
    assert change.text == "Marco Rossi added 10 answers in Capaci's needs analysis"
    assert change.who == "Marco Rossi" and change.url == BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    # One more: changed, in the singular.
    mentee.post(section, form_data(mentee, section, **{questions[0]: "Changed."}))
    LogEntry.objects.filter(action="needs_analysis.answer.saved").exclude(pk=LogEntry.objects.latest("time", "id").pk).update(
        time=timezone.now() - datetime.timedelta(hours=1), actor=personas.users["facilitator"]
    )
    assert lines(personas.a)[0] == "Marco Rossi changed 1 answer in Capaci's needs analysis"


def test_plural_and_singular_sentences_and_runs_broken_by_another_person(personas):
    facilitator, mentor = personas.users["facilitator"], personas.users["mentor"]
    first, second, third = personas.a.visits.order_by("order")
    with transaction.atomic():
        log_action(actor=facilitator, action="visit.changed", obj=first, scheme=personas.a)
        log_action(actor=facilitator, action="visit.changed", obj=second, scheme=personas.a)
        log_action(actor=facilitator, action="visit.changed", obj=second, scheme=personas.a)
        log_action(actor=mentor, action="visit.changed", obj=third, scheme=personas.a)
        log_action(actor=facilitator, action="visit.changed", obj=third, scheme=personas.a)
    assert lines(personas.a)[:3] == [
        "Facilitator Tester changed the plan of the visit “Consolidation of the action plan”",
        "Mentor Tester changed the plan of the visit “Consolidation of the action plan”",
        "Facilitator Tester changed the plans of 2 visits",
    ]
    changes = recent_changes(personas.a)
    assert changes[0].url == SCHEME + "visits/3/" and changes[2].url == SCHEME + "visits/"


def test_a_restore_names_the_kind_of_record_apart_never_glued_into_the_sentence(personas):
    """Whole sentences (issue 24): "restored an earlier version of “X” (visit)", so that no
    language must make an article agree with a word glued in."""
    facilitator = personas.users["facilitator"]
    first, second = personas.a.visits.order_by("order")[:2]
    with transaction.atomic():
        log_action(actor=facilitator, action="history.restored", obj=first, scheme=personas.a)
    assert lines(personas.a)[0] == f"Facilitator Tester restored an earlier version of “{first.title}” (visit)"
    with transaction.atomic():
        log_action(actor=facilitator, action="history.restored", obj=second, scheme=personas.a)
    assert lines(personas.a)[0] == "Facilitator Tester restored earlier versions of 2 records (visits)"


def test_never_someone_for_a_person_who_exists(personas, django_user_model):
    nameless = django_user_model.objects.create_user(email="nameless@test.example", password="x")
    gone = django_user_model.objects.create_user(email="gone@test.example", password="x", first_name="Gone")
    visit = personas.a.visits.get(order=1)
    with transaction.atomic():
        log_action(actor=None, action="visit.moved", obj=visit, scheme=personas.a)
        log_action(actor=gone, action="visit.removed", obj=visit, scheme=personas.a)
        log_action(actor=nameless, action="visit.changed", obj=visit, scheme=personas.a)
    gone.delete()
    texts = lines(personas.a)
    assert texts[:3] == [
        "nameless@test.example changed the plan of the visit “Setting the scene”",
        "A former participant removed the visit “Setting the scene”",
        "The system moved the visit “Setting the scene” in the series",
    ]
    assert not any("someone" in text.lower() for text in texts)


def test_the_scheme_page_shows_the_name_and_the_link_and_nothing_of_another_scheme(personas):
    facilitator = personas.client("facilitator")
    visit = personas.a.visits.get(order=2)
    with transaction.atomic():
        log_action(actor=personas.users["mentor"], action="visit.changed", obj=visit, scheme=personas.a)
        log_action(
            actor=personas.users["b_mentee"], action="visit.changed", obj=personas.b.visits.get(order=1), scheme=personas.b
        )
    page = facilitator.get(SCHEME).content.decode()
    assert f'<a href="{SCHEME}visits/2/">Mentor Tester changed the plan of the visit “Inspiration”</a>' in page
    assert "B_Mentee" not in page and "b_mentee" not in page
    assert all(entry.scheme == personas.a for change in recent_changes(personas.a) for entry in change.entries)
    assert personas.client("b_mentee").get("/programmes/test-programme/schemes/2/").context["changes"][0].who == "B_Mentee Tester"


def test_a_line_links_only_to_what_still_exists(personas):
    mentor = personas.users["mentor"]
    visit = Visit.objects.create(scheme=personas.a, order=4, title="Extra")
    with transaction.atomic():
        log_action(actor=mentor, action="visit.removed", obj=visit, scheme=personas.a)
    visit.delete()
    [change] = recent_changes(personas.a)[:1]
    assert change.text == "Mentor Tester removed the visit “Extra”" and change.url == ""


def test_every_link_opens(personas):
    """A line about each kind of object of a scheme links to a page that opens."""
    mentee, facilitator = personas.users["mentee"], personas.users["facilitator"]
    plan = plan_get_or_create(scheme=personas.a)
    action = Action.objects.create(plan=plan, action="Open a welcome desk", order=1)
    group = LocalSupportGroup.objects.create(scheme=personas.a, city=personas.mentee_city)
    member = LocalSupportGroupMember.objects.create(group=group, name="Ana", organisation="NGO", stakeholder_type="ngo")
    assessment = SelfAssessment.objects.create(scheme=personas.a, city=personas.mentee_city, benchmark=personas.a.benchmark)
    commitment = PoliticalCommitment.objects.create(
        scheme=personas.a, name="Jane Mayor", office="Mayor", date=TODAY, scope="both"
    )
    city = {"city": personas.mentee_city.label, "organisation": personas.mentee_city.pk}
    with transaction.atomic():
        role_grant(
            user=personas.users["outsider"], programme=personas.programme, scheme=personas.a, role="observer", actor=facilitator
        )
        version_freeze(plan=plan, label="Draft one", user=facilitator)
        log_action(actor=mentee, action="action.changed", obj=action, scheme=personas.a)
        log_action(actor=facilitator, action="member.added", obj=member, scheme=personas.a, data=city)
        log_action(
            actor=mentee, action="self_assessment.submitted", obj=assessment, scheme=personas.a, data={**city, "round": "1"}
        )
        log_action(actor=facilitator, action="commitment.changed", obj=commitment, scheme=personas.a)
        log_action(actor=mentee, action="focus.changed", obj=personas.a, scheme=personas.a)
        log_action(actor=facilitator, action="visit.changed", obj=personas.a.visits.get(order=1), scheme=personas.a)
    mentee_client = personas.client("mentee")
    url = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    assert mentee_client.post(url, form_data(mentee_client, url, challenge="Housing.")).status_code == 302
    changes = recent_changes(personas.a)
    assert len(changes) == 10 and all(change.url for change in changes), [(c.text, c.url) for c in changes]
    client = personas.client("facilitator")
    for change in changes:
        assert client.get(change.url.split("#")[0]).status_code == 200, (change.text, change.url)


def test_the_scheme_page_costs_the_same_with_a_long_log(personas):
    client = personas.client("facilitator")
    client.get(SCHEME)  # the session settled

    def cost():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SCHEME).status_code == 200
        return len(queries)

    few = cost()
    people = [personas.users[key] for key in ("mentee", "mentor", "facilitator", "association")]
    visits = list(personas.a.visits.all())
    gone = Visit.objects.create(scheme=personas.a, order=9, title="Gone")
    objects = [
        *visits,
        gone,
        *[
            PoliticalCommitment.objects.create(scheme=personas.a, name=f"M{n}", office="Mayor", date=TODAY, scope="both")
            for n in range(5)
        ],
    ]
    gone.delete()
    now = timezone.now()
    LogEntry.objects.bulk_create(
        LogEntry(
            time=now - datetime.timedelta(seconds=n),
            actor=people[n % 4],
            action="visit.changed" if isinstance(obj, Visit) else "commitment.changed",
            scheme=personas.a,
            programme=personas.programme,
            content_type_id=_content_type(obj),
            object_id=obj.pk,
            label=str(n),
        )
        for n in range(600)
        for obj in [objects[n % len(objects)]]
    )
    assert cost() == few
    assert len(recent_changes(personas.a)) == 10


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk
