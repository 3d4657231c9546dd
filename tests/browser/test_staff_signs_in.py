"""A staff member signs in, sees the dashboard, switches language and signs out — in a real browser."""

import re

from browser_helpers import sign_in
from playwright.sync_api import expect


def test_facilitator_signs_in_switches_language_and_signs_out(page):
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Working together")
    page.get_by_role("link", name="Sign in").first.click()
    sign_in(page, "budi")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Budi Santoso")

    page.get_by_role("button", name="Bahasa Indonesia").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()

    # Put budi's saved preference back to English while still signed in, so other tests see English.
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=/dashboard"))


def test_wrong_password_shows_error_next_to_field_without_reload(page):
    page.goto("/login")
    page.get_by_label("Username").fill("budi")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#f-password-error")).to_have_text("The username or password is not correct.")
    expect(page.get_by_label("Username")).to_have_value("budi")


def test_sign_in_works_with_javascript_off(browser, live_server):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    sign_in(page, "siti")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    context.close()


def test_home_page_is_readable_on_a_phone(phone):
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a 360 px phone ({width}px)"
