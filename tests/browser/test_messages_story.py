"""A visitor registers for a public program with an e-mail address and consent to be contacted; the confirmation
e-mail arrives at the organisation's SMTP server, and the personal link in it opens their personal page. An
organizer then cancels a session, and the participant's cancellation message arrives.

The server here delivers its own messages (the in-process delivery loop) to an SMTP server in this test process, so
this file starts its own live server rather than the shared one."""

from __future__ import annotations

import shutil
import tempfile
import time
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from browser_helpers import sign_in, unique
from playwright.sync_api import expect
from system.live import free_port, fresh_database_url, run_cli, server_env, start_server

WORKSHOP_TITLE = "Pelatihan Pengasuhan Positif"


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        self.messages.append((envelope.rcpt_tos, message_from_bytes(raw, policy=policy.default)))
        return "250 Message accepted for delivery"

    def wait_for(self, address: str, seconds: float = 30, *, nth: int = 0):
        """The `nth` e-mail (0: the first) that arrived for `address`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            arrived = [email for recipients, email in self.messages if recipients == [address]]
            if len(arrived) > nth:
                return arrived[nth]
            time.sleep(0.2)
        raise AssertionError(f"no e-mail to {address} arrived; received: {[to for to, _ in self.messages]}")


@pytest.fixture(scope="module")
def inbox():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{port}"  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


@pytest.fixture(scope="module")
def live_server(inbox):
    """Like the shared live server (tests/browser/conftest.py), with e-mail: this module's `page` runs against it."""
    workdir = Path(tempfile.mkdtemp(prefix="gotong-browser-mail-"))
    port = free_port()
    env = server_env(
        fresh_database_url(workdir, "browser_mail"),
        port,
        GOTONG_BASE_URL=f"http://127.0.0.1:{port}",
        GOTONG_LOGIN_ATTEMPTS_PER_MINUTE="1000",
        GOTONG_SMTP_URL=inbox.url,
        GOTONG_MAIL_FROM="Gotong <kabar@gotong.example>",
        GOTONG_DELIVERY_IN_PROCESS="1",
        # Mail goes at once, whatever the hour in the programs' timezone (quiet hours would hold a cancellation
        # notice queued between 21:00 and 07:00 in Jakarta, 14:00–24:00 UTC, until the morning).
        GOTONG_QUIET_HOURS="",
    )
    run_cli(env, "seed-demo")
    server = start_server(env)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=10)
    shutil.rmtree(workdir, ignore_errors=True)


def register(page, name: str, address: str) -> None:
    page.goto("/programs")
    page.get_by_role("link", name=WORKSHOP_TITLE).click()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("textbox", name="Your name").fill(name)
    page.get_by_role("textbox", name="E-mail").fill(address)
    for purpose in ("participation", "data_collection", "contact"):
        page.locator(f"#f-consent_{purpose}").check()
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Thank you for registering")).to_be_visible()


def test_the_confirmation_email_arrives_and_its_personal_link_opens_the_personal_page(page, inbox, live_server):
    name = unique("Ibu ")
    address = f"{name.replace(' ', '.').lower()}@example.org"
    register(page, name, address)

    email = inbox.wait_for(address)
    assert WORKSHOP_TITLE in email["Subject"]
    text = email.get_body(("plain",)).get_content()
    [link] = [word for word in text.split() if word.startswith(f"{live_server}/my/")]

    page.goto(link)
    expect(page.get_by_role("heading", name=f"Hello, {name}")).to_be_visible()
    expect(page.get_by_role("region", name="My programs")).to_contain_text(WORKSHOP_TITLE)


def test_an_organizer_cancels_a_session_and_the_participant_is_told(page, inbox, live_server):
    name = unique("Pak ")
    address = f"{name.replace(' ', '.').lower()}@example.org"
    register(page, name, address)
    inbox.wait_for(address)  # the confirmation

    sign_in(page, "siti")
    page.goto("/manage/programs/pengasuhan-positif/schedule")
    # The first session that can be cancelled, pinned by its time (its row changes once it is cancelled).
    when = page.get_by_role("listitem").filter(has=page.get_by_text("Cancel this session")).first.locator("time")
    session = page.get_by_role("listitem").filter(has=page.locator("time", has_text=when.first.inner_text()))
    session.get_by_text("Cancel this session").click()
    session.get_by_label("Reason (only enrolled participants").fill("Balai desa dipakai untuk posyandu")
    session.get_by_role("button", name="Cancel session").click()
    expect(session.get_by_text("Cancelled", exact=True)).to_be_visible()

    email = inbox.wait_for(address, nth=1)
    assert WORKSHOP_TITLE in email["Subject"]
    text = email.get_body(("plain",)).get_content()
    assert "Balai desa dipakai untuk posyandu" in text
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
