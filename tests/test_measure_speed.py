"""manage.py measure_speed: a row per main page with queries and times at both sizes, and
a non-zero exit when a target is missed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from schemes.management.commands import measure_speed


def test_every_main_page_is_measured_at_both_sizes(db):
    out = StringIO()
    try:
        call_command("measure_speed", "--runs=1", "--size=small", stdout=out)
    except CommandError as error:
        assert "pages miss a target" in str(error)  # timings on a shared test machine vary
    lines = out.getvalue().splitlines()
    rows = {line[:26].strip(): line for line in lines if line[:26].strip() in {
        name for _who, name, _url in measure_speed.main_pages()}}
    assert len(rows) == len(measure_speed.main_pages()) == 18
    queries = rows["dashboard"][26:46].split("/")
    assert int(queries[0]) == int(queries[1]) > 0  # the same queries with the network added
    assert "pages meet every target" in lines[-1]


@pytest.mark.parametrize("large, verdict", [
    ({"queries": 9, "median": 10.0, "p95": 12.0}, "ok"),
    ({"queries": 10, "median": 10.0, "p95": 12.0}, "queries grow"),
    ({"queries": 9, "median": 14.0, "p95": 20.0}, "growth > 1.3"),
    ({"queries": 9, "median": 10.0, "p95": 51.0}, "p95 > 50 ms"),
])
def test_a_missed_target_is_named_and_fails_the_run(db, monkeypatch, large, verdict):
    sizes = iter([{"queries": 9, "median": 10.0, "p95": 11.0}] * 18 + [large] * 18)
    monkeypatch.setattr(measure_speed.Command, "measure", lambda self, client, url, runs: next(sizes))
    monkeypatch.setattr(measure_speed, "generate_network", lambda size, say: {})
    out = StringIO()
    if verdict == "ok":
        call_command("measure_speed", stdout=out)
        assert "18 of 18 pages meet every target" in out.getvalue()
    else:
        with pytest.raises(CommandError, match="18 pages miss a target"):
            call_command("measure_speed", stdout=out)
        assert verdict in out.getvalue()
