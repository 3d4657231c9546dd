"""An organizer opens the finished workshop's evaluation report, follows a figure, and opens the print view."""

import re

from browser_helpers import sign_in
from playwright.sync_api import expect


def test_organizer_opens_report_and_print_view(page):
    sign_in(page, "siti")
    page.goto("/manage/programs/menjahit-usaha-rumahan/report")
    expect(page.get_by_role("heading", name="Goals against targets")).to_be_visible()
    expect(page.get_by_role("heading", name="Sessions and participants")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Peserta bisa menjahit produk sendiri")
    expect(page.locator("main")).to_contain_text("Enam dari delapan peserta")  # the saved evaluation
    expect(page.locator("svg[role=img]").first).to_be_visible()
    page.get_by_role("button", name="Print view").click()
    expect(page).to_have_url(re.compile(r"/report/print$"))
    expect(page.locator("link[rel=stylesheet][href*=print]")).to_have_count(1)
    expect(page.get_by_role("heading", name="Goals against targets")).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav").first).to_be_hidden()
