"""An edit page never shows values older than the version it carries: a save made by
someone else between the view reading the object and the form reading its version is
in the page (and so kept when the page is saved), never silently posted back over.

Found by the load tool: the page showed the values read before another person's save
with the version read after it, so both checks of that version passed the stale values.
"""

import pytest

from mentoring import forms as mentoring_forms
from schemes.management.loadtest.browser import form_with
from schemes.models import GoodPractice, PoliticalCommitment


@pytest.fixture
def objects(personas):
    p = personas
    return {
        "practice": GoodPractice.objects.create(
            programme=p.programme, city=p.mentee_city, title="Welcome desk", theme="Reception"
        ),
        "commitment": PoliticalCommitment.objects.create(
            scheme=p.a, name="Mayor", office="Mayor", cross_party=True, date="2026-03-01", scope="both"
        ),
        "programme": p.programme,
    }


CASES = {
    # kind: (who edits, the page, the field someone else changes meanwhile, the field the editor changes)
    "practice": (
        "mentee",
        lambda o: f"/programmes/test-programme/good-practices/{o['practice'].pk}/edit/",
        "results",
        "description",
    ),
    "commitment": (
        "mentee",
        lambda o: f"/programmes/test-programme/schemes/1/commitments/{o['commitment'].pk}/edit/",
        "evidence",
        "office",
    ),
    "programme": ("coordinator", lambda o: "/programmes/test-programme/edit/", "funding", "description"),
}


@pytest.mark.parametrize("kind", CASES)
def test_a_save_between_reading_the_object_and_its_version_is_kept(personas, objects, monkeypatch, kind):
    who, address, theirs, mine = CASES[kind]
    target = objects[kind]
    model = type(target)
    real = mentoring_forms.latest_history_id
    saved_meanwhile = []

    def someone_saves_first(instance):
        if instance is not None and instance.pk == target.pk and not saved_meanwhile:
            other = model.objects.get(pk=target.pk)
            setattr(other, theirs, "Changed by someone else meanwhile")
            other.save()
            saved_meanwhile.append(True)
        return real(instance)

    monkeypatch.setattr(mentoring_forms, "latest_history_id", someone_saves_first)
    client = personas.client(who)
    page = client.get(address(objects)).content.decode()
    assert saved_meanwhile
    form = form_with(page, mine)
    data = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append("Changed by the editor" if name == mine else value)
    response = client.post(address(objects), data)
    assert response.status_code in (302, 409)
    current = model.objects.get(pk=target.pk)
    assert getattr(current, theirs) == "Changed by someone else meanwhile"
    if response.status_code == 302:
        assert getattr(current, mine) == "Changed by the editor"
