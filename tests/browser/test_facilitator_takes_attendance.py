"""A facilitator takes attendance on a cheap phone, in Indonesian: one tap per person, then the rest absent."""

import re
from datetime import timedelta

from browser_helpers import mark_page, page_was_not_reloaded, page_width, program_today, sign_in_with_language, unique
from playwright.sync_api import expect

WORKSHOP = "pengasuhan-positif"


def _add_yesterdays_session(page, topic: str) -> None:
    """Arrange: a workshop session that took place yesterday afternoon and whose sheet nobody has filled in yet.
    (The demo's own past sessions are all marked already, and whether one falls on today depends on the weekday.)"""
    sign_in_with_language(page, "budi", "English")
    page.goto(f"/manage/programs/{WORKSHOP}/schedule")
    single = page.get_by_role("region", name="Add a single session")
    single.get_by_label("Day").fill((program_today() - timedelta(days=1)).isoformat())
    single.get_by_label("Starts at").fill("13:00")
    single.get_by_label("Ends at").fill("14:00")
    single.get_by_label("Topic").fill(topic)
    single.get_by_role("button", name="Add session").click()
    expect(page.get_by_text("Session added.")).to_be_visible()


def test_facilitator_takes_attendance_on_a_phone(page, phone):
    topic = unique("Sesi susulan ")
    _add_yesterdays_session(page, topic)

    sign_in_with_language(phone, "budi", "Bahasa Indonesia")
    expect(phone.get_by_role("heading", name="Dasbor")).to_be_visible()
    phone.goto(f"/manage/programs/{WORKSHOP}")
    phone.get_by_role("navigation", name="Bagian program").get_by_role("link", name="Kehadiran").click()
    expect(phone.get_by_role("heading", name="Sesi sejauh ini")).to_be_visible()

    phone.get_by_role("row").filter(has_text=topic).get_by_role("link").click()
    expect(phone).to_have_url(re.compile(rf"/manage/programs/{WORKSHOP}/sessions/\d+/attendance$"))
    expect(phone.get_by_text(topic)).to_be_visible()
    summary = phone.get_by_role("status").filter(has_text="Belum ditandai")
    expect(summary).to_contain_text("Belum ditandai: 14")

    # One tap: not marked -> present, in place.
    mark_page(phone)
    sheet_url = phone.url
    phone.get_by_role("button", name="Ibu Rina Marlina: Belum ditandai. Ubah menjadi Hadir.").tap()
    rina = phone.get_by_role("button", name=re.compile(r"^Ibu Rina Marlina: Hadir\. Ubah menjadi Terlambat\.$"))
    expect(rina).to_be_visible()
    expect(rina).to_have_text("Hadir")
    # A second tap: present -> late.
    rina.tap()
    expect(phone.get_by_role("button", name="Ibu Rina Marlina: Terlambat. Ubah menjadi Izin.")).to_have_text(
        "Terlambat"
    )
    phone.get_by_role("button", name="Pak Joko Susilo: Belum ditandai. Ubah menjadi Hadir.").tap()
    expect(phone.get_by_role("button", name="Pak Joko Susilo: Hadir. Ubah menjadi Terlambat.")).to_be_visible()
    assert phone.url == sheet_url
    assert page_was_not_reloaded(phone), "marking a person reloaded the page instead of changing the row in place"
    # The counts follow by themselves.
    expect(summary).to_contain_text("Hadir: 1")
    expect(summary).to_contain_text("Terlambat: 1")
    expect(summary).to_contain_text("Belum ditandai: 12")

    phone.get_by_role("button", name="Tandai sisanya tidak hadir (12 orang)").tap()
    expect(phone.get_by_text("12 orang ditandai tidak hadir.")).to_be_visible()
    expect(summary).to_contain_text("Tidak hadir: 12")
    expect(summary).to_contain_text("Belum ditandai: 0")
    expect(phone.get_by_role("button", name=re.compile(r"^Tandai sisanya tidak hadir"))).to_have_count(0)
    expect(phone.get_by_role("button", name="Ibu Wulan Sari: Tidak hadir. Ubah menjadi Hadir.")).to_be_visible()
    # The marks made by hand were kept.
    expect(phone.get_by_role("button", name="Ibu Rina Marlina: Terlambat. Ubah menjadi Izin.")).to_be_visible()
    expect(phone.get_by_role("button", name="Pak Joko Susilo: Hadir. Ubah menjadi Terlambat.")).to_be_visible()

    width = page_width(phone)
    assert width <= 360, f"the attendance sheet scrolls sideways on a 360 px phone ({width}px)"
