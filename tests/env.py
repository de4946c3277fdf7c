"""Loaded first by pytest (``-p tests.env`` in pyproject.toml): the environment the test
suite runs in. Production-like (DEBUG off) with a throwaway secret key; HTTPS redirect
off because the test client speaks plain HTTP."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("PLAIN_STATIC_STORAGE", "true")
os.environ.pop("DEBUG", None)
# Background tasks run at once, in the request that enqueues them; tests of the queue
# itself (tests/test_background.py) switch to the database backend and run its worker.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

# Generated PDFs are cached in a directory of this test process's own, removed at the end:
# each pytest-xdist worker has its own (a worker inherits its parent's environment, and a
# test that empties the cache must not empty another process's in the middle of a test).
if "DOCUMENT_CACHE_DIR" not in os.environ or os.environ.get("DOCUMENT_CACHE_DIR_OF") not in (None, str(os.getpid())):
    import atexit
    import shutil
    import tempfile

    os.environ["DOCUMENT_CACHE_DIR"] = tempfile.mkdtemp(prefix="mentoring-test-documents-")
    os.environ["DOCUMENT_CACHE_DIR_OF"] = str(os.getpid())
    atexit.register(shutil.rmtree, os.environ["DOCUMENT_CACHE_DIR"], ignore_errors=True)
