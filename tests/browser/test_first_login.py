"""A demo user logs in through the real login page and sees their schemes."""

import io
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_mentee_logs_in_and_sees_their_scheme(page, settings):
    settings.DEBUG = True  # demo accounts only log in with DEBUG on
    call_command("load_demo", stdout=io.StringIO())
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill("mentee@example.org")
    page.get_by_label("Password").fill(settings.DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My programmes and schemes")
    expect(page.get_by_role("link", name=re.compile("Capaci – Mechelen: Building a city for all"))).to_be_visible()
    expect(page.get_by_text("Levadia")).to_have_count(0)
    screenshot(page, "home-mentee")
    page.get_by_role("link", name=re.compile("Capaci – Mechelen")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Building a city for all")
    expect(
        page.get_by_role("list", name="Mentoring visits").get_by_role("link", name="Visit 1: Setting the scene")
    ).to_be_visible()
    screenshot(page, "scheme-mentee")


def test_wrong_password_is_explained_in_the_browser(page, settings):
    call_command("load_demo", stdout=io.StringIO())
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill("mentee@example.org")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct")
    expect(page.get_by_label("E-mail address")).to_have_value("mentee@example.org")
