"""Issue 23 in the browser: a community of practice of four cities, four plans ("in a
community of practice each city has its own needs analysis, self-assessment and action
plan, and peers comment on each other's"). Each city's officer opens its own plan from
the scheme page and writes one action; a peer comments on another city's action and
finds no way to edit it; the scheme page lists the four plans with their status. axe
checks every page; the steps go to test-artifacts/community-transcript.txt."""

import re

import pytest
from playwright.sync_api import expect

from .conftest import ARTIFACTS, log_in, scheme_with_people

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "community-password-2026"
SCHEME = "/programmes/welcoming/schemes/1/"
CITIES = [("Antwerp", "BE", "an"), ("Bologna", "IT", "bo"), ("Cluj", "RO", "cl"), ("Dortmund", "DE", "do")]


def test_four_cities_four_plans_and_a_peer_comments(page, live_server):
    from schemes.models import ActionComment, ActionPlan, OrganisationKind, SchemeKind, Side

    scheme, organisations = scheme_with_people(
        programme="Welcoming Cities",
        slug="welcoming",
        title="Welcoming cities together",
        password=PASSWORD,
        parties=[(OrganisationKind.CITY, name, country, Side.PEER) for name, country, _key in CITIES],
        # A community's officers hold the mentee or the mentor role, for their own city.
        people=[
            (f"{key}@{name.lower()}.example", "mentee" if index % 2 == 0 else "mentor", name)
            for index, (name, _country, key) in enumerate(CITIES)
        ],
    )
    scheme.kind = SchemeKind.COMMUNITY
    scheme.save()
    transcript = []

    # 1. Each city's officer opens its own plan from the scheme page and writes one action.
    pages = {}
    for index, (name, _country, key) in enumerate(CITIES):
        officer = log_in(
            page.context if index == 0 else page.context.browser.new_context(base_url=live_server.url),
            f"{key}@{name.lower()}.example",
            PASSWORD,
        )
        pages[name] = officer
        officer.goto(SCHEME)
        officer.get_by_role("link", name=f"Action plan of {name}").click()
        expect(officer.get_by_role("heading", level=1)).to_have_text(f"Action plan of {name}")
        officer.get_by_role("link", name="Add an action").click()
        officer.get_by_label(re.compile(r"^\s*1\. ACTIONS")).fill(f"Open a welcome desk in {name}")
        officer.get_by_role("button", name="Save", exact=True).click()
        expect(officer.get_by_text(f"Open a welcome desk in {name}").first).to_be_visible()
        transcript.append(f"The officer of {name} opens “Action plan of {name}” and adds “Open a welcome desk in {name}”.")
    assert ActionPlan.objects.filter(scheme=scheme).count() == 4
    assert sorted(plan.organisation.name for plan in ActionPlan.objects.filter(scheme=scheme)) == [c[0] for c in CITIES]

    # 2. Bologna's officer reads Antwerp's plan: no button to edit it, a comment on its action.
    bologna = pages["Bologna"]
    bologna.goto(SCHEME)
    bologna.get_by_role("link", name="Action plan of Antwerp").click()
    expect(bologna.get_by_role("heading", level=1)).to_have_text("Action plan of Antwerp")
    expect(bologna.get_by_role("link", name="Add an action")).to_have_count(0)
    expect(bologna.get_by_role("link", name="Edit action 1")).to_have_count(0)
    bologna.get_by_role("link", name=re.compile(r"^Comment")).first.click()  # opens the form under the action
    bologna.get_by_label("Comment").first.fill("We pair newcomers with volunteers who speak their language: ask us how.")
    bologna.get_by_role("button", name="Save", exact=True).first.click()
    expect(bologna.locator(".alert-success")).to_be_visible()
    comment = ActionComment.objects.get()
    assert comment.action.plan.organisation == organisations["Antwerp"]
    transcript.append(
        f"Bologna's officer opens Antwerp's plan (no “Add an action”, no “Edit”) and comments on its action: “{comment.text}”."
    )
    antwerp = pages["Antwerp"]
    antwerp.reload()
    expect(antwerp.get_by_text(comment.text)).to_be_visible()
    transcript.append("Antwerp's officer reads Bologna's comment under the action.")

    # 3. The scheme page lists the four plans, each with its city, status and link.
    antwerp.goto(SCHEME)
    table = antwerp.locator("#city-plans")
    for name, _country, _key in CITIES:
        row = table.get_by_role("row").filter(has_text=name)
        expect(row).to_contain_text("Draft")
        expect(row.get_by_role("link", name=f"Action plan of {name}")).to_be_visible()
    expect(antwerp.get_by_text("0 of 4 plans approved")).to_be_visible()
    transcript.append("The scheme page lists four plans (Antwerp, Bologna, Cluj, Dortmund: Draft) and “0 of 4 plans approved”.")

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "community-transcript.txt").write_text("\n".join(transcript) + "\n")
