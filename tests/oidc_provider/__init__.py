"""A real OpenID Connect provider for the single sign-on tests (issue 25, docs/sso.md).

No outside provider is reachable from the tests, so they start this one: a minimal
Django project with django-oauth-toolkit's OpenID Connect provider, on a free port of
127.0.0.1, in a process of its own, with its own SQLite file in a temporary directory
and an RSA key made at start (``serve.py``; the pytest fixture is ``fixture.py``).
"""
