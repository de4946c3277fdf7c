"""The URL x role matrix: every URL pattern of the site, for every persona, GET and POST,
against the expected-result table below.

Arguments are filled from the personas' schemes in five variants:
- ``own``: the personas' programme and scheme A, and objects of scheme A;
- ``sibling``: the same programme, scheme B (only the programme's coordinator and
  observer belong there), and objects of scheme B;
- ``foreign``: scheme A's address with a child object of another scheme or programme
  (a role, an invitation, a history row, an organisation): always a 404 once past the
  permission check, never someone else's object;
- ``neighbour``: scheme A's address with another city of the same side of scheme A (for
  a city's own documents): everyone of the scheme reads them as their own city's, but
  the city officer of that side writes only for the city they act for (a 403);
- ``outside``: the other programme, where none of the personas has a role.

A pattern missing from the table fails the suite. Each request runs inside a savepoint
that is rolled back, so the matrix leaves the data as it found it. Every response is also
checked for the security headers.

Reading never writes: every statement a GET sends to the database is recorded
(``connection.execute_wrapper``), and one that is not a read (a SELECT, or a savepoint's)
fails the test with the page's address and the statement. Allowed, and only this: writes
to the session table (``django_session``), which Django itself writes when a session
is renewed or a page keeps something for the visitor (the password-reset link is kept in
the session, not in the address). The personas are signed in before the walk
(``force_login``), so no login happens during it and the login tables (django-axes,
django-otp) must not be written either.
"""

import copy
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from schemes.models import Invitation, Organisation, OrganisationKind, ProgrammeRole, SchemeRole
from schemes.models.invitations import token_hash

# "partner": an officer of a service provider on scheme A's mentee side (issue 23), set up
# by ``Matrix``: reads, and comments where the association's officer comments.
ROLES = ("anonymous", "outsider", "mentor", "mentee", "association", "partner", "facilitator", "coordinator", "observer")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
# Everyone of the personas' programme: through a programme role or a role in scheme A.
IN_PROGRAMME = SIGNED_IN - {"outsider"}
# Of scheme B, only the programme-wide roles see anything.
PROGRAMME_WIDE = frozenset({"coordinator", "observer"})

LOGIN = 302  # anonymous: sent to the login page
NOT_ALLOWED = 405
# What locks or removes something asks first: the matrix's empty POST gets the page that
# asks (the tests of each feature send the "yes": `confirmed` in their POSTs).
ASKS = 200


class Rollback(Exception):
    pass


