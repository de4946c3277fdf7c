"""Gunicorn's master process loads what every worker keeps for good and freezes it out of
the garbage collector's full collections before forking (mentoring.heap, gunicorn.conf.py)."""

import gc
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mentoring.heap import freeze_warm_heap

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def fresh_process():
    gc.unfreeze()
    yield
    gc.unfreeze()


def full_collection_ms():
    started = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - started) * 1000


def test_a_full_collection_no_longer_walks_what_the_process_keeps(fresh_process):
    gc.collect()
    before = min(full_collection_ms() for _ in range(3))
    frozen = freeze_warm_heap()
    # Django, the URL patterns, templates, catalogues... (an object or two frozen with them
    # may be freed right after: the count is not exact).
    assert frozen > 50_000 and abs(gc.get_freeze_count() - frozen) < 100
    after = min(full_collection_ms() for _ in range(3))
    assert after < before / 2


def test_it_loads_every_template_and_the_url_patterns_before_freezing(fresh_process):
    from django.template import engines
    from django.urls import reverse

    freeze_warm_heap()
    # What a first request would have loaded is already there: asking again finds it
    # compiled, and creates (almost) nothing for the collector to track.
    gc.collect()
    tracked = len(gc.get_objects())
    reverse("notifications")
    engines["django"].get_template("schemes/scheme_detail.html")
    assert len(gc.get_objects()) - tracked < 100


def test_it_can_be_turned_off(fresh_process, settings):
    settings.GC_FREEZE = False
    assert freeze_warm_heap() == 0
    assert gc.get_freeze_count() == 0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_freezes_in_its_master_before_forking_and_then_serves(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECRET_KEY": "gunicorn-test-" + "x" * 50,
        "PLAIN_STATIC_STORAGE": "true",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn),
            "mentoring.wsgi:application",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not answer"
                time.sleep(0.2)
    finally:
        server.terminate()
        log = server.communicate(timeout=30)[0]
    froze = log.index("froze ")
    assert int(log[froze:].split()[1]) > 50_000
    assert froze < log.index("Booting worker")
