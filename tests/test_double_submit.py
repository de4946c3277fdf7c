"""A form sent twice (a double click, a reload that posts again, the back button) creates
one row: for every kind of create form, the same page's form posted twice with the same
data gives one row, and the second post answers with the saved row's page and a message
saying it was already saved, never a second row or an error page.

Every create form carries a one-time submission token (mentoring.submissions); the
tests read it from the page as a browser would (``form_with``), so they post exactly
what the page's form sends.
"""

from urllib.parse import urljoin

import pytest
from django.core import mail

from schemes.management.loadtest.browser import FormReader, form_with

SCHEME = "/programmes/test-programme/schemes/1/"
PROGRAMME = "/programmes/test-programme/"
ALREADY_SAVED = "already saved"


def page_form(client, url, field):
    """The POST form of the page at ``url`` that has ``field``, as a browser sends it."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    form = form_with(page.content.decode(), field)
    assert form is not None, f"no form with {field} on {url}"
    return form


def form_posting_to(client, url, action):
    """The POST form of the page at ``url`` that posts to ``action`` (a button's form)."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    reader = FormReader()
    reader.feed(page.content.decode())
    return next(form for form in reader.forms if (form["action"] or url) == action)


def form_data(form, values):
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    data.update({name: value if isinstance(value, list) else [value] for name, value in values.items()})
    return data


def submit_twice(client, page_url, field, values):
    form = form_posting_to(client, page_url, field) if field.startswith("/") else page_form(client, page_url, field)
    url = urljoin(page_url, form["action"] or page_url)
    data = form_data(form, values)
    return client.post(url, data), client.post(url, data, follow=True)


def approved_plan_with_action(p):
    from schemes.models import Action, ActionPlan

    plan = ActionPlan.objects.create(scheme=p.a, title="Plan", status="approved", decision_reference="2027/14")
    return Action.objects.create(plan=plan, order=1, action="Open a welcome desk")


def needs_analysis(p):
    """(the section's page, the section) of the mentee city's needs analysis."""
    from schemes.services.filling import template_for

    section = template_for(p.programme, "needs_analysis").sections.order_by("order").first()
    return f"{SCHEME}needs-analysis/{p.mentee_city.pk}/sections/{section.key}/", section


def plan_visit(p):
    visit = p.a.visits.get(order=1)
    visit.start_date, visit.end_date, visit.aim = "2027-03-10", "2027-03-11", "Set the scene."
    visit.save()
    return visit


# kind: a function of the personas giving (persona, page, a field of the form or the address
# it posts to, values, rows)
def case_action(p, extra=None):
    from schemes.models import Action

    return (
        "mentee",
        SCHEME + "action-plan/actions/new/",
        "action",
        {"action": "Open a welcome desk", **(extra or {})},
        lambda: Action.objects.filter(plan__scheme=p.a).count(),
    )


def case_action_comment(p):
    from schemes.models import ActionComment

    action = approved_plan_with_action(p)
    return (
        "mentor",
        SCHEME + f"action-plan/?comment={action.pk}",
        f"comment-{action.pk}-text",
        {f"comment-{action.pk}-text": "Well begun."},
        lambda: ActionComment.objects.filter(action=action).count(),
    )


def case_update(p):
    from schemes.models import ImplementationUpdate

    action = approved_plan_with_action(p)
    prefix = f"update-{action.pk}-"
    values = {
        prefix + "date": "2027-05-01",
        prefix + "status": "in_progress",
        prefix + "progress": "40",
        prefix + "text": "Staffed two days a week.",
    }
    return (
        "mentee",
        SCHEME + f"action-plan/?record={action.pk}",
        prefix + "text",
        values,
        lambda: ImplementationUpdate.objects.filter(action=action).count(),
    )


def case_section_comment(p):
    from schemes.models import Comment

    url, _section = needs_analysis(p)
    return (
        "facilitator",
        url,
        "comment-text",
        {"comment-text": "What does this figure count?"},
        lambda: Comment.objects.filter(parent=None).count(),
    )


def case_section_reply(p):
    from schemes.models import Comment, Response

    url, section = needs_analysis(p)
    response = Response.objects.create(scheme=p.a, template=section.template, organisation=p.mentee_city)
    comment = Comment.objects.create(response=response, section=section, text="What does this figure count?")
    return (
        "mentee",
        url,
        f"reply-{comment.pk}-text",
        {f"reply-{comment.pk}-text": "Newcomers of 2025."},
        lambda: Comment.objects.filter(parent=comment).count(),
    )


def case_member(p):
    from schemes.models import LocalSupportGroupMember

    values = {"name": "Amal Haddad", "organisation": "Welcome NGO", "stakeholder_type": "ngo"}
    return (
        "mentee",
        f"{SCHEME}support-groups/{p.mentee_city.pk}/",
        "name",
        values,
        lambda: LocalSupportGroupMember.objects.count(),
    )


def case_commitment(p):
    from schemes.models import PoliticalCommitment

    values = {"name": "Ana Lopez", "office": "Mayor", "cross_party": "on", "date": "2026-03-01", "scope": "both"}
    return ("mentee", SCHEME + "commitments/new/", "office", values, lambda: PoliticalCommitment.objects.count())


def case_invitation(p):
    from schemes.models import Invitation

    values = {
        "action": "invite",
        "invite-email": "nora@menteeville.example",
        "invite-role": "mentee",
        "invite-organisation": str(p.mentee_city.pk),
    }
    return ("facilitator", SCHEME + "people/", "invite-email", values, lambda: Invitation.objects.count())


def case_session(p):
    from schemes.models import AgendaItem

    plan_visit(p)
    values = {"day": "2027-03-10", "start_time": "09:00", "end_time": "10:00", "session_type": "recap", "title": "Recap"}
    return ("facilitator", SCHEME + "visits/1/sessions/new/", "title", values, lambda: AgendaItem.objects.count())


def case_practice(p):
    from schemes.models import GoodPractice

    values = {"title": "Welcome desk", "theme": "Reception"}
    return ("mentee", PROGRAMME + "good-practices/new/", "title", values, lambda: GoodPractice.objects.count())


def case_training(p):
    from schemes.models import TrainingSession

    return (
        "coordinator",
        PROGRAMME + "training/new/",
        "title",
        {"title": "Kick-off", "date": "2026-02-01"},
        lambda: TrainingSession.objects.count(),
    )


def case_key_factor(p):
    from benchmarks.editing import draft_create

    draft = draft_create(programme=p.programme, slug="twice-draft", theme="Reception", title="Welcoming")
    return (
        "coordinator",
        f"{PROGRAMME}benchmarks/{draft.pk}/key-factors/new/",
        "title",
        {"number": "1", "title": "One desk"},
        lambda: draft.key_factors.count(),
    )


def case_visit(p):
    from schemes.models import Visit

    values = {"title": "Study visit", "aim": "See the desk at work.", "expected_outcome": "A list of ideas."}
    return ("facilitator", SCHEME + "visits/new/", "aim", values, lambda: Visit.objects.filter(scheme=p.a).count())


def case_version(p):
    from schemes.models import ActionPlanVersion

    return (
        "mentee",
        SCHEME + "action-plan/versions/",
        "label",
        {"label": "Draft after visit 1"},
        lambda: ActionPlanVersion.objects.count(),
    )


def case_scheme(p):
    from schemes.models import Scheme

    p.programme.cities.add(p.mentee_city)
    values = {
        "scheme-title": "Scheme D",
        "scheme-theme": "Housing",
        "parties-0-organisation": str(p.mentee_city.pk),
        "parties-0-side": "mentee",
    }
    return (
        "coordinator",
        PROGRAMME + "schemes/new/",
        "scheme-title",
        values,
        lambda: Scheme.objects.filter(title="Scheme D").count(),
    )


def case_organisation(p):
    from schemes.models import Organisation

    values = {"name": "Newcity", "kind": "city", "country": "BE"}
    return (
        "coordinator",
        PROGRAMME + "organisations/new/",
        "name",
        values,
        lambda: Organisation.objects.filter(name="Newcity").count(),
    )


def case_question(p):
    from schemes.services.filling import template_for
    from schemes.services.questionnaires import template_adapt

    template = template_adapt(template=template_for(p.programme, "needs_analysis"), programme=p.programme)
    return (
        "coordinator",
        f"{PROGRAMME}templates/{template.pk}/sections/mentee-needs/questions/new/",
        "text",
        {"text": "How many newcomers arrived last year?"},
        lambda: template.sections.get(key="mentee-needs").questions.count(),
    )


def case_programme(p):
    from schemes.models import Programme

    values = {
        "name": "Programme Two",
        "slug": "programme-two",
        "new_coordinating_body": "Network Two",
        "default_visit_count": "3",
    }
    return ("coordinator", "/programmes/new/", "slug", values, lambda: Programme.objects.filter(slug="programme-two").count())


def case_benchmark(p):
    from benchmarks.models import BenchmarkVersion

    values = {"theme": "Reception", "title": "Welcoming", "slug": "twice-benchmark"}
    return (
        "coordinator",
        PROGRAMME + "benchmarks/new/",
        "slug",
        values,
        lambda: BenchmarkVersion.objects.filter(benchmark__slug="twice-benchmark").count(),
    )


def case_new_draft(p):
    from benchmarks.models import BenchmarkVersion

    published = BenchmarkVersion.objects.get(benchmark__slug="inclucities-general")
    page = f"{PROGRAMME}benchmarks/{published.pk}/"
    return ("coordinator", page, page + "new-draft/", {}, lambda: BenchmarkVersion.objects.filter(status="draft").count())


CASES = {
    "action": case_action,
    "action, save and add another": lambda p: case_action(p, {"add_another": "1"}),
    "comment on an action": case_action_comment,
    "implementation update": case_update,
    "comment on a section": case_section_comment,
    "reply to a comment": case_section_reply,
    "support group member": case_member,
    "political commitment": case_commitment,
    "invitation": case_invitation,
    "agenda session": case_session,
    "good practice": case_practice,
    "training session": case_training,
    "key factor": case_key_factor,
    "visit": case_visit,
    "frozen version of the plan": case_version,
    "scheme": case_scheme,
    "organisation": case_organisation,
    "question of a template": case_question,
    "programme": case_programme,
    "benchmark": case_benchmark,
    "new draft of a benchmark": case_new_draft,
}


@pytest.mark.parametrize("kind", CASES)
def test_a_form_sent_twice_makes_one_row(personas, kind):
    persona, page, field, values, rows = CASES[kind](personas)
    before = rows()
    first, second = submit_twice(personas.client(persona), page, field, values)
    assert first.status_code == 302, (kind, first.status_code, first.content.decode()[-2000:])
    assert rows() == before + 1, f"{kind}: {rows() - before} rows made by one form sent twice"
    # The second post is sent to a page that shows what the first one saved.
    assert second.status_code == 200 and second.redirect_chain, (kind, second.status_code)
    assert ALREADY_SAVED in second.content.decode(), f"{kind}: the second post does not say it was already saved"


def test_a_benchmark_file_imported_twice_makes_one_draft(personas):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile

    from benchmarks.models import BenchmarkVersion
    from benchmarks.services import benchmark_export

    published = BenchmarkVersion.objects.get(benchmark__slug="inclucities-general")
    content = json.dumps(benchmark_export(version=published)).encode()
    client = personas.client("coordinator")
    form = form_posting_to(client, PROGRAMME + "benchmarks/import/", PROGRAMME + "benchmarks/import/")
    drafts = BenchmarkVersion.objects.filter(status="draft").count()
    responses = [
        client.post(
            PROGRAMME + "benchmarks/import/", {**form_data(form, {}), "file": SimpleUploadedFile("b.json", content)}, follow=True
        )
        for _twice in range(2)
    ]
    assert [response.status_code for response in responses] == [200, 200]
    assert BenchmarkVersion.objects.filter(status="draft").count() == drafts + 1
    assert ALREADY_SAVED in responses[1].content.decode()


def test_an_invitation_sent_twice_sends_one_e_mail(personas):
    persona, page, field, values, _rows = case_invitation(personas)
    submit_twice(personas.client(persona), page, field, values)
    assert len(mail.outbox) == 1


def test_a_second_invitation_to_a_waiting_address_leaves_one_live_link(personas):
    """Inviting again someone whose invitation waits (a new form, not the same one sent
    twice) replaces the first invitation: its link stops working, and the page says so."""
    from schemes.models import Invitation
    from schemes.services.invitations import InvitationError, invitation_for_token

    client = personas.client("facilitator")
    persona, page, field, values, _rows = case_invitation(personas)
    for _twice in range(2):
        form = page_form(client, page, field)
        response = client.post(page, form_data(form, values), follow=True)
        assert response.status_code == 200
    assert "earlier invitation" in response.content.decode()
    live = Invitation.objects.pending().filter(email="nora@menteeville.example")
    assert live.count() == 1
    first_link = mail.outbox[0].body.split("/invitations/")[1].split("/")[0]
    with pytest.raises(InvitationError):
        invitation_for_token(first_link)
    second_link = mail.outbox[1].body.split("/invitations/")[1].split("/")[0]
    assert invitation_for_token(second_link) == live.get()


def test_a_version_label_already_used_is_refused_with_a_message(personas):
    """Two different forms freezing the plan under one label: the second is told to
    choose another label (the label names a version in the plan)."""
    from schemes.models import ActionPlanVersion

    client = personas.client("mentee")
    for _twice in range(2):
        form = page_form(client, SCHEME + "action-plan/versions/", "label")
        response = client.post(SCHEME + "action-plan/versions/freeze/", form_data(form, {"label": "After visit 1"}), follow=True)
        assert response.status_code == 200
    assert "already called" in response.content.decode()
    assert ActionPlanVersion.objects.count() == 1
