"""Invitations in bulk, through the pages: a list of twenty lines with every outcome,
previewed (nothing written) then applied (exactly the valid lines, one log entry and one
e-mail each); duplicates, invalid addresses, formula cells, markup, broken encodings, an
oversize file, another scheme's organisation; a list changed between preview and send;
the e-mails' contents; and a preview whose queries do not grow with the list."""

import re
import secrets
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from mentoring.models import LogEntry
from schemes.models import Invitation, ProgrammeRole, SchemeRole
from schemes.services.invitations import invitation_create

URL = "/programmes/test-programme/schemes/1/people/invite-several/"
PROGRAMME_URL = "/programmes/test-programme/people/invite-several/"

# Twenty lines, each outcome at least once (the expected outcome after each line).
TWENTY = [
    ("Nora Officer <nora@menteeville.example>", "new"),
    ("Marc Mentor, marc@mentorburg.example, Mentorburg, mentor", "new"),
    ("Ana Assoc, ana@assoc.example, Association of Menteeland, Municipal association", "new"),
    (", obs@example.org, , observer", "new"),
    ("outsider@test.example", "grant"),
    ("Mentee Tester, mentee@test.example, Menteeville, mentee", "has_role"),
    ("waiting@example.org", "invited"),
    ("not-an-address", "invalid"),
    ("Bad, bad@@example.org", "invalid"),
    ("Olga, olga@example.org, Otherton, mentee", "organisation"),  # scheme B's city
    ("Zed, zed@example.org, Nowhere City, mentee", "organisation"),
    ("Rita, rita@example.org, Menteeville, mayor", "role"),
    ("NORA@menteeville.example", "duplicate"),
    ('=HYPERLINK("http://evil.example","click"), h@example.org', "refused"),
    ("+32 Someone, plus@example.org", "refused"),
    ("<script>alert(1)</script> <xss@example.org>", "refused"),
    ("coordinator@test.example", "refused"),  # coordinates the scheme: not also a city officer
    ("Co, co@example.org, , coordinator", "refused"),  # not a role a facilitator gives
    ("Peer, peer@example.org, Mentorburg, mentee", "organisation"),  # the mentor side
    ("B Mentee, b_mentee@test.example, , observer", "grant"),
]


def post(client, url=URL, *, people="", role="mentee", organisation="", message="", action="preview", **extra):
    """Post the form as drawn (with its one-time token), "Preview" unless told."""
    data = {"people": people, "role": role, "organisation": organisation, "message": message, "action": action}
    return client.post(url, {**data, "submission": secrets.token_urlsafe(24), **extra})


def outcomes(response):
    return re.findall(r'data-outcome="(\w+)"', response.content.decode())


def send(client, preview, url=URL):
    """Post "Send" with what the preview page holds (the list as read, its signature), as
    a browser sends a text box back (line ends as CR LF)."""
    data = preview.context["form"].data
    fields = ("people", "role", "organisation", "message", "previewed", "submission")
    sent = {key: data.get(key, "") for key in fields}
    sent["people"] = sent["people"].replace("\r\n", "\n").replace("\n", "\r\n")
    return client.post(url, {**sent, "action": "apply"})


def written():
    return (
        Invitation.objects.count(),
        SchemeRole.objects.count(),
        ProgrammeRole.objects.count(),
        LogEntry.objects.count(),
        len(mail.outbox),
    )


@pytest.fixture
def waiting(personas):
    invitation_create(
        programme=personas.programme,
        scheme=personas.a,
        email="waiting@example.org",
        role="mentee",
        organisation=personas.mentee_city,
        party=personas.a.parties.get(organisation=personas.mentee_city),
        invited_by=personas.users["coordinator"],
        build_url=lambda path: "http://testserver" + path,
    )
    mail.outbox.clear()


def test_the_preview_shows_each_lines_outcome_and_writes_nothing(personas, waiting):
    client = personas.client("facilitator")
    before = written()
    response = post(client, people="\n".join(line for line, _outcome in TWENTY), organisation=personas.mentee_city.pk)
    assert response.status_code == 200
    assert outcomes(response) == [outcome for _line, outcome in TWENTY]
    assert written() == before
    page = response.content.decode()
    assert "Duplicate of line 1" in page
    assert "4 new invitations, 2 roles given to existing accounts, 14 lines left out" in page
    assert "Send to 6 people" in page
    # Hostile text is shown as text, and a formula is refused with its reason.
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "as a spreadsheet formula does" in page
    assert "choose a city on the right side of this scheme" in page
    assert "cannot also act for one of its cities" in page


