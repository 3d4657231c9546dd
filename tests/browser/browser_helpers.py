"""Steps shared by browser tests."""

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

PROGRAM_TIMEZONE = ZoneInfo("Asia/Jakarta")  # the demo programs' timezone


def sign_in(page, username: str, password: str = "gotong-demo") -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")


LOGIN_LABELS = {
    "English": ("Username", "Password", "Sign in"),
    "Bahasa Indonesia": ("Nama pengguna", "Kata sandi", "Masuk"),
}


def sign_in_with_language(page, username: str, language: str = "English", password: str = "gotong-demo") -> None:
    """Chooses the language on the sign-in page first (footer button), then signs in. The browser's choice wins over
    the language saved in the staff member's profile, which another test may have changed."""
    page.goto("/login")
    with page.expect_navigation():
        page.get_by_role("button", name=language, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "en" if language == "English" else "id")
    username_label, password_label, button = LOGIN_LABELS[language]
    page.get_by_label(username_label).fill(username)
    page.get_by_label(password_label).fill(password)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**/dashboard")


def unique(prefix: str = "") -> str:
    """A short suffix that keeps what one test creates apart from every other test's data."""
    return prefix + uuid.uuid4().hex[:8]


def program_today() -> date:
    """Today where the demo programs take place (the server's dates follow the program's timezone)."""
    return datetime.now(PROGRAM_TIMEZONE).date()


def page_width(page) -> int:
    """How wide the page's content is; wider than the viewport means it scrolls sideways."""
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def mark_page(page) -> None:
    """Leaves a mark on the current document; `page_was_not_reloaded` later tells whether it is still the same one."""
    page.evaluate("window.__gotongSamePage = true")


def page_was_not_reloaded(page) -> bool:
    return page.evaluate("window.__gotongSamePage === true")
