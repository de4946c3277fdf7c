"""Two requests at the same instant, on PostgreSQL: each in its own thread with its own
database connection, meeting at a barrier once their forms are validated, so that both
have passed every check of the form before either writes. (SQLite writes one transaction
at a time, so these races cannot happen there: the tests using this run on PostgreSQL.)"""

import contextlib
import threading

import pytest
from django.db import connection, connections
from django.test import Client

from .conftest import Personas

on_postgresql = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="runs in the PostgreSQL run of the suite (./dev test runs both)"
    ),
    pytest.mark.django_db(transaction=True),
]


def personas_on_reference_data(django_user_model):
    """The personas on the reference data (a transactional test starts from an emptied
    database)."""
    from schemes.services.demo import reference_data_load

    reference_data_load()
    return Personas(django_user_model)


def client_of(personas, key):
    client = Client()
    client.force_login(personas.users[key])
    return client


def race(monkeypatch, form_class, posts, *, follow=False):
    """POST each (client, url, data) of ``posts`` in its own thread, every form of
    ``form_class`` validated before any request writes. The responses, in order."""
    return race_at(monkeypatch, form_class, "clean", posts, follow=follow)


def race_at(monkeypatch, owner, name, posts, *, follow=False):
    """As ``race``, the requests meeting once each has run ``owner.name`` (a form's
    ``clean``, a service's check)."""
    barrier = threading.Barrier(len(posts))
    original = getattr(owner, name)

    def run_then_wait(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        finally:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=10)

    monkeypatch.setattr(owner, name, run_then_wait)
    responses = [None] * len(posts)

    def post(index, client, url, data):
        try:
            responses[index] = client.post(url, data, follow=follow)
        except Exception as error:  # shown in the test's failure
            responses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(index, *args)) for index, args in enumerate(posts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    monkeypatch.setattr(owner, name, original)
    for response in responses:
        assert not isinstance(response, Exception), repr(response)
    return responses