class Statements(list):
    """Every statement the connection runs, as an execute wrapper records it: no log to
    fill, ``executemany`` included."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


# What a read may send: a query, and the savepoints of the views' atomic blocks.
READ_VERBS = {"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK"}
# The only table a GET may write (see the module's docstring).
READS_MAY_WRITE = {"django_session"}
WRITE_TARGET = re.compile(r"^(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?\s", re.IGNORECASE)


def is_write(sql):
    """True for a statement that is not a read, unless it writes the sessions' table. A
    statement not known as a read is a write: ``INSERT OR IGNORE`` (SQLite's
    ``bulk_create(ignore_conflicts=True)``), a ``WITH`` that changes rows, anything new."""
    statement = re.sub(r"^(?:\s+|/\*.*?\*/|--[^\n]*\n)*", "", sql, flags=re.DOTALL)
    words = statement.lstrip("( ").split(None, 1)  # "(SELECT ...) UNION (SELECT ...)"
    verb = words[0].upper() if words else ""
    if verb in READ_VERBS:
        return False
    if verb == "WITH":
        return re.search(r"\b(?:INSERT|UPDATE|DELETE|MERGE)\b", statement, re.IGNORECASE) is not None
    target = WRITE_TARGET.match(statement)
    return not (target and target.group(1) in READS_MAY_WRITE)


# The expected-result table. For each URL name: what GET and POST give each role on the
# ``own`` variant, as {status: roles}; the other variants follow the rules in
# ``expected()``. ``scope`` says what the page belongs to (site, programme, scheme).
def row(scope, get, post, child_first=False, owner_denied=(), neighbour_officer=None, neighbour_get=False):
    """``child_first``: the view finds the child (a city's document) before checking the
    permission, so another scheme's child is a 404 for everyone. ``owner_denied``: roles
    the rules allow but the view refuses (403) once it has found the child, because they
    do not own it (a good practice of another city): on another programme's child they
    get the 404 of the lookup first. ``neighbour_officer``: for a city's own document,
    the persona acting for the matrix's city (the mentee or mentor officer), refused
    (403) on the same document of the neighbour city, for a POST (and a GET with
    ``neighbour_get``: an edit page)."""
    return {
        "scope": scope,
        "GET": get,
        "POST": post,
        "child_first": child_first,
        "owner_denied": frozenset(owner_denied),
        "neighbour_officer": neighbour_officer,
        "neighbour_get": neighbour_get,
    }


def only(status_by_roles, default):
    """{role: status} from {status: roles}, ``default`` for the rest of the signed-in."""
    result = dict.fromkeys(SIGNED_IN, default)
    for status, roles in status_by_roles.items():
        for role in roles:
            result[role] = status
    result["anonymous"] = LOGIN
    return result


def everyone(status, anonymous=None):
    result = dict.fromkeys(SIGNED_IN, status)
    result["anonymous"] = status if anonymous is None else anonymous
    return result


def page(roles, scope_roles=IN_PROGRAMME):
    """A page readable by ``roles``: 200 for them, 403 for others who see the programme
    or scheme, 404 for everyone else, login for the anonymous."""
    result = only({200: roles}, 404)
    for role in scope_roles - set(roles):
        result[role] = 403
    return result


def action(roles, scope_roles=IN_PROGRAMME, done=302):
    """A POST that does something: ``done`` for ``roles``, 403 for others in scope, 404
    outside, login for the anonymous."""
    result = only({done: roles}, 404)
    for role in scope_roles - set(roles):
        result[role] = 403
    return result


GET_ONLY = everyone(NOT_ALLOWED)
POST_ONLY = everyone(NOT_ALLOWED)
COORD = {"coordinator"}
ORGANISERS = {"coordinator", "facilitator"}

TABLE = {
    # Site pages.
    "home": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    "healthz": row("site", everyone(200), everyone(NOT_ALLOWED)),
    "rules": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    # The privacy notice (issue 25): public, for anyone.
    "privacy": row("site", everyone(200), GET_ONLY),
    # Notifications: each person's own; the matrix's one is the mentee's (someone else's
    # is not found).
    "notifications": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    "notifications_read_all": row("site", POST_ONLY, only({302: SIGNED_IN}, 302)),
    "notification_read": row("site", POST_ONLY, only({302: {"mentee"}}, 404)),
    "set_language": row("site", everyone(302), everyone(302)),
    # Accounts (Django's views and ours).
    "account": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    "login": row("site", everyone(302, anonymous=200), everyone(302, anonymous=200)),
    "logout": row("site", everyone(NOT_ALLOWED), everyone(302)),
    "password_change": row("site", only({200: SIGNED_IN}, 200), only({200: SIGNED_IN}, 200)),
    "password_change_done": row("site", only({200: SIGNED_IN}, 200), only({NOT_ALLOWED: SIGNED_IN}, NOT_ALLOWED)),
    "password_reset": row("site", everyone(200), everyone(200)),
    "password_reset_done": row("site", everyone(200), everyone(NOT_ALLOWED)),
    "password_reset_confirm": row("site", everyone(200), everyone(200)),
    "password_reset_complete": row("site", everyone(200), everyone(NOT_ALLOWED)),
    "two_factor_setup": row("site", only({200: SIGNED_IN}, 200), only({200: SIGNED_IN}, 200)),
    "two_factor_verify": row("site", only({302: SIGNED_IN}, 302), only({302: SIGNED_IN}, 302)),
    "two_factor_disable": row("site", everyone(NOT_ALLOWED), only({302: SIGNED_IN}, 302)),
    "invitation_accept": row("invitation", everyone(200), everyone(200)),
    # Single sign-on (docs/sso.md): off in the matrix (no OIDC_RP_CLIENT_ID), so its
    # pages are not found; mozilla-django-oidc's logout logs out like ours (POST only).
    # tests/test_sso.py covers them with single sign-on on.
    "oidc_authentication_init": row("site", everyone(404), everyone(404)),
    "oidc_authentication_callback": row("site", everyone(404), everyone(404)),
    "oidc_logout": row("site", everyone(NOT_ALLOWED), everyone(302)),
    "calendar_token_renew": row("site", everyone(NOT_ALLOWED), only({302: SIGNED_IN}, 302)),
    # Deleting an account (issue 25): each person asks for their own; the coordinator is
    # the programme's last one (told what to do first: the page again), the mentee has
    # a request waiting (the page again). Only a coordinator decides: the matrix's
    # request is the mentee's, in the coordinator's programme; for others it is not found.
    "erasure_ask": row("site", only({200: SIGNED_IN}, 200), only({200: {"coordinator", "mentee"}}, 302)),
    "erasure_withdraw": row("site", everyone(NOT_ALLOWED), only({302: SIGNED_IN}, 302)),
    "erasure_requests": row("site", only({200: COORD}, 404), GET_ONLY),
    "erasure_request_confirm": row("site", everyone(NOT_ALLOWED), only({ASKS: COORD}, 404)),
    "erasure_request_decline": row("site", everyone(NOT_ALLOWED), only({302: COORD}, 404)),
    # E-mail preferences (an empty POST is an invalid form: the page again, with errors).
    "email_preferences": row("site", only({200: SIGNED_IN}, 200), only({200: SIGNED_IN}, 200)),
    # "Download my data": asked for by anyone signed in; the link is only its owner's (an
    # unknown token is a 404 for everyone); tests/test_data_download.py covers a real one.
    "data_export_request": row("site", everyone(NOT_ALLOWED), only({302: SIGNED_IN}, 302)),
    "data_export_download": row("site", only({404: SIGNED_IN}, 404), everyone(NOT_ALLOWED)),
    # Unsubscribe: the signed token stands for the person (an altered one is a 404 for
    # everyone); tests/test_emails.py covers a real token.
    "unsubscribe": row("site", everyone(404), everyone(404)),
    # A calendar subscription: the token stands for the person (an unknown one is a 404
    # for everyone, whatever their session); tests/test_visits.py covers a real token.
    "calendar_feed": row("site", everyone(404), everyone(NOT_ALLOWED)),
    # Benchmarks: shared standards, readable by every signed-in user.
    "benchmarks:list": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    "benchmarks:detail": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    "benchmarks:booklet": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    # Programmes.
    "schemes:programme_list": row("site", only({200: SIGNED_IN}, 200), GET_ONLY),
    "schemes:programme_create": row("site", only({200: COORD}, 403), only({200: COORD}, 403)),
    "schemes:programme": row("programme", page(IN_PROGRAMME), GET_ONLY),
    # The dashboard and its exports: coordinators, facilitators and observers.
    "schemes:dashboard": row("programme", page(ORGANISERS | {"observer"}), GET_ONLY),
    "schemes:dashboard_csv": row("programme", page(ORGANISERS | {"observer"}), GET_ONLY),
    "schemes:dashboard_xlsx": row("programme", page(ORGANISERS | {"observer"}), GET_ONLY),
    # The programme report (every scheme's closing review): coordinators and observers.
    "schemes:programme_report": row("programme", page(PROGRAMME_WIDE), GET_ONLY),
    "schemes:programme_report_xlsx": row("programme", page(PROGRAMME_WIDE), GET_ONLY),
    "schemes:programme_edit": row("programme", page(COORD), action(COORD, done=200)),
    "schemes:not_answered": row("programme", page(COORD), GET_ONLY),
    "schemes:programme_archive": row("programme", POST_ONLY, action(COORD, done=ASKS)),
    "schemes:programme_history": row("programme", page(IN_PROGRAMME), GET_ONLY),
    "schemes:programme_restore": row("programme_child", POST_ONLY, action(COORD)),
    "schemes:programme_people": row("programme", page(IN_PROGRAMME), action(COORD, done=200)),
    # Inviting several people at once: who invites on the People page.
    "schemes:programme_people_bulk": row("programme", page(COORD), action(COORD, done=200)),
    "schemes:programme_role_remove": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
    "schemes:programme_invitation_withdraw": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
    # Cities, associations and other organisations of a programme.
    "schemes:organisations": row("programme", page(IN_PROGRAMME), GET_ONLY),
    "schemes:organisation_create": row("programme", page(COORD), action(COORD, done=200)),
    "schemes:organisation": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
    "schemes:organisation_edit": row("programme_child", page(COORD), action(COORD, done=200)),
    "schemes:organisation_history": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
    "schemes:organisation_restore": row("programme_child", POST_ONLY, action(COORD)),
    # A city already known to the site joins the programme (issue 26).
    "schemes:organisation_find": row("programme", page(COORD), GET_ONLY),
    "schemes:organisation_add": row("programme", POST_ONLY, action(COORD)),
    # Schemes. Scheme A's people: mentor, mentee, association, facilitator; and the
    # programme's coordinator and observer.
    "schemes:scheme_create": row("programme", page(COORD), action(COORD, done=200)),
    "schemes:scheme": row("scheme", page(IN_PROGRAMME), GET_ONLY),
    "schemes:scheme_edit": row("scheme", page(COORD), action(COORD, done=200)),
    "schemes:scheme_parties": row("scheme", page(COORD), action(COORD, done=200)),
    "schemes:scheme_archive": row("scheme", POST_ONLY, action(COORD, done=ASKS)),
    "schemes:scheme_history": row("scheme", page(IN_PROGRAMME), GET_ONLY),
    "schemes:evidence_pack": row("scheme", page(IN_PROGRAMME), GET_ONLY),
    "schemes:scheme_restore": row("scheme_child", POST_ONLY, action(COORD)),
    "schemes:scheme_people": row("scheme", page(IN_PROGRAMME), action(ORGANISERS, done=200)),
    "schemes:scheme_people_bulk": row("scheme", page(ORGANISERS), action(ORGANISERS, done=200)),
    "schemes:scheme_role_remove": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS)),
    "schemes:scheme_invitation_withdraw": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS)),
}

# Attachments (a visit's here; tests/test_attachments.py covers the other kinds): added
# and removed by who edits the object (an empty POST: "choose a file", 400; a removal
# asks first), downloaded by everyone who sees it. The object or the file is looked up
# before the object's rule is known: another scheme's is a 404 for everyone.
TABLE.update(
    {
        "schemes:attachment_add": row("scheme_child", GET_ONLY, action(ORGANISERS, done=400), child_first=True),
        "schemes:attachment": row("scheme_child", page(IN_PROGRAMME), GET_ONLY, child_first=True),
        "schemes:attachment_remove": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS), child_first=True),
    }
)

# Political commitment: recorded by the mentee city and facilitators, read by everyone.
COMMITMENT_EDITORS = {"mentee", "facilitator"}
TABLE.update(
    {
        "schemes:commitment_create": row("scheme", page(COMMITMENT_EDITORS), action(COMMITMENT_EDITORS, done=200)),
        "schemes:commitment_edit": row("scheme_child", page(COMMITMENT_EDITORS), action(COMMITMENT_EDITORS, done=200)),
        "schemes:commitment_delete": row("scheme_child", POST_ONLY, action(COMMITMENT_EDITORS, done=ASKS)),
        "schemes:commitment_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:commitment_restore": row("scheme_child", POST_ONLY, action(COMMITMENT_EDITORS)),
    }
)

# The closing stage's records. Each side's evaluation of the mentoring is written by that
# side's people only (the matrix's is the mentee side's draft: the mentor and the
# facilitator are refused); submitting asks first; reopening a draft says it is one.
# Dissemination outputs: the mentee and mentor officers and facilitators; support gaps:
# the associations. Everyone of the scheme reads them.
EVALUATION_WRITERS = {"mentee"}
OUTPUT_EDITORS = {"mentee", "mentor", "facilitator"}
GAP_EDITORS = {"association"}
TABLE.update(
    {
        "schemes:closing": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:evaluation_edit": row("scheme", page(EVALUATION_WRITERS), action(EVALUATION_WRITERS, done=200)),
        "schemes:evaluation_submit": row("scheme", POST_ONLY, action(EVALUATION_WRITERS, done=ASKS)),
        "schemes:evaluation_reopen": row("scheme", POST_ONLY, action(EVALUATION_WRITERS)),
        "schemes:evaluation_history": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:dissemination_create": row("scheme", page(OUTPUT_EDITORS), action(OUTPUT_EDITORS, done=200)),
        "schemes:dissemination_edit": row("scheme_child", page(OUTPUT_EDITORS), action(OUTPUT_EDITORS, done=200)),
        "schemes:dissemination_delete": row("scheme_child", POST_ONLY, action(OUTPUT_EDITORS, done=ASKS)),
        "schemes:dissemination_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:dissemination_restore": row("scheme_child", POST_ONLY, action(OUTPUT_EDITORS)),
        "schemes:support_gap_create": row("scheme", page(GAP_EDITORS), action(GAP_EDITORS, done=200)),
        "schemes:support_gap_edit": row("scheme_child", page(GAP_EDITORS), action(GAP_EDITORS, done=200)),
        "schemes:support_gap_delete": row("scheme_child", POST_ONLY, action(GAP_EDITORS, done=ASKS)),
        "schemes:support_gap_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:support_gap_restore": row("scheme_child", POST_ONLY, action(GAP_EDITORS)),
    }
)

# A benchmark per stage: set up by coordinators and facilitators, read by everyone.
TABLE.update(
    {
        "schemes:benchmark_stages": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark_stage_create": row("scheme", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:benchmark_stage_edit": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:benchmark_stage_delete": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS)),
        "schemes:benchmark_stage_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark_stage_restore": row("scheme_child", POST_ONLY, action(ORGANISERS)),
    }
)

# Meetings between the visits: planned by those who plan the visits, read by everyone.
TABLE.update(
    {
        "schemes:meetings": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:meeting_create": row("scheme", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:meeting": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:meeting_edit": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:meeting_delete": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS)),
        "schemes:meeting_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:meeting_restore": row("scheme_child", POST_ONLY, action(ORGANISERS)),
        "schemes:meeting_ics": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
    }
)

# Local support groups: the mentee city's group, edited by its officers and facilitators.
LSG_EDITORS = {"mentee", "facilitator"}
TABLE.update(
    {
        "schemes:support_group": row(
            "scheme_child", page(IN_PROGRAMME), action(LSG_EDITORS, done=200), child_first=True, neighbour_officer="mentee"
        ),
        "schemes:support_group_roster": row(
            "scheme_child", page(IN_PROGRAMME), GET_ONLY, child_first=True, neighbour_officer="mentee"
        ),
        "schemes:support_group_member_edit": row(
            "scheme_child",
            page(LSG_EDITORS),
            action(LSG_EDITORS, done=200),
            child_first=True,
            neighbour_officer="mentee",
            neighbour_get=True,
        ),
        "schemes:support_group_member_delete": row(
            "scheme_child", POST_ONLY, action(LSG_EDITORS, done=ASKS), child_first=True, neighbour_officer="mentee"
        ),
        # A member's personal link: sent and revoked (each after the question) by the mentee
        # city's officers and facilitators (the matrix's members have a valid link).
        "schemes:support_group_member_link": row(
            "scheme_child", POST_ONLY, action(LSG_EDITORS, done=ASKS), child_first=True, neighbour_officer="mentee"
        ),
        "schemes:support_group_member_link_revoke": row(
            "scheme_child", POST_ONLY, action(LSG_EDITORS, done=ASKS), child_first=True, neighbour_officer="mentee"
        ),
    }
)

# The page of a member's personal link: the token stands for the member, whoever asks,
# signed in or not; another token (``foreign``) is a 404, nothing written. The matrix's
# plan is a draft: its action takes comments (an empty one is refused, 400), no progress
# notes (a 404 like any action the page does not offer).
TABLE.update(
    {
        "member_link": row("member_link", everyone(200), everyone(NOT_ALLOWED)),
        "member_visit_reply": row("member_link", everyone(NOT_ALLOWED), everyone(400)),
        "member_action_comment": row("member_link", everyone(NOT_ALLOWED), everyone(400)),
        "member_action_note": row("member_link", everyone(NOT_ALLOWED), everyone(404)),
    }
)

# Calls for mentors and mentees (issue 23): the coordinators' pages (applications hold
# people's names and addresses: nobody else of the programme reads them); the call's
# public page answers everyone, signed in or not, while the call is open (an empty
# application is refused, 400); another token is a 404.
TABLE.update(
    {
        "schemes:calls": row("programme", page(COORD), GET_ONLY),
        "schemes:call_create": row("programme", page(COORD), action(COORD, done=200)),
        "schemes:call": row("programme_child", page(COORD), GET_ONLY),
        "schemes:call_edit": row("programme_child", page(COORD), action(COORD, done=200)),
        "schemes:call_close": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
        "schemes:call_history": row("programme_child", page(COORD), GET_ONLY),
        "schemes:call_restore": row("programme_child", POST_ONLY, action(COORD)),
        "schemes:call_application": row("programme_child", page(COORD), GET_ONLY),
        "schemes:call_application_accept": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
        "schemes:call_application_decline": row("programme_child", POST_ONLY, action(COORD, done=400)),
        "schemes:call_application_history": row("programme_child", page(COORD), GET_ONLY),
        "call_public": row("public_call", everyone(200), everyone(400)),
    }
)

# The good-practice library of the programme: read by everyone of the programme; recorded
# by the officers of a city and the facilitators of its schemes; edited by its owners
# (the matrix's practice is the mentee city's: the mentor officer may not edit it).
GP_RECORDERS = {"mentee", "mentor", "facilitator"}
GP_OWNERS = {"mentee", "facilitator"}
TABLE.update(
    {
        "schemes:good_practices": row("programme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:good_practice_create": row("programme", page(GP_RECORDERS), action(GP_RECORDERS, done=200)),
        "schemes:good_practice": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:good_practice_edit": row(
            "programme_child", page(GP_OWNERS), action(GP_OWNERS, done=200), owner_denied={"mentor"}
        ),
        "schemes:good_practice_history": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:good_practice_restore": row("programme_child", POST_ONLY, action(GP_OWNERS), owner_denied={"mentor"}),
        "schemes:good_practice_pdf": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        # A practice's files: added and removed by its owners (an empty POST: 400; a
        # removal asks first), downloaded by everyone in the programme.
        "schemes:practice_attachment_add": row(
            "programme_child", GET_ONLY, action(GP_OWNERS, done=400), child_first=True, owner_denied={"mentor"}
        ),
        "schemes:practice_attachment": row("programme_child", page(IN_PROGRAMME), GET_ONLY, child_first=True),
        "schemes:practice_attachment_remove": row(
            "programme_child", POST_ONLY, action(GP_OWNERS, done=ASKS), child_first=True, owner_denied={"mentor"}
        ),
        "schemes:strengths_practices": row(
            "scheme_child", POST_ONLY, action({"mentor", "facilitator"}), neighbour_officer="mentor"
        ),
        # Pages at a glance (issue 26): a good practice recorded and attached from the
        # strengths page (an empty POST shows the form's errors).
        "schemes:strengths_practice_create": row(
            "scheme_child",
            page({"mentor", "facilitator"}),
            action({"mentor", "facilitator"}, done=200),
            neighbour_officer="mentor",
            neighbour_get=True,
        ),
    }
)

# Self-assessment: read by everyone of the scheme; each side edits its own city's rounds
# (the matrix's city is the mentee city), facilitators help; the cities submit.
TABLE.update(
    {
        "schemes:self_assessments": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:programme_self_assessments": row("programme", page(IN_PROGRAMME), GET_ONLY),
        # The scope: proposed by either side or a facilitator (an empty POST shows the form).
        "schemes:scheme_focus": row("scheme", page(IN_PROGRAMME), action({"mentee", "mentor", "facilitator"}, done=200)),
        "schemes:self_assessment_report": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:self_assessment": row(
            "scheme_child", page(IN_PROGRAMME), action({"mentee", "facilitator"}), child_first=True, neighbour_officer="mentee"
        ),
        # A page of the form (the first is the address above).
        "schemes:self_assessment_page": row(
            "scheme_child", page(IN_PROGRAMME), action({"mentee", "facilitator"}), child_first=True, neighbour_officer="mentee"
        ),
        "schemes:self_assessment_submit": row(
            "scheme_child", POST_ONLY, action({"mentee"}), owner_denied={"mentor", "facilitator"}, neighbour_officer="mentee"
        ),
        "schemes:self_assessment_new_round": row(
            "scheme_child", POST_ONLY, action({"mentee", "facilitator"}), owner_denied={"mentor"}, neighbour_officer="mentee"
        ),
    }
)

# Training sessions: planned by the organisers, read by everyone of the programme; the
# survey is answered by the cities' and associations' officers (an empty POST: 200 with
# the form's messages).
RESPONDENTS = {"mentee", "mentor", "association"}
TABLE.update(
    {
        "schemes:training_sessions": row("programme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:training_create": row("programme", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:training_session": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:training_edit": row("programme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:training_survey": row("programme_child", page(RESPONDENTS), action(RESPONDENTS, done=200)),
        # The key points of mentoring, shown and printed for everyone of the programme (issue 23).
        "schemes:training_key_points": row("programme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:training_key_points_pdf": row("programme", page(IN_PROGRAMME), GET_ONLY),
    }
)

# Templates: read by everyone of the programme; adapted by its coordinators (the matrix's
# template is the programme's own adaptation of the needs analysis, used by no document).
TABLE.update(
    {
        "schemes:templates": row("programme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:template": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:template_adapt": row("programme_child", POST_ONLY, action(COORD)),
        "schemes:template_blank_pdf": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:template_question_create": row("programme_child", page(COORD), action(COORD, done=200)),
        "schemes:template_question_edit": row("programme_child", page(COORD), action(COORD, done=200)),
        "schemes:template_question_move": row("programme_child", POST_ONLY, action(COORD)),
        "schemes:template_question_hide": row("programme_child", POST_ONLY, action(COORD)),
        "schemes:template_translations": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:template_translation_edit": row("programme_child", page(COORD), action(COORD, done=200)),
        "schemes:template_edit": row("programme_child", page(COORD), action(COORD, done=200)),
        "schemes:template_section_edit": row("programme_child", page(COORD), action(COORD, done=200)),
    }
)

# The benchmark editor: the programme's drafts read by everyone of the programme, written
# and published by its coordinators (the matrix's version is the programme's own draft
# with one key factor). Invalid form posts (the empty POST) answer 400 with the messages.
TABLE.update(
    {
        "schemes:benchmark_translations": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark_translation_edit": row("programme_child", page(COORD), action(COORD, done=200)),
        "schemes:benchmarks": row("programme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark_create": row("programme", page(COORD), action(COORD, done=200)),
        "schemes:benchmark_import": row("programme", page(COORD), action(COORD, done=200)),
        "schemes:benchmark_compare": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark_edit": row("programme_child", page(COORD), action(COORD, done=400)),
        "schemes:benchmark_booklet": row("programme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:benchmark_publish": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
        "schemes:benchmark_new_draft": row("programme_child", POST_ONLY, action(COORD)),
        "schemes:benchmark_discard": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
        "schemes:benchmark_key_factor_create": row("programme_child", page(COORD), action(COORD, done=400)),
        "schemes:benchmark_key_factor": row("programme_child", page(COORD), action(COORD, done=400)),
        "schemes:benchmark_key_factor_move": row("programme_child", POST_ONLY, action(COORD)),
        "schemes:benchmark_key_factor_delete": row("programme_child", POST_ONLY, action(COORD, done=ASKS)),
    }
)

# Matching: the programme's coordinators only (it reads every city's self-assessment);
# the matrix's mentee is a city of the programme in no scheme yet. An empty POST comes
# back to the candidates with a message.
TABLE.update(
    {
        "schemes:matching": row("programme", page(COORD), GET_ONLY),
        "schemes:matching_detail": row("programme_child", page(COORD), GET_ONLY),
        "schemes:matching_pair": row("programme_child", POST_ONLY, action(COORD)),
    }
)

# Visits and their agendas: read by everyone of the scheme, planned by the organisers
# (an empty POST shows the form's messages). The matrix's visit 1 has dates and a session.
TABLE.update(
    {
        "schemes:visits": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_create": row("scheme", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:visits_ics": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_edit": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:visit_record": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:visit_confirm": row("scheme_child", POST_ONLY, action(ORGANISERS)),
        # Whoever waits for someone else (the home page's list) may remind them; the others
        # are sent home with a word (the matrix's documents wait for nobody).
        "schemes:polite_reminder": row("scheme", POST_ONLY, action(IN_PROGRAMME)),
        "schemes:visit_move": row("scheme_child", POST_ONLY, action(ORGANISERS)),
        "schemes:visit_delete": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS)),
        "schemes:visit_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_restore": row("scheme_child", POST_ONLY, action(ORGANISERS)),
        "schemes:visit_agenda_pdf": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_ics": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:session_create": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:session": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
        "schemes:session_move": row("scheme_child", POST_ONLY, action(ORGANISERS)),
        "schemes:session_delete": row("scheme_child", POST_ONLY, action(ORGANISERS, done=ASKS)),
        # Visits that start from the method (issue 22): an empty POST shows the page again.
        "schemes:visit_agenda_from_method": row("scheme_child", page(ORGANISERS), action(ORGANISERS, done=200)),
    }
)

# Visit reports: written by the mentor side and facilitators, answered by the mentee city,
# read by everyone; a recommendation is made a draft action by the plan's editors (asked
# first). The matrix's item of each scheme is a recommendation.
REPORT_WRITERS = {"mentor", "facilitator"}
TABLE.update(
    {
        "schemes:visit_report": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_report_pdf": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_report_item_create": row("scheme_child", page(REPORT_WRITERS), action(REPORT_WRITERS, done=200)),
        "schemes:visit_report_item_edit": row("scheme_child", page(REPORT_WRITERS), action(REPORT_WRITERS, done=200)),
        "schemes:visit_report_item_delete": row("scheme_child", POST_ONLY, action(REPORT_WRITERS, done=ASKS)),
        "schemes:visit_report_item_respond": row("scheme_child", page({"mentee"}), action({"mentee"}, done=200)),
        "schemes:visit_report_item_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:visit_report_item_restore": row("scheme_child", POST_ONLY, action(REPORT_WRITERS)),
        "schemes:visit_report_item_action": row(
            "scheme_child", POST_ONLY, action({"mentee", "mentor", "facilitator"}, done=ASKS)
        ),
    }
)

# The action plan: drafted by the mentee city and facilitators, submitted and approved by
# the mentee city, reopened by organisers; implementation recorded by the mentee city
# and facilitators once approved, commented on by the mentor side and organisers. The
# matrix's plan is a draft with one action and a frozen version. Refusals that depend on
# the plan's state (approving a draft) come back to the plan page with a message.
PLAN_EDITORS = {"mentee", "facilitator"}
# The draft's content (actions, needs, consultations) is written by the mentor city's
# officers too (issue 23, a plan written together); submitting and approving stay the
# mentee city's.
PLAN_DRAFTERS = PLAN_EDITORS | {"mentor"}
TABLE.update(
    {
        "schemes:action_plan": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:action_plan_needs": row("scheme", page(PLAN_DRAFTERS), action(PLAN_DRAFTERS, done=400)),
        "schemes:action_create": row("scheme", page(PLAN_DRAFTERS), action(PLAN_DRAFTERS, done=200)),
        "schemes:action": row("scheme_child", page(PLAN_DRAFTERS), action(PLAN_DRAFTERS, done=200)),
        "schemes:action_move": row("scheme_child", POST_ONLY, action(PLAN_DRAFTERS)),
        "schemes:action_delete": row("scheme_child", POST_ONLY, action(PLAN_DRAFTERS, done=ASKS)),
        # Needs taken from the needs analysis: an empty choice is refused (the needs page
        # again, 400); the matrix's need was written by hand (nothing to update: back to
        # the plan). Consultations: an empty form is the form again, with its errors.
        "schemes:plan_need_take": row("scheme", POST_ONLY, action(PLAN_DRAFTERS, done=400)),
        "schemes:plan_need_refresh": row("scheme_child", POST_ONLY, action(PLAN_DRAFTERS)),
        "schemes:plan_consultations": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:plan_consultation_create": row("scheme", page(PLAN_DRAFTERS), action(PLAN_DRAFTERS, done=200)),
        "schemes:plan_consultation_edit": row("scheme_child", page(PLAN_DRAFTERS), action(PLAN_DRAFTERS, done=200)),
        "schemes:plan_consultation_delete": row("scheme_child", POST_ONLY, action(PLAN_DRAFTERS, done=ASKS)),
        "schemes:plan_consultation_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:plan_consultation_restore": row("scheme_child", POST_ONLY, action(PLAN_DRAFTERS)),
        "schemes:action_update_create": row("scheme_child", POST_ONLY, action(PLAN_EDITORS, done=200)),
        "schemes:action_comment": row("scheme_child", POST_ONLY, action({"mentor", "facilitator", "coordinator"}, done=200)),
        # The versions page; a refused freeze (the matrix posts nothing) is that page again.
        "schemes:action_plan_versions": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:action_plan_freeze": row("scheme", POST_ONLY, action(PLAN_EDITORS, done=200)),
        "schemes:action_plan_version": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        "schemes:action_plan_compare": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:action_plan_submit": row("scheme", POST_ONLY, action({"mentee"}, done=ASKS)),
        "schemes:action_plan_reopen": row("scheme", POST_ONLY, action(ORGANISERS)),
        "schemes:action_plan_approve": row("scheme", POST_ONLY, action({"mentee"})),
        "schemes:action_plan_pdf": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:action_plan_csv": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:action_plan_xlsx": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        # Revisions of an approved plan (issue 23): the matrix's plan is a draft, so starting
        # a revision is refused with a message (a redirect); a frozen version prints.
        "schemes:action_plan_revision_start": row("scheme", POST_ONLY, action(PLAN_EDITORS)),
        "schemes:action_plan_version_pdf": row("scheme_child", page(IN_PROGRAMME), GET_ONLY),
        # The closing review and the scheme's closing report: everyone of the scheme.
        "schemes:closing_review": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:closing_report_pdf": row("scheme", page(IN_PROGRAMME), GET_ONLY),
        "schemes:closing_report_xlsx": row("scheme", page(IN_PROGRAMME), GET_ONLY),
    }
)

# A community of practice's plans (issue 23): the plan's pages again under a peer city's
# id (``city_<name>``). The matrix's scheme A is a mentoring scheme, which has no city
# plans: every one is a 404 for everyone who is signed in, found before any rule (the
# rights on a community's plans: tests/test_community_plans.py).
CITY_PLAN_NAMES = [name for name in TABLE if name.startswith(("schemes:action", "schemes:plan_"))]


def _not_a_peer(statuses):
    return {role: status if status == NOT_ALLOWED or role == "anonymous" else 404 for role, status in statuses.items()}


TABLE.update(
    {
        f"schemes:city_{name.removeprefix('schemes:')}": row(
            TABLE[name]["scope"], _not_a_peer(TABLE[name]["GET"]), _not_a_peer(TABLE[name]["POST"]), child_first=True
        )
        for name in CITY_PLAN_NAMES
    }
)
# Peers comment on each other's self-assessment in a community of practice: scheme A's
# self-assessments have no comments (404 for everyone, once signed in).
TABLE["schemes:self_assessment_comment"] = row("scheme", POST_ONLY, _not_a_peer(action(IN_PROGRAMME)), child_first=True)

# The questionnaire engine: the needs analysis of the mentee city (section filled by the
# mentee city) and the strengths of the mentor city. Everyone of the scheme reads them.
# Comments: asked by those the rules let comment on the section, answered by them and by
# the section's owners, resolved by the owners (and the author, here nobody of the table).
# The city officer (``officer``) comments as the section's owner, not by the rules: on
# the neighbour city's document, they are refused.
for name, officer, section_editors, submitters, reopeners, commenters in [
    (
        "needs_analysis",
        "mentee",
        {"mentee", "facilitator"},
        {"mentee"},
        {"mentee", "facilitator", "coordinator"},
        {"mentee", "facilitator", "coordinator", "mentor", "association", "partner"},
    ),
    # The "association" persona acts for the mentee side's association: it neither comments
    # on nor edits the mentor city's strengths; the mentor side's association does
    # (tests/test_training_method.py, issue 23).
    (
        "strengths",
        "mentor",
        {"mentor", "facilitator"},
        {"mentor"},
        {"mentor", "facilitator", "coordinator"},
        {"mentor", "facilitator", "coordinator", "mentee"},
    ),
]:
    city = {"child_first": True, "neighbour_officer": officer}
    TABLE.update(
        {
            f"schemes:{name}": row("scheme_child", page(IN_PROGRAMME), GET_ONLY, **city),
            # A save without a session gets the login page, carrying the text (mentoring.unsaved).
            f"schemes:{name}_section": row(
                "scheme_child", page(IN_PROGRAMME), {**action(section_editors), "anonymous": 200}, **city
            ),
            f"schemes:{name}_submit": row("scheme_child", POST_ONLY, action(submitters), **city),
            f"schemes:{name}_reopen": row("scheme_child", POST_ONLY, action(reopeners), **city),
            f"schemes:{name}_submission": row("scheme_child", page(IN_PROGRAMME), GET_ONLY, **city),
            f"schemes:{name}_history": row("scheme_child", page(IN_PROGRAMME), GET_ONLY, **city),
            f"schemes:{name}_pdf": row("scheme_child", page(IN_PROGRAMME), GET_ONLY, **city),
            # An empty comment is refused (400); a GET shows the section (302).
            f"schemes:{name}_comment": row("scheme_child", only({302: IN_PROGRAMME}, 404), action(commenters, done=400), **city),
            f"schemes:{name}_comment_reply": row(
                "scheme_child", only({302: IN_PROGRAMME}, 404), action(commenters, done=400), **city
            ),
            f"schemes:{name}_comment_resolve": row("scheme_child", POST_ONLY, action(section_editors), **city),
        }
    )

# The read-only API (issue 25; mentoring/api, docs/api.md), read here with each persona's
# session (tests/test_api.py reads it with keys): the same rules as the pages. Without a
# session or key: 401 (the documentation page: the login page). Every write: 405. Lists
# hold only what the person reads (tests/test_api.py); an object outside their
# programmes or schemes is a 404. Keys: made by anyone signed in (an empty form: the
# account page again, with its error), revoked by their owner only (the matrix's key is
# the mentee's; the empty POST asks first).
API_ANONYMOUS = 401
API_GET_ONLY = {**everyone(NOT_ALLOWED), "anonymous": API_ANONYMOUS}


def api_page(roles, scope_roles=IN_PROGRAMME):
    return {**page(roles, scope_roles), "anonymous": API_ANONYMOUS}


API_RESOURCES = {
    # resource: (scope of its detail, who reads it on the "own" variant)
    "programme": ("programme", IN_PROGRAMME),
    "organisation": ("programme", IN_PROGRAMME),
    "good-practice": ("programme", IN_PROGRAMME),
    "benchmark-version": ("site", SIGNED_IN),
    "scheme": ("scheme", IN_PROGRAMME),
    "self-assessment": ("scheme", IN_PROGRAMME),
    "action-plan": ("scheme", IN_PROGRAMME),
    "visit": ("scheme", IN_PROGRAMME),
    "meeting": ("scheme", IN_PROGRAMME),
}
TABLE.update(
    {
        "api:schema": row("site", api_page(SIGNED_IN), API_GET_ONLY),
        "api:docs": row("site", only({200: SIGNED_IN}, 200), {**everyone(NOT_ALLOWED), "anonymous": LOGIN}),
        "api_token_create": row("site", everyone(NOT_ALLOWED), only({200: SIGNED_IN}, 200)),
        "api_token_revoke": row("site", everyone(NOT_ALLOWED), only({ASKS: {"mentee"}}, 404)),
        **{f"api:{name}-list": row("site", api_page(SIGNED_IN), API_GET_ONLY) for name in API_RESOURCES},
        **{
            f"api:{name}-detail": row(scope, api_page(readers, readers), API_GET_ONLY)
            for name, (scope, readers) in API_RESOURCES.items()
        },
    }
)

# The admin is for the data team (staff). None of the personas is staff: every admin page
# sends them, like the anonymous, to the admin's login page, which sends the anonymous to
# the site's own sign-in and refuses a person signed in who is not staff.
ADMIN_EXCEPTIONS = {
    "admin:login": row("site", everyone(403, anonymous=302), everyone(403, anonymous=302)),
    "admin:logout": row("site", everyone(302), everyone(302)),
}
ADMIN_DEFAULT = row("site", everyone(302), everyone(302))


def all_patterns(resolver=None, namespace="", prefix="/"):
    """(name, pattern, full route) of every pattern; unnamed ones (a few in the admin)
    are named after their namespace and route."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from all_patterns(entry, ns, route)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else f"{namespace}unnamed:{route}"), entry, route


def url_of(name, route, kwargs):
    if not name.startswith("admin:"):
        return reverse(name, kwargs=kwargs)
    # Admin patterns (some unnamed, some with positional regex groups): fill the route by
    # hand, every argument an id or a word that exists.
    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs.get(m.group(1), "1")), route)
    url = re.sub(r"\((?:\?P<(\w+)>)?[^)]*\)", lambda m: str(kwargs.get(m.group(1) or "", "1")), url)
    return url.replace("^", "").replace("$", "").replace("\\Z", "")


