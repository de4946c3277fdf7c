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

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError
from s3transfer.exceptions import RetriesExceededError, S3UploadFailedError
from storages.backends.s3 import S3File, S3Storage
from storages.utils import clean_name


class AttachmentStorageError(OSError):
    """The attachments' object store failed: unreachable, full, refused or interrupted."""


# What boto3 and s3transfer raise when the store fails. A KeyError among them: a response
# cut short by a store that stops while it answers reaches s3transfer as an empty one,
# which it reads as a missing key (seen in tests/test_object_storage.py).
STORE_FAILURES = (BotoCoreError, ClientError, Boto3Error, RetriesExceededError, S3UploadFailedError, KeyError)


def _translated(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except STORE_FAILURES as exc:
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
