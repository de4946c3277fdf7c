"""Start the tests' OpenID Connect provider: ``python -m tests.oidc_provider.serve``.

Creates its database (the SQLite file named by OIDC_PROVIDER_DB), its people and its
applications, listens on a free port of 127.0.0.1 and prints that port on its first line
of output. Stopped by the fixture (``fixture.py``) at the end of the test run.
"""

import os
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

# Who signs in at the provider (user name, e-mail address, verified, first and last name).
PEOPLE = [
    ("ada", "ada.lovelace@org.example", True, "Ada", "Lovelace"),
    ("bob", "bob.unverified@org.example", False, "Bob", "Unverified"),
]
PASSWORD = "provider-password-2026"
# The applications (name, client id, client secret): the site's own, and two that
# misbehave on purpose (validator.py).
APPLICATIONS = [
    ("Mentoring", "mentoring-site", "mentoring-site-secret"),
    ("Expired tokens", "expired-tokens", "expired-tokens-secret"),
    ("Wrong audience", "wrong-audience", "wrong-audience-secret"),
]
# The site's callback as the tests reach it: the test client (http and https
# "testserver") and the live server (any port of 127.0.0.1 or localhost, RFC 8252).
CALLBACK = "/accounts/oidc/callback/"
BASES = ("http://testserver", "https://testserver", "http://127.0.0.1", "http://localhost")
REDIRECT_URIS = [f"{base}{CALLBACK}" for base in BASES]
# Where the provider sends the browser back after logging out: the site's login page.
POST_LOGOUT_REDIRECT_URIS = [f"{base}/accounts/login/" for base in BASES]


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def seed():
    from django.contrib.auth.models import Group, User
    from oauth2_provider.models import Application

    verified = Group.objects.create(name="email-verified")
    for username, email, is_verified, first_name, last_name in PEOPLE:
        user = User.objects.create_user(username, email=email, password=PASSWORD, first_name=first_name, last_name=last_name)
        if is_verified:
            user.groups.add(verified)
    for name, client_id, secret in APPLICATIONS:
        Application.objects.create(
            name=name,
            client_id=client_id,
            client_secret=secret,
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
            algorithm=Application.RS256_ALGORITHM,
            redirect_uris=" ".join(REDIRECT_URIS),
            post_logout_redirect_uris=" ".join(POST_LOGOUT_REDIRECT_URIS),
            skip_authorization=True,
        )


def main():
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", verbosity=0)
    seed()
    server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=Server, handler_class=QuietHandler)
    print(server.server_port, flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
