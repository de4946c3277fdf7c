"""manage.py measure_speed: every main page at demo size, then again after a large
synthetic network is added to the same database; queries, median and p95 server time
(in-process client, warm) and the growth ratio large/demo, against the targets.

Run it on a throwaway database (``./dev measure`` makes one): it loads the demo data and
writes the large network."""

import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from mentoring.models import User
from schemes.models import Organisation, Programme
from schemes.services.demo import demo_email, demo_load
from schemes.services.network import NetworkExists, generate_network

MAX_QUERIES = 15
MAX_GROWTH = 1.3
MAX_P95_MS = 50.0


def main_pages():
    """(who, name, address) of the main pages, on the demo's IncluCities scheme 1."""
    capaci = Organisation.objects.get(kind="city", name="Capaci").pk
    mechelen = Organisation.objects.get(kind="city", name="Mechelen").pk
    scheme = "/programmes/inclucities/schemes/1"
    return [
        ("mentee", "home (waiting for you)", "/"),
        ("coordinator", "programmes", "/programmes/"),
        ("coordinator", "programme", "/programmes/inclucities/"),
        ("coordinator", "dashboard", "/programmes/inclucities/dashboard/"),
        ("coordinator", "scheme home", f"{scheme}/"),
        ("mentee", "needs analysis", f"{scheme}/needs-analysis/{capaci}/"),
        ("mentee", "needs analysis section", f"{scheme}/needs-analysis/{capaci}/sections/mentee-needs/"),
        ("mentor", "strengths", f"{scheme}/strengths/{mechelen}/"),
        ("mentee", "self-assessment", f"{scheme}/self-assessment/{capaci}/"),
        ("mentee", "self-assessment charts", f"{scheme}/self-assessment/"),
        ("facilitator", "visits", f"{scheme}/visits/"),
        ("facilitator", "visit", f"{scheme}/visits/1/"),
        ("mentee", "action plan", f"{scheme}/action-plan/"),
        ("coordinator", "good practices", "/programmes/inclucities/good-practices/"),
        ("coordinator", "organisations", "/programmes/inclucities/organisations/"),
        ("coordinator", "people", f"{scheme}/people/"),
        ("mentee", "benchmark library", "/benchmarks/"),
        ("coordinator.eurocities", "matching", "/programmes/implementoring/matching/"),
    ]


class Command(BaseCommand):
    help = (
        "Measure every main page at demo size and again with a large synthetic network added: queries, median "
        f"and p95 server time, growth large/demo. Targets: the same queries at both sizes and at most {MAX_QUERIES}, "
        f"growth at most {MAX_GROWTH}, p95 at most {MAX_P95_MS:.0f} ms at large size. Exits non-zero when one is "
        "missed. Use a throwaway database: ./dev measure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="timed requests per page and size (after 3 to warm up)")
        parser.add_argument("--size", default="large", help="the network added for the second measure")

    def handle(self, *args, runs, size, **options):
        if Programme.objects.filter(slug__startswith="network-").exists():
            raise CommandError("This database already holds a synthetic network: run on a fresh one (./dev measure).")
        demo_load()
        clients = {}
        for key in ("mentee", "mentor", "facilitator", "coordinator", "coordinator.eurocities"):
            user = User.objects.get(email=demo_email(key))
            user.is_demo = False  # demo accounts sign in only with DEBUG on; this database is throwaway
            user.save(update_fields=["is_demo"])
            client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "testserver")
            client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[-1])
            clients[key] = client
        pages = main_pages()
        demo = {name: self.measure(clients[who], url, runs) for who, name, url in pages}
        self.stdout.write(f"demo size measured; adding the {size} network...")
        try:
            generate_network(size=size, say=self.stdout.write)
        except NetworkExists as error:
            raise CommandError(str(error)) from error
        large = {name: self.measure(clients[who], url, runs) for who, name, url in pages}

        header = f"{'page':26} {'queries demo/large':>18} {'median ms demo/large':>21} {'p95 ms large':>12} {'growth':>7}  verdict"
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        missed = 0
        for _who, name, _url in pages:
            small, big = demo[name], large[name]
            growth = big["median"] / small["median"] if small["median"] else 0
            problems = []
            if big["queries"] != small["queries"]:
                problems.append("queries grow")
            if big["queries"] > MAX_QUERIES:
                problems.append(f"> {MAX_QUERIES} queries")
            if growth > MAX_GROWTH:
                problems.append(f"growth > {MAX_GROWTH}")
            if big["p95"] > MAX_P95_MS:
                problems.append(f"p95 > {MAX_P95_MS:.0f} ms")
            missed += bool(problems)
            self.stdout.write(
                f"{name:26} {small['queries']:>8} / {big['queries']:<8} {small['median']:>9.1f} / {big['median']:<9.1f} "
                f"{big['p95']:>12.1f} {growth:>7.2f}  {'ok' if not problems else ', '.join(problems)}"
            )
        self.stdout.write(f"{len(pages) - missed} of {len(pages)} pages meet every target ({connection.vendor}, {runs} runs each)")
        if missed:
            raise CommandError(f"{missed} pages miss a target")

    def measure(self, client, url, runs):
        for _ in range(3):
            response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            client.get(url, secure=True)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        return {
            "queries": len(queries),
            "median": statistics.median(times),
            "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        }
