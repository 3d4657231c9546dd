"""A participant opens the personal link their facilitator sent, answers for a session and downloads their own data."""

import json
import re
from pathlib import Path

from browser_helpers import mark_page, page_was_not_reloaded, sign_in_with_language
from playwright.sync_api import expect

from server.demo import SUPPORT_MEMBERS, SUPPORT_WAITLIST, WORKSHOP_MEMBERS

WORKSHOP = "pengasuhan-positif"
WORKSHOP_TITLE = "Pelatihan Pengasuhan Positif"
PERSON = "Sarah Johnson"  # a demo participant of the workshop who prefers English


def _personal_link_from_the_participants_tab(page) -> str:
    sign_in_with_language(page, "budi", "English")
    page.goto(f"/manage/programs/{WORKSHOP}")
    page.get_by_role("navigation", name="Program sections").get_by_role("link", name="Participants").click()
    expect(page.get_by_role("heading", name="Participants", level=2)).to_be_visible()
    person = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PERSON, exact=True))
    # The summary, not the line inside that says whether the person has a working personal link.
    person.get_by_text(re.compile(r"^Personal link\b")).click()
    # Only a hash of the link is stored: the facilitator makes a new one, shown once, and sends it.
    person.get_by_role("button", name="Make a link").click()
    person = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PERSON, exact=True))
    field = person.get_by_role("textbox", name="Send this link to the person; anyone who has it can open their page.")
    expect(field).to_be_visible()
    link = field.input_value()
    assert re.search(r"/my/[\w-]+$", link), link
    # Shown only this once: back on the tab, the page says a link works but cannot show it again.
    page.get_by_role("navigation", name="Program sections").get_by_role("link", name="Participants").click()
    expect(page).to_have_url(re.compile(r"/participants$"))
    person = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PERSON, exact=True))
    person.get_by_text(re.compile(r"^Personal link\b")).click()
    expect(person.get_by_text("The person has a working personal link.")).to_be_visible()
    expect(person.get_by_role("textbox")).to_have_count(0)
    assert link.rsplit("/", 1)[1] not in page.content()
    return link


def test_participant_answers_for_a_session_and_downloads_own_data(page, phone, tmp_path):
    link = _personal_link_from_the_participants_tab(page)

    # The participant opens the link on their own phone: no account, no sign-in.
    phone.goto(link)
    expect(phone.get_by_role("heading", name=f"Hello, {PERSON}")).to_be_visible()
    expect(phone.get_by_role("region", name="My programs")).to_contain_text(WORKSHOP_TITLE)
    first = phone.get_by_role("region", name="My coming sessions").get_by_role("article").first
    expect(first).to_contain_text(WORKSHOP_TITLE)

    mark_page(phone)
    first.get_by_role("button", name="Can't come").tap()
    expect(first.get_by_role("button", name="Can't come")).to_have_attribute("aria-pressed", "true")
    expect(first).to_contain_text("Your answer: Can't come")
    first.get_by_role("button", name="Going").tap()
    expect(first.get_by_role("button", name="Going")).to_have_attribute("aria-pressed", "true")
    expect(first.get_by_role("button", name="Can't come")).not_to_have_attribute("aria-pressed", "true")
    expect(first).to_contain_text("Your answer: Going")
    assert page_was_not_reloaded(phone), "answering for a session reloaded the page instead of changing it in place"

    with phone.expect_download() as download_info:
        phone.get_by_role("button", name="Data file (JSON)").click()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = Path(saved).read_text(encoding="utf-8")
    data = json.loads(text)

    assert data["profile"]["display_name"] == PERSON
    assert any(e["program"] == WORKSHOP_TITLE and e["status"] == "enrolled" for e in data["enrolments"])
    assert any(r["response"] == "going" for r in data["rsvps"]), data["rsvps"]
    assert data["attendance"], "the person's attendance is part of their data"
    others = [name for name in WORKSHOP_MEMBERS + SUPPORT_MEMBERS + SUPPORT_WAITLIST if name != PERSON]
    leaked = [name for name in others if name in text]
    assert not leaked, f"the data download names other participants: {leaked}"
    assert "Dirujuk oleh Puskesmas" not in text  # staff notes stay out
