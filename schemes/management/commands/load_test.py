"""manage.py load_test: many people at once against running app servers, then a check in
the database that no acknowledged save was lost and none was left half-written.

It prepares its own people on the demo data (officers of the demo mentee city,
coordinators, facilitators: schemes/management/loadtest/preparation.py), signs each in
through the login form, and for ``--seconds`` has ``--users`` of them at once read
dashboards and scheme pages, download PDFs, and save: questionnaire sections (the
officers, several on the same section) and the edit forms of ten kinds of object (an
action, a political commitment, a support group member, a good practice, a visit, an
agenda session, the programme, the scheme, an organisation, a benchmark draft), each kind
one object that several people save at once, often each a different field of it. A save
made on an out-of-date page must be refused with a conflict (409), never merged blindly.
It is bounded: each person stops at the deadline or after ``--max-requests``, and no
request waits longer than 30 s.

Every save types a unique token. Afterwards every token the server acknowledged (a
redirect after saving) must be in the history, whole, and nothing acknowledged may have
been overwritten by a save that never saw it (schemes/management/loadtest/saves.py says
how each kind is checked). A table per kind gives the saves acknowledged, refused as
conflicts, failed, lost and partial. The command exits non-zero on a lost or a partial
write, on a save answered neither "saved" nor "conflict" without a server error, and on
any 500.

With ``--restart-db-after S --restart-command CMD`` the database is restarted by CMD
S seconds in: requests during the restart must fail cleanly (a 503 page that says so, no
traceback) and the servers must recover by themselves.

Run it against a throwaway database (``./dev load`` starts PostgreSQL and the servers)."""

import itertools
import random
import subprocess
import threading
import time
import uuid
from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from schemes.management.loadtest.browser import TIMEOUT, Browser, Results, percentile
from schemes.management.loadtest.preparation import COORDINATOR, FACILITATOR, OFFICER, prepare
from schemes.management.loadtest.saves import CONFLICT, SAVED, check_writes, save_edit, save_section, write_problems
from schemes.models import Organisation

SCHEME = "/programmes/inclucities/schemes/1"
SECTIONS = ("mentee-needs", "local-context")
# role: the shares of a person's clicks that save a questionnaire section, save an edit
# form and download a PDF; the rest read pages.
MIX = {
    OFFICER: (0.35, 0.3, 0.0),
    COORDINATOR: (0.0, 0.5, 0.0),
    FACILITATOR: (0.0, 0.35, 0.35),
}


