"""Browser-test harness: Playwright driving Debian's Chromium against the live server.

Every browser context a test opens (``page.context`` and any ``browser.new_context()``)
is instrumented:
- no request may leave 127.0.0.1: a request to any other host fails the test (and
  Chromium resolves no other host name, so none reaches the network);
- axe-core (from npm, node_modules/axe-core) checks every page as it loads against the
  WCAG 2.0/2.1 A and AA rules; a violation fails the test. The pages checked go to
  test-artifacts/axe-report.json. AXE=false turns the checks off (``./dev test`` runs
  them in the SQLite run: the HTML is the same on PostgreSQL).
- it asks for reduced motion, so that pages scroll at once (``instrumented_context``).
With CI=true a missing Chromium is a failure, never a skip. Screenshots go to
test-artifacts/.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_ON = os.environ.get("AXE", "true") != "false"
BROWSER_OWN = ("data:", "blob:", "about:", "chrome:", "chrome-extension:")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
STATE = "() => document.querySelectorAll('.alert, .is-invalid, .invalid-feedback, .errorlist').length"
# One run of axe at a time on a page: a check asked for while the check at "load" still
# runs (``check_drawn``) waits for it instead of failing with "Axe is already running".
AXE_RUN = """async (tags) => {
  const previous = window.__axeRun || Promise.resolve();
  const run = previous.catch(() => null).then(
    () => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]}));
  window.__axeRun = run;
  const result = await run;
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
}"""


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium not found at {CHROMIUM}; CI=true requires the browser tests to run.")
        pytest.skip(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's guard against
    # database calls from async code would trip on it although the calls are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    home = tempfile.mkdtemp(prefix="mentoring-browser-")
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        os.environ[var] = home
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            ],
        )
        yield browser
        browser.close()
    shutil.rmtree(home, ignore_errors=True)


class Audit:
    """What the contexts of one test saw: requests to other hosts, pages checked by axe
    and their violations."""

    report = []  # every page checked in the session

    def __init__(self, test):
        self.test = test
        self.outside = []
        self.checked = set()
        self.violations = []

    def instrument(self, context):
        # Watched, not intercepted: routing every request through Python would cost a
        # fifth of a journey's time (and turns Chromium's cache off). Chromium cannot
        # resolve any other host (--host-resolver-rules), so nothing leaves the machine.
        def watch(request):
            # chrome:// and chrome-extension:// are the browser's own pages (its PDF viewer).
            if urlparse(request.url).hostname not in LOCAL_HOSTS and not request.url.startswith(BROWSER_OWN):
                self.outside.append(request.url)

        context.on("request", watch)
        context.audit = self
        if AXE_ON:
            if not AXE_SCRIPT.exists():
                pytest.fail(f"axe-core is missing ({AXE_SCRIPT}): run ./dev test, which installs it with npm")
            context.add_init_script(path=str(AXE_SCRIPT))
            context.on("page", lambda page: page.on("load", lambda: self.check(page)))
        return context

    def check(self, page, *, again=False):
        """Run axe on the page just loaded (once per address, title and state in a test,
        unless ``again``: a page that draws itself with a script once loaded is checked
        again by its test once drawn, see ``check_drawn``)."""
        from playwright.sync_api import Error

        try:
            # A page is checked again when its state differs (a form back with errors).
            key = (page.url, page.title(), page.evaluate(STATE))
            # Only the application's pages: not a PDF opened in the browser's own viewer.
            if (key in self.checked and not again) or not page.evaluate(
                "() => typeof axe !== 'undefined' && document.contentType === 'text/html'"
            ):
                return
            violations = page.evaluate(AXE_RUN, AXE_TAGS)
        except Error:
            if again:
                raise
            return  # the page moved on before the check ran: the next load is checked
        self.checked.add(key)
        path = urlparse(page.url).path
        Audit.report.append({"test": self.test, "path": path, "title": key[1], "violations": violations})
        self.violations += [dict(v, path=path) for v in violations if dict(v, path=path) not in self.violations]

    def assert_clean(self):
        assert self.outside == [], f"requests left 127.0.0.1: {self.outside}"
        assert self.violations == [], "axe found accessibility violations:\n" + json.dumps(self.violations, indent=1)


@pytest.fixture(scope="session", autouse=True)
def axe_report():
    yield
    if Audit.report:
        ARTIFACTS.mkdir(exist_ok=True)
        pages = {(entry["path"], entry["title"]) for entry in Audit.report}
        summary = {
            "rules": AXE_TAGS,
            "pages_checked": len(Audit.report),
            "distinct_pages": len(pages),
            "violations": sum(len(entry["violations"]) for entry in Audit.report),
            "pages": Audit.report,
        }
        (ARTIFACTS / "axe-report.json").write_text(json.dumps(summary, indent=1))


@pytest.fixture
def page(chromium, live_server, settings, request):
    audit = Audit(request.node.name)
    new_context = chromium.new_context

    def instrumented_context(**kwargs):
        kwargs.setdefault("locale", "en-GB")
        # The person's "reduce motion" setting: the page's scrolls then end at once instead
        # of gliding (Bootstrap's scroll-behavior: smooth). A page still gliding after a
        # field is filled moves the button Playwright aims at: "Save and next" was clicked
        # and no form was sent, about one run in ten under load (docs/contributing.md,
        # "Browser tests"). A test may ask for reduced_motion="no-preference".
        kwargs.setdefault("reduced_motion", "reduce")
        return audit.instrument(new_context(**kwargs))

    chromium.new_context = instrumented_context  # contexts a test opens are instrumented too
    context = chromium.new_context(base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        chromium.new_context = new_context
    for other in list(chromium.contexts):
        other.close()
    audit.assert_clean()


def check_drawn(page):
    """Check ``page`` with axe now: for a page a script draws after it has loaded (the
    API's documentation), whose check at "load" may run before or after the drawing."""
    if AXE_ON:
        page.context.audit.check(page, again=True)


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(context, email, password):
    """A new page of ``context``, logged in as ``email``, on the home page."""
    from playwright.sync_api import expect

    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My programmes and schemes")
    return page


def confirm(page, label):
    """Answer "yes" in the dialog that asks before something is locked or removed."""
    from playwright.sync_api import expect

    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=label, exact=True).click()


