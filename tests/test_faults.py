"""When something fails half-way: a write request is all or nothing, and the person sees a
page that says what happened (a 503 when the database did not answer), never a traceback."""

import pytest
from django.db import OperationalError

from schemes.models import Answer, Response
from schemes.views import questionnaires

from .test_questionnaires import BASE, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def section(personas):
    return BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"


def saved_then(failure):
    """section_save that writes the section, then fails as ``failure`` says."""
    real = questionnaires.section_save

    def save(**kwargs):
        real(**kwargs)
        assert Answer.objects.filter(text="Housing for newcomers.").exists()  # written, not yet committed
        raise failure

    return save


def mentee_client(personas):
    client = personas.client("mentee")
    client.raise_request_exception = False
    return client


def test_a_save_that_fails_after_writing_leaves_nothing_behind(personas, section, monkeypatch):
    client = mentee_client(personas)
    data = form_data(client, section, challenge="Housing for newcomers.")
    assert not Response.objects.exists()
    monkeypatch.setattr(questionnaires, "section_save", saved_then(RuntimeError("disk full")))
    response = client.post(section, data)
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page and "Traceback" not in page and "disk full" not in page
    assert not Answer.objects.exists() and not Response.objects.exists()  # the whole request rolled back
    assert not Answer.history.model.objects.exists()  # and nothing in the history either


def test_a_database_that_stops_answering_gives_a_503_page_and_saves_nothing(personas, section, monkeypatch):
    client = mentee_client(personas)
    data = form_data(client, section, challenge="Housing for newcomers.")
    monkeypatch.setattr(questionnaires, "section_save", saved_then(OperationalError("server closed the connection unexpectedly")))
    response = client.post(section, data, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 503 and response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Indisponible un instant" in page and 'lang="fr"' in page  # in the person's language
    assert "Traceback" not in page and "server closed" not in page
    assert not Answer.objects.exists()
    monkeypatch.undo()
    assert client.post(section, data).status_code == 302  # sent again once it answers: saved
    assert Answer.objects.get(text="Housing for newcomers.")
