"""A facilitator takes attendance on a cheap phone, in Indonesian: from the dashboard to the sheet in one tap, one tap
per person and status, then the rest absent — and no page scrolls sideways at 360 px."""

import re
from datetime import timedelta

from browser_helpers import mark_page, page_was_not_reloaded, program_today, sign_in_with_language, unique
from playwright.sync_api import expect

WORKSHOP = "pengasuhan-positif"
STATUS_LABELS = {"present": "Hadir", "late": "Terlambat", "excused": "Izin", "absent": "Tidak hadir"}


def _add_session(page, day, topic: str, start: str = "13:00", end: str = "14:00") -> None:
    """Arrange: a workshop session on `day` whose sheet nobody has filled in yet. (The demo's own past sessions are
    all marked already, and whether one falls on today depends on the weekday.)"""
    sign_in_with_language(page, "budi", "English")
    page.goto(f"/manage/programs/{WORKSHOP}/schedule")
    single = page.get_by_role("region", name="Add a single session")
    single.get_by_label("Day").fill(day.isoformat())
    single.get_by_label("Starts at").fill(start)
    single.get_by_label("Ends at").fill(end)
    single.get_by_label("Topic").fill(topic)
    single.get_by_role("button", name="Add session").click()
    expect(page.get_by_text("Session added.")).to_be_visible()


def document_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_facilitator_takes_attendance_from_the_dashboard_one_tap_per_person(page, phone):
    topic = unique("Sesi hari ini ")
    # Late in the evening, so that it is "today" (and on the agenda) whenever the test runs.
    _add_session(page, program_today(), topic, "22:00", "23:00")

    sign_in_with_language(phone, "budi", "Bahasa Indonesia")
    expect(phone.get_by_role("heading", name="Dasbor")).to_be_visible()
    taps = 0
    agenda_item = phone.get_by_role("listitem").filter(has_text=topic)
    agenda_item.get_by_role("link", name=re.compile(r"^Catat kehadiran")).tap()
    taps += 1
    expect(phone).to_have_url(re.compile(rf"/manage/programs/{WORKSHOP}/sessions/\d+/attendance$"))
    expect(phone.get_by_text(topic)).to_be_visible()
    summary = phone.get_by_role("status").filter(has_text="Belum ditandai")
    expect(summary).to_contain_text("Belum ditandai: 14")
    # The first screen shows names: the first person's buttons are inside the 740 px viewport.
    first_row = phone.locator(".sheet-row").first
    assert first_row.bounding_box()["y"] + first_row.bounding_box()["height"] < 740, "names start below the fold"

    mark_page(phone)
    sheet_url = phone.url
    names = phone.locator(".sheet-row strong").all_inner_texts()[:10]
    chosen = {}
    for index, name in enumerate(names):
        status = ("present", "present", "late", "excused", "absent")[index % 5]
        control = phone.get_by_role("group", name=name, exact=True)
        control.get_by_role("button", name=STATUS_LABELS[status], exact=True).tap()
        taps += 1
        expect(
            phone.get_by_role("group", name=name, exact=True).get_by_role(
                "button", name=STATUS_LABELS[status], exact=True
            )
        ).to_have_attribute("aria-pressed", "true")
        chosen[name] = status
    assert phone.url == sheet_url
    assert page_was_not_reloaded(phone), "marking a person reloaded the page instead of changing the row in place"
    # The counts follow by themselves.
    expect(summary).to_contain_text("Hadir: 4")
    expect(summary).to_contain_text("Terlambat: 2")
    expect(summary).to_contain_text("Izin: 2")
    expect(summary).to_contain_text("Tidak hadir: 2")
    expect(summary).to_contain_text("Belum ditandai: 4")
    assert taps == 1 + 10, "from the dashboard, 10 people take one tap each after the one to open the sheet"
    # Any status in one tap, also a change of mind: absent straight to present.
    changed = next(name for name, status in chosen.items() if status == "absent")
    phone.get_by_role("group", name=changed, exact=True).get_by_role("button", name="Hadir", exact=True).tap()
    expect(
        phone.get_by_role("group", name=changed, exact=True).get_by_role("button", name="Hadir", exact=True)
    ).to_have_attribute("aria-pressed", "true")
    expect(phone.get_by_role("group", name=changed, exact=True).locator('[aria-pressed="true"]')).to_have_count(1)
    assert document_width(phone) <= 360, f"the sheet scrolls sideways on a 360 px phone ({document_width(phone)}px)"

    phone.get_by_role("button", name="Tandai sisanya tidak hadir (4 orang)").tap()
    expect(phone.get_by_text("4 orang ditandai tidak hadir.")).to_be_visible()
    expect(summary).to_contain_text("Belum ditandai: 0")
    expect(phone.get_by_role("button", name=re.compile(r"^Tandai sisanya"))).to_have_count(0)
    # The marks made by hand were kept.
    for name, status in chosen.items():
        if name != changed:
            expect(
                phone.get_by_role("group", name=name, exact=True).get_by_role(
                    "button", name=STATUS_LABELS[status], exact=True
                )
            ).to_have_attribute("aria-pressed", "true")

    phone.get_by_role("link", name="← Semua sesi").tap()
    expect(phone.get_by_role("heading", name="Sesi sejauh ini")).to_be_visible()
    expect(phone.get_by_role("region", name="Tabel: Sesi sejauh ini")).to_be_visible()
    width = document_width(phone)
    assert width <= 360, f"the program's attendance tab scrolls sideways on a 360 px phone ({width}px)"


def test_a_past_session_is_one_tap_from_its_session_page(page, phone):
    topic = unique("Sesi susulan ")
    _add_session(page, program_today() - timedelta(days=1), topic)
    sign_in_with_language(phone, "budi", "Bahasa Indonesia")
    phone.goto(f"/manage/programs/{WORKSHOP}/schedule")
    phone.locator("details.past-sessions > summary").tap()
    phone.get_by_role("listitem").filter(has_text=topic).get_by_role("link", name=re.compile("^Rincian")).tap()
    phone.get_by_role("link", name="Catat kehadiran").tap()
    expect(phone.get_by_text(topic)).to_be_visible()
    phone.get_by_role("button", name="Semua hadir").tap()
    expect(phone.get_by_text("14 orang ditandai hadir.")).to_be_visible()
    assert document_width(phone) <= 360
