"""Staff and messages, end to end: a staff member who forgot their password gets a one-time link by e-mail and
signs in again; an organizer writes an announcement to a program's participants, previews it with the number it
reaches, sends it, and it arrives. The e-mail goes to a real SMTP server in the test process (mail_sink.py); the
pages of both stories fit a 360 px phone and pass axe-core (the list in test_phone_layout.py has the pages that
need no link from a message)."""

from __future__ import annotations

import random
import re

from axe_playwright_python.sync_playwright import Axe
from browser_helpers import sign_in_with_language, unique
from mail_sink import links_in, text_of
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}
DESK = {"width": 1024, "height": 800}
AXE_SCRIPT = Axe().axe_script
PROJECT = "air-bersih-cibaduyut"  # open to registration; the other stories enrol nobody in it
PROJECT_TITLE = "Air Bersih untuk Kampung Cibaduyut"


def _phone_problems(page, name: str) -> list[str]:
    """At 360 px: a document wider than the screen, and axe-core's serious or critical violations (the rule of
    test_phone_layout.py), for the page open now; the desk width is restored after."""
    page.set_viewport_size(PHONE)
    try:
        problems = []
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            problems.append(f"{name} is {width} px wide at 360 px")
        page.evaluate(AXE_SCRIPT)
        results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        for violation in results["violations"]:
            if violation["impact"] in ("serious", "critical"):
                targets = [node["target"] for node in violation["nodes"]][:5]
                problems.append(f"{name}: axe {violation['impact']} {violation['id']} {targets}")
        return problems
    finally:
        page.set_viewport_size(DESK)


def _new_staff_member(page, email: str, username: str) -> None:
    """An administrator gives someone an account with an e-mail address, then leaves."""
    sign_in_with_language(page, "admin", "English")
    page.goto("/admin/staff")
    page.get_by_role("textbox", name="Name", exact=True).fill("Rahmat Hidayat")
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("combobox", name="Role").select_option("facilitator")
    page.get_by_label("Initial password").fill("sementara-" + unique())
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("link", name="Rahmat Hidayat")).to_be_visible()
    page.context.clear_cookies()


def test_a_staff_member_who_forgot_the_password_sets_a_new_one_from_the_emailed_link(page, mail_sink):
    username = unique("rahmat-")
    email = f"{username}@yayasan-gotong.example"
    _new_staff_member(page, email, username)
    problems: list[str] = []

    page.goto("/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    problems += _phone_problems(page, "forgot-password")
    page.get_by_role("textbox", name="Username or e-mail address").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_role("status")).to_contain_text("If an account matches, we have sent a link")

    message = mail_sink.wait_for(email, "Set a new password")
    assert "Rahmat Hidayat" in text_of(message)
    [link] = [address for address in links_in(message) if "/password/reset/" in address]
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set a new password")
    problems += _phone_problems(page, "password-reset")
    new_password = "kebun-" + unique()
    page.get_by_label(re.compile(r"^New password\W*$")).fill(new_password)
    page.get_by_label("New password again").fill(new_password)
    page.get_by_role("button", name="Set the new password").click()

    page.wait_for_url("**/login")
    expect(page.get_by_text("Your new password is set")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # The link worked once: now it is the same plain "not found" as any unknown address.
    response = page.goto(link)
    assert response is not None and response.status == 404
    expect(page.get_by_text("Error code: 404")).to_be_visible()
    expect(page.get_by_role("textbox", name="New password")).to_have_count(0)
    assert not problems, "\n".join(problems)


def _register(page, name: str, *, email: str = "", phone: str = "") -> None:
    """A visitor registers for the project with an e-mail address or a phone number, and consent to be contacted."""
    page.goto(f"/programs/{PROJECT}/register")
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(email)
    page.get_by_role("textbox", name="Phone").fill(phone)
    page.get_by_role("combobox", name="Preferred language").select_option("en")
    for consent in ("Taking part", "Recording my information", "Being contacted"):
        page.get_by_role("checkbox", name=consent).check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Thank you for registering")).to_be_visible()


def test_an_organizer_previews_an_announcement_with_its_reach_sends_it_and_it_arrives(page, mail_sink):
    name = unique("Warga ")
    email = f"{unique('warga-')}@example.org"
    _register(page, name, email=email)
    page.context.clear_cookies()

    sign_in_with_language(page, "siti", "English")
    page.goto(f"/manage/programs/{PROJECT}")
    page.get_by_role("navigation", name="Program sections").get_by_role("link", name="Announcements").click()
    expect(page.get_by_role("heading", name="Write to everyone enrolled")).to_be_visible()
    problems = _phone_problems(page, "announcements")

    subject = unique("Kerja bakti Sabtu ")
    words = "Kerja bakti membersihkan saluran air hari Sabtu pukul 07.00. Bawa sarung tangan."
    page.get_by_role("textbox", name="Subject").fill(subject)
    page.get_by_role("textbox", name="Message").fill(words)
    page.get_by_role("button", name="Preview").click()

    preview = page.get_by_role("region", name="Preview")
    reach = preview.get_by_text(re.compile(r"This will reach \d+ of \d+ enrolled participants?\."))
    expect(reach).to_be_visible()
    count, enrolled = map(int, re.findall(r"\d+", reach.inner_text())[:2])
    assert 1 <= count <= enrolled
    expect(preview.get_by_text(subject).first).to_be_visible()
    expect(preview.get_by_text(words).first).to_be_visible()
    problems += _phone_problems(page, "announcement-preview")
    send = preview.get_by_role("button", name=f"Send to {count} participant" + ("s" if count != 1 else ""))
    send.click()

    expect(page.get_by_text(f"Announcement queued for {count} of {enrolled} enrolled participants")).to_be_visible()
    expect(page.get_by_role("region", name="Past announcements")).to_contain_text(subject)

    message = mail_sink.wait_for(email, subject)
    assert words in text_of(message)
    assert name in text_of(message)
    assert PROJECT_TITLE in text_of(message)
    assert not problems, "\n".join(problems)


def test_the_outbox_fits_a_phone_with_a_message_open(page, mail_sink):
    # A text message waits in the outbox (the live server has no SMS gateway), its text readable there: a
    # registration's, with the personal link, a long line.
    _register(page, unique("Warga "), phone=f"0813 {random.randint(1000, 9999)} {random.randint(1000, 9999)}")
    page.context.clear_cookies()
    sign_in_with_language(page, "admin", "English")
    page.goto("/admin/outbox")
    expect(page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    page.locator("table details summary").first.click()
    expect(page.locator("table details pre").first).to_contain_text("/my/")
    problems = _phone_problems(page, "outbox")
    assert not problems, "\n".join(problems)
