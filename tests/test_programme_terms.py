"""A programme's own words for the roles (issue 23): "mentee city" / "implementing city" /
"follower city", "mentor city" / "coach city", or words of its own, on its pages, in its
e-mails and in its PDFs, in every language; bad words are refused and nothing changes."""

import csv
import html
import io
import re
import subprocess

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentoring.models import LogEntry
from schemes.models import Programme

from .test_action_plans import PLAN, drafted  # noqa: F401 (the fixture)

EDIT = "/programmes/test-programme/edit/"
SCHEME = "/programmes/test-programme/schemes/1/"


def pdf_text(content):
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return " ".join(text.split())


def page(client, url, raw=False, **headers):
    """The page as people read it: its text without the markup (``raw``: with it), the
    entities (an apostrophe, an ampersand) as the characters they are."""
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    content = response.content.decode()
    if not raw:
        content = re.sub(r"<[^>]*>", " ", content)
    return " ".join(html.unescape(content).split())


def edit_data(client, **overrides):
    """The programme's edit form as it is shown, with ``overrides``."""
    form = client.get(EDIT).context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else str(value)
    data.update(overrides)
    return data


def words(programme, **fields):
    for name, value in fields.items():
        setattr(programme, name, value)
    programme.save()
    return programme


@pytest.fixture
def implementing(personas):
    return words(personas.programme, mentee_term="implementing_city", mentor_term="coach_city")


def invite(client, url, **fields):
    data = {
        "action": "invite",
        "invite-email": "new.officer@menteeville.example",
        "invite-first_name": "Nora",
        "invite-last_name": "Officer",
        "invite-role": "mentee",
        "invite-organisation": "",
        "invite-message": "",
    }
    data.update({f"invite-{key}": value for key, value in fields.items()})
    return client.post(url, data)


