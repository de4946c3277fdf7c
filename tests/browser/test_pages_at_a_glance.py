"""Pages that read at a glance (issue 26), in a real browser at 1366 px and on a phone
(390 px): the dashboard never scrolls the page sideways, even with 200 schemes named in
120 characters (its scheme column stays in view when the table scrolls in its own box);
the menu folds on a phone; the agenda becomes cards; a good practice is recorded and
attached from the strengths page in one step. Screenshots of the dashboard, the needs
analysis, the strengths and the scheme page at both widths go to test-artifacts/
(glance-<page>-<width>.png). axe checks every page (tests/browser/conftest.py)."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from mentoring.models import User
from schemes.models import AgendaItem, Organisation, OrganisationKind, ProgrammeRole, Side
from schemes.services.schemes import scheme_create

from .conftest import capaci_learns_from_mechelen, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "pages-at-a-glance-2026"
WIDE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
PAGE_OVERFLOW = "() => document.scrollingElement.scrollWidth - window.innerWidth"


def setting():
    scheme, organisations = capaci_learns_from_mechelen(
        [
            ("maria@capaci.example", "mentee", "Capaci"),
            ("marc@mechelen.example", "mentor", "Mechelen"),
            ("fabio@facilitators.example", "facilitator", None),
        ],
        PASSWORD,
    )
    coordinator = User.objects.create_user(email="cora@network.example", password=PASSWORD, first_name="Cora")
    ProgrammeRole.objects.create(programme=scheme.programme, user=coordinator, role="coordinator")
    # Visit 1 has a two-day agenda; visit 2 is dated, so the "Next" box has both.
    today = timezone.localdate()
    first, second = list(scheme.visits.order_by("order"))[:2]
    first.start_date, first.end_date = today + datetime.timedelta(days=10), today + datetime.timedelta(days=11)
    first.save()
    second.start_date = second.end_date = today + datetime.timedelta(days=60)
    second.save()
    for day, start, title in (
        (first.start_date, datetime.time(9), "Recap of Capaci's needs with the local support group"),
        (first.start_date, datetime.time(11), "Site visit: the one-stop welcome desk"),
        (first.end_date, datetime.time(9), "Interviews with the front-office staff"),
    ):
        AgendaItem.objects.create(
            visit=first,
            day=day,
            start_time=start,
            end_time=start.replace(hour=start.hour + 1, minute=30),
            session_type="presentation",
            title=title,
            place="City hall, Mechelen, room 2.14",
            lead="Marc Rossi",
        )
    return scheme, organisations


def shoot(page, name, url):
    """The page at 1366 and 390 px: never wider than the screen; screenshots saved."""
    for size in (WIDE, PHONE):
        page.set_viewport_size(size)
        response = page.goto(url)
        assert response.status == 200, (url, response.status)
        overflow = page.evaluate(PAGE_OVERFLOW)
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at {size['width']}px"
        screenshot(page, f"glance-{name}-{size['width']}")


def test_pages_read_at_a_glance_wide_and_on_a_phone(page, live_server):
    scheme, organisations = setting()
    scheme_url = scheme.get_absolute_url()
    capaci, mechelen = organisations["Capaci"].pk, organisations["Mechelen"].pk

    # The coordinator: the dashboard and the scheme page.
    cora = log_in(page.context, "cora@network.example", PASSWORD)
    shoot(cora, "dashboard", "/programmes/inclusive/dashboard/")
    cora.set_viewport_size(WIDE)
    cora.goto("/programmes/inclusive/dashboard/")
    # With one scheme the whole table fits: Late and Next date in view.
    box = cora.locator(".dashboard-box")
    assert box.evaluate("b => b.scrollWidth - b.clientWidth") <= 0
    expect(cora.get_by_role("columnheader", name="Next date")).to_be_in_viewport()
    shoot(cora, "scheme", scheme_url)
    cora.set_viewport_size(WIDE)
    cora.goto(scheme_url)
    next_box = cora.locator("section[aria-labelledby=next-heading]")
    expect(next_box).to_contain_text("Next visit:")
    expect(next_box).to_contain_text("Visit 1: ")
    expect(next_box).not_to_contain_text("no dates yet")

    # On a phone: the menu folds behind "Menu" and opens on a click.
    cora.set_viewport_size(PHONE)
    cora.goto(scheme_url)
    navbar = cora.locator("nav.navbar")
    assert navbar.bounding_box()["height"] < 80
    expect(cora.get_by_role("link", name="All programmes")).to_be_hidden()
    cora.get_by_role("button", name="Menu").click()
    expect(cora.get_by_role("link", name="All programmes")).to_be_visible()
    expect(cora.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")

    # The agenda as cards: one card per session, its details labelled, no sideways scroll.
    cora.goto(scheme_url + "visits/1/")
    assert cora.evaluate(PAGE_OVERFLOW) <= 0
    card = cora.locator("tr", has_text="Site visit: the one-stop welcome desk")
    assert card.evaluate("tr => getComputedStyle(tr).display") == "block"
    assert card.bounding_box()["width"] <= PHONE["width"]
    screenshot(cora, "glance-agenda-390")

    # The mentee: her needs analysis, with where to start.
    maria = log_in(page.context.browser.new_context(base_url=live_server.url), "maria@capaci.example", PASSWORD)
    maria.set_viewport_size(WIDE)
    maria.goto(f"{scheme_url}needs-analysis/{capaci}/")
    expect(maria.get_by_role("heading", level=1)).to_have_text("Capaci’s needs analysis")
    maria.get_by_role("link", name="Start").click()
    # The first section's fields, once its page is there (.all() does not wait for it).
    expect(maria.get_by_role("button", name="Save draft")).to_be_visible()
    fields = maria.locator("textarea").all()
    assert fields
    for field in fields:
        field.fill("Housing for newcomers; no one-stop shop yet.")
    maria.get_by_role("button", name="Save draft").click()
    expect(maria.locator(".alert-success")).to_contain_text("Saved.")
    shoot(maria, "needs-analysis", f"{scheme_url}needs-analysis/{capaci}/")
    maria.set_viewport_size(WIDE)
    maria.goto(f"{scheme_url}needs-analysis/{capaci}/")
    expect(maria.get_by_role("link", name="Continue")).to_be_visible()

    # The mentor: a good practice recorded and attached from the strengths page.
    marc = log_in(page.context.browser.new_context(base_url=live_server.url), "marc@mechelen.example", PASSWORD)
    marc.set_viewport_size(WIDE)
    strengths = f"{scheme_url}strengths/{mechelen}/"
    marc.goto(strengths)
    marc.get_by_role("link", name="Record a new good practice").click()
    marc.get_by_label("Name/Title of good practice").fill("One-stop welcome desk")
    marc.get_by_role("button", name="Save and attach").click()
    expect(marc.locator(".alert-success")).to_contain_text("recorded and attached to these strengths")
    expect(marc.get_by_role("heading", level=1)).to_have_text("Mechelen’s strengths and experience")
    expect(marc.locator("#good-practices").get_by_role("link", name="One-stop welcome desk")).to_be_visible()
    shoot(marc, "strengths", strengths)


def test_the_dashboard_stays_readable_with_200_long_named_schemes(page, live_server):
    scheme, _organisations = setting()
    programme = scheme.programme
    mentee = Organisation.objects.create(kind=OrganisationKind.CITY, name="Castelnuovo di Porto", country="IT")
    mentor = Organisation.objects.create(kind=OrganisationKind.CITY, name="Sint-Niklaas", country="BE")
    for number in range(2, 201):
        title = f"Scheme {number:03d}: " + ("Welcoming newcomers and building a shared local identity " * 3)
        scheme_create(
            programme=programme,
            title=title[:120],
            theme="Welcoming newcomers",
            parties=[(mentee, Side.MENTEE), (mentor, Side.MENTOR)],
        )
    cora = log_in(page.context, "cora@network.example", PASSWORD)
    cora.set_viewport_size(WIDE)
    cora.goto("/programmes/inclusive/dashboard/")
    expect(cora.get_by_text("200 schemes")).to_be_visible()
    assert cora.evaluate(PAGE_OVERFLOW) <= 0
    box = cora.locator(".dashboard-box")
    first_name = cora.locator("tbody th.scheme-cell").first
    expect(first_name).to_be_visible()
    name_box = first_name.bounding_box()
    assert name_box["width"] <= 16 * 16 + 1  # wraps instead of widening the table
    if box.evaluate("b => b.scrollWidth > b.clientWidth"):
        # The table scrolls in its own box: the scheme names stay in view.
        box.evaluate("b => { b.scrollLeft = b.scrollWidth; }")
        assert abs(first_name.bounding_box()["x"] - box.bounding_box()["x"]) <= 1
    screenshot(cora, "glance-dashboard-200-1366")
