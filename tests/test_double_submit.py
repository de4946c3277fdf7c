"""A form sent twice (a double click, a reload that posts again, the back button) creates
one row. The tests read the page's form as a browser would (``form_with``), so they post
exactly what the page's form sends.
"""

import pytest
from django.core import mail

from schemes.management.commands.load_test import form_with

SCHEME = "/programmes/test-programme/schemes/1/"


def page_form(client, url, field):
    """The POST form of the page at ``url`` that has ``field``, as a browser sends it."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    form = form_with(page.content.decode(), field)
    assert form is not None, f"no form with {field} on {url}"
    return form


def form_data(form, values):
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    data.update({name: value if isinstance(value, list) else [value] for name, value in values.items()})
    return data


def case_invitation(p):
    from schemes.models import Invitation

    values = {"action": "invite", "invite-email": "nora@menteeville.example", "invite-role": "mentee",
              "invite-organisation": str(p.mentee_city.pk)}
    return ("facilitator", SCHEME + "people/", "invite-email", values, lambda: Invitation.objects.count())


def test_a_second_invitation_to_a_waiting_address_leaves_one_live_link(personas):
    """Inviting again someone whose invitation waits (a new form, not the same one sent
    twice) replaces the first invitation: its link stops working, and the page says so."""
    from schemes.models import Invitation
    from schemes.services.invitations import InvitationError, invitation_for_token

    client = personas.client("facilitator")
    persona, page, field, values, _rows = case_invitation(personas)
    for number in (1, 2):
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
