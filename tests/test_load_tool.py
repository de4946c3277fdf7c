"""The load tool's own parts, without a live server: every edit form of its mix opens and
saves for the people it gives it to, on the demo data; and its write check finds a lost
write when there is one (a save made on an out-of-date page that overwrote another
person's acknowledged change), and says nothing when there is none."""

import datetime

import pytest
from django.test import Client

from schemes.management.loadtest.browser import form_with
from schemes.management.loadtest.preparation import prepare
from schemes.management.loadtest.saves import CONFLICT, SAVED, EditForm, Save, check_edit
from schemes.models import PoliticalCommitment

PREFIX = "load-test 0000 "


@pytest.mark.django_db
def test_every_edit_form_of_the_mix_opens_and_saves_for_the_people_it_is_given_to():
    _people, first = prepare(6)
    people, edits = prepare(6)
    assert [edit.pk for edit in edits] == [edit.pk for edit in first]  # it finds what it made
    assert {edit.kind for edit in edits} == {
        "action",
        "political commitment",
        "support group member",
        "good practice",
        "visit",
        "agenda session",
        "programme",
        "scheme",
        "organisation",
        "benchmark draft",
    }
    person = {role: user for role, user, _password in people}
    for edit in edits:
        for role in sorted(edit.roles):
            client = Client()
            client.force_login(person[role])
            page = client.get(edit.path)
            assert page.status_code == 200, (edit.kind, role, page.status_code)
            form = form_with(page.content.decode(), edit.fields[0])
            assert {name for name, _value in form["fields"]} >= set(edit.fields), (edit.kind, edit.fields)
            token = f"{PREFIX}{edit.kind} by {role}"
            data = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(token if name == edit.fields[-1] else value)
            answer = client.post(edit.path, data)
            assert answer.status_code == 302, (edit.kind, role, answer.status_code)
            assert getattr(edit.model.objects.get(pk=edit.pk), edit.fields[-1]) == token


FIELDS = ("office", "party", "evidence")


@pytest.fixture
def commitment(personas):
    return PoliticalCommitment.objects.create(
        scheme=personas.a, name="Mayor", office="Mayor", party="", date=datetime.date(2026, 3, 1), scope="both"
    )


def save_of(commitment, field, token, seen, outcome=SAVED):
    """A save typing ``token`` into ``field`` on a page that showed ``seen``."""
    return Save("political commitment", commitment.pk, token, fields=(field,), posted={**seen, field: token}, outcome=outcome)


def write(commitment, save):
    for name, value in save.posted.items():
        setattr(commitment, name, value)
    commitment.save()


def check(commitment, saves):
    edit = EditForm("political commitment", PoliticalCommitment, commitment.pk, "", FIELDS, frozenset())
    return check_edit(edit, saves)


@pytest.mark.django_db
def test_the_write_check_finds_a_save_made_on_an_out_of_date_page(commitment):
    original = {"office": "Mayor", "party": "", "evidence": ""}
    first = save_of(commitment, "office", PREFIX + "1", original)
    second = save_of(commitment, "evidence", PREFIX + "2", original)  # never saw the first
    write(commitment, first)
    write(commitment, second)
    row = check(commitment, [first, second])
    assert (row.acknowledged, row.lost, row.stale, row.partial) == (2, 1, 1, 0)
    assert (row.holding, row.holders) == (1, 1)  # the object holds what the last save posted: not enough


@pytest.mark.django_db
def test_the_write_check_passes_saves_each_made_on_the_latest_version(commitment):
    first = save_of(commitment, "office", PREFIX + "1", {"office": "Mayor", "party": "", "evidence": ""})
    second = save_of(commitment, "evidence", PREFIX + "2", first.posted)
    refused = save_of(commitment, "party", PREFIX + "3", {"office": "Mayor", "party": "", "evidence": ""}, CONFLICT)
    write(commitment, first)
    write(commitment, second)
    row = check(commitment, [first, second, refused])
    assert (row.acknowledged, row.conflicts, row.lost, row.stale, row.partial, row.kept_refused) == (2, 1, 0, 0, 0, 0)
    assert (row.holding, row.holders) == (1, 1)


@pytest.mark.django_db
def test_the_write_check_finds_saves_missing_half_written_or_refused_yet_written(commitment):
    seen = {"office": "Mayor", "party": "", "evidence": ""}
    missing = save_of(commitment, "office", PREFIX + "1", seen)  # acknowledged, never written
    half = save_of(commitment, "party", PREFIX + "2", seen)
    write(commitment, Save("", None, "", posted={"party": half.token}))  # ...without the office it carried
    half.posted["office"] = "Mayor of the city"
    refused = save_of(commitment, "evidence", PREFIX + "3", {**seen, "party": half.token}, CONFLICT)
    write(commitment, refused)
    row = check(commitment, [missing, half, refused])
    assert (row.lost, row.partial, row.kept_refused) == (1, 1, 1)
