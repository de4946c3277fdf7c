"""A simulated person's browser: a keep-alive connection to one app server with its
cookies, and a reader of the page's forms that submits them as a browser does; and the
results the people share."""

import http.client
import re
import threading
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.core.management.base import CommandError

TIMEOUT = 30  # seconds: no request waits longer


class FormReader(HTMLParser):
    """The page's POST forms as a browser submits them: for each, its ``action``, its
    ``fields`` ([name, value] in page order: checked boxes and selected options only; a
    single select with nothing selected sends its first option) and the names of its
    ``textareas``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._textarea, self._select = [], None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "").lower() == "post"
            self._form = {"action": attrs.get("action"), "fields": [], "textareas": []} if post else None
            if post:
                self.forms.append(self._form)
        elif self._form is None or "disabled" in attrs:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._form["fields"].append([attrs["name"], attrs.get("value", "on")])
            elif kind not in {"submit", "button", "image", "reset", "file"}:
                self._form["fields"].append([attrs["name"], attrs.get("value") or ""])
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = [attrs["name"], ""]
            self._form["fields"].append(self._textarea)
            self._form["textareas"].append(attrs["name"])
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "multiple": "multiple" in attrs, "first": None, "chosen": False}
        elif tag == "option" and self._select is not None:
            if self._select["first"] is None:
                self._select["first"] = attrs.get("value", "")
            if "selected" in attrs:
                self._select["chosen"] = True
                self._form["fields"].append([self._select["name"], attrs.get("value", "")])

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            if self._textarea is not None and self._textarea[1].startswith("\n"):
                self._textarea[1] = self._textarea[1][1:]
            self._textarea = None
        elif tag == "select" and self._select is not None:
            select = self._select
            if not select["multiple"] and not select["chosen"] and select["first"] is not None and self._form is not None:
                self._form["fields"].append([select["name"], select["first"]])
            self._select = None
        elif tag == "form":
            self._form = None


def form_with(html, field):
    """The first POST form of ``html`` that has a field named ``field`` (None if none)."""
    reader = FormReader()
    reader.feed(html)
    return next((form for form in reader.forms if any(name == field for name, _value in form["fields"])), None)


# What a kept-alive connection closed by the server while idle raises on the next request.
STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Browser:
    """One person: a keep-alive connection to one server, cookies, and the results."""

    def __init__(self, base_url, results):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.origin = f"https://{self.host}:{self.port}"
        self.cookies = {}
        self.results = results
        self.connection = None

    def request(self, kind, method, path, fields=None):
        body = urlencode(fields, doseq=True) if fields is not None else None
        headers = {
            # The app sits behind a TLS-terminating proxy in production; this is what it passes on.
            "X-Forwarded-Proto": "https",
            "Host": f"{self.host}:{self.port}",
            "Accept-Language": "en",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers.update(
                {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin, "Referer": self.origin + path}
            )
        started = time.perf_counter()
        try:
            try:
                reused = self.connection is not None
                response, content = self._send(method, path, body, headers)
            except STALE:
                # A kept-alive connection the server closed as it idled: the request never
                # reached the app, and a browser sends it again on a new connection.
                if not reused:
                    raise
                self.connection = None
                response, content = self._send(method, path, body, headers)
        except (OSError, http.client.HTTPException) as error:
            self.connection = None
            self.results.record(kind, None, time.perf_counter() - started, error=type(error).__name__)
            return None, b""
        elapsed = time.perf_counter() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        self.results.record(kind, response, elapsed, content=content)
        if response.getheader("Connection", "").lower() == "close":
            self.connection = None
        return response, content

    def _send(self, method, path, body, headers):
        if self.connection is None:
            self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response, response.read()

    def log_in(self, email, password):
        response, content = self.request("login", "GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content or b"")
        if response is None or not token:
            raise CommandError(f"no login form at {self.origin}")
        response, _content = self.request(
            "login",
            "POST",
            "/accounts/login/",
            {
                "csrfmiddlewaretoken": token.group(1).decode(),
                "username": email,
                "password": password,
            },
        )
        if response is None or response.status != 302:
            raise CommandError(f"{email} could not sign in ({response.status if response else 'no answer'})")


class Results:
    """What the people met, shared by their threads: the time of each request by kind,
    the answers, and the saves they attempted."""

    def __init__(self, prefix=""):
        self.prefix = prefix  # of this run's tokens
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = Counter()
        self.errors = Counter()
        self.server_errors = []  # (kind, status, clean)
        self.saves = []  # every save attempted (loadtest.saves.Save), with its answer
        self.failures = []  # (time, kind) of answers that were not a success
        self.successes = []  # times of successful answers

    def record(self, kind, response, elapsed, content=b"", error=None):
        now = time.monotonic()
        with self.lock:
            if response is None:
                self.errors[error] += 1
                self.failures.append((now, kind))
                return
            self.times[kind].append(elapsed * 1000)
            self.statuses[response.status] += 1
            if response.status >= 500:
                clean = b"Traceback" not in content and (
                    b"Unavailable for a moment" in content or b"Something went wrong" in content
                )
                self.server_errors.append((kind, response.status, clean))
                self.failures.append((now, kind))
            else:
                self.successes.append(now)

    def add_save(self, save):
        with self.lock:
            self.saves.append(save)


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))] if values else 0.0
