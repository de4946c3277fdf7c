"""manage.py load_test: many people at once against running app servers, then a check in
the database that no acknowledged save was lost and none was left half-written.

It prepares its own people on the demo data (officers of the demo mentee city, who all
edit the same needs-analysis sections; coordinators; facilitators), signs each in through
the login form, and for ``--seconds`` has ``--users`` of them at once read dashboards and
scheme pages, save questionnaire sections (several on the same section: a save made on an
old page is refused with a conflict, never merged blindly) and download PDFs. It is
bounded: each person stops at the deadline or after ``--max-requests``, and no request
waits longer than 30 s.

Every save writes one token into two answers. Afterwards every token the server
acknowledged (a redirect after saving) must be in the answers' history, in both answers;
and each answer must hold the last token acknowledged for it. Anything else is a lost or
a partial write, and the command exits non-zero, as it does on any 500.

With ``--restart-db-after S --restart-command CMD`` the database is restarted by CMD
S seconds in: requests during the restart must fail cleanly (a 503 page that says so, no
traceback) and the servers must recover by themselves.

Run it against a throwaway database (``./dev load`` starts PostgreSQL and the servers)."""

import http.client
import itertools
import random
import re
import subprocess
import threading
import time
import uuid
from collections import Counter, defaultdict
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Count

from mentoring.models import User
from schemes.models import Action, Answer, Organisation, Programme, ProgrammeRole, Scheme, SchemeRole
from schemes.services.action_plans import plan_get_or_create
from schemes.services.demo import demo_load

SCHEME = "/programmes/inclucities/schemes/1"
SECTIONS = ("mentee-needs", "local-context")
TIMEOUT = 30


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
            "X-Forwarded-Proto": "https", "Host": f"{self.host}:{self.port}", "Accept-Language": "en",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        if body is not None:
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin,
                            "Referer": self.origin + path})
        started = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read()
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

    def log_in(self, email, password):
        response, content = self.request("login", "GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content or b"")
        if response is None or not token:
            raise CommandError(f"no login form at {self.origin}")
        response, _content = self.request("login", "POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token.group(1).decode(), "username": email, "password": password,
        })
        if response is None or response.status != 302:
            raise CommandError(f"{email} could not sign in ({response.status if response else 'no answer'})")


class Results:
    def __init__(self, prefix=""):
        self.prefix = prefix  # of this run's tokens
        self.lock = threading.Lock()
        self.times = defaultdict(list)
        self.statuses = Counter()
        self.errors = Counter()
        self.server_errors = []  # (kind, status, clean)
        self.acknowledged = []  # (question field names, token, time acknowledged)
        self.conflicts = 0
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
                clean = b"Traceback" not in content and (b"Unavailable for a moment" in content or b"Something went wrong" in content)
                self.server_errors.append((kind, response.status, clean))
                self.failures.append((now, kind))
            else:
                self.successes.append(now)


def percentile(values, share):
    values = sorted(values)
    return values[min(len(values) - 1, round(share * (len(values) - 1)))] if values else 0.0