def expected_for(name):
    if name in TABLE:
        return TABLE[name]
    if name.startswith("admin:"):
        return ADMIN_EXCEPTIONS.get(name, ADMIN_DEFAULT)
    return None


class Matrix:
    """The argument values of each variant, built on the personas."""

    def __init__(self, personas):
        p = personas
        self.p = p
        self.outside_org = Organisation.objects.create(kind=OrganisationKind.CITY, name="Faraway", country="FR")
        p.other_programme.cities.add(self.outside_org)
        self.unplaced = Organisation.objects.create(kind=OrganisationKind.CITY, name="Newtown", country="BE")
        p.programme.cities.add(self.unplaced)
        # Scheme A's second mentee city and second mentor city: the neighbours.
        from schemes.models import SchemeParty, Side

        self.neighbour = {}
        for side, name in ((Side.MENTEE, "Twinville"), (Side.MENTOR, "Mentorstadt")):
            city = Organisation.objects.create(kind=OrganisationKind.CITY, name=name, country="BE")
            p.programme.cities.add(city)
            SchemeParty.objects.create(scheme=p.a, organisation=city, side=side, order=10)
            self.neighbour[side] = city
        # A service provider on scheme A's mentee side, and its officer: the "partner".
        provider = Organisation.objects.create(kind=OrganisationKind.SERVICE_PROVIDER, name="Welcome Services", country="BE")
        p.programme.cities.add(provider)
        partner_party = SchemeParty.objects.create(scheme=p.a, organisation=provider, side=Side.MENTEE, order=11)
        p.users["partner"] = type(p.users["outsider"]).objects.create_user(email="partner@test.example")
        SchemeRole.objects.create(scheme=p.a, user=p.users["partner"], role="partner", party=partner_party)
        self.role = {
            "own": ProgrammeRole.objects.get(programme=p.programme, user=p.users["observer"]),
            "sibling": ProgrammeRole.objects.get(programme=p.programme, user=p.users["observer"]),
            "foreign": ProgrammeRole.objects.create(
                programme=p.other_programme,
                user=type(p.users["outsider"]).objects.create_user(email="stranger@test.example"),
                role="observer",
            ),
        }
        self.scheme_role = {
            "own": SchemeRole.objects.get(scheme=p.a, user=p.users["mentee"]),
            "sibling": SchemeRole.objects.get(scheme=p.b, user=p.users["b_mentee"]),
            "foreign": SchemeRole.objects.get(scheme=p.b, user=p.users["b_mentee"]),
        }
        self.token = "matrix-invitation-token"
        common = {"role": "observer", "invited_by": p.users["coordinator"], "expires_at": "2099-01-01T00:00:00Z"}
        self.invitation = {
            "own": Invitation.objects.create(
                programme=p.programme, email="new@test.example", token_hash=token_hash(self.token), **common
            ),
            "own_scheme": Invitation.objects.create(
                programme=p.programme, scheme=p.a, email="n2@test.example", token_hash="a" * 64, **common
            ),
            "sibling_scheme": Invitation.objects.create(
                programme=p.programme, scheme=p.b, email="n3@test.example", token_hash="b" * 64, **common
            ),
            "foreign": Invitation.objects.create(
                programme=p.other_programme, email="n4@test.example", token_hash="c" * 64, **common
            ),
        }
        # A submitted version of each questionnaire of schemes A and B.
        from schemes.models import Comment, Response, ResponseSubmission

        self.comments = {}
        from schemes.services.filling import template_for

        for key, scheme, mentee, mentor in (
            ("own", p.a, p.mentee_city, p.mentor_city),
            ("sibling", p.b, p.b_mentee, p.b_mentor),
            ("neighbour", p.a, self.neighbour[Side.MENTEE], self.neighbour[Side.MENTOR]),
        ):
            for kind, city in (("needs_analysis", mentee), ("strengths", mentor)):
                response = Response.objects.create(scheme=scheme, template=template_for(p.programme, kind), organisation=city)
                ResponseSubmission.objects.create(response=response, number=1, submitted_at="2026-01-01T00:00:00Z")
                section = response.template.sections.order_by("order").first()
                self.comments[(kind, key)] = Comment.objects.create(
                    response=response, section=section, text="What does this mean?"
                )
        from schemes.services.questionnaires import template_adapt

        self.template = {
            key: template_adapt(template=template_for(programme, "needs_analysis"), programme=programme)
            for key, programme in (("own", p.programme), ("foreign", p.other_programme))
        }
        from benchmarks.editing import draft_create

        self.benchmark_draft = {}
        for key, programme in (("own", p.programme), ("foreign", p.other_programme)):
            draft = draft_create(programme=programme, slug=f"matrix-{key}", theme="Reception", title="Welcoming")
            draft.key_factors.create(number="1", title="One desk")
            self.benchmark_draft[key] = draft
        from schemes.models import Action, AgendaItem, PoliticalCommitment, TrainingSession
        from schemes.services.action_plans import plan_get_or_create, version_freeze

        self.plan_action = {}
        for key, scheme in (("own", p.a), ("sibling", p.b), ("outside", p.c)):
            plan = plan_get_or_create(scheme=scheme)
            self.plan_action[key] = Action.objects.create(plan=plan, order=1, action="Open a welcome desk")
            version_freeze(plan=plan, label="Draft after visit 1")
        from schemes.models import PlanConsultation

        self.plan_need = {key: action.plan.needs.create(text="A single desk") for key, action in self.plan_action.items()}
        self.plan_consultation = {
            key: PlanConsultation.objects.create(
                plan=action.plan, consulted="Social services department", date="2026-05-01", said="Viable."
            )
            for key, action in self.plan_action.items()
        }

        self.session = {}
        for key, scheme in (("own", p.a), ("sibling", p.b), ("outside", p.c)):
            visit = scheme.visits.get(order=1)
            visit.start_date, visit.end_date, visit.aim = "2027-03-10", "2027-03-11", "Set the scene."
            visit.save()
            self.session[key] = AgendaItem.objects.create(
                visit=visit, day="2027-03-10", start_time="09:00", end_time="10:00", session_type="recap", title="Recap"
            )

        from schemes.models import VisitReportItem

        self.report_item = {
            key: VisitReportItem.objects.create(visit=session.visit, kind="recommendation", text="Open a welcome desk.")
            for key, session in self.session.items()
        }

        self.training = {
            key: TrainingSession.objects.create(programme=programme, title="Kick-off", date="2026-02-01")
            for key, programme in (("own", p.programme), ("foreign", p.other_programme))
        }

        # An open call of each programme, with one application to review (issue 23).
        from schemes.models import Call, CallApplication

        self.call, self.call_application = {}, {}
        for key, programme in (("own", p.programme), ("foreign", p.other_programme)):
            self.call[key] = Call.objects.create(
                programme=programme, title="Mentors wanted", text="Apply.", opens="2000-01-01", closes="2099-12-31"
            )
            self.call_application[key] = CallApplication.objects.create(
                call=self.call[key],
                city_name="Applyville",
                country="BE",
                contact_name="Ann Plicant",
                contact_email="ann@applyville.example",
                side="mentee",
                sender="x",
            )

        self.commitment = {
            key: PoliticalCommitment.objects.create(
                scheme=scheme, name="Mayor", office="Mayor", cross_party=True, date="2026-03-01", scope="both"
            )
            for key, scheme in (("own", p.a), ("sibling", p.b))
        }
        from schemes.models import DisseminationOutput, MentoringEvaluation, SupportGap

        # The closing stage's records of schemes A and B (a draft evaluation of each
        # mentee side, an output, a support gap).
        self.evaluation = {
            key: MentoringEvaluation.objects.create(scheme=scheme, side="mentee", learned="Listening first.")
            for key, scheme in (("own", p.a), ("sibling", p.b))
        }
        self.output = {
            key: DisseminationOutput.objects.create(scheme=scheme, kind="closing_event", title="Final meeting", date="2027-06-01")
            for key, scheme in (("own", p.a), ("sibling", p.b))
        }
        self.gap = {
            key: SupportGap.objects.create(scheme=scheme, level="national", issue="No national integration fund.")
            for key, scheme in (("own", p.a), ("sibling", p.b))
        }

        from schemes.models import SchemeBenchmark

        self.stage = {}  # the second stage of schemes A and B (the general benchmark first)
        for key, scheme in (("own", p.a), ("sibling", p.b)):
            SchemeBenchmark.objects.create(scheme=scheme, benchmark=p.a.benchmark, name="First part", order=1)
            self.stage[key] = SchemeBenchmark.objects.create(
                scheme=scheme, benchmark=self.benchmark_draft["own"], name="Second part", order=2
            )

        from schemes.models import Meeting

        self.meeting = {
            key: Meeting.objects.create(scheme=scheme, title="Working meeting", date="2026-04-01")
            for key, scheme in (("own", p.a), ("sibling", p.b))
        }
        from schemes.models import LocalSupportGroup, LocalSupportGroupMember

        self.member = {
            key: LocalSupportGroupMember.objects.create(
                group=LocalSupportGroup.objects.create(scheme=scheme, city=city),
                name="Member",
                organisation="NGO",
                stakeholder_type="ngo",
                email=f"member-{key}@test.example",
            )
            for key, scheme, city in (
                ("own", p.a, p.mentee_city),
                ("sibling", p.b, p.b_mentee),
                ("neighbour", p.a, self.neighbour[Side.MENTEE]),
            )
        }
        from schemes.models import MemberLink

        self.member_token = "matrix-member-link-token"
        for key, token in (("own", self.member_token), ("neighbour", "matrix-neighbour-member-token")):
            MemberLink.objects.create(
                member=self.member[key],
                scheme=p.a,
                token_hash=token_hash(token),
                created_by=p.users["facilitator"],
                expires_at="2099-01-01T00:00:00Z",
            )
        from schemes.models import GoodPractice

        self.practice = {
            key: GoodPractice.objects.create(programme=programme, city=city, title="Welcome desk", theme="Reception")
            for key, programme, city in (("own", p.programme, p.mentee_city), ("foreign", p.other_programme, self.outside_org))
        }
        from django.contrib.contenttypes.models import ContentType

        from mentoring.models import ErasureRequest, LogEntry, Notification

        self.erasure_request = ErasureRequest.objects.create(user=p.users["mentee"])
        scheme_type = ContentType.objects.get_for_model(p.a)
        self.notification = Notification.objects.create(
            recipient=p.users["mentee"],
            entry=LogEntry.objects.create(
                actor=p.users["facilitator"], action="scheme.changed", scheme=p.a, content_type=scheme_type, object_id=p.a.pk
            ),
            scheme=p.a,
        )
        from schemes.services.attachments import attachment_add

        self.attachment = {
            key: attachment_add(
                scheme=scheme,
                kind="visit",
                obj=self.session[key].visit,
                upload=SimpleUploadedFile("minutes.txt", b"Minutes of the first visit."),
                actor=p.users["facilitator"],
            )
            for key, scheme in (("own", p.a), ("sibling", p.b), ("outside", p.c))
        }
        self.practice_file = {
            key: attachment_add(
                scheme=None,
                programme=practice.programme,
                kind="practice",
                obj=practice,
                upload=SimpleUploadedFile("leaflet.txt", b"The welcome desk's leaflet."),
                actor=p.users["facilitator"],
            )
            for key, practice in self.practice.items()
        }
        # The read-only API's objects of schemes A, B and C (issue 25), and the mentee's key.
        from mentoring.api.tokens import api_token_create
        from schemes.models import SelfAssessment

        self.api_token = api_token_create(user=p.users["mentee"], name="Matrix key")[0]
        self.api_objects = {
            "meeting": {
                **self.meeting,
                "outside": Meeting.objects.create(scheme=p.c, title="Working meeting", date="2026-04-01"),
            },
            "self-assessment": {
                key: SelfAssessment.objects.create(scheme=scheme, city=city, benchmark=p.a.benchmark, round=1)
                for key, scheme, city in (
                    ("own", p.a, self.neighbour[Side.MENTOR]),
                    ("sibling", p.b, p.b_mentor),
                    ("outside", p.c, self.outside_org),
                )
            },
            "action-plan": {key: action.plan for key, action in self.plan_action.items()},
            "visit": {key: session.visit for key, session in self.session.items()},
            "scheme": {"own": p.a, "sibling": p.b, "outside": p.c},
            "programme": {"own": p.programme, "outside": p.other_programme},
            "organisation": {"own": p.mentee_city, "outside": self.outside_org},
            "good-practice": {"own": self.practice["own"], "outside": self.practice["foreign"]},
        }
        p.programme.save()  # a history row to restore
        p.a.save()
        p.b.benchmark = p.a.benchmark  # scheme B assesses itself too
        p.b.save()
        p.mentee_city.save()

    def programme_slug(self, variant):
        return self.p.other_programme.slug if variant == "outside" else self.p.programme.slug

    def scheme(self, variant):
        return {"own": self.p.a, "sibling": self.p.b, "foreign": self.p.a, "outside": self.p.c, "neighbour": self.p.a}[variant]

    def city(self, variant, side):
        """The matrix's mentee (or mentor) city of each variant."""
        from schemes.models import Side

        p = self.p
        if side == "mentee":
            own, sibling, neighbour = p.mentee_city, p.b_mentee, self.neighbour[Side.MENTEE]
        else:
            own, sibling, neighbour = p.mentor_city, p.b_mentor, self.neighbour[Side.MENTOR]
        return {"own": own, "sibling": sibling, "foreign": sibling, "outside": self.outside_org, "neighbour": neighbour}[variant]

    def kwargs(self, name, route, variant):
        p = self.p
        if name.startswith("schemes:city_"):  # a community city's plan: the plan's page, and a city
            values = self.kwargs(f"schemes:{name.removeprefix('schemes:city_')}", route.replace("<int:city>/", ""), variant)
            return {**values, "city": self.city(variant, "mentee").pk}
        wanted = set(re.findall(r"<(?:\w+:)?(\w+)>", route))
        values = {}
        if "programme" in wanted:
            values["programme"] = self.programme_slug(variant)
        if "number" in wanted:
            values["number"] = self.scheme(variant).number
        if "language" in wanted:
            values["language"] = "fr"
        if name.startswith("member_"):
            values["token"] = self.member_token if variant == "own" else "no-such-member-token"
            values["visit"] = p.a.visits.get(order=1).pk
            values["pk"] = self.plan_action["own"].pk
        elif name.startswith("schemes:attachment"):
            key = "own" if variant == "own" else "sibling" if variant in {"sibling", "foreign"} else "outside"
            values["kind"] = "visit"
            values["target"] = self.session[key].visit_id
            values["pk"] = self.attachment[key].pk
        elif name.startswith("schemes:organisation") and "pk" in wanted:
            organisation = {
                "own": p.mentee_city,
                "sibling": p.b_mentee,
                "foreign": self.outside_org,
                "outside": self.outside_org,
            }[variant]
            values["pk"] = organisation.pk
            if "history_id" in wanted:
                values["history_id"] = organisation.history.latest("history_id").history_id
        elif name.startswith("schemes:practice_attachment"):
            key = "foreign" if variant in {"foreign", "outside"} else "own"
            values["pk"] = self.practice_file[key].pk if "add" not in name else self.practice[key].pk
        elif name.startswith("schemes:good_practice") and "pk" in wanted:
            practice = self.practice["foreign" if variant in {"foreign", "outside"} else "own"]
            values["pk"] = practice.pk
            values["history_id"] = practice.history.latest("history_id").history_id
        elif name.startswith("schemes:template") and "pk" in wanted:
            template = self.template["foreign" if variant in {"foreign", "outside"} else "own"]
            values["pk"] = template.pk
            values["section"] = "mentee-needs"
            values["question"] = template.sections.get(key="mentee-needs").questions.order_by("order").last().pk
        elif name.startswith("schemes:benchmark_stage") and "pk" in wanted:
            stage = self.stage["own" if variant == "own" else "sibling"]
            values["pk"] = stage.pk
            values["history_id"] = stage.history.latest("history_id").history_id
        elif name.startswith("schemes:benchmark") and wanted - {"programme"}:
            draft = self.benchmark_draft["foreign" if variant in {"foreign", "outside"} else "own"]
            values.update(pk=draft.pk, slug=draft.benchmark.slug, key_factor=draft.key_factors.get().pk)
        elif name.startswith("schemes:action") and wanted & {"pk", "version"}:
            plan_key = "sibling" if variant == "foreign" else variant
            values["pk"] = self.plan_action[plan_key].pk
            values["version"] = 1 if variant != "foreign" else 99
        elif name.startswith(("schemes:plan_need", "schemes:plan_consultation")) and "pk" in wanted:
            key = "sibling" if variant == "foreign" else variant
            record = (self.plan_need if name.startswith("schemes:plan_need") else self.plan_consultation)[key]
            values["pk"] = record.pk
            values["history_id"] = record.history.latest("history_id").history_id
        elif name.startswith("schemes:visit_report"):
            # Another scheme's item under scheme A's visit; scheme A's report pages without
            # an item, under a visit it does not have.
            item = self.report_item["sibling" if variant == "foreign" else variant]
            values["visit"] = 99 if variant == "foreign" and "item" not in wanted else 1
            values["item"] = item.pk
            values["history_id"] = item.history.latest("history_id").history_id
        elif "visit" in wanted:
            own = variant in {"own", "sibling", "outside"}
            values["visit"] = 1 if own or "session" in wanted else 99
            scheme = self.scheme(variant)
            visit = scheme.visits.get(order=1)
            session = self.session["sibling" if variant == "foreign" else variant]
            values["session"] = session.pk
            values["history_id"] = (visit if own else self.session["sibling"].visit).history.latest("history_id").history_id
        elif name.startswith("schemes:matching") and "organisation" in wanted:
            values["organisation"] = (self.outside_org if variant in {"foreign", "outside"} else self.unplaced).pk
        elif name.startswith("schemes:training") and "pk" in wanted:
            values["pk"] = self.training["foreign" if variant in {"foreign", "outside"} else "own"].pk
        elif name.startswith("schemes:self_assessment") and "organisation" in wanted:
            values["organisation"] = self.city(variant, "mentee").pk
            values["page"] = 2
        elif name in {"schemes:strengths_practices", "schemes:strengths_practice_create"}:
            values["organisation"] = self.city(variant, "mentor").pk
        elif name == "schemes:programme_restore":
            source = p.other_programme if variant in {"foreign", "outside"} else p.programme
            values["history_id"] = source.history.latest("history_id").history_id
        elif name == "schemes:scheme_restore":
            source = {"own": p.a, "sibling": p.b, "foreign": p.b, "outside": p.c}[variant]
            values["history_id"] = source.history.latest("history_id").history_id
        elif name == "schemes:programme_role_remove":
            values["pk"] = self.role["foreign" if variant in {"foreign", "outside"} else "own"].pk
        elif name == "schemes:scheme_role_remove":
            values["pk"] = self.scheme_role["own" if variant == "own" else "sibling"].pk
        elif name == "schemes:programme_invitation_withdraw":
            values["pk"] = self.invitation["foreign" if variant in {"foreign", "outside"} else "own"].pk
        elif name == "schemes:scheme_invitation_withdraw":
            values["pk"] = self.invitation["own_scheme" if variant == "own" else "sibling_scheme"].pk
        elif name.startswith("schemes:commitment_") and "pk" in wanted:
            commitment = self.commitment["own" if variant == "own" else "sibling"]
            values["pk"] = commitment.pk
            values["history_id"] = commitment.history.latest("history_id").history_id
        elif name.startswith("schemes:evaluation_"):
            values["side"] = "mentee"
        elif name.startswith(("schemes:dissemination_", "schemes:support_gap_")) and "pk" in wanted:
            record = (self.output if name.startswith("schemes:dissemination_") else self.gap)[
                "own" if variant == "own" else "sibling"
            ]
            values["pk"] = record.pk
            values["history_id"] = record.history.latest("history_id").history_id
        elif name.startswith("schemes:meeting") and "pk" in wanted:
            meeting = self.meeting["own" if variant == "own" else "sibling"]
            values["pk"] = meeting.pk
            values["history_id"] = meeting.history.latest("history_id").history_id
        elif name.startswith("schemes:support_group"):
            values["organisation"] = self.city(variant, "mentee").pk
            values["pk"] = self.member[variant if variant in {"own", "neighbour"} else "sibling"].pk
        elif name.startswith(("schemes:needs_analysis", "schemes:strengths")):
            needs = name.startswith("schemes:needs_analysis")
            values["organisation"] = self.city(variant, "mentee" if needs else "mentor").pk
            values["section"] = "mentee-needs" if needs else "mentor-strengths"
            values["submission"] = 1
            comment_key = variant if variant in {"own", "neighbour"} else "sibling"
            values["comment"] = self.comments[("needs_analysis" if needs else "strengths", comment_key)].pk
        elif name == "schemes:polite_reminder":
            values["document"] = "needs-analysis"
            values["organisation"] = self.city(variant, "mentee").pk
        elif name.startswith("schemes:call") and "pk" in wanted:
            key = "foreign" if variant in {"foreign", "outside"} else "own"
            values["pk"] = self.call[key].pk
            values["application"] = self.call_application[key].pk
            values["history_id"] = self.call[key].history.latest("history_id").history_id
        elif name == "call_public":
            values["token"] = self.call["own"].token if variant == "own" else "no-such-call-token"
        elif name == "notification_read":
            values["pk"] = self.notification.pk
        elif name.startswith("erasure_request_"):
            values["pk"] = self.erasure_request.pk
        elif name == "unsubscribe":
            values["token"] = "eyJ1IjoxLCJrIjpbImNvbW1lbnRzIl19:altered:signature"
        elif name == "data_export_download":
            values["token"] = "no-such-data-download-token-0123456789"
        elif name == "calendar_feed":
            values["token"] = "no-such-calendar-token-0123456789abcdef"
        elif name == "invitation_accept":
            values["token"] = self.token if variant == "own" else "no-such-token"
        elif name == "password_reset_confirm":
            values.update(uidb64="MQ", token="set-password")
        elif name.startswith("benchmarks:"):
            values.update({k: v for k, v in {"slug": "inclucities-language-learning", "number": 1}.items() if k in wanted})
        elif name.startswith("api:") and "pk" in wanted:
            resource = name.removeprefix("api:").removesuffix("-detail")
            if resource == "benchmark-version":
                values["pk"] = p.a.benchmark.pk
            else:
                values["pk"] = self.api_objects[resource][variant].pk
        elif name == "api_token_revoke":
            values["pk"] = self.api_token.pk
        elif name.startswith("admin:"):
            for key in wanted:
                values[key] = {"app_label": "schemes", "object_id": "1", "content_type_id": "1", "url": "nothing"}.get(key, "1")
        missing = wanted - set(values)
        assert not missing, f"{name}: no value for {missing}"
        return {key: value for key, value in values.items() if key in wanted}


