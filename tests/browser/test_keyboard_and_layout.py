"""Keyboard and screen sizes, in a real browser.

- Journey 2 completed with the keyboard alone: a mentee officer and the association's
  officer log in, reach the needs analysis, fill every section and submit it with Tab,
  typing and Enter; every control reached shows a visible focus indicator, and the skip
  link is the first stop on a page.
- The main pages at 375 px (a phone) and 1920 px wide: nothing makes the page scroll
  sideways (wide tables scroll inside their own region), and a screenshot of each is
  kept in test-artifacts/screens/. Each page is also checked by axe as it loads (conftest).
"""

import re

import pytest
from playwright.sync_api import expect

from mentoring.models import User
from schemes.models import OrganisationKind, Side
from schemes.services.demo import demo_load

from .conftest import ARTIFACTS, scheme_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "keyboard-password-2026"

# The focused element, described: what it is, its accessible name, and whether a focus
# indicator (an outline or a focus shadow) is drawn around it.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const label = el.labels && el.labels.length ? el.labels[0].textContent : "";
  const name = (el.getAttribute("aria-label") || label || el.textContent || el.value || "").replace(/\\s+/g, " ").trim();
  const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  const shadowed = style.boxShadow && style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), type: el.type || "", name, visible: outlined || shadowed,
          empty: "value" in el ? el.value === "" : false, numeric: el.getAttribute("inputmode") === "decimal" || el.getAttribute("inputmode") === "numeric",
          shown: box.width > 1 && box.height > 1, readonly: !!el.readOnly || !!el.disabled};
}"""


def tab_to(page, name, limit=150):
    """Press Tab until the focused control's name matches ``name``; every control met on
    the way must show its focus."""
    pattern = re.compile(name)
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"no visible focus on {focused}"
        if pattern.search(focused["name"]):
            return focused
    raise AssertionError(f"never reached {name!r} with Tab")


def enter(page):
    """Press Enter on the focused link or button and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def fill_section_by_keyboard(page, text, submit):
    """Tab through the section's form, type into every empty field, and press Enter on
    the ``submit`` button."""
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        assert focused["visible"], f"no visible focus on {focused}"
        if focused["tag"] == "button" and re.search(submit, focused["name"]):
            enter(page)
            return
        if (
            focused["tag"] in ("textarea", "input")
            and focused["type"] not in ("hidden", "checkbox", "radio", "submit")
            and focused["empty"]
            and not focused["readonly"]
        ):
            page.keyboard.type("50" if focused["numeric"] else text)
    raise AssertionError(f"never reached the {submit!r} button")


def log_in_by_keyboard(page, email):
    page.goto("/accounts/login/")
    first = tab_to(page, "Skip to main content")
    assert first["shown"], "the skip link shows when focused"
    tab_to(page, "E-mail address")
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("My programmes and schemes")


def test_journey_2_with_the_keyboard_alone(page, live_server):
    scheme_with_people(
        programme="Welcoming Cities",
        slug="welcoming",
        title="Leuven learns from Tampere",
        password=PASSWORD,
        parties=[
            (OrganisationKind.CITY, "Leuven", "BE", Side.MENTEE),
            (OrganisationKind.ASSOCIATION, "VVSG", "BE", Side.MENTEE),
            (OrganisationKind.CITY, "Tampere", "FI", Side.MENTOR),
        ],
        people=[("anna@leuven.example", "mentee", "Leuven"), ("carla@vvsg.example", "association", "VVSG")],
    )

    # The association's officer: from the home page to the national context, by keyboard.
    carla = page.context.browser.new_context(base_url=live_server.url).new_page()
    log_in_by_keyboard(carla, "carla@vvsg.example")
    tab_to(carla, "needs analysis of Leuven")  # "Waiting for you"
    enter(carla)
    tab_to(carla, "National/regional context")
    enter(carla)
    expect(carla.get_by_role("heading", level=1)).to_contain_text("National/regional context")
    fill_section_by_keyboard(carla, "Regions fund civic integration courses.", "^Save draft$")
    expect(carla.locator(".alert-success")).to_contain_text("Saved.")

    # The mentee officer: the scheme, the needs analysis, both city sections, submit.
    log_in_by_keyboard(page, "anna@leuven.example")
    tab_to(page, "^Leuven learns from Tampere$")
    enter(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Leuven learns from Tampere")
    tab_to(page, "^Needs analysis: Leuven$")
    enter(page)
    tab_to(page, r"^1\. ")
    enter(page)
    fill_section_by_keyboard(page, "Answered from the keyboard.", "Save and next")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("context", re.IGNORECASE))
    fill_section_by_keyboard(page, "Answered from the keyboard.", "^Save draft$")
    expect(page.locator(".alert-success")).to_contain_text("Saved.")
    tab_to(page, "^Overview$")
    enter(page)
    expect(page.get_by_text("3 of 3 sections done")).to_be_visible()
    tab_to(page, "^Submit$")
    page.keyboard.press("Enter")  # the dialog asks, its "Submit" button focused
    expect(page.get_by_role("dialog")).to_be_visible()
    focused = page.evaluate("() => [document.activeElement.tagName, document.activeElement.textContent]")
    assert focused == ["BUTTON", "Submit"], focused
    enter(page)
    expect(page.locator(".alert-success")).to_contain_text("Submitted.")


# The outermost elements that stick out on the right, to say what to fix.
WIDE = """() => [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > window.innerWidth + 1
  && !(el.parentElement && el.parentElement.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 5).map(el => el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " " + (el.textContent || "").trim().slice(0, 40))"""


MAIN_PAGES = [
    ("home", "/"),
    ("programme", "/programmes/inclucities/"),
    ("dashboard", "/programmes/inclucities/dashboard/"),
    ("scheme", "/programmes/inclucities/schemes/1/"),
    ("visits", "/programmes/inclucities/schemes/1/visits/"),
    ("visit", "/programmes/inclucities/schemes/1/visits/1/"),
    ("action-plan", "/programmes/inclucities/schemes/1/action-plan/"),
    ("self-assessment", "/programmes/inclucities/schemes/1/self-assessment/"),
    ("good-practices", "/programmes/inclucities/good-practices/"),
    ("benchmarks", "/benchmarks/"),
    ("people", "/programmes/inclucities/schemes/1/people/"),
]


def test_main_pages_fit_a_phone_and_a_wide_screen(page, live_server):
    demo_load()
    User.objects.filter(is_demo=True).update(is_demo=False)  # demo accounts log in only with DEBUG on
    coordinator = User.objects.get(email="coordinator@example.org")
    coordinator.set_password(PASSWORD)
    coordinator.save()
    screens = ARTIFACTS / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    log_in_by_keyboard(page, "coordinator@example.org")
    for width, height in ((375, 812), (1920, 1080)):
        page.set_viewport_size({"width": width, "height": height})
        for name, url in MAIN_PAGES:
            response = page.goto(url)
            assert response.status == 200, (url, response.status)
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            wide = page.evaluate(WIDE) if overflow > 0 else []
            assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {width}px: {wide}"
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            page.screenshot(path=str(screens / f"{width}-{name}.png"), full_page=True)
