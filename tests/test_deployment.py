"""Running for real: the load tool against a live server (no lost or partial write); and,
on PostgreSQL, two gunicorn app servers sharing one database (a session started on one is
valid on the other, a save on one is seen on the other, both recover by themselves when
PostgreSQL restarts) and the backup drill: a pg_dump and a copy of the attachments'
store that restore into an empty database and an empty store with every table's rows
and every file's checksum."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from schemes.management.loadtest.browser import Browser, FormReader, Results

from .test_questionnaires import BASE

ROOT = Path(__file__).resolve().parent.parent
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="runs in the PostgreSQL run of the suite (./dev test runs both)"
)


@on_postgresql  # SQLite's shared in-memory test database locks whole tables under concurrent writers
@pytest.mark.django_db(transaction=True)
def test_the_load_tool_drives_a_live_server_and_finds_every_save(live_server):
    out = StringIO()
    call_command("load_test", "--url", live_server.url, "--users=4", "--seconds=4", stdout=out)
    report = out.getvalue()
    assert "4 people, 1 app server(s)" in report and "server errors: 0" in report
    saves = int(report.split("saves acknowledged: ")[1].split(";")[0])
    assert saves > 0
    assert f"{saves} acknowledged saves, 0 lost, 0 partial" in report
    assert "0 saves made on an out-of-date page written" in report
    for kind in ("questionnaire section", "action", "visit", "benchmark draft"):  # a line per kind of save
        assert f"\n{kind} " in report


@pytest.fixture
def reference_data(transactional_db):
    """The benchmarks and templates: transactional tests start from an emptied database."""
    from schemes.services.demo import reference_data_load

    reference_data_load()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url():
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def wait_until_healthy(port, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the app server on port {port} did not become healthy")


@pytest.fixture
def two_app_servers(tmp_path):
    """Two gunicorn processes (one worker each) on two ports, on this test's database."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    if not gunicorn.exists():
        pytest.fail("gunicorn is needed (pip install -e .[prod])")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PLAIN_STATIC_STORAGE": "true",
        "DOCUMENT_CACHE_DIR": str(tmp_path / "cache"),
    }
    servers, ports = [], [free_port(), free_port()]
    for port in ports:
        servers.append(
            subprocess.Popen(
                [
                    str(gunicorn),
                    "mentoring.wsgi:application",
                    "--workers",
                    "1",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--no-control-socket",
                    "--log-file",
                    str(tmp_path / f"gunicorn-{port}.log"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
    try:
        for port in ports:
            wait_until_healthy(port)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def section_form(browser, path):
    response, content = browser.request("section page", "GET", path)
    assert response.status == 200, response.status
    reader = FormReader()
    reader.feed(content.decode())
    return next(form for form in reader.forms if form["textareas"] and not form["action"])


@on_postgresql
@pytest.mark.serial  # it restarts PostgreSQL: nothing else may be using it meanwhile
@pytest.mark.django_db(transaction=True)
def test_two_app_servers_share_sessions_and_saves_and_recover_from_a_database_restart(
    reference_data, personas, two_app_servers, settings
):
    mentee = personas.users["mentee"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]  # as the servers have it
    mentee.set_password("a long enough password for the test")
    mentee.save()
    first_url, second_url = two_app_servers
    first = Browser(first_url, Results())
    first.log_in(mentee.email, "a long enough password for the test")
    second = Browser(second_url, Results())
    second.cookies = dict(first.cookies)  # the same browser, sent to the other server by the proxy

    response, content = second.request("home", "GET", "/")
    assert response.status == 200 and mentee.get_full_name().encode() in content  # signed in there too

    path = BASE.format(city=personas.mentee_city.pk) + "sections/mentee-needs/"
    form = section_form(second, path)
    field = form["textareas"][0]
    fields = [(name, "Saved through the second server." if name == field else value) for name, value in form["fields"]]
    response, _content = second.request("section save", "POST", path, fields)
    assert response.status == 302
    response, content = first.request("section page", "GET", path)
    assert b"Saved through the second server." in content  # seen on the first

    restart = os.environ.get("MENTORING_TEST_PG_RESTART")
    if not restart:
        if os.environ.get("CI") == "true":
            pytest.fail("./dev test sets MENTORING_TEST_PG_RESTART to restart its PostgreSQL (CI=true)")
        return
    subprocess.run(restart, shell=True, check=True, capture_output=True, timeout=60)
    connection.close()  # this test's own connection did not live through it either
    for browser in (first, second):
        deadline = time.monotonic() + 15
        while True:
            response, content = browser.request("section page", "GET", path)
            if response is not None and response.status == 200:
                break
            assert response is None or (response.status == 503 and b"Traceback" not in content)
            assert time.monotonic() < deadline, "the app server did not recover from the restart"
            time.sleep(0.3)
        assert b"Saved through the second server." in content  # and the session lived on


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_backup_restores_into_an_empty_database_with_every_row(tmp_path):
    """The backup drill of docs/deployment.md: pg_dump and files_backup; a new empty
    database and an empty store, pg_restore and files_restore; the row count of every
    table and the checksum of every file compared."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages
    from django.test import override_settings

    from mentoring.file_store import stored_checksum, stored_names
    from schemes.services.demo import demo_load

    def directory_store(path):
        store = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(path)}}
        return override_settings(STORAGES={**settings.STORAGES, "attachments": store})

    def checksums():
        store = storages["attachments"]
        return {name: stored_checksum(store, name) for name in stored_names(store)}

    demo_load()
    with directory_store(tmp_path / "attachments"):
        for number in range(12):
            storages["attachments"].save(f"scheme-{number % 3}/evidence-{number}.pdf", ContentFile(os.urandom(50_000)))
        files = checksums()
    for tool in ("pg_dump", "pg_restore", "createdb", "dropdb"):
        if not shutil.which(tool):
            pytest.fail(f"{tool} (postgresql-client) is needed")
    db = connection.settings_dict
    server = ["-h", db["HOST"], "-p", str(db["PORT"]), "-U", db["USER"]]
    backup = tmp_path / "mentoring.dump"
    restored = db["NAME"] + "_restored"
    subprocess.run(["pg_dump", *server, "--format=custom", "--file", str(backup), db["NAME"]], check=True)
    with directory_store(tmp_path / "attachments"):  # the files after the database
        call_command("files_backup", str(tmp_path / "files-backup"), stdout=StringIO())
    subprocess.run(["dropdb", *server, "--if-exists", restored], check=True)
    subprocess.run(["createdb", *server, restored], check=True)
    try:
        subprocess.run(["pg_restore", *server, "--no-owner", "--exit-on-error", "--dbname", restored, str(backup)], check=True)

        def counts(name):
            query = (
                "SELECT table_name, (xpath('/row/c/text()', query_to_xml("
                "format('SELECT count(*) AS c FROM %I', table_name), false, true, '')))[1]::text::int "
                "FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
            )
            lines = subprocess.run(
                ["psql", *server, "-At", "-F", "\t", "-d", name, "-c", query], check=True, capture_output=True, text=True
            ).stdout.splitlines()
            return dict(line.split("\t") for line in lines)

        original, copy = counts(db["NAME"]), counts(restored)
        assert len(original) > 50 and sum(int(n) for n in original.values()) > 1000  # the demo data is there
        assert copy == original
        print(f"{len(copy)} tables, {sum(int(n) for n in copy.values())} rows: every table's row count equal")
        with directory_store(tmp_path / "restored-attachments"):
            assert checksums() == {}
            output = StringIO()
            call_command("files_restore", str(tmp_path / "files-backup"), stdout=output)
            call_command("files_restore", "--check", str(tmp_path / "files-backup"), stdout=output)
            assert checksums() == files
        print(output.getvalue())
        assert "12 files restored, checksums equal" in output.getvalue()
    finally:
        subprocess.run(["dropdb", *server, "--if-exists", restored], check=True)
