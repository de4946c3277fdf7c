"""The attachments in S3-compatible object storage, against a real S3 API endpoint on
127.0.0.1: moto's server, started by these tests in a process of its own.

The store is configured the way production configures it: mentoring/settings.py is run
with ATTACHMENTS_S3_* in the environment, and its STORAGES["attachments"] put in place
with override_settings (whose setting_changed signal makes Django's ``storages`` build
the store again). Everything goes through Django's storage API. Also here: the backup
drill's files part (files_backup, files_restore) on the directory store and on S3.

With CI=true these tests run or fail: they are skipped only when moto is not installed
outside CI.
"""

import contextlib
import hashlib
import io
import os
import runpy
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import CommandError, call_command
from django.test import override_settings

from mentoring.storage import STORE_FAILURES, AttachmentStorageError, S3AttachmentStorage

ROOT = Path(__file__).resolve().parent.parent
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "eu-west-1"}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def moto_server():
    """moto's S3 server on a free port of 127.0.0.1: its address, and its process."""
    try:
        import moto.server  # noqa: F401
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("moto[server] is not installed (CI=true: failing)")
        pytest.skip("moto[server] is not installed")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                assert server.poll() is None, "moto's server stopped"
                assert time.monotonic() < deadline, "moto's server did not start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", server
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture(scope="module")
def endpoint():
    """moto's S3 server, for the module's tests."""
    with moto_server() as (address, _process):
        yield address


def client(endpoint):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS)


@pytest.fixture
def bucket(endpoint):
    name = f"attachments-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    return name