def expected(entry, method, role, variant):
    """The status for ``role`` on ``variant``, from the table's ``own`` column."""
    status = entry[method][role]
    scope = entry["scope"]
    if status in (LOGIN, NOT_ALLOWED) and role == "anonymous" or status == NOT_ALLOWED:
        return status
    if scope == "invitation":
        return status if variant == "own" else 410
    if scope in ("member_link", "public_call"):
        return status if variant == "own" else 404
    if role == "anonymous":
        return status  # nothing is looked up before a login: every variant alike
    if scope == "site" or variant == "own":
        return status
    if variant == "neighbour":
        # The same scheme, the city next door: the officer acting for the matrix's city
        # reads it, and is refused whatever they could write there for their own.
        writes = method == "POST" or entry["neighbour_get"]
        if role == entry["neighbour_officer"] and writes and status in (200, 302, 400):
            return 403
        return status
    if variant == "outside":
        return 404
    if variant == "foreign" and role in entry["owner_denied"]:
        return 404
    if scope.startswith("programme"):
        if variant == "foreign" and scope == "programme_child":
            if entry["child_first"]:
                return 404  # found before the object's own rule: not found for everyone
            # Past the permission check, another programme's child is not found.
            return 404 if status not in (403, 404) else status
        return status
    # Scheme pages: scheme B is seen by the programme-wide roles only.
    if variant == "sibling":
        return status if role in PROGRAMME_WIDE else 404
    if variant == "foreign" and scope == "scheme_child":
        if entry["child_first"]:
            return 404
        return 404 if status not in (403, 404) else status
    return status


