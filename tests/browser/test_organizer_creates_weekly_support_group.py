"""An organizer sets up a discreet weekly support group, cancels one evening, and the public sees only the neutral
title: not the real one, not the room, not why the evening was cancelled."""

import re
from datetime import timedelta

from browser_helpers import mark_page, page_was_not_reloaded, program_today, sign_in_with_language, unique
from playwright.sync_api import expect

SEVEN_PM = re.compile(r"19[.:]00|7:00\s?PM", re.IGNORECASE)


def test_organizer_creates_weekly_support_group(page):
    # Each title gets its own suffix: a word the two shared would be a word of the real title in the address.
    real_title = f"Kelompok Dukungan Penyintas KDRT {unique()}"
    neutral_suffix = unique()
    neutral_title = f"Kelompok Selasa Malam {neutral_suffix}"
    slug = f"kelompok-selasa-malam-{neutral_suffix}"  # made from the neutral title
    room = "Ruang Melati, Puskesmas Coblong"

    sign_in_with_language(page, "siti", "English")
    page.goto("/manage/programs/new")
    expect(page.get_by_role("heading", name="New program")).to_be_visible()
    page.get_by_role("combobox", name="Kind", exact=True).select_option(label="Support group")
    page.get_by_role("textbox", name="Title", exact=True).fill(real_title)
    address = page.get_by_role("textbox", name="Web address", exact=True)
    address.fill(f"dukungan-penyintas-{neutral_suffix}")
    page.get_by_role("textbox", name="Summary", exact=True).fill(
        "A confidential peer group that meets on Tuesday evenings."
    )
    page.get_by_role("combobox", name="Visibility", exact=True).select_option(label="Public")
    page.get_by_label("Discreet: show only a neutral title outside staff pages").check()
    page.get_by_label("Neutral public title").fill(neutral_title)
    page.get_by_role("combobox", name="Timezone", exact=True).select_option("Asia/Jakarta")
    page.get_by_role("textbox", name="Usual location", exact=True).fill(room)
    # Support groups show their place only to enrolled participants unless the organizer says otherwise.
    expect(page.get_by_label("Show the place only to enrolled participants")).to_be_checked()
    page.get_by_role("button", name="Create program").click()

    # Everyone sees a program's web address, so one that spells the real title is refused, on the field.
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_text("This web address contains “dukungan” from the real title")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/manage/programs/new$"))
    # Left empty, the address is made from the neutral title.
    address.fill("")
    page.get_by_role("button", name="Create program").click()

    expect(page).to_have_url(re.compile(rf"/manage/programs/{slug}$"))
    expect(page.get_by_text("Program created.")).to_be_visible()
    # Staff pages show the real title, and say how the public sees the program.
    expect(page.get_by_role("heading", level=1)).to_have_text(real_title)
    expect(page.locator("main")).to_contain_text(neutral_title)

    page.get_by_role("navigation", name="Program sections").get_by_role("link", name="Schedule").click()
    expect(page).to_have_url(re.compile(rf"/manage/programs/{slug}/schedule$"))
    expect(page.get_by_text("No coming sessions.")).to_be_visible()

    # Six Tuesday evenings at 19:00, starting next Tuesday.
    today = program_today()
    first_tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    series = page.get_by_role("region", name="Add a recurring series")
    series.get_by_label("First session").fill(first_tuesday.isoformat())
    series.get_by_label("Starts at").fill("19:00")
    series.get_by_label("Ends at").fill("20:30")
    series.get_by_label("Repeats").select_option(label="Weekly, on the chosen weekdays")
    series.get_by_label("Tuesday").check()
    series.get_by_label("Or after this many sessions").fill("6")
    series.get_by_label("Topic").fill("Berbagi cerita")
    series.get_by_role("button", name="Add series").click()

    expect(page.get_by_text("Series added.")).to_be_visible()
    expect(page.get_by_text("6 coming sessions")).to_be_visible()
    rows = page.get_by_role("listitem").filter(has_text="Berbagi cerita")
    expect(rows).to_have_count(6)
    for index in range(6):
        expect(rows.nth(index)).to_contain_text("Tuesday")
        expect(rows.nth(index)).to_contain_text(SEVEN_PM)
        expect(rows.nth(index)).to_contain_text(room)  # the program's usual place, seen by staff

    # Cancel the second evening, in place.
    second = rows.nth(1)
    when = second.locator("time").inner_text()
    evening = page.get_by_role("listitem").filter(has=page.locator("time", has_text=when))
    mark_page(page)
    evening.get_by_text("Cancel this session").click()
    evening.get_by_label("Reason (only enrolled participants").fill("Ruangan dipakai untuk posyandu")
    evening.get_by_role("button", name="Cancel session").click()

    expect(evening.get_by_text("Cancelled", exact=True)).to_be_visible()
    expect(evening).to_contain_text("Reason: Ruangan dipakai untuk posyandu")
    expect(evening.get_by_role("button", name="Restore this session")).to_be_visible()
    assert page_was_not_reloaded(page), "cancelling a session reloaded the whole page instead of swapping the row"
    # The other evenings are untouched (every row's cancel form says "the session is cancelled": match the mark).
    cancelled = page.get_by_text("Cancelled", exact=True)
    expect(page.get_by_role("listitem").filter(has_text="Berbagi cerita").filter(has=cancelled)).to_have_count(1)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$"))

    page.goto(f"/programs/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(neutral_title)
    expect(page.locator("main")).to_contain_text("Cancelled")
    expect(page.locator("body")).not_to_contain_text(real_title)
    expect(page.locator("body")).not_to_contain_text("Melati")  # the room is for enrolled participants
    expect(page.locator("body")).not_to_contain_text("posyandu")  # and so is the reason for cancelling
    expect(page).to_have_title(re.compile(re.escape(neutral_title)))

    page.goto("/programs")
    expect(page.get_by_role("link", name=neutral_title)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(real_title)
