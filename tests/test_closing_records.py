"""The closing stage's records (seed 002, "Concluding the ImpleMentoring process"): each
side's evaluation of the mentoring, the dissemination outputs with their files, the
associations' support gaps, and the closing steps on the timeline and the dashboard."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mentoring.models import LogEntry
from schemes.models import (
    DisseminationOutput,
    MentoringEvaluation,
    Organisation,
    PoliticalCommitment,
    SchemeRole,
    Side,
    SupportGap,
)
from schemes.services.attachments import attachment_add
from schemes.services.progress import COLUMN_LABELS, DONE, LATE, NOT_NEEDED, STARTED, TODO, progress_for
from schemes.services.schemes import scheme_create

BASE = "/programmes/test-programme/schemes/1/"
CLOSING = BASE + "closing/"
DASHBOARD = "/programmes/test-programme/dashboard/"
TODAY = timezone.localdate()


def evaluation_url(side, suffix=""):
    return f"{CLOSING}evaluation/{side}/{suffix}"


def answers(**more):
    return {"learned": "We learned to listen first.", "worked": "The second visit.", "change": "Fewer meetings.", **more}


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


def steps(scheme):
    progress = progress_for([scheme])[scheme.pk]
    return {step.key: step for step in progress.steps}


# -- The evaluation of the mentoring ---------------------------------------------------


def test_each_side_writes_its_own_evaluation_and_everyone_of_the_scheme_reads_it(personas):
    p = personas
    mentee = p.client("mentee")
    assert mentee.get(evaluation_url("mentee")).status_code == 200
    assert not MentoringEvaluation.objects.exists(), "opening the form writes nothing"
    response = mentee.post(evaluation_url("mentee"), answers(again="true"))
    assert response.status_code == 302
    evaluation = MentoringEvaluation.objects.get(scheme=p.a, side="mentee")
    assert evaluation.learned == "We learned to listen first." and evaluation.again is True
    assert evaluation.history.count() == 1
    assert LogEntry.objects.filter(action="evaluation.changed", object_id=evaluation.pk).exists()

    mentor = p.client("mentor")
    assert mentor.post(evaluation_url("mentor"), answers(learned="Our own practice, seen anew.")).status_code == 302
    facilitator = p.client("facilitator")
    assert (
        facilitator.post(evaluation_url("facilitation"), answers(learned="Both sides asked good questions.")).status_code == 302
    )

    page = p.client("observer").get(CLOSING)
    assert page.status_code == 200
    for text in ("We learned to listen first.", "Our own practice, seen anew.", "Both sides asked good questions."):
        assert text in page.content.decode()
    # Read-only for the observer: no writing buttons.
    assert f'href="{evaluation_url("mentee")}"' not in page.content.decode()
    assert "/submit/" not in page.content.decode() and "/reopen/" not in page.content.decode()


@pytest.mark.parametrize(
    "role,side", [("mentor", "mentee"), ("facilitator", "mentee"), ("mentee", "mentor"), ("mentee", "facilitation")]
)
def test_nobody_writes_another_sides_evaluation(personas, role, side):
    client = personas.client(role)
    assert client.get(evaluation_url(side)).status_code == 403
    assert client.post(evaluation_url(side), answers()).status_code == 403
    assert not MentoringEvaluation.objects.exists()


def test_the_association_coordinator_and_observer_write_no_evaluation(personas):
    for role in ("association", "coordinator", "observer"):
        assert personas.client(role).post(evaluation_url("mentee"), answers()).status_code == 403
    assert personas.client("mentee").get(evaluation_url("nobody")).status_code == 404


def test_submitting_asks_then_locks_the_evaluation_until_its_side_reopens_it(personas):
    p = personas
    mentee = p.client("mentee")
    mentee.post(evaluation_url("mentee"), answers())
    asked = mentee.post(evaluation_url("mentee", "submit/"))
    assert asked.status_code == 200 and "Submit the evaluation" in asked.content.decode()
    assert not MentoringEvaluation.objects.get(side="mentee").submitted

    done = mentee.post(evaluation_url("mentee", "submit/"), {"confirmed": "1"}, follow=True)
    assert "Evaluation submitted." in messages_of(done)
    evaluation = MentoringEvaluation.objects.get(side="mentee")
    assert evaluation.submitted and evaluation.submitted_by == p.users["mentee"]

    # Editing after the submit is refused with a message, and nothing changes.
    refused = mentee.post(evaluation_url("mentee"), answers(learned="Changed afterwards"), follow=True)
    assert any("submitted" in message for message in messages_of(refused))
    evaluation.refresh_from_db()
    assert evaluation.learned == "We learned to listen first."
    # The mentor side's people do not reopen it.
    assert p.client("mentor").post(evaluation_url("mentee", "reopen/"), {"confirmed": "1"}).status_code == 403
    assert p.client("facilitator").post(evaluation_url("mentee", "reopen/"), {"confirmed": "1"}).status_code == 403

    assert mentee.post(evaluation_url("mentee", "reopen/")).status_code == 200  # asks first
    assert MentoringEvaluation.objects.get(side="mentee").submitted
    mentee.post(evaluation_url("mentee", "reopen/"), {"confirmed": "1"})
    assert not MentoringEvaluation.objects.get(side="mentee").submitted
    seen = mentee.get(evaluation_url("mentee")).context["form"]["seen_version"].value()
    assert mentee.post(evaluation_url("mentee"), answers(learned="Changed afterwards", seen_version=seen)).status_code == 302
    assert MentoringEvaluation.objects.get(side="mentee").learned == "Changed afterwards"
    actions = list(LogEntry.objects.filter(action__startswith="evaluation.").values_list("action", flat=True))
    assert "evaluation.submitted" in actions and "evaluation.reopened" in actions


def test_an_empty_evaluation_is_not_submitted(personas):
    mentee = personas.client("mentee")
    mentee.post(evaluation_url("mentee"), {"learned": "", "worked": "  ", "change": ""})
    response = mentee.post(evaluation_url("mentee", "submit/"), {"confirmed": "1"}, follow=True)
    assert "Write at least one answer before submitting the evaluation." in messages_of(response)
    assert not MentoringEvaluation.objects.get(side="mentee").submitted
    # Not written at all: nothing to submit.
    response = personas.client("mentor").post(evaluation_url("mentor", "submit/"), {"confirmed": "1"}, follow=True)
    assert "Write the evaluation before submitting it." in messages_of(response)


def test_a_concurrent_edit_of_an_evaluation_is_detected_and_the_text_kept(personas):
    p = personas
    mentee = p.client("mentee")
    mentee.post(evaluation_url("mentee"), answers())
    seen = mentee.get(evaluation_url("mentee")).context["form"]["seen_version"].value()
    # A colleague saves first.
    colleague = type(p.users["mentee"]).objects.create_user(email="colleague@test.example", password="x" * 20)
    SchemeRole.objects.create(scheme=p.a, user=colleague, role="mentee", party=p.a.parties.get(organisation=p.mentee_city))
    from django.test import Client

    other = Client()
    other.force_login(colleague)
    assert other.post(evaluation_url("mentee"), answers(seen_version=seen, learned="The colleague's words")).status_code == 302
    late = mentee.post(evaluation_url("mentee"), answers(seen_version=seen, learned="My words"))
    assert late.status_code == 409
    assert "My words" in late.content.decode()
    assert MentoringEvaluation.objects.get(side="mentee").learned == "The colleague's words"


def test_two_first_saves_of_one_side_make_one_evaluation(personas):
    """Both opened the empty form: the second is told someone saved first."""
    mentee = personas.client("mentee")
    assert mentee.post(evaluation_url("mentee"), answers(seen_version=0)).status_code == 302
    second = mentee.post(evaluation_url("mentee"), answers(seen_version=0, learned="Second"))
    assert second.status_code == 409
    assert MentoringEvaluation.objects.count() == 1


def test_the_evaluation_history_shows_each_save(personas):
    mentee = personas.client("mentee")
    mentee.post(evaluation_url("mentee"), answers())
    seen = mentee.get(evaluation_url("mentee")).context["form"]["seen_version"].value()
    mentee.post(evaluation_url("mentee"), answers(seen_version=seen, change="Shorter visits."))
    page = personas.client("observer").get(evaluation_url("mentee", "history/"))
    assert page.status_code == 200 and "Shorter visits." in page.content.decode()
    assert "/restore/" not in page.content.decode()


# -- Dissemination outputs --------------------------------------------------------------


def output_data(**more):
    return {
        "kind": "closing_event",
        "title": "Final conference in Menteeville",
        "date": "2027-06-01",
        "audience": "City councillors and the local support group",
        "link": "https://menteeville.example/news/final-conference",
        "notes": "",
        **more,
    }


@pytest.mark.parametrize("role", ["mentee", "mentor", "facilitator"])
def test_the_cities_and_facilitators_record_outputs(personas, role):
    client = personas.client(role)
    response = client.post(CLOSING + "outputs/new/", output_data())
    assert response.status_code == 302
    output = DisseminationOutput.objects.get()
    assert output.scheme == personas.a and output.created_by == personas.users[role]
    page = personas.client("observer").get(CLOSING).content.decode()
    assert "Final conference in Menteeville" in page
    assert 'href="https://menteeville.example/news/final-conference"' in page


def test_the_association_and_observer_record_no_output(personas):
    for role in ("association", "observer"):
        assert personas.client(role).post(CLOSING + "outputs/new/", output_data()).status_code == 403
    assert not DisseminationOutput.objects.exists()


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        "JavaScript:alert(1)//https://x.example",
        "data:text/html,<b>x</b>",
        "ftp://files.example/a",
    ],
)
def test_a_link_that_is_not_a_web_address_is_refused(personas, link):
    response = personas.client("mentee").post(CLOSING + "outputs/new/", output_data(link=link))
    assert response.status_code == 200
    assert response.context["form"].errors["link"]
    assert not DisseminationOutput.objects.exists()
    assert "Final conference in Menteeville" in response.content.decode()  # what was typed is kept


def test_a_title_of_301_characters_is_refused_and_300_accepted(personas):
    client = personas.client("mentee")
    response = client.post(CLOSING + "outputs/new/", output_data(title="x" * 301))
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert client.post(CLOSING + "outputs/new/", output_data(title="x" * 300)).status_code == 302


def test_hostile_html_is_refused_and_text_is_shown_escaped(personas):
    client = personas.client("mentee")
    hostile = '<script>alert("x")</script>'
    response = client.post(CLOSING + "outputs/new/", output_data(title=hostile))
    assert response.status_code == 200 and response.context["form"].errors["title"]
    assert "<script>alert" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()
    # Text with the characters of markup, but no markup, is kept and shown as text.
    client.post(CLOSING + "outputs/new/", output_data(title='Cities & "people" <3', notes="fewer than 5 < 6 > 4"))
    page = personas.client("observer").get(CLOSING).content.decode()
    assert "Cities &amp; &quot;people&quot; &lt;3" in page and "fewer than 5 &lt; 6 &gt; 4" in page


def test_a_closing_event_needs_its_date(personas):
    response = personas.client("mentee").post(CLOSING + "outputs/new/", output_data(date=""))
    assert response.status_code == 200 and response.context["form"].errors["date"]


def test_an_output_of_another_scheme_is_not_found(personas):
    p = personas
    theirs = DisseminationOutput.objects.create(scheme=p.b, kind="article", title="Their article")
    gap = SupportGap.objects.create(scheme=p.b, level="national", issue="Theirs")
    facilitator = p.client("facilitator")
    for suffix in ("edit/", "history/"):
        assert facilitator.get(f"{CLOSING}outputs/{theirs.pk}/{suffix}").status_code == 404
    assert facilitator.post(f"{CLOSING}outputs/{theirs.pk}/delete/", {"confirmed": "1"}).status_code == 404
    assert p.client("association").post(f"{CLOSING}support-gaps/{gap.pk}/delete/", {"confirmed": "1"}).status_code == 404
    response = facilitator.post(
        f"{BASE}attachments/dissemination/{theirs.pk}/add/", {"file": SimpleUploadedFile("a.txt", b"Notes")}
    )
    assert response.status_code == 404
    assert DisseminationOutput.objects.filter(pk=theirs.pk).exists() and SupportGap.objects.filter(pk=gap.pk).exists()


def test_an_output_is_edited_removed_after_a_question_and_restored(personas):
    p = personas
    client = p.client("mentor")
    client.post(CLOSING + "outputs/new/", output_data())
    output = DisseminationOutput.objects.get()
    form = client.get(f"{CLOSING}outputs/{output.pk}/edit/").context["form"]
    seen = form["seen_version"].value()
    assert client.post(f"{CLOSING}outputs/{output.pk}/edit/", output_data(title="Renamed", seen_version=seen)).status_code == 302
    # A stale form is refused: someone saved in between.
    stale = client.post(f"{CLOSING}outputs/{output.pk}/edit/", output_data(title="Stale", seen_version=seen))
    assert stale.status_code == 409
    output.refresh_from_db()
    assert output.title == "Renamed"
    first = output.history.earliest("history_id")
    assert client.post(f"{CLOSING}outputs/{output.pk}/history/{first.history_id}/restore/").status_code == 302
    output.refresh_from_db()
    assert output.title == "Final conference in Menteeville"
    assert client.post(f"{CLOSING}outputs/{output.pk}/delete/").status_code == 200  # asks
    assert DisseminationOutput.objects.exists()
    client.post(f"{CLOSING}outputs/{output.pk}/delete/", {"confirmed": "1"})
    assert not DisseminationOutput.objects.exists()
    assert LogEntry.objects.filter(action="dissemination.removed").exists()


def test_files_are_attached_to_an_output_by_its_editors(personas):
    p = personas
    output = DisseminationOutput.objects.create(scheme=p.a, kind="presentation", title="Slides of the final meeting")
    add = f"{BASE}attachments/dissemination/{output.pk}/add/"
    response = p.client("mentor").post(add, {"file": SimpleUploadedFile("slides.txt", b"The slides, as text.")})
    assert response.status_code == 302 and f"#output-{output.pk}" in response["Location"]
    page = p.client("observer").get(CLOSING).content.decode()
    assert "slides.txt" in page
    refused = p.client("association").post(add, {"file": SimpleUploadedFile("x.txt", b"Not theirs.")})
    assert refused.status_code == 403


# -- Support gaps ------------------------------------------------------------------------


def test_the_association_records_support_gaps_and_others_read_them(personas):
    p = personas
    data = {"level": "national", "issue": "No national fund for language courses.", "would_help": "A ministry programme."}
    assert p.client("mentee").post(CLOSING + "support-gaps/new/", data).status_code == 403
    assert p.client("facilitator").post(CLOSING + "support-gaps/new/", data).status_code == 403
    assert p.client("association").post(CLOSING + "support-gaps/new/", data).status_code == 302
    gap = SupportGap.objects.get()
    assert gap.created_by == p.users["association"]
    page = p.client("mentor").get(CLOSING).content.decode()
    assert "No national fund for language courses." in page and "A ministry programme." in page
    refused = p.client("association").post(CLOSING + "support-gaps/new/", {**data, "issue": "<img src=x onerror=alert(1)>"})
    assert refused.status_code == 200 and refused.context["form"].errors["issue"]
    assert SupportGap.objects.count() == 1


# -- The closing steps on the timeline and the dashboard ---------------------------------


def test_the_closing_steps_follow_the_records(personas):
    p = personas
    closing = steps(p.a)
    assert [closing[key].state for key in ("evaluation", "dissemination", "support_gaps")] == [TODO, TODO, TODO]
    assert steps(p.b)["support_gaps"].state == NOT_NEEDED  # no association in scheme B

    evaluation = MentoringEvaluation.objects.create(scheme=p.a, side="mentee", learned="Listen")
    assert steps(p.a)["evaluation"].state == STARTED
    for side in ("mentee", "mentor", "facilitation"):
        MentoringEvaluation.objects.update_or_create(
            scheme=p.a, side=side, defaults={"learned": "x", "submitted_at": timezone.now()}
        )
    assert steps(p.a)["evaluation"].state == DONE
    assert evaluation.pk

    DisseminationOutput.objects.create(scheme=p.a, kind="article", title="An article")
    assert steps(p.a)["dissemination"].state == STARTED
    DisseminationOutput.objects.create(scheme=p.a, kind="closing_event", title="Final", date=datetime.date(2027, 6, 1))
    dissemination = steps(p.a)["dissemination"]
    assert dissemination.state == DONE and "2 outputs" in dissemination.detail

    SupportGap.objects.create(scheme=p.a, level="regional", issue="No regional coordination")
    assert steps(p.a)["support_gaps"].state == DONE


def test_the_closing_steps_are_late_after_the_schemes_end(personas):
    p = personas
    p.a.end_date = TODAY - datetime.timedelta(days=1)
    p.a.save()
    MentoringEvaluation.objects.create(scheme=p.a, side="mentee", learned="x", submitted_at=timezone.now())
    DisseminationOutput.objects.create(scheme=p.a, kind="closing_event", title="Final", date=TODAY)
    closing = steps(p.a)
    assert closing["evaluation"].state == LATE  # two sides have not submitted
    assert closing["dissemination"].state == DONE
    assert closing["support_gaps"].state == LATE
    progress = progress_for([p.a])[p.a.pk]
    assert {"Evaluation", "Support gaps"} <= {str(step.label) for step in progress.late}
    page = p.client("mentee").get(BASE).content.decode()
    assert "steps-closing" in page and CLOSING in page


def test_the_dashboard_shows_the_closing_steps_in_one_column(personas):
    p = personas
    p.a.end_date = TODAY - datetime.timedelta(days=1)
    p.a.save()
    response = p.client("coordinator").get(DASHBOARD)
    content = response.content.decode()
    assert response.context["step_labels"] == COLUMN_LABELS
    assert content.count('<th scope="col"') == len(COLUMN_LABELS) + 4  # scheme, late, next date, phase
    assert '<th scope="col">Closing</th>' in content and '<th scope="col">Evaluation</th>' not in content
    row = response.context["rows"][0]
    assert row.columns[-1].state == LATE and "Evaluation: Late" in row.columns[-1].detail
    # The exports have every step.
    csv = p.client("coordinator").get("/programmes/test-programme/dashboard.csv").content.decode()
    assert "Evaluation: detail" in csv and "Support gaps: detail" in csv


# -- Query counts ---------------------------------------------------------------------------


def _records(scheme, n, user):
    for i in range(n):
        output = DisseminationOutput.objects.create(scheme=scheme, kind="article", title=f"Article {i}", link="https://a.example")
        SupportGap.objects.create(scheme=scheme, level="local", issue=f"Gap {i}")
        if i % 3 == 0:
            attachment_add(
                scheme=scheme,
                kind="dissemination",
                obj=output,
                upload=SimpleUploadedFile(f"article-{i}.txt", f"Article {i}".encode()),
                actor=user,
            )


def test_the_closing_page_costs_the_same_for_one_or_twenty_records(personas, django_assert_max_num_queries):
    p = personas
    client = p.client("mentor")
    _records(p.a, 1, p.users["mentor"])
    MentoringEvaluation.objects.create(
        scheme=p.a, side="mentee", learned="x", submitted_at=timezone.now(), submitted_by=p.users["mentee"]
    )
    with django_assert_max_num_queries(20) as small:
        assert client.get(CLOSING).status_code == 200
    _records(p.a, 19, p.users["mentor"])
    MentoringEvaluation.objects.create(scheme=p.a, side="mentor", learned="y")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(CLOSING)
    assert len(response.context["outputs"]) == 20 and len(response.context["gaps"]) == 20
    assert "article-18.txt" in response.content.decode()


def test_the_dashboard_costs_the_same_for_two_or_eight_schemes_with_closing_records(personas, django_assert_max_num_queries):
    p = personas
    client = p.client("coordinator")
    _records(p.a, 2, p.users["facilitator"])
    with django_assert_max_num_queries(30) as small:
        client.get(DASHBOARD)
    for n in range(6):
        city = Organisation.objects.create(kind="city", name=f"City {n}", country="FR")
        scheme = scheme_create(
            programme=p.programme,
            title=f"S{n}",
            theme=f"Theme {n}",
            parties=[(city, Side.MENTEE), (p.mentee_association, Side.MENTEE), (p.mentor_city, Side.MENTOR)],
        )
        SchemeRole.objects.create(scheme=scheme, user=p.users["facilitator"], role="facilitator")
        PoliticalCommitment.objects.create(scheme=scheme, name="Mayor", office="Mayor", date=TODAY, scope="both")
        MentoringEvaluation.objects.create(scheme=scheme, side="mentee", learned="x", submitted_at=timezone.now())
        DisseminationOutput.objects.create(scheme=scheme, kind="closing_event", title="Final", date=TODAY)
        _records(scheme, 3, p.users["facilitator"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(DASHBOARD)
    assert len(response.context["rows"]) == 8
    # The scheme page, which shows the same steps, within the pages' target (manage.py measure_speed).
    with django_assert_max_num_queries(15):
        assert client.get("/programmes/test-programme/schemes/8/").status_code == 200


def test_the_activity_log_links_to_the_closing_page(personas):
    p = personas
    p.client("association").post(CLOSING + "support-gaps/new/", {"level": "european", "issue": "No EU funding line"})
    page = p.client("mentee").get(BASE).content.decode()
    gap = SupportGap.objects.get()
    assert f"{CLOSING}#gap-{gap.pk}" in page


def test_the_evidence_pack_puts_the_outputs_files_in_a_closing_folder(personas):
    from schemes.services.evidence import evidence_pack

    p = personas
    output = DisseminationOutput.objects.create(scheme=p.a, kind="press", title="Press release")
    attachment_add(
        scheme=p.a,
        kind="dissemination",
        obj=output,
        upload=SimpleUploadedFile("press-release.txt", b"For immediate release."),
        actor=p.users["mentee"],
    )
    out, entries = evidence_pack(p.a)
    out.close()
    assert "6 Closing/press-release.txt" in [entry.path for entry in entries]


def test_an_answer_to_take_part_again_that_is_not_one_of_the_three_is_refused_with_the_text_kept(personas):
    mentee = personas.client("mentee")
    response = mentee.post(evaluation_url("mentee"), answers(again="perhaps"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and "Select a valid choice. perhaps is not one of the available choices." in page
    assert "We learned to listen first." in page
    assert not MentoringEvaluation.objects.exists()
    # The three answers a person can give are each kept as given.
    from mentoring.forms import latest_history_id

    for sent, kept in (("false", False), ("unknown", None), ("true", True)):
        evaluation = MentoringEvaluation.objects.filter(scheme=personas.a, side="mentee").first()
        data = answers(again=sent) | ({"seen_version": latest_history_id(evaluation)} if evaluation else {})
        assert mentee.post(evaluation_url("mentee"), data).status_code == 302
        assert MentoringEvaluation.objects.get(scheme=personas.a, side="mentee").again is kept


def test_a_first_save_that_meets_a_colleagues_first_save_is_told_and_can_save_again(personas):
    """The race the view cannot see: both forms were built for a new evaluation."""
    from django.db import transaction

    from mentoring.forms import EditConflict
    from schemes.forms.closing import EvaluationForm
    from schemes.services.closing_records import evaluation_save

    p = personas
    first = EvaluationForm(answers(seen_version=0), instance=MentoringEvaluation(scheme=p.a, side="mentee"))
    second = EvaluationForm(answers(seen_version=0, learned="Mine"), instance=MentoringEvaluation(scheme=p.a, side="mentee"))
    assert first.is_valid() and second.is_valid()
    with transaction.atomic():
        evaluation_save(form=first, scheme=p.a, side="mentee", actor=p.users["mentee"])
    with pytest.raises(EditConflict), transaction.atomic():
        evaluation_save(form=second, scheme=p.a, side="mentee", actor=p.users["mentee"])
    assert second.non_field_errors()
    # Sent again from the page drawn with the conflict, it saves over the colleague's.
    again = personas.client("mentee").post(evaluation_url("mentee"), second.data)
    assert again.status_code == 302
    assert MentoringEvaluation.objects.get().learned == "Mine"