VARIANTS = {
    "site": ["own"],
    "invitation": ["own", "foreign"],
    "member_link": ["own", "foreign"],
    "public_call": ["own", "foreign"],
    "programme": ["own", "outside"],
    "programme_child": ["own", "foreign", "outside"],
    "scheme": ["own", "sibling", "outside"],
    "scheme_child": ["own", "sibling", "foreign", "outside"],
}

SECURITY_HEADERS = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "Strict-Transport-Security")


@pytest.mark.parametrize("role", ROLES)
def test_url_role_matrix(personas, capsys, settings, role):
    """Every URL pattern, in each of its scope's variants, by GET and POST, as ``role``.
    A test per role, so that the suite's processes share the matrix."""
    # Each request's writes are rolled back, the session's idle renewal too: renewed once
    # a minute, it would be written again on every request of this long test.
    settings.SESSION_RENEW_SECONDS = 24 * 60 * 60
    matrix = Matrix(personas)
    client = personas.client(role)
    patterns = list(all_patterns())
    unknown = sorted({name for name, _pattern, _route in patterns if expected_for(name) is None})
    assert unknown == [], f"URL patterns missing from the matrix table: {unknown}"

    failures, checks, leaks, header_misses, checked_names, writes = [], 0, 0, [], set(), []
    for name, _pattern, route in patterns:
        entry = expected_for(name)
        variants = VARIANTS[entry["scope"]] + (["neighbour"] if entry.get("neighbour_officer") else [])
        for variant in variants:
            url = url_of(name, route, matrix.kwargs(name, route, variant))
            for method in ("GET", "POST"):
                cookies = copy.deepcopy(client.cookies)
                statements = Statements()
                try:
                    with transaction.atomic(), connection.execute_wrapper(statements):
                        response = getattr(client, method.lower())(url, secure=True)
                        raise Rollback
                except Rollback:
                    pass
                client.cookies = cookies
                if method == "GET":
                    writes += [f"GET {url} as {role} ({variant}): {sql[:160]}" for sql in statements if is_write(sql)]
                checks += 1
                checked_names.add(name)
                want = expected(entry, method, role, variant)
                got = response.status_code
                if got != want:
                    failures.append(f"{method} {url} as {role} ({variant}): expected {want}, got {got}")
                    if want == 404 and got in (200, 302, 403):
                        leaks += 1
                if (
                    got == LOGIN
                    and want == LOGIN
                    and role == "anonymous"
                    and not name.startswith("admin:")
                    and entry["scope"] != "site"
                ):
                    assert "/accounts/login/" in response["Location"], url
                missing = [header for header in SECURITY_HEADERS if header not in response.headers]
                if missing:
                    header_misses.append(f"{method} {url} as {role}: {missing}")
    with capsys.disabled():
        print(
            f"\nURL x role matrix, {role}: {len(patterns)} patterns, {len(checked_names)} names, "
            f"{checks} checks (methods x variants), {len(failures)} mismatches, {leaks} leaks, "
            f"{len(header_misses)} responses without a security header, {len(writes)} writes on GET"
        )
    # One message for every kind of problem: one kind does not hide another.
    problems = [
        f"{len(found)} {kind}:\n" + "\n".join(found[:shown])
        for kind, found, shown in (
            (f"mismatches ({leaks} leaks)", failures, 60),
            ("responses without a security header", header_misses, 20),
            ("writes on GET", writes, 40),
        )
        if found
    ]
    assert problems == [], "\n\n".join(problems)