def test_a_coordinator_chooses_the_words_on_the_programme_page_recorded_in_history_and_log(personas):
    client = personas.client("coordinator")
    form_page = page(client, EDIT)
    assert "implementing city" in form_page and "follower city" in form_page and "coach city" in form_page
    before = personas.programme.history.count()
    response = client.post(EDIT, edit_data(client, mentee_term="implementing_city", mentor_term="coach_city"))
    assert response.status_code == 302
    programme = Programme.objects.get(pk=personas.programme.pk)
    assert (programme.mentee_term, programme.mentor_term) == ("implementing_city", "coach_city")
    assert programme.history.count() == before + 1
    entry = LogEntry.objects.filter(action="programme.changed").latest("pk")
    assert entry.actor == personas.users["coordinator"]
    assert "mentee_term" in str(entry.data) and "mentor_term" in str(entry.data)

    # Its own words, singular and plural.
    response = client.post(
        EDIT,
        edit_data(
            client,
            mentee_term="own",
            mentee_term_own="learning city",
            mentee_term_own_plural="learning cities",
            mentor_term="own",
            mentor_term_own="peer city",
            mentor_term_own_plural="peer cities",
        ),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    terms = Programme.objects.get(pk=programme.pk).terms
    assert (terms.mentee, terms.mentees, terms.mentor, terms.mentors) == (
        "learning city",
        "learning cities",
        "peer city",
        "peer cities",
    )
    assert programme.history.count() == before + 2


def test_implementing_and_coach_city_are_the_words_of_every_page_e_mail_and_pdf(personas, implementing, drafted):  # noqa: F811
    mentee = personas.client("mentee")
    scheme_page = page(mentee, SCHEME)
    assert "Implementing city side – Menteeville" in scheme_page and "Coach city side – Mentorburg" in scheme_page
    assert "Mentee Tester – Implementing city officer" in scheme_page and "Mentor Tester – Coach city officer" in scheme_page
    assert "Mentee side" not in scheme_page and "Mentor side" not in scheme_page

    coordinator = personas.client("coordinator")
    programme_page = page(coordinator, "/programmes/test-programme/", raw=True)
    assert '<th scope="col">Implementing city side</th><th scope="col">Coach city side</th>' in programme_page
    parties = page(coordinator, SCHEME + "parties/", raw=True)
    assert '<option value="mentee" selected>Implementing city side</option>' in parties
    assert '<option value="mentor">Coach city side</option>' in parties
    table = list(csv.reader(io.StringIO(coordinator.get("/programmes/test-programme/dashboard.csv").content.decode("utf-8-sig"))))
    assert table[0][3:5] == ["Implementing city side", "Coach city side"]

    facilitator = personas.client("facilitator")
    people = page(facilitator, SCHEME + "people/", raw=True)
    assert "<td>Implementing city officer</td>" in people and "<td>Coach city officer</td>" in people
    assert '<option value="mentee">Implementing city</option>' in people
    assert '<option value="mentor">Coach city</option>' in people
    assert invite(facilitator, SCHEME + "people/", organisation=personas.mentee_city.pk).status_code == 302
    body = " ".join(mail.outbox[-1].body.split())
    assert "invites you to take part as Implementing city in Test Programme #1: Scheme A" in body
    assert "Role: Implementing city, on behalf of Menteeville" in body
    assert "<td>Implementing city</td>" in page(facilitator, SCHEME + "people/", raw=True)  # the invitation waiting
    assert "Facilitator Tester invited Nora Officer as Implementing city" in page(facilitator, SCHEME)  # recent changes

    text = pdf_text(mentee.get(PLAN + "action-plan.pdf").content)
    assert "Implementing city Menteeville" in text and "Coach city Mentorburg" in text
    assert "Mentee Menteeville" not in text
    asked = mentee.post(PLAN + "submit/")
    assert "read-only until the implementing city records its approval" in asked.content.decode()
    submitted = mentee.post(PLAN + "submit/", {"confirmed": "1"}, follow=True)
    assert "submitted for approval by the implementing city" in submitted.content.decode()

    visits = page(mentee, SCHEME + "visits/")
    assert "the implementing city sets the scene, the coach city inspires" in visits
    needs = f"{SCHEME}needs-analysis/{personas.mentee_city.pk}/"
    assert "Filled by: Implementing city" in page(mentee, needs)
    assert "Filled by: Implementing city" in pdf_text(mentee.get(needs + "document.pdf?blank=1").content)
    home = page(mentee, "/")
    assert "Menteeville (Implementing city side)" in home


def test_the_programme_s_own_words_are_shown_as_typed_in_french_too(personas, drafted):  # noqa: F811
    words(
        personas.programme,
        mentee_term="own",
        mentee_term_own="ville d'accueil",
        mentee_term_own_plural="villes d'accueil",
        mentor_term="own",
        mentor_term_own="ville pionnière",
        mentor_term_own_plural="villes pionnières",
    )
    mentee = personas.client("mentee")
    for language in ("en", "fr"):
        visits = page(mentee, SCHEME + "visits/", HTTP_ACCEPT_LANGUAGE=language)
        assert "ville d'accueil" in visits and "ville pionnière" in visits
        people = page(mentee, SCHEME, HTTP_ACCEPT_LANGUAGE=language)
        # As typed, whatever the sentence around them ("Ville d'accueil side", "Côté ville d'accueil").
        assert "ville d'accueil" in people.lower() and "ville pionnière" in people.lower()
        text = pdf_text(mentee.get(PLAN + "action-plan.pdf", HTTP_ACCEPT_LANGUAGE=language).content)
        assert "Ville d'accueil Menteeville" in text and "Ville pionnière Mentorburg" in text
    # The French page is French around the programme's words.
    assert "Personnes" in page(mentee, SCHEME, HTTP_ACCEPT_LANGUAGE="fr")

    # An invitation written by a French-speaking facilitator, in French, with the words as typed.
    facilitator = personas.users["facilitator"]
    facilitator.language = "fr"
    facilitator.save()
    assert invite(personas.client("facilitator"), SCHEME + "people/", organisation=personas.mentee_city.pk).status_code == 302
    assert "Ville d'accueil" in mail.outbox[-1].body


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"mentee_term_own": "x" * 500}, "at most 40 characters (it has 500)"),
        ({"mentee_term_own": "<b>learning</b> city"}, "Write plain text"),
        ({"mentee_term_own_plural": "learning > cities"}, "the characters < > { } are not accepted"),
        ({"mentee_term_own": "{{ secret }}"}, "the characters < > { } are not accepted"),
        ({"mentee_term_own": "   "}, "Write the programme's own word here"),
        ({"mentee_term": "teacher_city"}, "Select a valid choice"),
    ],
)
def test_a_bad_word_is_refused_clearly_keeping_what_was_typed_and_nothing_changes(personas, overrides, message):
    client = personas.client("coordinator")
    before = personas.programme.history.count()
    logged = LogEntry.objects.count()
    own = {"mentee_term": "own", "mentee_term_own": "learning city", "mentee_term_own_plural": "learning cities"}
    data = edit_data(client, **{**own, **overrides})
    response = client.post(EDIT, data)
    assert response.status_code == 200
    content = response.content.decode()
    summary = content.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "Nothing was saved yet" in content and html.escape(message) in summary
    typed = next(iter(overrides.values())).strip()
    if typed and "teacher" not in typed:
        assert f'value="{html.escape(typed)}"' in content
    programme = Programme.objects.get(pk=personas.programme.pk)
    assert (programme.mentee_term, programme.mentee_term_own) == ("mentee_city", "")
    assert programme.history.count() == before and LogEntry.objects.count() == logged


