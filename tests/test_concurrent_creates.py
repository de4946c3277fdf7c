"""Creating at the same instant, on PostgreSQL: a form sent twice at once (a double click
whose two requests overlap) makes one row; two different forms that may not both be
saved (two overlapping agenda sessions, two versions of the plan under one label, two
invitations to one address) save one and refuse the other with a message, never a
second row or an error page.

As in tests/test_concurrent_writes.py, each request runs in its own thread with its own
database connection, and the two meet at a barrier once their forms are validated, so
both have passed every check of the form before either writes. (SQLite writes one
transaction at a time, so the race cannot happen there.)
"""

import pytest
from django.core import mail

from schemes.management.loadtest.browser import form_with

from .races import client_of, on_postgresql, personas_on_reference_data
from .races import race as race_responses

pytestmark = on_postgresql
SCHEME = "/programmes/test-programme/schemes/1/"


@pytest.fixture
def world(transactional_db, django_user_model):
    """The personas on the reference data (a transactional test starts from an emptied
    database), with scheme A's first visit given its days."""
    p = personas_on_reference_data(django_user_model)
    visit = p.a.visits.get(order=1)
    visit.start_date, visit.end_date, visit.aim = "2027-03-10", "2027-03-11", "Set the scene."
    visit.save()
    return p


def form_data(client, page_url, field, values):
    page = client.get(page_url)
    assert page.status_code == 200, (page_url, page.status_code)
    form = form_with(page.content.decode(), field)
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    data.update({name: [value] for name, value in values.items()})
    return data


def race(monkeypatch, form_class, posts):
    """The pages the requests of ``posts`` end on (redirects followed), sent at once."""
    responses = race_responses(monkeypatch, form_class, posts, follow=True)
    for response in responses:
        assert response.status_code == 200, response.status_code
    return [response.content.decode() for response in responses]


def test_an_action_sent_twice_at_once_is_one_action(world, monkeypatch):
    from schemes.forms.action_plans import ActionForm
    from schemes.models import Action

    p = world
    url = SCHEME + "action-plan/actions/new/"
    first, second = client_of(p, "mentee"), client_of(p, "mentee")
    data = form_data(first, url, "action", {"action": "Open a welcome desk"})
    pages = race(monkeypatch, ActionForm, [(first, url, data), (second, url, data)])
    assert Action.objects.count() == 1, f"{Action.objects.count()} actions from one form sent twice at once"
    assert sum("already saved" in page for page in pages) == 1


def test_an_invitation_sent_twice_at_once_is_one_live_link(world, monkeypatch):
    from schemes.forms.people import InvitationForm
    from schemes.models import Invitation

    p = world
    url = SCHEME + "people/"
    first, second = client_of(p, "facilitator"), client_of(p, "facilitator")
    values = {
        "action": "invite",
        "invite-email": "nora@menteeville.example",
        "invite-role": "mentee",
        "invite-organisation": str(p.mentee_city.pk),
    }
    data = form_data(first, url, "invite-email", values)
    pages = race(monkeypatch, InvitationForm, [(first, url, data), (second, url, data)])
    assert Invitation.objects.count() == 1, f"{Invitation.objects.count()} invitations from one form sent twice at once"
    assert len(mail.outbox) == 1
    assert sum("already saved" in page for page in pages) == 1


def test_two_invitations_to_one_address_at_once_leave_one_live_link(world, monkeypatch):
    """Two organisers inviting the same person at the same instant (two forms): one
    invitation is live afterwards; the other organiser is told why theirs was not sent."""
    from schemes.forms.people import InvitationForm
    from schemes.models import Invitation

    p = world
    url = SCHEME + "people/"
    values = {
        "action": "invite",
        "invite-email": "nora@menteeville.example",
        "invite-role": "mentee",
        "invite-organisation": str(p.mentee_city.pk),
    }
    posts = []
    for key in ("facilitator", "coordinator"):
        client = client_of(p, key)
        posts.append((client, url, form_data(client, url, "invite-email", values)))
    pages = race(monkeypatch, InvitationForm, posts)
    live = Invitation.objects.pending().filter(email="nora@menteeville.example").count()
    assert live == 1, f"{live} live invitation links for one address"
    assert sum("Invitation sent" in page for page in pages) == 1
    assert sum("was just invited" in page for page in pages) == 1


def test_two_overlapping_sessions_posted_at_once_are_not_both_saved(world, monkeypatch):
    from schemes.forms.visits import SessionForm
    from schemes.models import AgendaItem

    p = world
    url = SCHEME + "visits/1/sessions/new/"
    posts = []
    for key, start, end, title in (("facilitator", "09:00", "10:00", "Recap"), ("coordinator", "09:30", "10:30", "Walk")):
        client = client_of(p, key)
        values = {"day": "2027-03-10", "start_time": start, "end_time": end, "session_type": "recap", "title": title}
        posts.append((client, url, form_data(client, url, "title", values)))
    pages = race(monkeypatch, SessionForm, posts)
    assert AgendaItem.objects.count() == 1, "two overlapping sessions were both saved"
    assert sum("This overlaps" in page for page in pages) == 1


def test_two_versions_frozen_at_once_under_one_label_give_a_message(world, monkeypatch):
    from schemes.forms.action_plans import FreezeForm
    from schemes.models import ActionPlanVersion

    p = world
    url = SCHEME + "action-plan/versions/"
    posts = []
    for key in ("mentee", "facilitator"):
        client = client_of(p, key)
        posts.append(
            (client, SCHEME + "action-plan/versions/freeze/", form_data(client, url, "label", {"label": "After visit 1"}))
        )
    pages = race(monkeypatch, FreezeForm, posts)
    assert ActionPlanVersion.objects.count() == 1
    assert sum("already called" in page for page in pages) == 1


def test_the_same_file_uploaded_twice_at_once_is_attached_once(world, monkeypatch, attachments_in_tmp):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from schemes.models import Attachment
    from schemes.services import attachments

    from .races import race_at
    from .test_attachments import PDF

    p = world
    visit = p.a.visits.get(order=1)
    url = f"{SCHEME}attachments/visit/{visit.pk}/add/"
    first, second = client_of(p, "facilitator"), client_of(p, "facilitator")
    # Both have read and typed the file before either looks for the same file or writes.
    responses = race_at(
        monkeypatch,
        attachments,
        "file_type",
        [(client, url, {"file": SimpleUploadedFile("minutes.pdf", PDF)}) for client in (first, second)],
        follow=True,
    )
    pages = [response.content.decode() for response in responses]
    assert Attachment.objects.count() == 1
    assert sorted(response.status_code for response in responses) == [200, 400]
    assert sum("already attached here" in page for page in pages) == 1
    # The refused upload left no file behind in the store.
    assert len([path for path in attachments_in_tmp.rglob("*") if path.is_file()]) == 1