def test_send_writes_exactly_the_valid_lines_once(personas, waiting):
    client = personas.client("facilitator")
    preview = post(client, people="\n".join(line for line, _outcome in TWENTY), organisation=personas.mentee_city.pk)
    invitations, _scheme_roles, programme_roles, entries, _mails = written()
    response = send(client, preview)
    assert response.status_code == 200
    assert "Invitation sent" in response.content.decode()
    new = Invitation.objects.filter(scheme=personas.a, accepted_at=None, revoked_at=None).exclude(email="waiting@example.org")
    assert sorted(new.values_list("email", "role")) == [
        ("ana@assoc.example", "association"),
        ("marc@mentorburg.example", "mentor"),
        ("nora@menteeville.example", "mentee"),
        ("obs@example.org", "observer"),
    ]
    assert Invitation.objects.count() == invitations + 4
    nora = new.get(email="nora@menteeville.example")
    assert (nora.first_name, nora.last_name, nora.organisation, nora.party.organisation) == (
        "Nora",
        "Officer",
        personas.mentee_city,
        personas.mentee_city,
    )
    assert new.get(email="marc@mentorburg.example").party.organisation == personas.mentor_city
    outsider = SchemeRole.objects.get(scheme=personas.a, user=personas.users["outsider"])
    assert (outsider.role, outsider.party.organisation) == ("mentee", personas.mentee_city)
    assert SchemeRole.objects.filter(scheme=personas.a, user=personas.users["b_mentee"], role="observer").exists()
    assert not SchemeRole.objects.filter(user=personas.users["facilitator"], role="mentee").exists()
    assert ProgrammeRole.objects.count() == programme_roles
    # One entry per invitation and role, one e-mail each; nothing for the refused lines.
    log = LogEntry.objects.order_by("pk")[entries:]
    assert sorted(entry.action for entry in log) == ["invitation.sent"] * 4 + ["role.given"] * 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@assoc.example",
        "b_mentee@test.example",
        "marc@mentorburg.example",
        "nora@menteeville.example",
        "obs@example.org",
        "outsider@test.example",
    ]
    # Nothing stored starts like a formula.
    for invitation in Invitation.objects.all():
        assert not re.match(r"[=+\-@]", invitation.first_name + invitation.last_name + invitation.email)
    # The same form sent again saves nothing more.
    before = written()
    again = send(client, preview)
    assert again.status_code == 302
    assert written() == before
    # The form posted again with another list is previewed, then sent, as a list of its own.
    other = post(
        client,
        people="later@example.org",
        organisation=personas.mentee_city.pk,
        submission=preview.context["form"].data["submission"],
    )
    assert outcomes(other) == ["new"]
    send(client, other)
    assert Invitation.objects.filter(email="later@example.org").exists()


