"""Calls for mentors and mentees (issue 23): a coordinator opens a call, cities apply on
its public page without an account, the coordinator accepts (a mentee gets its scheme
waiting for a mentor, a mentor becomes a candidate for matching, the contact person is
invited) or declines with a message e-mailed to the city."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from schemes.models import (
    Call,
    CallApplication,
    Invitation,
    Organisation,
    Scheme,
    SchemeRole,
    Side,
)
from schemes.services.invitations import invitation_accept
from schemes.services.matching import WAITING_TITLE, candidates_for, mentees

pytestmark = pytest.mark.django_db


def _call(personas, **fields):
    today = timezone.localdate()
    values = {
        "programme": personas.programme,
        "title": "Mentors and mentees wanted",
        "text": "Cities of the network may apply until the end of the month.",
        "side": "both",
        "opens": today - timedelta(days=1),
        "closes": today + timedelta(days=30),
        "questions": "Why does your city apply?\nWho would take part?",
    }
    values.update(fields)
    return Call.objects.create(**values)


def _application(side="mentee", city="Newborough", email="lead@newborough.example", **extra):
    data = {
        "city_name": city,
        "country": "NL",
        "contact_name": "Nora Lead",
        "contact_email": email,
        "side": side,
        "answer_1": "We want to open a welcome desk.",
        "answer_2": "The social affairs team.",
    }
    data.update(extra)
    return data


def _public(call):
    return reverse("call_public", kwargs={"token": call.token})


def _decide(client, application, decision, message, confirmed=True):
    url = reverse(
        f"schemes:call_application_{decision}",
        kwargs={"programme": application.call.programme.slug, "pk": application.call_id, "application": application.pk},
    )
    data = {f"{decision}-message": message}
    if confirmed:
        data["confirmed"] = "1"
    return client.post(url, data, secure=True)


def test_a_coordinator_opens_a_call_listed_on_the_programme_page(personas):
    client = personas.client("coordinator")
    programme_page = client.get(personas.programme.get_absolute_url()).content.decode()
    calls_url = reverse("schemes:calls", kwargs={"programme": personas.programme.slug})
    assert calls_url in programme_page
    today = timezone.localdate()
    response = client.post(
        reverse("schemes:call_create", kwargs={"programme": personas.programme.slug}),
        {
            "title": "Mentor cities wanted",
            "text": "Share your experience of reception.",
            "side": "mentors",
            "opens": today.isoformat(),
            "closes": (today + timedelta(days=10)).isoformat(),
            "questions": "What is your city strong in?\n\n  What could you show in a visit?  ",
        },
    )
    call = Call.objects.get()
    assert response.status_code == 302 and response["Location"] == call.get_absolute_url()
    assert call.question_list == ["What is your city strong in?", "What could you show in a visit?"]
    assert call.history.count() == 1
    listing = client.get(calls_url).content.decode()
    assert "Mentor cities wanted" in listing
    detail = client.get(call.get_absolute_url()).content.decode()
    assert call.get_public_url() in detail
    # Only the coordinators see the calls and their applications.
    assert personas.client("facilitator").get(calls_url).status_code == 403
    assert (
        "Calls for mentors and mentees"
        not in personas.client("mentee").get(personas.programme.get_absolute_url()).content.decode()
    )


def test_the_call_closes_before_it_opens_is_refused(personas):
    today = timezone.localdate()
    response = personas.client("coordinator").post(
        reverse("schemes:call_create", kwargs={"programme": personas.programme.slug}),
        {
            "title": "Call",
            "text": "Text",
            "side": "both",
            "opens": today.isoformat(),
            "closes": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "The call closes on or after the day it opens." in response.content.decode()
    assert not Call.objects.exists()


def test_the_whole_flow_from_the_call_to_the_mentee_scheme_and_the_mentor_candidate(personas):
    call = _call(personas)
    anonymous = personas.client("anonymous")
    page = anonymous.get(_public(call))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Cities of the network may apply" in content and "Why does your city apply?" in content
    users, organisations = get_user_model().objects.count(), Organisation.objects.count()

    response = anonymous.post(_public(call), _application("mentee"), REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    assert "your application is received" in anonymous.get(response["Location"]).content.decode()
    anonymous.post(
        _public(call), _application("mentor", city="Oldham Spa", email="mayor@oldham.example"), REMOTE_ADDR="203.0.113.6"
    )
    anonymous.post(
        _public(call), _application("mentee", city="Smallvale", email="clerk@smallvale.example"), REMOTE_ADDR="203.0.113.7"
    )
    # Applying made no account, no city, no invitation.
    assert get_user_model().objects.count() == users
    assert Organisation.objects.count() == organisations
    applicants = ["lead@newborough.example", "mayor@oldham.example", "clerk@smallvale.example"]
    assert not Invitation.objects.filter(email__in=applicants).exists()
    assert not get_user_model().objects.filter(email__in=applicants).exists()
    mentee_application = CallApplication.objects.get(city_name="Newborough")
    assert mentee_application.answers[0] == {"question": "Why does your city apply?", "answer": "We want to open a welcome desk."}

    coordinator = personas.client("coordinator")
    listing = coordinator.get(call.get_absolute_url()).content.decode()
    assert "Newborough" in listing and "Oldham Spa" in listing and "Smallvale" in listing
    opened = coordinator.get(mentee_application.get_absolute_url()).content.decode()
    assert "We want to open a welcome desk." in opened and "lead@newborough.example" in opened

    # Accepting asks first; nothing happens before the "yes".
    mail.outbox.clear()
    asked = _decide(coordinator, mentee_application, "accept", "Welcome aboard!", confirmed=False)
    assert asked.status_code == 200 and "Accept the application of Newborough?" in asked.content.decode()
    mentee_application.refresh_from_db()
    assert mentee_application.status == "received" and mail.outbox == []

    assert _decide(coordinator, mentee_application, "accept", "Welcome aboard!").status_code == 302
    mentee_application.refresh_from_db()
    assert mentee_application.status == "accepted"
    city = Organisation.objects.get(name="Newborough", country="NL")
    assert personas.programme.cities.filter(pk=city.pk).exists()
    # Its scheme waits for a mentor: the city on the mentee side, no mentor city.
    scheme = mentee_application.scheme
    assert Scheme.objects.waiting_for_mentor().filter(pk=scheme.pk).exists()
    assert list(scheme.parties.values_list("organisation__name", "side")) == [("Newborough", Side.MENTEE)]
    assert (city, scheme) in [(c, s) for c, s in mentees(personas.programme)]
    invitation = Invitation.objects.get(email="lead@newborough.example")
    assert (invitation.scheme, invitation.role, invitation.party.organisation) == (scheme, "mentee", city)
    subjects = [message.subject for message in mail.outbox]
    assert any("invited" in subject for subject in subjects)
    decision = next(message for message in mail.outbox if "is accepted" in message.subject)
    assert decision.to == ["lead@newborough.example"] and "Welcome aboard!" in decision.body
    assert "Welcome aboard!" in decision.alternatives[0][0] and decision.alternatives[0][1] == "text/html"
    # The account is made only now, from the invitation's link: the mentee city's officer.
    invite_mail = next(message for message in mail.outbox if "/invitations/" in message.body)
    token = re.search(r"/invitations/([^/\s]+)/", invite_mail.body).group(1)
    _invitation, user = invitation_accept(token=token, password="a-long-test-password-2", first_name="Nora", last_name="Lead")
    role = SchemeRole.objects.get(user=user)
    assert (role.scheme, role.role, role.party.organisation) == (scheme, "mentee", city)

    # A mentor city becomes one of the candidates matching ranks.
    mentor_application = CallApplication.objects.get(city_name="Oldham Spa")
    assert _decide(coordinator, mentor_application, "accept", "").status_code == 302
    mentor_city = Organisation.objects.get(name="Oldham Spa")
    matching = candidates_for(personas.programme, city, None)
    assert mentor_city in [candidate.city for candidate in matching.candidates]
    assert mentor_city not in [c for c, _s in mentees(personas.programme)]
    mentor_invitation = Invitation.objects.get(email="mayor@oldham.example")
    assert mentor_invitation.role == "mentor" and mentor_invitation.party.organisation == mentor_city
    assert mentor_invitation.party.side == Side.MENTOR
    # Its contact person fills the strengths template there once in.
    assert (
        coordinator.get(
            reverse(
                "schemes:strengths",
                kwargs={
                    "programme": personas.programme.slug,
                    "number": mentor_invitation.scheme.number,
                    "organisation": mentor_city.pk,
                },
            )
        ).status_code
        == 200
    )

    # Declining says so by e-mail, with the coordinator's message.
    mail.outbox.clear()
    declined = CallApplication.objects.get(city_name="Smallvale")
    assert _decide(coordinator, declined, "decline", "").status_code == 400  # a refusal says why
    assert _decide(coordinator, declined, "decline", "We chose cities closer in size this time.").status_code == 302
    declined.refresh_from_db()
    assert declined.status == "declined" and declined.scheme is None
    [message] = mail.outbox
    assert message.to == ["clerk@smallvale.example"]
    assert "We chose cities closer in size this time." in message.body
    assert "We chose cities closer in size this time." in message.alternatives[0][0]
    assert not Organisation.objects.filter(name="Smallvale").exists()
    # A decided application cannot be decided again.
    assert _decide(coordinator, declined, "accept", "").status_code == 302
    declined.refresh_from_db()
    assert declined.status == "declined"
    assert declined.history.count() == 2


def test_an_accepted_city_already_registered_is_reused_and_an_existing_account_gets_the_role(personas):
    call = _call(personas, side="mentees")
    existing = Organisation.objects.create(kind="city", name="Newborough", country="NL")
    user = get_user_model().objects.create_user(email="lead@newborough.example", password="x-long-password-3")
    data = _application()
    del data["side"]  # one side only: the form does not ask
    assert personas.client("anonymous").post(_public(call), data).status_code == 302
    application = CallApplication.objects.get()
    assert application.side == "mentee"
    _decide(personas.client("coordinator"), application, "accept", "")
    application.refresh_from_db()
    assert application.organisation == existing
    assert SchemeRole.objects.filter(user=user, scheme=application.scheme, role="mentee").exists()
    assert not Invitation.objects.filter(email="lead@newborough.example").exists()


def test_a_closed_call_refuses_with_a_clear_message(personas):
    today = timezone.localdate()
    ended = _call(personas, opens=today - timedelta(days=20), closes=today - timedelta(days=1))
    anonymous = personas.client("anonymous")
    page = anonymous.get(_public(ended)).content.decode()
    assert "This call is closed" in page and "Send the application" not in page
    response = anonymous.post(_public(ended), _application())
    assert response.status_code == 410 and "This call is closed" in response.content.decode()
    early = _call(personas, opens=today + timedelta(days=3), closes=today + timedelta(days=9))
    assert "This call is not open yet" in anonymous.get(_public(early)).content.decode()
    # Closed early by a coordinator, after confirming.
    open_call = _call(personas)
    coordinator = personas.client("coordinator")
    close = reverse("schemes:call_close", kwargs={"programme": personas.programme.slug, "pk": open_call.pk})
    assert "Close the call" in coordinator.post(close).content.decode()
    open_call.refresh_from_db()
    assert open_call.closed_at is None
    coordinator.post(close, {"confirmed": "1"})
    assert anonymous.post(_public(open_call), _application()).status_code == 410
    assert not CallApplication.objects.exists()
    assert anonymous.get(reverse("call_public", kwargs={"token": "no-such-call"})).status_code == 404


def test_a_second_application_of_the_same_address_or_city_is_refused(personas):
    call = _call(personas)
    anonymous = personas.client("anonymous")
    anonymous.post(_public(call), _application())
    again = anonymous.post(_public(call), _application(email="LEAD@newborough.example", city="Elsewhere on Sea"))
    assert again.status_code == 409
    assert "An application from this city or this e-mail address already exists" in again.content.decode()
    same_city = anonymous.post(_public(call), _application(city="  newborough ", email="other@newborough.example"))
    assert same_city.status_code == 409
    assert CallApplication.objects.count() == 1
    # Another call takes the same city.
    assert anonymous.post(_public(_call(personas)), _application()).status_code == 302


def test_hostile_text_is_stored_as_typed_and_shown_as_text(personas):
    call = _call(personas)
    hostile = '<script>alert("x")</script>'
    data = _application(city=f"Evil{hostile}", answer_1=f'<img src=x onerror="alert(1)">{hostile}')
    assert personas.client("anonymous").post(_public(call), data).status_code == 302
    application = CallApplication.objects.get()
    assert application.city_name == f"Evil{hostile}" and hostile in application.answers[0]["answer"]
    coordinator = personas.client("coordinator")
    for url in (call.get_absolute_url(), application.get_absolute_url()):
        page = coordinator.get(url).content.decode()
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert" in page


def test_applications_are_limited_per_address_and_hour(personas, settings):
    settings.CALL_APPLICATIONS_PER_HOUR = 2
    call = _call(personas)
    anonymous = personas.client("anonymous")
    for number in range(2):
        data = _application(city=f"Town {number}", email=f"t{number}@town.example")
        assert anonymous.post(_public(call), data, REMOTE_ADDR="198.51.100.1").status_code == 302
    refused = anonymous.post(_public(call), _application(city="Town 3", email="t3@town.example"), REMOTE_ADDR="198.51.100.1")
    assert refused.status_code == 429 and "Too many applications" in refused.content.decode()
    assert (
        anonymous.post(
            _public(call), _application(city="Town 3", email="t3@town.example"), REMOTE_ADDR="198.51.100.2"
        ).status_code
        == 302
    )
    assert CallApplication.objects.count() == 3


def test_the_public_form_needs_its_csrf_token(personas):
    from django.test import Client

    call = _call(personas)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(_public(call), _application()).status_code == 403
    page = strict.get(_public(call))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    assert strict.post(_public(call), {**_application(), "csrfmiddlewaretoken": token}).status_code == 302


def test_the_applications_list_reads_in_a_fixed_number_of_queries(personas, django_assert_max_num_queries):
    call = _call(personas)

    def add(number):
        CallApplication.objects.create(
            call=call,
            city_name=f"City {number}",
            country="BE",
            contact_name="Contact",
            contact_email=f"c{number}@city.example",
            side="mentee" if number % 2 else "mentor",
            sender="s",
        )

    add(0)
    client = personas.client("coordinator")
    urls = [call.get_absolute_url(), reverse("schemes:calls", kwargs={"programme": personas.programme.slug})]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(15) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries.captured_queries)
    for number in range(1, 30):
        add(number)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            response = client.get(url)
        assert response.status_code == 200
    assert "City 29" in client.get(call.get_absolute_url()).content.decode()


def test_an_application_history_is_read_only(personas):
    call = _call(personas)
    personas.client("anonymous").post(_public(call), _application())
    application = CallApplication.objects.get()
    coordinator = personas.client("coordinator")
    _decide(coordinator, application, "decline", "Not this time.")
    history = reverse(
        "schemes:call_application_history",
        kwargs={"programme": personas.programme.slug, "pk": call.pk, "application": application.pk},
    )
    page = coordinator.get(history).content.decode()
    assert "Declined" in page or "declined" in page
    assert "/restore/" not in page


def test_a_paired_mentee_city_accepted_again_gets_a_new_waiting_scheme_and_a_waiting_one_is_reused(personas):
    call = _call(personas, side="mentees")
    anonymous, coordinator = personas.client("anonymous"), personas.client("coordinator")
    data = _application(city="Menteeville", email="again@menteeville.example")
    data["country"] = "BE"
    anonymous.post(_public(call), data)
    _decide(coordinator, CallApplication.objects.get(), "accept", "")
    application = CallApplication.objects.get()
    assert application.organisation == personas.mentee_city
    assert application.scheme not in (personas.a, personas.b)
    assert Scheme.objects.waiting_for_mentor().filter(pk=application.scheme.pk).exists()
    # A second call: the city waiting already keeps its one waiting scheme.
    second = _call(personas, side="mentees")
    anonymous.post(_public(second), data)
    again = second.applications.get()
    _decide(coordinator, again, "accept", "")
    again.refresh_from_db()
    assert again.scheme == application.scheme


def test_an_accepted_mentee_paired_by_matching_loses_its_waiting_title(personas):
    """The scheme made for an accepted mentee is called “… – waiting for a mentor”; once
    paired on the matching page it is named after the pair, in whichever language the
    application was accepted."""
    call = _call(personas, side="mentees")
    personas.client("anonymous").post(_public(call), _application())
    coordinator = personas.client("coordinator")
    _decide(coordinator, CallApplication.objects.get(), "accept", "Welcome.")
    waiting = CallApplication.objects.get().scheme
    assert waiting.title == "Newborough – waiting for a mentor"
    # Accepted by someone reading French: “Newborough – en attente d'un mentor”.
    with translation.override("fr"):
        waiting.title = str(WAITING_TITLE) % {"city": "Newborough"}
    waiting.save()
    response = coordinator.post(
        reverse(
            "schemes:matching_pair",
            kwargs={"programme": personas.programme.slug, "organisation": waiting.parties.get().organisation_id},
        ),
        {"mentor": personas.mentor_city.pk},
        secure=True,
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.title == "Newborough – Mentorburg"
    assert waiting.parties.filter(side=Side.MENTOR, organisation=personas.mentor_city).exists()
    assert "Newborough – Mentorburg" in coordinator.get(response["Location"], secure=True).content.decode()
