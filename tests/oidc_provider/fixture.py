"""The pytest fixture that runs the tests' OpenID Connect provider (serve.py) for the
session, and what tests need to use it: the site's settings pointing at it, and a
signed-in person's way through its pages without a browser."""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from .serve import APPLICATIONS, PASSWORD, PEOPLE

ROOT = Path(__file__).resolve().parents[2]


class Provider:
    def __init__(self, url):
        self.url = url
        self.issuer = f"{url}/o"
        self.discovery = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=10).json()
        self.clients = {name: (client_id, secret) for name, client_id, secret in APPLICATIONS}
        self.people = {username: email for username, email, *_rest in PEOPLE}
        self.password = PASSWORD

    def settings(self, application="Mentoring"):
        """The site's settings for single sign-on with this provider's ``application``."""
        client_id, secret = self.clients[application]
        return {
            "OIDC_RP_CLIENT_ID": client_id,
            "OIDC_RP_CLIENT_SECRET": secret,
            "OIDC_OP_ISSUER": self.discovery["issuer"],
            "OIDC_OP_AUTHORIZATION_ENDPOINT": self.discovery["authorization_endpoint"],
            "OIDC_OP_TOKEN_ENDPOINT": self.discovery["token_endpoint"],
            "OIDC_OP_USER_ENDPOINT": self.discovery["userinfo_endpoint"],
            "OIDC_OP_JWKS_ENDPOINT": self.discovery["jwks_uri"],
            "OIDC_OP_LOGOUT_ENDPOINT": self.discovery["end_session_endpoint"],
            "OIDC_PROVIDER_NAME": "Example Organisation",
        }

    def sign_in(self, authorize_url, username, browser=None):
        """What a person's browser does at the provider: open the authorization address,
        sign in with ``username``'s password, and come back. Returns the address the
        provider sends the browser to (the site's callback, with its code and state).
        ``browser``: a ``requests.Session`` that keeps the provider's cookies (a new one
        otherwise)."""
        browser = browser if browser is not None else requests.Session()
        response = browser.get(authorize_url, timeout=10)
        assert response.url.startswith(f"{self.url}/login/"), response.url
        response = browser.post(
            response.url,
            data={
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "username": username,
                "password": self.password,
                "next": parse_qs(urlsplit(response.url).query)["next"][0],
            },
            headers={"Referer": response.url},
            allow_redirects=False,
            timeout=10,
        )
        assert response.status_code == 302, response.text[:500]
        response = browser.get(urljoin(self.url, response.headers["Location"]), allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]


@pytest.fixture(scope="session")
def oidc_provider():
    """The tests' OpenID Connect provider on a free port of 127.0.0.1, for the session."""
    directory = tempfile.mkdtemp(prefix="oidc-provider-")
    env = {**os.environ, "OIDC_PROVIDER_DB": str(Path(directory) / "provider.sqlite3")}
    env["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        port = process.stdout.readline().strip()
        assert port.isdigit(), "the OpenID Connect provider did not start"
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/o/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert process.poll() is None, "the OpenID Connect provider stopped"
            assert time.monotonic() < deadline, "the OpenID Connect provider did not answer"
            time.sleep(0.1)
        yield Provider(url)
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(directory, ignore_errors=True)