def test_a_role_given_on_the_single_form_is_told_by_email(personas):
    response = personas.client("coordinator").post(
        "/programmes/test-programme/people/",
        {"action": "grant", "grant-email": "outsider@test.example", "grant-role": "observer"},
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["outsider@test.example"]
    assert "Coordinator Tester gave you the role of Observer in Test Programme." in message.body
    assert "What you will do first: follow the progress of every scheme" in message.body


def test_an_address_invited_by_someone_else_at_the_same_instant_is_reported(personas, monkeypatch):
    from schemes.services import bulk_invitations
    from schemes.services.invitations import AlreadyInvited

    real = bulk_invitations.invitation_create

    def racing(**kwargs):
        if kwargs["email"] == "nora@menteeville.example":
            raise AlreadyInvited(kwargs["email"])
        return real(**kwargs)

    client = personas.client("facilitator")
    preview = post(client, people="nora@menteeville.example\nomar@menteeville.example", organisation=personas.mentee_city.pk)
    monkeypatch.setattr(bulk_invitations, "invitation_create", racing)
    response = send(client, preview)
    assert outcomes(response) == ["invited", "new"]
    assert list(Invitation.objects.values_list("email", flat=True)) == ["omar@menteeville.example"]


def test_what_changed_since_the_preview_is_reported_and_applied_as_it_is_now(personas):
    client = personas.client("facilitator")
    people = "nora@menteeville.example\nomar@menteeville.example"
    preview = post(client, people=people, organisation=personas.mentee_city.pk)
    assert outcomes(preview) == ["new", "new"]
    # Meanwhile a colleague invites Nora on the single form.
    invitation_create(
        programme=personas.programme,
        scheme=personas.a,
        email="nora@menteeville.example",
        role="mentee",
        organisation=personas.mentee_city,
        party=personas.a.parties.get(organisation=personas.mentee_city),
        invited_by=personas.users["coordinator"],
        build_url=lambda path: "http://testserver" + path,
    )
    response = send(client, preview)
    assert outcomes(response) == ["invited", "new"]
    assert "Changed since the preview." in response.content.decode()
    assert Invitation.objects.filter(email="nora@menteeville.example").count() == 1
    assert Invitation.objects.filter(email="omar@menteeville.example").count() == 1


def test_a_list_changed_after_its_preview_is_previewed_again_not_sent(personas):
    client = personas.client("facilitator")
    preview = post(client, people="nora@menteeville.example", organisation=personas.mentee_city.pk)
    data = preview.context["form"].data
    before = written()
    response = client.post(
        URL,
        {
            "people": "nora@menteeville.example\nsomeone.else@example.org",
            "role": "mentee",
            "organisation": personas.mentee_city.pk,
            "message": "",
            "previewed": data["previewed"],
            "submission": data["submission"],
            "action": "apply",
        },
    )
    assert response.status_code == 200
    assert "nothing was sent" in response.content.decode()
    assert outcomes(response) == ["new", "new"]
    assert written() == before
    # "Send" without any preview (or with a forged one) does the same.
    response = post(
        client, people="nora@menteeville.example", organisation=personas.mentee_city.pk, action="apply", previewed="x"
    )
    assert "nothing was sent" in response.content.decode()
    assert written() == before


def test_form_errors_use_the_summary_and_keep_what_was_typed(personas):
    client = personas.client("facilitator")
    response = post(client, people="", organisation="")
    page = response.content.decode()
    assert "error-summary" in page and "Write or paste at least one e-mail address" in page
    # Another scheme's organisation cannot be the default one.
    response = post(client, people="x@example.org\nkept@example.org", organisation=personas.b_mentee.pk)
    page = response.content.decode()
    assert 'href="#id_organisation"' in page
    assert "kept@example.org" in page
    assert not outcomes(response)
    # No role chosen in advance: the lines that name none say so; those that do are taken.
    response = post(client, role="", people="a@example.org\nB, b@example.org, , observer")
    assert outcomes(response) == ["role", "new"]
    assert "This line names no role" in response.content.decode()


def test_a_2000_line_file_is_refused_quickly_with_a_clear_message(personas):
    client = personas.client("facilitator")
    content = "name,e-mail,organisation,role\n" + "".join(f"P{n},p{n}@example.org,Menteeville,mentee\n" for n in range(2000))
    before = written()
    started = time.monotonic()
    response = post(client, file=SimpleUploadedFile("people.csv", content.encode(), content_type="text/csv"))
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert "This list has 2,000 people; at most 500 can be invited at once" in response.content.decode()
    assert written() == before
    # 500 are fine.
    content = "".join(f"p{n}@example.org\n" for n in range(500))
    response = post(client, people=content, organisation=personas.mentee_city.pk)
    assert outcomes(response) == ["new"] * 500


@pytest.mark.parametrize(
    "data, outcome, warning",
    [
        # UTF-8 with its byte order mark (Excel's "CSV UTF-8"), a header in another order.
        ("\ufeffE-mail,Name,Role\nzoe@example.org,Zoë Müller,mentee\n".encode(), "Zoë Müller", False),
        # Semicolons, as spreadsheets save CSV where the comma is the decimal mark.
        ("Name;E-mail;Organisation;Role\nZoë Müller;zoe@example.org;Menteeville;mentee\n".encode(), "Zoë Müller", False),
        # UTF-16 with its mark (Excel's "Unicode text", tabs).
        ("name\te-mail\nZoë Müller\tzoe@example.org\n".encode("utf-16"), "Zoë Müller", False),
        # Windows-1252: read, with a warning to check the names.
        ("Zoë Müller,zoe@example.org\n".encode("cp1252"), "Zoë Müller", True),
    ],
)
def test_csv_files_in_the_usual_encodings_are_read(personas, data, outcome, warning):
    client = personas.client("facilitator")
    response = post(
        client, organisation=personas.mentee_city.pk, file=SimpleUploadedFile("people.csv", data, content_type="text/csv")
    )
    page = response.content.decode()
    assert outcomes(response) == ["new"]
    assert outcome in page
    assert ("not in UTF-8" in page) is warning
    # The file's text is now in the list, so "Send" sends what was previewed.
    assert "zoe@example.org" in response.context["form"].data["people"]
    send(client, response)
    assert Invitation.objects.get(email="zoe@example.org").first_name == "Zoë"


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x81\x8d\x8f\x90\x9d,zoe@example.org\n", "cannot be read as text"),  # neither UTF-8 nor Windows-1252
        (b"PK\x03\x04 a zipped spreadsheet", "This is a spreadsheet file, not CSV"),
        (b"zoe@example.org\x00\x00\x00", "cannot be read as text"),
    ],
)
def test_unreadable_files_are_refused_clearly(personas, data, message):
    client = personas.client("facilitator")
    before = written()
    response = post(client, file=SimpleUploadedFile("people.csv", data, content_type="text/csv"))
    page = response.content.decode()
    assert "error-summary" in page and message in page and 'href="#id_file"' in page
    assert written() == before


