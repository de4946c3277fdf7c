"""An app-server process freezes the objects it keeps for good out of the garbage
collector's full collections, after its first requests (mentoring.middleware)."""

import gc
import time

import pytest

from mentoring import middleware
from mentoring.middleware import FrozenHeapMiddleware

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_process(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(FrozenHeapMiddleware, "served", 0)
    yield
    gc.unfreeze()


def test_after_the_first_request_a_full_collection_no_longer_walks_the_apps_objects(personas, fresh_process):
    client = personas.client("mentee")
    gc.collect()
    started = time.perf_counter()
    gc.collect()
    before = time.perf_counter() - started
    assert gc.get_freeze_count() == 0
    client.get("/")
    assert gc.get_freeze_count() > 50_000  # Django, the URL patterns, templates, catalogues...
    started = time.perf_counter()
    gc.collect()
    assert time.perf_counter() - started < before / 2


def test_it_freezes_after_the_1st_10th_100th_1000th_and_10000th_request(fresh_process, monkeypatch, rf):
    freezes = []
    monkeypatch.setattr(middleware.gc, "freeze", lambda: freezes.append(FrozenHeapMiddleware.served))
    monkeypatch.setattr(middleware.gc, "collect", lambda: None)
    handler = FrozenHeapMiddleware(lambda request: "response")
    request = rf.get("/")
    assert all(handler(request) == "response" for _ in range(12_000))
    assert freezes == [1, 10, 100, 1_000, 10_000]


def test_it_can_be_turned_off(personas, fresh_process, settings):
    settings.GC_FREEZE = False
    personas.client("mentee").get("/")
    assert gc.get_freeze_count() == 0
