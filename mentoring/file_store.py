"""A copy of the attachments' store, and its restoration, through Django's storage API.

The same code for the directory on disk and for S3-compatible object storage: every
file is listed with ``listdir``, read with ``open`` and written with ``save``. A backup
is a directory: ``files/`` holds every file under its name in the store, and
``manifest.json`` the name, size and SHA-256 of each. A restore checks each file of the
backup against the manifest, writes it into an empty store under the same name, reads
it back from the store and checks it again. ``manage.py files_backup`` and
``files_restore`` run them (docs/deployment.md, the restore drill).
"""

import hashlib
import json
import posixpath
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import storages

MANIFEST = "manifest.json"
FILES = "files"
CHUNK = 1024 * 1024
# The "Download my data" ZIPs (mentoring.data_exports) live a few days in the same store:
# never copied into a backup, where they would outlive their link.
TEMPORARY = "data-exports"


class BackupError(Exception):
    """The backup or the restore cannot go on; the message says why."""


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    sha256: str


def attachments_storage():
    return storages["attachments"]


def stored_names(storage, folder=""):
    """Every file's name in the store, sorted, through ``listdir`` (folders walked)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a directory store that nothing was ever saved to
        return []
    names = [posixpath.join(folder, name) if folder else name for name in files]
    for sub in folders:
        names.extend(stored_names(storage, posixpath.join(folder, sub) if folder else sub))
    return sorted(names)


def _copy(source, target):
    """Copy one open file to another; the SHA-256 and size of what went through."""
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: source.read(CHUNK), b""):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def stored_checksum(storage, name):
    with storage.open(name, "rb") as stored:
        return _copy(stored, None)


def _backup_path(directory, name):
    root = (Path(directory) / FILES).resolve()
    path = (root / name).resolve()
    if not path.is_relative_to(root) or path == root:
        raise BackupError(f"{name!r} is not a file name of this backup.")
    return path


def backup(directory, storage=None):
    """Copy every file of the store into ``directory`` (new or empty), with the manifest."""
    storage = storage or attachments_storage()
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"{directory} is not empty: give a new directory for the backup.")
    (directory / FILES).mkdir(parents=True, exist_ok=True)
    entries = []
    for name in stored_names(storage):
        if name.startswith(f"{TEMPORARY}/"):
            continue
        path = _backup_path(directory, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as stored, path.open("wb") as copy:
            sha256, size = _copy(stored, copy)
        entries.append(Entry(name, size, sha256))
    manifest = {"count": len(entries), "files": [entry.__dict__ for entry in entries]}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return entries


def read_manifest(directory):
    path = Path(directory) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: not a backup made by files_backup.")
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Entry(item["name"], item["size"], item["sha256"]) for item in data["files"]]


def restore(directory, storage=None, force=False):
    """Write every file of the backup into the store, each checked before and after.

    Refuses a store that already holds files, unless ``force`` (then a file of the same
    name is replaced). Returns the entries restored; raises BackupError on the first
    difference, naming the file.
    """
    storage = storage or attachments_storage()
    entries = read_manifest(directory)
    present = set(stored_names(storage))
    if present and not force:
        raise BackupError(
            f"The attachments' store already holds {len(present)} files: restore into an empty store, "
            "or add --force to write over files of the same name."
        )
    for entry in entries:
        path = _backup_path(directory, entry.name)
        if not path.is_file():
            raise BackupError(f"{entry.name}: missing from the backup.")
        with path.open("rb") as copy:
            sha256, size = _copy(copy, None)
        if (sha256, size) != (entry.sha256, entry.size):
            raise BackupError(f"{entry.name}: the backup's copy differs from its manifest (damaged backup).")
        if entry.name in present:
            storage.delete(entry.name)
        with path.open("rb") as copy:
            saved = storage.save(entry.name, File(copy, name=entry.name))
        if saved != entry.name:
            raise BackupError(f"{entry.name}: the store saved it as {saved!r}.")
        if stored_checksum(storage, entry.name) != (entry.sha256, entry.size):
            raise BackupError(f"{entry.name}: the restored file differs from the backup.")
    return entries


def verify(directory, storage=None):
    """The names whose file in the store is missing or differs from the manifest's."""
    storage = storage or attachments_storage()
    wrong = []
    for entry in read_manifest(directory):
        try:
            if stored_checksum(storage, entry.name) != (entry.sha256, entry.size):
                wrong.append(entry.name)
        except FileNotFoundError:
            wrong.append(entry.name)
    return wrong