class Command(BaseCommand):
    help = (
        "Load-test running app servers: --users people at once for --seconds, reading dashboards, saving "
        "questionnaire sections and edit forms (several on the same one) and downloading PDFs; then check in the "
        "database that every acknowledged save is there, whole. Exits non-zero on a server error, a lost or a partial write. "
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
        people, edits = prepare(users)
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
            threading.Thread(
                target=run_person, args=(role, browser, person_rng, capaci, edits, deadline, max_requests), daemon=True
            )
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
        problems += self.report_writes(results, edits)
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
            out(
                f"{kind:24} {len(times):>6} {percentile(times, 0.5):>8.0f} {percentile(times, 0.95):>8.0f} {percentile(times, 0.99):>8.0f}"
            )
        out(
            f"{'all':24} {len(everything):>6} {percentile(everything, 0.5):>8.0f} {percentile(everything, 0.95):>8.0f} "
            f"{percentile(everything, 0.99):>8.0f}"
        )
        out("answers: " + ", ".join(f"{status}: {count}" for status, count in sorted(results.statuses.items())))
        if results.errors:
            out("no answer: " + ", ".join(f"{name}: {count}" for name, count in results.errors.items()))
        outcomes = Counter(save.outcome for save in results.saves)
        out(f"saves acknowledged: {outcomes[SAVED]}; refused as conflicts (the page was out of date): {outcomes[CONFLICT]}")
        problems = []
        unclean = [error for error in results.server_errors if not error[2]]
        if unclean:
            problems.append(f"{len(unclean)} server errors without the friendly error page")
        if restart is None:
            if results.server_errors or results.errors:
                problems.append(f"{len(results.server_errors)} server errors, {sum(results.errors.values())} requests unanswered")
            out(
                f"server errors: {len(results.server_errors)}"
                + (
                    " ("
                    + ", ".join(
                        f"{kind} {status}: {count}"
                        for (kind, status), count in Counter((k, s) for k, s, _c in results.server_errors).items()
                    )
                    + ")"
                    if results.server_errors
                    else ""
                )
            )
        else:
            begin, end = restart
            during = [when for when, _kind in results.failures if when >= begin]
            after = [when for when in results.successes if when > end]
            out(
                f"database restarted {begin - started:.0f} s in, back {end - begin:.1f} s later; "
                f"{len(results.server_errors)} requests failed cleanly (503 page), {sum(results.errors.values())} unanswered"
            )
            if after:
                recovered = max([end, *during]) if during else end
                out(
                    f"the servers answered normally again {max(0.0, min(after) - end):.1f} s after the restart; "
                    f"last failure {max(0.0, recovered - end):.1f} s after it"
                )
            else:
                problems.append("the servers did not recover after the database restart")
            late = [when for when in during if when > end + 15]
            if late:
                problems.append(f"{len(late)} requests still failed more than 15 s after the restart")
        return problems

    def report_writes(self, results, edits):
        """The check of every save in the database (loadtest.saves), a line per kind."""
        rows = check_writes(results, edits)
        out = self.stdout.write
        out(
            f"{'writes checked':22} {'saves':>6} {'saved':>6} {'conflicts':>9} {'failed':>6} {'lost':>5} "
            f"{'partial':>7} {'stale':>5} {'as last saved':>13}"
        )
        for row in rows:
            stale = "-" if row.stale is None else row.stale
            out(
                f"{row.kind:22} {row.saves:>6} {row.acknowledged:>6} {row.conflicts:>9} {row.failed:>6} {row.lost:>5} "
                f"{row.partial:>7} {stale:>5} {f'{row.holding}/{row.holders}':>13}"
            )
        total = {name: sum(getattr(row, name) or 0 for row in rows) for name in vars(rows[0]) if name != "kind"}
        out(
            f"writes checked in the database: {total['acknowledged']} acknowledged saves, {total['lost']} lost, "
            f"{total['partial']} partial; {total['kept']} saves not acknowledged but kept whole (answered by a server "
            f"that lost its database connection after committing), {total['kept_partial']} of them partial; "
            f"{total['stale']} saves made on an out-of-date page written; "
            f"{total['holding']} of {total['holders']} answers and objects hold the last save"
        )
        return write_problems(rows, results.saves)


def run_person(role, browser, rng, capaci, edits, deadline, max_requests):
    na = f"{SCHEME}/needs-analysis/{capaci}/"
    reads = {
        OFFICER: [("needs analysis", na), ("home", "/")],
        COORDINATOR: [
            ("dashboard", "/programmes/inclucities/dashboard/"),
            ("scheme home", f"{SCHEME}/"),
            ("programme", "/programmes/inclucities/"),
        ],
        FACILITATOR: [("scheme home", f"{SCHEME}/"), ("visits", f"{SCHEME}/visits/")],
    }[role]
    pdfs = [("pdf action plan", f"{SCHEME}/action-plan/action-plan.pdf"), ("pdf needs analysis", f"{na}document.pdf")]
    mine = [edit for edit in edits if role in edit.roles]
    sections, forms, downloads = MIX[role]
    for count in itertools.count():
        if time.monotonic() >= deadline or count >= max_requests:
            return
        roll = rng.random()
        if roll < sections:
            save_section(browser, rng, f"{na}sections/{rng.choice(SECTIONS)}/")
        elif roll < sections + forms and mine:
            save_edit(browser, rng, rng.choice(mine))
        elif roll < sections + forms + downloads:
            kind, path = rng.choice(pdfs)
            browser.request(kind, "GET", path)
        else:
            kind, path = rng.choice(reads)
            browser.request(kind, "GET", path)
        time.sleep(rng.uniform(0.05, 0.3))  # a person reads before the next click
