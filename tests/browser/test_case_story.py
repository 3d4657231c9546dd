"""A case worker on a 360 px phone opens a case from a participant's page, records an intake assessment, makes a plan
with two goals, refers the person to a partner with their consent, writes a note and closes the case; the person's
own page shows the plan's goals, and the case worker's dashboard the open referral's follow-up date."""

import re
from datetime import timedelta

from browser_helpers import page_width, program_today, sign_in_with_language
from playwright.sync_api import expect

PERSON = "Ibu Nur Hasanah"  # a demo participant of the parenting workshop, without a case
PARTNER = "Puskesmas Kecamatan Coblong"
GOALS = ("Mendapat pekerjaan tetap", "Anak kembali bersekolah")
REASON = "Pemeriksaan kesehatan dan konseling"
NOTE = "Kunjungan rumah: rencana dibahas bersama"
PHONE_WIDTH = 360


def _fits(phone) -> None:
    assert page_width(phone) <= PHONE_WIDTH, f"{phone.url} scrolls sideways at {PHONE_WIDTH} px"


def _participant_page(phone) -> None:
    phone.goto("/participants?q=" + PERSON.replace(" ", "+"))
    phone.get_by_role("link", name=PERSON, exact=True).click()
    expect(phone.get_by_role("heading", name=PERSON, level=1)).to_be_visible()


def test_case_worker_opens_plans_refers_and_closes_a_case_on_a_phone(phone):
    sign_in_with_language(phone, "siti", "English")

    # On the person's page: their consent to share details for a referral, and a personal link for them.
    _participant_page(phone)
    _fits(phone)
    consent = phone.get_by_role("article").filter(has_text="Sharing my details for a referral")
    consent.get_by_role("button", name="Record consent").click()
    consent = phone.get_by_role("article").filter(has_text="Sharing my details for a referral")
    expect(consent.get_by_role("button", name="Record withdrawal")).to_be_visible()
    phone.get_by_role("button", name=re.compile(r"^Make a (new personal )?link")).click()
    link = phone.get_by_label("Personal link (send it to the person; it works without a password)").input_value()
    assert re.search(r"/my/[\w-]+$", link), link

    # The case worker opens the case from that page, as its case worker.
    phone.get_by_role("link", name="Open a case").click()
    expect(phone.get_by_role("heading", name=f"Open a case for {PERSON}")).to_be_visible()
    _fits(phone)
    phone.get_by_label("Case worker").select_option(label="Siti Rahmawati")
    phone.get_by_label("Supervisor (optional)").select_option(label="Dewi Lestari")
    phone.get_by_label("In the person's own words: what do they want?").fill("Saya ingin bekerja lagi.")
    phone.get_by_role("button", name="Open the case").click()
    expect(phone.get_by_role("heading", name=f"Case of {PERSON}", level=1)).to_be_visible()
    case_url = phone.url
    assert re.search(r"/cases/\d+$", case_url), case_url

    # The intake assessment, by keyboard: open the form from its summary, then rate two life domains.
    assessment = phone.get_by_role("region", name="Assessment", exact=True)
    assessment.get_by_text("Record an assessment").focus()
    phone.keyboard.press("Enter")
    assessment.get_by_label("Date").fill(program_today().isoformat())
    housing = assessment.get_by_role("group", name="Housing")
    housing.get_by_label("Rating").select_option(label="2 – vulnerable")
    housing.get_by_label("Note").fill("Menumpang di rumah saudara.")
    assessment.get_by_role("group", name="Income and work").get_by_label("Rating").select_option(label="1 – in crisis")
    assessment.get_by_role("button", name="Save the assessment").click()
    assessment = phone.get_by_role("region", name="Assessment", exact=True)
    expect(assessment.get_by_role("table")).to_contain_text("Menumpang di rumah saudara.")
    _fits(phone)

    # A plan with two goals, agreed with the person.
    for goal in GOALS:
        plan = phone.get_by_role("region", name="Plan", exact=True)
        plan.get_by_text("Add a goal", exact=True).click()
        plan.get_by_label("Goal, in the person's words where possible").fill(goal)
        plan.get_by_role("button", name="Add the goal").click()
        expect(phone.get_by_role("region", name="Plan", exact=True)).to_contain_text(goal)
    plan = phone.get_by_role("region", name="Plan", exact=True)
    plan.get_by_text("Record that the person agreed to the plan").click()
    plan.get_by_label("Agreed on").fill(program_today().isoformat())
    plan.get_by_role("button", name="Record the agreement").click()
    expect(phone.get_by_role("region", name="Plan", exact=True)).to_contain_text("Agreed with the person on")

    # A referral to a partner, sharing the person's details under the consent recorded above.
    follow_up = program_today() + timedelta(days=4)
    referrals = phone.get_by_role("region", name="Referrals", exact=True)
    referrals.get_by_text("Refer the person").click()
    referrals.get_by_label("Partner organisation").select_option(label=PARTNER)
    referrals.get_by_label("Reason").fill(REASON)
    referrals.get_by_label("Share the person's name and details with them").check()
    referrals.get_by_label("Follow up on", exact=True).fill(follow_up.isoformat())
    referrals.get_by_role("button", name="Send the referral").click()
    referrals = phone.get_by_role("region", name="Referrals", exact=True)
    expect(referrals).to_contain_text(PARTNER)
    expect(referrals).to_contain_text("Named details shared, with the person's consent.")
    _fits(phone)

    # A case note.
    notes = phone.get_by_role("region", name="Case notes", exact=True)
    notes.get_by_label("Kind").select_option(label="Home visit")
    notes.get_by_label("Note").fill(NOTE)
    notes.get_by_role("button", name="Add the note").click()
    expect(phone.get_by_role("region", name="Case notes", exact=True)).to_contain_text(NOTE)
    _fits(phone)

    # The person opens their own page: the plan's goals are there, never the note nor the referral's reason.
    person = phone.context.new_page()
    person.goto(link)
    goals = person.get_by_role("region", name=re.compile("My plan|Rencana saya"))
    for goal in GOALS:
        expect(goals).to_contain_text(goal)
    assert NOTE not in person.content() and REASON not in person.content()
    assert page_width(person) <= PHONE_WIDTH
    person.close()

    # The case closes with an outcome.
    phone.goto(case_url)
    closing = phone.get_by_role("region", name="Close the case", exact=True)
    closing.get_by_label("Outcome").select_option(label="Goals partly met")
    closing.get_by_role("button", name="Close the case").click()
    expect(phone.locator("dl")).to_contain_text("Closed")
    expect(phone.locator("dl")).to_contain_text("Goals partly met")

    # The referral is still open with the partner: the dashboard shows when to follow it up, and leads to the case.
    phone.goto("/dashboard")
    follow_ups = phone.get_by_role("region", name="Referral follow-ups", exact=True)
    item = follow_ups.get_by_role("listitem").filter(has_text=PERSON)
    expect(item.locator(f'time[datetime="{follow_up.isoformat()}"]')).to_be_visible()
    expect(item).to_contain_text(PARTNER)
    assert REASON not in phone.content()
    _fits(phone)
    item.get_by_role("link", name=PERSON).click()
    expect(phone.get_by_role("heading", name=f"Case of {PERSON}", level=1)).to_be_visible()