def scheme_with_people(*, programme, slug, title, parties, people, password, benchmark=None, last_name=""):
    """A programme with one scheme and its people, as the journeys start from.

    ``parties``: (kind, name, country, side); ``people``: (e-mail, role, organisation
    name or None); ``benchmark``: a seed benchmark's short name. Returns the scheme and
    the organisations by name."""
    from benchmarks.models import BenchmarkVersion
    from mentoring.models import User
    from schemes.models import Organisation, OrganisationKind, Programme, SchemeRole
    from schemes.services.demo import reference_data_load
    from schemes.services.schemes import scheme_create

    reference_data_load()
    network = Organisation.objects.create(kind=OrganisationKind.NETWORK, name="Network", country="BE")
    organisations = {
        name: Organisation.objects.create(kind=kind, name=name, country=country) for kind, name, country, _side in parties
    }
    scheme = scheme_create(
        programme=Programme.objects.create(name=programme, slug=slug, coordinating_body=network),
        title=title,
        theme="Welcoming newcomers",
        benchmark=BenchmarkVersion.objects.get(benchmark__slug=benchmark) if benchmark else None,
        parties=[(organisations[name], side) for _kind, name, _country, side in parties],
    )
    by_organisation = {party.organisation_id: party for party in scheme.parties.all()}
    for email, role, name in people:
        organisation = organisations.get(name)
        user = User.objects.create_user(
            email=email, password=password, first_name=email.split("@")[0].title(), last_name=last_name, organisation=organisation
        )
        SchemeRole.objects.create(
            scheme=scheme, user=user, role=role, party=by_organisation[organisation.pk] if organisation else None
        )
    return scheme, organisations


def capaci_learns_from_mechelen(people, password):
    """The journeys' scheme of issue 20: Capaci (mentee) and Mechelen (mentor) in the
    programme "Inclusive Cities", with ``people`` (as ``scheme_with_people``), all named
    "... Rossi"."""
    from schemes.models import OrganisationKind, Side

    return scheme_with_people(
        programme="Inclusive Cities",
        slug="inclusive",
        title="Capaci learns from Mechelen",
        password=password,
        last_name="Rossi",
        parties=[
            (OrganisationKind.CITY, "Capaci", "IT", Side.MENTEE),
            (OrganisationKind.CITY, "Mechelen", "BE", Side.MENTOR),
        ],
        people=people,
    )