class Command(BaseCommand):
    help = (
        "Load-test running app servers: --users people at once for --seconds, reading dashboards, saving "
        "questionnaire sections (several on the same one) and downloading PDFs; then check in the database that "
        "every acknowledged save is there, whole. Exits non-zero on a server error, a lost or a partial write. "
        "Use a throwaway database: ./dev load."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", action="append", required=True, help="an app server (repeat for several)")
        parser.add_argument("--users", type=int, default=20)
        parser.add_argument("--seconds", type=float, default=60)
        parser.add_argument("--max-requests", type=int, default=5000, help="per person")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--restart-db-after", type=float, help="restart the database this many seconds in")
        parser.add_argument("--restart-command", help="the shell command that restarts the database")

    def handle(self, *args, url, users, seconds, max_requests, seed, restart_db_after, restart_command, **options):
        if restart_db_after is not None and not restart_command:
            raise CommandError("--restart-db-after needs --restart-command")
        rng = random.Random(seed)
        people = prepare(users, rng)
        sign_ins = Results()  # not part of the measure
        results = Results(f"load-test {uuid.uuid4().hex[:8]} ")
        browsers = []
        for index, (role, user, password) in enumerate(people):
            browser = Browser(url[index % len(url)], sign_ins)
            browser.log_in(user.email, password)
            browser.results = results
            browsers.append((role, browser, random.Random(rng.random())))
        capaci = Organisation.objects.get(kind="city", name="Capaci").pk
        deadline = time.monotonic() + seconds
        threads = [
            threading.Thread(target=run_person, args=(role, browser, person_rng, capaci, deadline, max_requests), daemon=True)
            for role, browser, person_rng in browsers
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        restart = None
        if restart_db_after is not None:
            time.sleep(restart_db_after)
            restart_started = time.monotonic()
            subprocess.run(restart_command, shell=True, check=True, capture_output=True, timeout=120)
            restart = (restart_started, time.monotonic())
        for thread in threads:
            thread.join(timeout=seconds + 2 * TIMEOUT)
        if any(thread.is_alive() for thread in threads):
            raise CommandError("a simulated person did not stop in time")
        elapsed = time.monotonic() - started
        problems = self.report(results, elapsed, users, len(url), restart, started)
        connection.close()  # this command's own connection may not have lived through a restart
        problems += self.check_writes(results)
        if problems:
            raise CommandError("; ".join(problems))

    def report(self, results, elapsed, users, servers, restart, started):
        out = self.stdout.write
        everything = [t for times in results.times.values() for t in times]
        total = len(everything) + sum(results.errors.values())
        out(f"{users} people, {servers} app server(s), {elapsed:.1f} s: {total} requests, {total / elapsed:.1f} requests/s")
        out(f"{'requests':24} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for kind in sorted(results.times):
            times = results.times[kind]
            out(f"{kind:24} {len(times):>6} {percentile(times, .5):>8.0f} {percentile(times, .95):>8.0f} {percentile(times, .99):>8.0f}")
        out(f"{'all':24} {len(everything):>6} {percentile(everything, .5):>8.0f} {percentile(everything, .95):>8.0f} "
            f"{percentile(everything, .99):>8.0f}")
        out("answers: " + ", ".join(f"{status}: {count}" for status, count in sorted(results.statuses.items())))
        if results.errors:
            out("no answer: " + ", ".join(f"{name}: {count}" for name, count in results.errors.items()))
        out(f"saves acknowledged: {len(results.acknowledged)}; refused as conflicts (the page was out of date): {results.conflicts}")
        problems = []
        unclean = [error for error in results.server_errors if not error[2]]
        if unclean:
            problems.append(f"{len(unclean)} server errors without the friendly error page")
        if restart is None:
            if results.server_errors or results.errors:
                problems.append(f"{len(results.server_errors)} server errors, {sum(results.errors.values())} requests unanswered")
            out(f"server errors: {len(results.server_errors)}" + (" (" + ", ".join(
                f"{kind} {status}: {count}" for (kind, status), count in Counter((k, s) for k, s, _c in results.server_errors).items()
            ) + ")" if results.server_errors else ""))
        else:
            begin, end = restart
            during = [when for when, _kind in results.failures if when >= begin]
            after = [when for when in results.successes if when > end]
            out(f"database restarted {begin - started:.0f} s in, back {end - begin:.1f} s later; "
                f"{len(results.server_errors)} requests failed cleanly (503 page), {sum(results.errors.values())} unanswered")
            if after:
                recovered = max([end, *during]) if during else end
                out(f"the servers answered normally again {max(0.0, min(after) - end):.1f} s after the restart; "
                    f"last failure {max(0.0, recovered - end):.1f} s after it")
            else:
                problems.append("the servers did not recover after the database restart")
            late = [when for when in during if when > end + 15]
            if late:
                problems.append(f"{len(late)} requests still failed more than 15 s after the restart")
        return problems

    def check_writes(self, results):
        """Every acknowledged token in the history of both its answers; each answer holds
        the last token acknowledged for it."""
        history = Answer.history.model
        tokens = [token for _fields, token, _when in results.acknowledged]
        found = defaultdict(set)
        for question_id, text in history.objects.filter(text__in=tokens).values_list("question_id", "text"):
            found[text].add(question_id)
        lost = [token for token in tokens if not found.get(token)]
        partial = [token for token in tokens if len(found.get(token, ())) == 1]
        # Any token in the history that was never acknowledged would be a write the user was
        # told had failed (or never heard of): it must have been rolled back, not kept.
        stray = dict(
            history.objects.filter(text__startswith=results.prefix).exclude(text__in=tokens)
            .values("text").annotate(answers=Count("question_id", distinct=True)).values_list("text", "answers")
        )
        partial_stray = [token for token, answers in stray.items() if answers == 1]
        last = {}
        for fields, token, when in sorted(results.acknowledged, key=lambda item: item[2]):
            for field in fields:
                last[int(field[1:])] = token
        current = dict(
            Answer.objects.filter(question_id__in=last, response__scheme__programme__slug="inclucities",
                                  response__scheme__number=1, row=0).values_list("question_id", "text")
        )
        overwritten = [q for q, token in last.items() if current.get(q) != token]
        self.stdout.write(
            f"writes checked in the database: {len(tokens)} acknowledged saves, {len(lost)} lost, {len(partial)} partial; "
            f"{len(stray)} saves not acknowledged but kept whole (answered by a server that lost its database "
            f"connection after committing), {len(partial_stray)} of them partial; "
            f"{len(last)} answers hold the last save acknowledged for them: {len(last) - len(overwritten)}"
        )
        problems = []
        if lost or partial or partial_stray:
            problems.append(f"{len(lost)} lost and {len(partial) + len(partial_stray)} partial writes")
        if overwritten:
            problems.append(f"{len(overwritten)} answers do not hold the last acknowledged save")
        return problems


def run_person(role, browser, rng, capaci, deadline, max_requests):
    na = f"{SCHEME}/needs-analysis/{capaci}/"
    reads = {
        "officer": [("needs analysis", na), ("home", "/")],
        "coordinator": [("dashboard", "/programmes/inclucities/dashboard/"), ("scheme home", f"{SCHEME}/"),
                        ("programme", "/programmes/inclucities/")],
        "facilitator": [("scheme home", f"{SCHEME}/"), ("visits", f"{SCHEME}/visits/")],
    }[role]
    pdfs = [("pdf action plan", f"{SCHEME}/action-plan/action-plan.pdf"), ("pdf needs analysis", f"{na}document.pdf")]
    for count in itertools.count():
        if time.monotonic() >= deadline or count >= max_requests:
            return
        roll = rng.random()
        if role == "officer" and roll < 0.6:
            save_section(browser, rng, f"{na}sections/{rng.choice(SECTIONS)}/")
        elif role == "facilitator" and roll < 0.5:
            kind, path = rng.choice(pdfs)
            browser.request(kind, "GET", path)
        else:
            kind, path = rng.choice(reads)
            browser.request(kind, "GET", path)
        time.sleep(rng.uniform(0.05, 0.3))  # a person reads before the next click


def save_section(browser, rng, path):
    response, content = browser.request("section page", "GET", path)
    if response is None or response.status != 200:
        return
    reader = FormReader()
    reader.feed(content.decode("utf-8", "replace"))
    form = next((f for f in reader.forms if len(f["textareas"]) >= 2 and not f["action"]), None)
    if form is None:
        return
    targets = sorted(rng.sample([name for name in form["textareas"] if re.fullmatch(r"q\d+", name)], 2))
    token = f"{browser.results.prefix}{uuid.uuid4().hex}"
    fields = [(name, token if name in targets else value) for name, value in form["fields"]]
    time.sleep(rng.uniform(0.2, 1.0))  # typing: meanwhile another officer may save the same section
    response, _content = browser.request("section save", "POST", path, fields)
    if response is None:
        return
    with browser.results.lock:
        if response.status == 302:
            browser.results.acknowledged.append((targets, token, time.monotonic()))
        elif response.status == 409:
            browser.results.conflicts += 1


@transaction.atomic
def prepare(users, rng):
    """The demo data, and ``users`` people signing in with a password: about half officers
    of the demo mentee city (who edit the same sections), the rest coordinators and
    facilitators."""
    if not Programme.objects.filter(slug="inclucities").exists():
        demo_load()
    scheme = Scheme.objects.get(programme__slug="inclucities", number=1)
    party = scheme.parties.get(organisation__name="Capaci")
    plan = plan_get_or_create(scheme=scheme)
    if not plan.actions.exists():  # a plan of 30 actions to print (9 pages)
        Action.objects.bulk_create(
            Action(plan=plan, order=n, action=f"Action {n}: " + "open a one-stop shop for newcomers with partners " * 3,
                   outcomes="Newcomers find every service in one place. " * 3, timeframe="2027", lead="Social affairs",
                   resources="Two officers, the local support group. " * 2, evaluation="Visitors counted monthly. " * 2)
            for n in range(1, 31)
        )
    programme = scheme.programme
    roles = ["officer"] * max(1, users // 2) + ["coordinator", "facilitator"] * users
    people = []
    for index, role in enumerate(roles[:users]):
        password = uuid.uuid4().hex
        user, _created = User.objects.get_or_create(
            email=f"load-{role}-{index}@example.org", defaults={"first_name": role.title(), "last_name": str(index)}
        )
        user.set_password(password)
        user.save()
        if role == "officer":
            SchemeRole.objects.get_or_create(scheme=scheme, user=user, role="mentee", defaults={"party": party})
        elif role == "coordinator":
            ProgrammeRole.objects.get_or_create(programme=programme, user=user, role="coordinator")
        else:
            SchemeRole.objects.get_or_create(scheme=scheme, user=user, role="facilitator")
        people.append((role, user, password))
    return people
