"""Measured by people's tasks (issue 26): the clicks from the home page, after logging
in, to each person's main task, at most 2.

- the coordinator: the form of a new scheme;
- the mentee city's officer: the next section of their needs analysis to fill;
- the mentor city's officer: the strengths page's form that records a new good practice
  and attaches it to the strengths in one go;
- the facilitator: the agenda PDF of the next visit.

The count is the least number of link clicks, found by following every link of the main
content (breadth first) from the home page: what a person who knows the way needs, not
what a search engine would. The counts go to test-artifacts/clicks-to-task.json.
"""

import datetime
import json
import re
from urllib.parse import urldefrag, urljoin, urlparse

import pytest

from mentoring.models import User
from schemes.models import OrganisationKind, ProgrammeRole, Side

from .conftest import ARTIFACTS, scheme_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "clicks-to-task-password-2026"
MOST = 2
LINKS = "() => [...document.querySelectorAll('main a[href]')].map(a => a.href)"
# Links that leave the page's task: downloads other than the target, feeds, other languages.
NOT_FOLLOWED = re.compile(r"(\.pdf|\.ics|\.xlsx|\.csv|\.docx|\.zip|\.png|\.json|/logout/|/history/|/i18n/)")


def clicks_to(page, target, most=MOST + 1):
    """The least number of link clicks from the home page to an address matching
    ``target``, and the path; (None, []) when it takes more than ``most``."""
    home = page.url
    origin = urlparse(home).netloc
    frontier, seen = [(home, [])], {home}
    for depth in range(1, most + 1):
        following = []
        for url, path in frontier:
            response = page.goto(url, wait_until="domcontentloaded")
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            for href in page.evaluate(LINKS):
                href = urldefrag(urljoin(url, href))[0]
                if urlparse(href).netloc != origin:
                    continue
                if re.search(target, urlparse(href).path):
                    return depth, [*path, href]
                if href in seen or NOT_FOLLOWED.search(href) or depth == most:
                    continue
                seen.add(href)
                following.append((href, [*path, href]))
        frontier = following
    return None, []


def log_in(context, email):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def test_each_main_task_is_at_most_two_clicks_from_home(page, live_server):
    scheme, organisations = scheme_with_people(
        programme="Inclusive Cities",
        slug="inclusive",
        title="Capaci learns from Mechelen",
        password=PASSWORD,
        benchmark="inclucities-general",
        parties=[
            (OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE),
            (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR),
        ],
        people=[
            ("maria@capaci.example", "mentee", "Capaci"),
            ("jan@mechelen.example", "mentor", "Mechelen"),
            ("fatima@facilitators.example", "facilitator", None),
        ],
    )
    coordinator = User.objects.create_user(email="carlo@network.example", password=PASSWORD, first_name="Carlo")
    ProgrammeRole.objects.create(programme=scheme.programme, user=coordinator, role="coordinator")
    visit = scheme.visits.get(order=1)
    visit.start_date = visit.end_date = datetime.date.today() + datetime.timedelta(days=20)
    visit.save()
    base = f"/programmes/inclusive/schemes/{scheme.number}/"
    capaci = organisations["Capaci"].pk
    browser = page.context.browser

    def person(email):
        return log_in(browser.new_context(base_url=live_server.url), email)

    mentee = person("maria@capaci.example")
    mentee.goto(f"{base}needs-analysis/{capaci}/")
    first_section = urlparse(mentee.locator("main a[href*='/sections/']").first.get_attribute("href")).path
    mentee.goto("/")
    tasks = [
        ("coordinator: a new scheme", person("carlo@network.example"), r"^/programmes/inclusive/schemes/new/$"),
        ("mentee: the next section to fill", mentee, "^" + re.escape(first_section) + "$"),
        (
            "mentor: a new good practice",
            person("jan@mechelen.example"),
            r"^/programmes/inclusive/schemes/\d+/strengths/\d+/good-practices/new/",
        ),
        ("facilitator: the agenda PDF", person("fatima@facilitators.example"), r"/visits/1/agenda\.pdf$"),
    ]
    counts = {}
    for task, browsing, target in tasks:
        clicks, path = clicks_to(browsing, target)
        counts[task] = {"clicks": clicks, "path": path}
    # A visit with no dates yet (the first weeks of every scheme) is in nobody's "Waiting
    # for you" list: the home page's shortcut leads to its agenda all the same.
    visit.start_date = visit.end_date = None
    visit.save()
    facilitator = tasks[-1][1]
    facilitator.goto("/")
    clicks, path = clicks_to(facilitator, r"/visits/1/agenda\.pdf$")
    counts["facilitator: the agenda PDF of a visit without dates yet"] = {"clicks": clicks, "path": path}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "clicks-to-task.json").write_text(json.dumps(counts, indent=2))
    too_many = {task: found for task, found in counts.items() if found["clicks"] is None or found["clicks"] > MOST}
    assert too_many == {}, json.dumps(counts, indent=1)