def configured_store(monkeypatch, **variables):
    """STORAGES["attachments"] as mentoring/settings.py makes it from these variables."""
    for name in [name for name in os.environ if name.startswith("ATTACHMENTS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("DEBUG", "true")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "mentoring" / "settings.py"))["STORAGES"]["attachments"]


def s3_variables(endpoint, bucket, prefix="attachments"):
    return {
        "ATTACHMENTS_S3_BUCKET": bucket,
        "ATTACHMENTS_S3_ENDPOINT_URL": endpoint,
        "ATTACHMENTS_S3_REGION": "eu-west-1",
        "ATTACHMENTS_S3_ACCESS_KEY_ID": "testing",
        "ATTACHMENTS_S3_SECRET_ACCESS_KEY": "testing",
        "ATTACHMENTS_S3_PREFIX": prefix,
    }


def using(store):
    return override_settings(STORAGES={**settings.STORAGES, "attachments": store})


@pytest.fixture
def s3_store(monkeypatch, endpoint, bucket):
    with using(configured_store(monkeypatch, **s3_variables(endpoint, bucket))):
        yield storages["attachments"]


def keys(endpoint, bucket):
    return sorted(item["Key"] for item in client(endpoint).list_objects_v2(Bucket=bucket).get("Contents", []))


def test_the_settings_use_a_directory_by_default_and_private_s3_with_a_bucket(monkeypatch):
    assert configured_store(monkeypatch)["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    store = configured_store(monkeypatch, ATTACHMENTS_S3_BUCKET="evidence", ATTACHMENTS_S3_PREFIX="/mentoring/")
    options = store["OPTIONS"]
    assert store["BACKEND"] == "mentoring.storage.S3AttachmentStorage"
    assert options["bucket_name"] == "evidence" and options["location"] == "mentoring"
    assert options["endpoint_url"] is None and options["access_key"] is None  # boto3's own credentials then
    assert options["default_acl"] is None and options["file_overwrite"] is False
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 60
    assert options["client_config"].s3 == {"addressing_style": "auto"}
    assert options["client_config"].request_checksum_calculation == "when_supported"
    with_endpoint = configured_store(monkeypatch, ATTACHMENTS_S3_BUCKET="b", ATTACHMENTS_S3_ENDPOINT_URL="http://minio:9000")
    assert with_endpoint["OPTIONS"]["client_config"].s3 == {"addressing_style": "path"}


def test_override_settings_puts_the_s3_store_in_place_and_takes_it_away(monkeypatch, endpoint, bucket):
    assert isinstance(storages["attachments"], FileSystemStorage)
    with using(configured_store(monkeypatch, **s3_variables(endpoint, bucket))):
        assert isinstance(storages["attachments"], S3AttachmentStorage)
    assert isinstance(storages["attachments"], FileSystemStorage)


def test_a_20_mb_file_goes_in_and_comes_back_the_same(s3_store, endpoint, bucket):
    content = os.urandom(20 * 1024 * 1024)
    expected = hashlib.sha256(content).hexdigest()
    started = time.perf_counter()
    name = s3_store.save("scheme-1/evidence/report.pdf", ContentFile(content))
    uploaded = time.perf_counter() - started
    started = time.perf_counter()
    with s3_store.open(name, "rb") as stored:
        digest = hashlib.sha256()
        for chunk in stored.chunks():
            digest.update(chunk)
    downloaded = time.perf_counter() - started
    print(f"\n20 MB to moto's S3 server: upload {uploaded:.2f} s, download {downloaded:.2f} s")
    assert name == "scheme-1/evidence/report.pdf"
    assert digest.hexdigest() == expected
    assert keys(endpoint, bucket) == ["attachments/scheme-1/evidence/report.pdf"]
    assert s3_store.exists(name) and s3_store.size(name) == len(content)
    s3_store.delete(name)
    assert not s3_store.exists(name)
    assert keys(endpoint, bucket) == []


def test_a_file_is_never_overwritten(s3_store):
    first = s3_store.save("minutes.txt", ContentFile(b"first"))
    second = s3_store.save("minutes.txt", ContentFile(b"second"))
    assert first == "minutes.txt" and second != first
    with s3_store.open(first) as stored:
        assert stored.read() == b"first"


@pytest.mark.parametrize("name", ["../outside.txt", "a/../../outside.txt", "/etc/outside.txt", "../attachments2/x.txt"])
def test_a_name_with_path_components_stays_inside_the_prefix(s3_store, endpoint, bucket, name):
    with pytest.raises(SuspiciousOperation):
        s3_store.save(name, ContentFile(b"no"))
    assert keys(endpoint, bucket) == []


def test_nested_names_stay_under_the_prefix(s3_store, endpoint, bucket):
    s3_store.save("a/./b/c.txt", ContentFile(b"yes"))
    assert keys(endpoint, bucket) == ["attachments/a/b/c.txt"]


def test_an_unreachable_store_fails_quickly_with_a_clear_error(monkeypatch):
    from botocore.exceptions import EndpointConnectionError

    closed = free_port()  # nothing listens there
    with using(configured_store(monkeypatch, **s3_variables(f"http://127.0.0.1:{closed}", "attachments"))):
        store = storages["attachments"]
        started = time.monotonic()
        with pytest.raises(AttachmentStorageError) as error:
            store.save("evidence.pdf", ContentFile(b"%PDF-1.7 evidence"))
        assert time.monotonic() - started < 15
        assert isinstance(error.value, OSError)  # caught like a full disk
        assert isinstance(error.value.__cause__, EndpointConnectionError)
        for reach in (lambda: store.exists("evidence.pdf"), lambda: store.open("evidence.pdf").read()):
            with pytest.raises(AttachmentStorageError):
                reach()


class FailingAfter(io.RawIOBase):
    """20 MB of content whose reading calls ``fail`` once 10 MB have been read."""

    def __init__(self, fail, size=20 * 1024 * 1024):
        self.data, self.position, self.fail = os.urandom(size), 0, fail

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.position >= 10 * 1024 * 1024 and self.fail:
            fail, self.fail = self.fail, None
            fail()
        chunk = self.data[self.position : self.position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self.position += len(chunk)
        return len(chunk)


def test_a_store_that_goes_away_mid_upload_is_a_clear_error(monkeypatch):
    with moto_server() as (address, process):
        bucket = "attachments"
        client(address).create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})

        def stop_the_store():
            process.kill()
            process.wait(10)

        with using(configured_store(monkeypatch, **s3_variables(address, bucket))):
            started = time.monotonic()
            with pytest.raises(AttachmentStorageError) as error:
                storages["attachments"].save("presentation.pptx", File(FailingAfter(stop_the_store)))
            assert time.monotonic() - started < 30
            assert isinstance(error.value, OSError)
            # By timing: could not connect (EndpointConnectionError), the connection closed,
            # or an answer cut short.
            assert isinstance(error.value.__cause__, STORE_FAILURES)


def test_an_upload_that_breaks_off_leaves_nothing_in_the_bucket(s3_store, endpoint, bucket):
    def break_off():
        raise OSError("the upload broke off")

    with pytest.raises(OSError, match="broke off"):
        s3_store.save("presentation.pptx", File(FailingAfter(break_off)))
    assert keys(endpoint, bucket) == []
    assert client(endpoint).list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []  # aborted
    assert not s3_store.exists("presentation.pptx")


def test_a_missing_bucket_is_a_clear_error_and_a_missing_file_not_found(s3_store, monkeypatch, endpoint):
    with pytest.raises(FileNotFoundError):
        s3_store.open("nothing-here.pdf")
    missing = configured_store(monkeypatch, **s3_variables(endpoint, "no-such-bucket"))
    with using(missing), pytest.raises(AttachmentStorageError):
        storages["attachments"].save("evidence.pdf", ContentFile(b"evidence"))


# The backup drill's files part ----------------------------------------------------------

FILES = {
    "scheme-1/needs-analysis.pdf": os.urandom(300_000),
    "scheme-1/visit-1/photo 1.jpg": os.urandom(50_000),
    "scheme-2/évaluation.docx": b"PK\x03\x04 a document",
    "empty.txt": b"",
}


def fill(store):
    for name, content in FILES.items():
        assert store.save(name, ContentFile(content)) == name


def checksums(store):
    from mentoring.file_store import stored_checksum, stored_names

    return {name: stored_checksum(store, name) for name in stored_names(store)}


def drill(source, target, tmp_path, capsys):
    """Back up the ``source`` store, restore into the empty ``target``: the same files."""
    with using(source):
        fill(storages["attachments"])
        before = checksums(storages["attachments"])
        call_command("files_backup", str(tmp_path / "backup"))
    with using(target):
        assert checksums(storages["attachments"]) == {}
        call_command("files_restore", str(tmp_path / "backup"))
        after = checksums(storages["attachments"])
        call_command("files_restore", "--check", str(tmp_path / "backup"))
        with pytest.raises(CommandError, match="already holds 4 files"):
            call_command("files_restore", str(tmp_path / "backup"))
    output = capsys.readouterr().out
    print(output)
    assert before == after and len(after) == len(FILES)
    assert after == {name: (hashlib.sha256(content).hexdigest(), len(content)) for name, content in FILES.items()}
    assert "4 files backed up" in output
    assert "4 files restored, checksums equal" in output
    assert "4 files in the store, checksums equal" in output


def directory_store(path):
    return {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(path)}}


def test_the_files_drill_on_the_directory_store(tmp_path, capsys):
    drill(directory_store(tmp_path / "store"), directory_store(tmp_path / "restored"), tmp_path, capsys)


def test_the_files_drill_on_s3_into_another_bucket(monkeypatch, endpoint, bucket, tmp_path, capsys):
    other = f"restored-{uuid.uuid4().hex[:12]}"
    client(endpoint).create_bucket(Bucket=other, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    source = configured_store(monkeypatch, **s3_variables(endpoint, bucket, prefix="prod"))
    target = configured_store(monkeypatch, **s3_variables(endpoint, other, prefix="restored/attachments"))
    drill(source, target, tmp_path, capsys)
    assert len(keys(endpoint, other)) == len(FILES)
    assert all(key.startswith("restored/attachments/") for key in keys(endpoint, other))


def test_the_files_drill_from_s3_to_a_directory(monkeypatch, endpoint, bucket, tmp_path, capsys):
    drill(configured_store(monkeypatch, **s3_variables(endpoint, bucket)), directory_store(tmp_path / "disk"), tmp_path, capsys)


def test_a_damaged_backup_is_refused_naming_the_file(tmp_path):
    with using(directory_store(tmp_path / "store")):
        fill(storages["attachments"])
        call_command("files_backup", str(tmp_path / "backup"))
    (tmp_path / "backup" / "files" / "scheme-1" / "needs-analysis.pdf").write_bytes(b"damaged")
    damaged = pytest.raises(CommandError, match="needs-analysis.pdf: the backup's copy differs")
    with using(directory_store(tmp_path / "restored")), damaged:
        call_command("files_restore", str(tmp_path / "backup"))
    with using(directory_store(tmp_path / "store")), pytest.raises(CommandError, match="not empty"):
        call_command("files_backup", str(tmp_path / "backup"))
