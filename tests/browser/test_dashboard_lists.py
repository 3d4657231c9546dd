"""From the dashboard's summary to its whole lists, on a phone: the month's agenda and every early warning."""

import re

from browser_helpers import sign_in_with_language
from playwright.sync_api import expect


def test_an_organizer_goes_from_the_dashboard_to_the_months_agenda_and_the_early_warnings(phone):
    sign_in_with_language(phone, "siti")
    summary = phone.locator("main")
    expect(phone.get_by_role("heading", name="Your next sessions")).to_be_visible()

    phone.get_by_role("link", name="Your agenda for the next 31 days").tap()
    expect(phone).to_have_url(re.compile(r"/agenda\?range=month$"))
    expect(phone.get_by_role("heading", level=1, name="Your agenda")).to_be_visible()
    expect(phone.get_by_role("link", name="Next 31 days")).to_have_attribute("aria-current", "page")
    expect(phone.locator("ul.agenda > li").first).to_be_visible()  # the demo's programs meet every week
    phone.get_by_role("link", name="Next 7 days").tap()
    expect(phone).to_have_url(re.compile(r"/agenda$"))
    expect(phone.get_by_role("link", name="Next 7 days")).to_have_attribute("aria-current", "page")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the agenda scrolls sideways on a 360 px phone ({width}px)"

    phone.get_by_role("link", name="Back to the dashboard").tap()
    expect(summary).to_contain_text("missed the last")  # the demo's two people who stopped coming
    phone.goto("/early-warnings")
    expect(phone.get_by_role("heading", level=1, name="Early warnings")).to_be_visible()
    expect(phone.locator("main li").filter(has_text="missed the last").first).to_be_visible()
    phone.get_by_role("link", name="Attendance").first.tap()
    expect(phone).to_have_url(re.compile(r"/manage/programs/[^/]+/attendance$"))
