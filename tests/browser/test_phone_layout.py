"""Every main page of every role fits a 360 px phone and a 1280 px desk (the document is never wider than the
viewport) and axe-core finds no serious or critical violation on it; a screenshot of each page at each width goes to
artifacts/screenshots/ (CI keeps the folder), with the measurements in <role>.json beside them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_helpers import sign_in_with_language
from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
BLOCKING_IMPACTS = ("serious", "critical")
AXE_SCRIPT = Axe().axe_script  # axe-core, as packaged by axe-playwright-python
WORKSHOP = "pengasuhan-positif"
PROJECT = "air-bersih-cibaduyut"  # a community project: it has the milestones tab
PERSON = "Ibu Wulan Sari"  # a workshop participant whose personal page the participant's pass visits

# A page is (name, address). An address "follow:<regex>" opens the first link whose href matches, on the latest page
# visited that has one: the test finds ids (a session, a person, a survey) the way a user does, by following links.
# The facilitator, in Indonesian (the longer words), walks through a program's pages; the admin, in English, through
# the organisation's and the admin's pages and a community project's tabs (the same templates are not visited twice).
ROLE_PAGES = {
    "facilitator": [
        ("dashboard", "/dashboard"),
        ("agenda", "/agenda?range=month"),
        ("programs", "/manage/programs"),
        ("program-overview", f"/manage/programs/{WORKSHOP}"),
        ("program-schedule", f"/manage/programs/{WORKSHOP}/schedule"),
        ("session", r"follow:/sessions/\d+$"),
        ("program-participants", f"/manage/programs/{WORKSHOP}/participants"),
        ("program-attendance", f"/manage/programs/{WORKSHOP}/attendance"),
        ("attendance-sheet", r"follow:/sessions/\d+/attendance$"),
        ("attendance-register", f"/manage/programs/{WORKSHOP}/attendance/register"),
        ("program-report", f"/manage/programs/{WORKSHOP}/report"),
        ("program-announcements", f"/manage/programs/{WORKSHOP}/announcements"),
        ("participants", "/participants"),
        ("person", r"follow:^/participants/\d+$"),
        ("surveys", "/surveys"),
        ("survey-results", r"follow:^/surveys/\d+/results$"),
        ("data-checks", "/reports/checks"),
        ("staff-calendar", "/account/calendar"),
    ],
    "admin": [
        ("dashboard", "/dashboard"),
        ("early-warnings", "/early-warnings"),
        ("programs", "/manage/programs"),
        ("program-new", "/manage/programs/new"),
        ("project-overview", f"/manage/programs/{PROJECT}"),
        ("project-milestones", f"/manage/programs/{PROJECT}/milestones"),
        ("project-team", f"/manage/programs/{PROJECT}/team"),
        ("project-report", f"/manage/programs/{PROJECT}/report"),
        ("project-settings", f"/manage/programs/{PROJECT}/edit"),
        ("participants", "/participants"),
        ("participant-new", "/participants/new"),
        ("surveys", "/surveys"),
        ("survey", r"follow:^/surveys/\d+$"),
        ("survey-questions", r"follow:^/surveys/\d+/questions$"),
        ("survey-results", r"follow:^/surveys/\d+/results$"),
        ("survey-new", "/surveys/new"),
        ("reports", "/reports"),
        ("exports", "/reports/exports"),
        ("data-checks", "/reports/checks"),
        ("admin", "/admin"),
        ("staff", "/admin/staff"),
        ("staff-member", r"follow:^/admin/staff/\d+$"),
        ("audit-log", "/admin/audit"),
        ("outbox", "/admin/outbox"),
        ("api-keys", "/admin/api-keys"),
        ("api-docs", "/api/schema"),
        ("participant-import", "/participants/import"),
        ("survey-import", "/surveys/import"),
        ("cases", "/cases"),
        ("case", r"follow:^/cases/\d+$"),
        ("referrals", "/cases/referrals"),
        ("organisation-settings", "/admin/organisation"),
        ("password", "/account/password"),
    ],
    "visitor": [
        ("home", "/"),
        ("catalogue", "/programs"),
        ("public-program", f"/programs/{WORKSHOP}"),
        ("registration", f"/programs/{WORKSHOP}/register"),
        ("poster", f"/programs/{WORKSHOP}/poster"),
        ("sign-in", "/login"),
        ("forgot-password", "/password/forgot"),
    ],
}
SIGN_IN = {"admin": ("admin", "English"), "facilitator": ("budi", "Bahasa Indonesia")}


def _open(page, address: str, seen: list[list[str]]) -> None:
    """Opens an address, or follows a link seen on an earlier page; adds the links of the page to `seen`."""
    if address.startswith("follow:"):
        pattern = re.compile(address.removeprefix("follow:"))
        matching = [href for hrefs in reversed(seen) for href in hrefs if pattern.search(re.split("[?#]", href)[0])]
        assert matching, f"no link matching {pattern.pattern} on the pages visited so far"
        address = matching[0]
    response = page.goto(address)
    assert response is not None and response.ok, f"{address} answered {response.status if response else None}"
    seen.append(page.eval_on_selector_all("a[href]", "links => links.map(link => link.getAttribute('href'))"))


def _check(page, role: str, name: str, viewport: dict[str, int]) -> dict:
    """Measures the open page at one width, screenshots it and runs axe-core (injected already) on it."""
    page.set_viewport_size(viewport)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=SCREENSHOTS / f"{role}-{name}-{viewport['width']}.jpeg", full_page=True, quality=70)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    blocking = [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    return {"page": name, "url": page.url, "viewport": viewport["width"], "document_width": width, "axe": blocking}


def _tour(page, role: str, pages: list[tuple[str, str]]) -> list[dict]:
    """Visits each page once (desk width first, then the same document narrowed to a phone's)."""
    measurements: list[dict] = []
    seen: list[list[str]] = []
    for name, address in pages:
        page.set_viewport_size(DESK)
        _open(page, address, seen)
        page.evaluate(AXE_SCRIPT)
        for viewport in (DESK, PHONE):
            measurements.append(_check(page, role, name, viewport))
    return measurements


def _problems(role: str, measurements: list[dict]) -> list[str]:
    (SCREENSHOTS / f"{role}.json").write_text(json.dumps(measurements, indent=1, ensure_ascii=False))
    problems = []
    for row in measurements:
        where = f"{row['page']} at {row['viewport']} px ({row['url']})"
        if row["document_width"] > row["viewport"]:
            problems.append(f"{where} is {row['document_width']} px wide")
        for violation in row["axe"]:
            problems.append(f"{where}: axe {violation['impact']} {violation['rule']} {violation['targets']}")
    return problems


def _personal_link(context) -> str:
    """A facilitator makes a fresh personal link for one workshop participant (only hashes are stored)."""
    page = context.new_page()
    sign_in_with_language(page, "budi", "English")
    page.goto(f"/manage/programs/{WORKSHOP}/participants")
    person = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PERSON, exact=True))
    person.get_by_text(re.compile(r"^Personal link\b")).click()
    person.get_by_role("button", name="Make a link").click()
    person = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PERSON, exact=True))
    field = person.get_by_role("textbox", name="Send this link to the person; anyone who has it can open their page.")
    expect(field).to_be_visible()
    link = field.input_value()
    page.close()
    return link


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.mark.parametrize("role", ["admin", "facilitator", "visitor", "participant"])
def test_every_main_page_fits_a_phone_and_has_no_serious_accessibility_violation(
    role, browser, live_server, screenshots
):
    context = browser.new_context(base_url=live_server, locale="id-ID" if role != "admin" else "en-GB", viewport=DESK)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        if role in SIGN_IN:
            sign_in_with_language(page, *SIGN_IN[role])
            pages = ROLE_PAGES[role]
        elif role == "participant":
            link = _personal_link(context)
            context.clear_cookies()  # the participant is not signed in: only the link opens their page
            pages = [("personal-page", link)]
        else:
            pages = ROLE_PAGES[role]
        problems = _problems(role, _tour(page, role, pages))
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_on_a_phone_the_menu_folds_behind_a_button_and_a_programs_phase_and_tabs_keep_one_row(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="en-GB", viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        sign_in_with_language(page, "budi", "English")
        page.goto(f"/manage/programs/{WORKSHOP}/attendance")
        menu = page.get_by_role("navigation", name="Main")
        dashboard = menu.get_by_role("link", name="Dashboard")
        expect(dashboard).to_be_hidden()
        # The menu button works from the keyboard (and without JavaScript: it is a <details>).
        menu.get_by_text("Menu").focus()
        page.keyboard.press("Enter")
        expect(dashboard).to_be_visible()
        page.keyboard.press("Enter")
        expect(dashboard).to_be_hidden()

        title = page.get_by_role("heading", level=1)
        assert float(title.evaluate("h => getComputedStyle(h).fontSize").removesuffix("px")) <= 24
        tabs = page.get_by_role("navigation", name="Program sections").get_by_role("link")
        expect(tabs).to_have_count(8)
        phase = page.locator('.stepper [aria-current="step"]')
        boxes = [phase.bounding_box(), *(tab.bounding_box() for tab in tabs.all())]
        middles = [box["y"] + box["height"] / 2 for box in boxes]
        assert max(middles) - min(middles) < 6, f"the phase and the tabs wrap to several rows: {middles}"
        bar = page.locator(".program-bar")
        assert bar.evaluate("bar => bar.scrollWidth > bar.clientWidth"), "the row of tabs does not scroll sideways"
        # The tab's own content starts in the top half of the first screen (it started at 697 of 740 px before).
        box = bar.bounding_box()
        assert box["y"] + box["height"] < PHONE["height"] / 2, (
            f"the program's header ends at {box['y'] + box['height']}"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        page.set_viewport_size(DESK)
        expect(menu.get_by_text("Menu")).to_be_hidden()
        expect(dashboard).to_be_visible()
    finally:
        context.close()
