"""The attachments' store in S3-compatible object storage (settings: ATTACHMENTS_S3_*).

django-storages' S3Storage, with one difference: a store that cannot be reached, refuses
a request (full, no permission, wrong credentials) or fails half-way raises
``AttachmentStorageError``, an ``OSError``, with the botocore exception as its cause. So
the code that saves or reads an attachment catches ``OSError`` for both stores: a full
disk on the filesystem store raises ``OSError`` (ENOSPC) too. A missing file stays
``FileNotFoundError``, as on disk.

Nothing is half-recorded by a failed upload: an object appears in the bucket only when
its upload completes (a failed multipart upload is aborted by boto3), and the caller,
seeing the exception, records no row.
"""

import functools

from botocore.exceptions import BotoCoreError, ClientError
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name


class AttachmentStorageError(OSError):
    """The attachments' object store failed: unreachable, full, refused or interrupted."""


def _translated(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (BotoCoreError, ClientError) as exc:
            raise AttachmentStorageError(f"The attachments' store failed: {exc}") from exc

    return wrapper


class _S3AttachmentFile(S3File):
    """An object being read: a failure while it downloads is an AttachmentStorageError too."""

    read = _translated(S3File.read)
    readline = _translated(S3File.readline)


class S3AttachmentStorage(S3Storage):
    @_translated
    def _open(self, name, mode="rb"):
        name = self._normalize_name(clean_name(name))
        try:
            return _S3AttachmentFile(name, mode, self)
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from err
            raise

    _save = _translated(S3Storage._save)
    delete = _translated(S3Storage.delete)
    exists = _translated(S3Storage.exists)
    listdir = _translated(S3Storage.listdir)
    size = _translated(S3Storage.size)
    get_modified_time = _translated(S3Storage.get_modified_time)