def test_the_invitation_and_role_emails_say_who_where_which_role_what_first_and_until_when(personas):
    client = personas.client("facilitator")
    preview = post(
        client,
        people="Nora Officer <nora@menteeville.example>\noutsider@test.example\nMarc, marc@mentorburg.example, Mentorburg, mentor",
        organisation=personas.mentee_city.pk,
        message="Welcome to the scheme!",
    )
    send(client, preview)
    by_address = {message.to[0]: message for message in mail.outbox}
    invitation = by_address["nora@menteeville.example"]
    body = invitation.body
    expires = Invitation.objects.get(email="nora@menteeville.example").expires_at
    assert invitation.subject == "You are invited to Scheme A"
    assert "Facilitator Tester invites you to take part as Mentee city in Test Programme #1: Scheme A." in body
    assert "Programme: Test Programme" in body
    assert "Scheme: Scheme A" in body
    assert "Role: Mentee city, on behalf of Menteeville" in body
    assert "Invited by: Facilitator Tester" in body
    assert "What you will do first: fill in your city's needs analysis" in body
    assert "Welcome to the scheme!" in body
    assert (
        f"expires in {settings.INVITATION_VALID_DAYS} days, on {date_format(timezone.localtime(expires), 'DATE_FORMAT')}" in body
    )
    assert re.search(re.escape(settings.SITE_URL) + r"/invitations/\S+/", body)
    assert "strengths and experience" in by_address["marc@mentorburg.example"].body
    role = by_address["outsider@test.example"]
    assert role.subject == "You have a new role in Scheme A"
    assert "Facilitator Tester gave you the role of Mentee city in Test Programme #1: Scheme A." in role.body
    assert "Role: Mentee city, on behalf of Menteeville" in role.body
    assert "What you will do first: fill in your city's needs analysis" in role.body
    assert settings.SITE_URL + "/programmes/test-programme/schemes/1/" in role.body