def test_a_default_programme_keeps_the_method_s_words(personas, drafted):  # noqa: F811
    mentee = personas.client("mentee")
    scheme_page = page(mentee, SCHEME)
    assert "Mentee side – Menteeville" in scheme_page and "Mentor side – Mentorburg" in scheme_page
    assert "Mentee Tester – Mentee city officer" in scheme_page
    text = pdf_text(mentee.get(PLAN + "action-plan.pdf").content)
    assert "Mentee city Menteeville" in text and "Mentor city Mentorburg" in text
    facilitator = personas.client("facilitator")
    assert invite(facilitator, SCHEME + "people/", organisation=personas.mentee_city.pk).status_code == 302
    assert "take part as Mentee city in" in " ".join(mail.outbox[-1].body.split())
    assert "the mentee city sets the scene, the mentor city inspires" in page(mentee, SCHEME + "visits/")


@pytest.mark.parametrize(
    "url, who",
    [
        (SCHEME, "mentee"),
        ("/programmes/test-programme/", "coordinator"),
        ("/programmes/test-programme/dashboard/", "coordinator"),
        ("/programmes/test-programme/dashboard.csv", "coordinator"),
        (SCHEME + "people/", "facilitator"),
        ("/programmes/test-programme/matching/", "coordinator"),
        ("/", "mentee"),
    ],
)
def test_the_words_come_with_the_programme_no_query_more(personas, url, who):
    client = personas.client(who)
    client.get(url)  # warm the caches that are not this feature's

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    default = count()
    words(personas.programme, mentee_term="own", mentee_term_own="learning city", mentee_term_own_plural="learning cities")
    assert count() == default


def test_a_call_seeks_and_welcomes_cities_in_the_programme_s_words(personas, implementing):
    from .test_calls import _application, _call, _decide, _public

    call = _call(personas)
    anonymous = personas.client("anonymous")
    public = page(anonymous, _public(call))
    assert "Implementing cities and coach cities" in public
    assert (
        "As one of the implementing cities (to learn)" in public and "As one of the coach cities (to share experience)" in public
    )
    assert anonymous.post(_public(call), _application("mentee"), REMOTE_ADDR="203.0.113.5").status_code == 302
    coordinator = personas.client("coordinator")
    assert "Implementing cities and coach cities" in page(coordinator, call.get_absolute_url())
    application = call.applications.get()
    opened = page(coordinator, application.get_absolute_url())
    assert "As one of the implementing cities (to learn)" in opened
    assert "waiting for its coach city; its contact person is invited as Implementing city officer" in opened
    mail.outbox.clear()
    assert _decide(coordinator, application, "accept", "Welcome aboard!").status_code == 302
    accepted = next(
        message for message in mail.outbox if message.to == ["lead@newborough.example"] and "accepted" in message.body
    )
    assert "while its coach city is found" in " ".join(accepted.body.split())


def test_a_list_of_people_names_roles_in_the_programme_s_words(personas, implementing):
    from .test_bulk_invitations import outcomes, post

    facilitator = personas.client("facilitator")
    people = "\n".join(
        [
            "Nora Officer, nora@menteeville.example, Menteeville, Implementing city",
            "Ian Officer, ian@menteeville.example, Menteeville, implementing city officer",
            "Marc Mentor, marc@mentorburg.example, Mentorburg, Coach city",
            "Rita, rita@example.org, Menteeville, mayor",
        ]
    )
    preview = post(facilitator, people=people, role="")
    assert outcomes(preview) == ["new", "new", "new", "role"]
    content = " ".join(html.unescape(preview.content.decode()).split())
    assert "<td>Implementing city</td>" in content and "<td>Coach city</td>" in content
    assert (
        "Roles are: Implementing city, Coach city, Municipal association, "
        "Service provider or civil-society organisation, Observer." in content
    )
    assert '<option value="mentee">Implementing city</option>' in content