def test_the_programme_page_invites_its_team(personas):
    client = personas.client("coordinator")
    response = post(
        client,
        PROGRAMME_URL,
        role="observer",
        people="o1@example.org\nFacil, f1@example.org, , facilitator\nm1@example.org, x, , mentee\nobserver@test.example",
    )
    assert outcomes(response) == ["new", "new", "invalid", "has_role"]
    response = post(client, PROGRAMME_URL, role="observer", people="Mia, m1@example.org, , mentee")
    assert outcomes(response) == ["refused"]  # a scheme's role: not given for the programme
    response = post(client, PROGRAMME_URL, role="observer", people="Mia, m1@example.org, Otherland, observer")
    assert outcomes(response) == ["organisation"]
    assert "Organisation not in the programme" in response.content.decode()
    response = post(client, PROGRAMME_URL, role="observer", people="o1@example.org\nFacil, f1@example.org, , facilitator")
    send(client, response, PROGRAMME_URL)
    assert sorted(Invitation.objects.filter(scheme=None).values_list("email", "role")) == [
        ("f1@example.org", "facilitator"),
        ("o1@example.org", "observer"),
    ]
    assert "What you will do first: help the schemes" in next(m for m in mail.outbox if m.to == ["f1@example.org"]).body


def test_only_who_invites_sees_the_bulk_form(personas):
    assert personas.client("facilitator").get(URL).status_code == 200
    assert personas.client("coordinator").get(URL).status_code == 200
    assert personas.client("mentee").get(URL).status_code == 403
    assert personas.client("facilitator").get(PROGRAMME_URL).status_code == 403
    assert personas.client("outsider").get(URL).status_code == 404
    # Another programme's scheme: not found, even for the coordinator of this one.
    assert personas.client("coordinator").get("/programmes/other-programme/schemes/1/people/invite-several/").status_code == 404
    people = "/programmes/test-programme/schemes/1/people/"
    assert "Invite several people" in personas.client("facilitator").get(people).content.decode()
    assert "Invite several people" not in personas.client("mentee").get(people).content.decode()


def _lines(personas, django_user_model, count):
    """``count`` lines, a quarter of them existing accounts (a new role), the rest new."""
    lines = []
    for n in range(count):
        if n % 4 == 0:
            user = django_user_model.objects.create_user(email=f"existing{count}-{n}@example.org", password="x")
            lines.append(f"{user.email}")
        else:
            lines.append(f"Person {n}, new{n}@example.org, Menteeville, mentee")
    return "\n".join(lines)


def test_the_preview_costs_the_same_queries_for_20_or_200_lines(personas, django_user_model, django_assert_max_num_queries):
    client = personas.client("facilitator")
    counts = []
    for count in (20, 200):
        people = _lines(personas, django_user_model, count)
        with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(25):
            response = post(client, people=people, organisation=personas.mentee_city.pk)
        assert outcomes(response).count("grant") == count // 4
        counts.append(len(queries))
    assert counts[0] == counts[1]
    print(f"\npreview queries for 20 and 200 lines: {counts}")


@pytest.mark.parametrize(
    "header",
    [
        "Vorname;Nachname;E-Mail-Adresse;Organisation;Rolle",  # German, as a spreadsheet in Germany saves it
        "Nome;Cognome;Indirizzo e-mail;Ente;Ruolo",  # Italian (the form says "Ente")
        "Imię;Nazwisko;Adres e-mail;Organizacja;Rola",  # Polish
        "Prénom;Nom;Adresse e-mail;Organisation;Rôle",  # French: "Nom" beside "Prénom" is the last name
    ],
)
def test_a_header_row_in_a_partners_language_is_read(personas, header):
    """Officers name the columns in their own language: the names the forms use, in any
    language of the interface, are read as those columns (the header is not a person)."""
    from schemes.services.bulk_invitations import lines_read

    people = header + "\nNora;Officer;nora@menteeville.example;Menteeville;mentee"
    (line,) = lines_read(people)
    assert (line.first_name, line.last_name, line.email, line.organisation, line.role) == (
        "Nora",
        "Officer",
        "nora@menteeville.example",
        "Menteeville",
        "mentee",
    )
    response = post(personas.client("coordinator"), people=people, role="")
    assert outcomes(response) == ["new"]


def test_a_fifth_column_is_read_as_the_side_only_where_a_side_is_needed(personas):
    """A list without a header whose fifth column holds something else (a phone number)
    reads as it always has for a city on one side of the scheme."""
    response = post(
        personas.client("coordinator"), people="Nora Officer, nora@menteeville.example, Menteeville, mentee, +32 470 12 34 56"
    )
    assert outcomes(response) == ["new"]
    assert "Sides are" not in response.content.decode()
