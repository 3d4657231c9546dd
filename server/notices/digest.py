"""The staff digest: once a day, to the staff members who asked for it, the people who stopped coming."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from server import clock, privacy
from server.attendance.rates import count_early_warnings, early_warnings
from server.config import settings
from server.messages.outbox import queue
from server.messages.tables import OutboxMessage
from server.organisation import services as organisation
from server.people import staff as accounts
from server.people.tables import Staff
from server.programs.tables import Program
from server.web.access import CurrentStaff

# Not before this local hour of the organisation: a summary of the day ahead, read with the morning's mail.
SEND_FROM = time(7, 0)
# The longest list in one message; the count says how many there are in all, the dashboard shows the rest.
LIMIT = 50


def digest_key(staff_id: int, day: Any) -> str:
    return f"digest:{staff_id}:{day.isoformat()}"


async def send_digests(now: datetime) -> int:
    """Queues today's digest to every active staff member who opted in and has an e-mail address, once per local
    day of the organisation and only from SEND_FROM; nothing to someone without early warnings. Idempotent (the
    key is per person and day), so every delivery loop may run it every hour. Returns how many it queued."""
    await organisation.load()  # the organisation's timezone, as its settings page set it
    zone = clock.organisation_timezone()
    local = now.astimezone(ZoneInfo(zone))
    if local.time() < SEND_FROM:
        return 0
    rows = (
        await Staff.select(Staff.id, Staff.user.email.as_alias("email"))
        .where(
            (Staff.warning_digest == True)  # noqa: E712  (a column comparison, not a truth test)
            & (Staff.user._.active == True)  # noqa: E712
            & (Staff.user._.email != "")
        )
        .order_by(Staff.id)
        .run()
    )
    queued = 0
    for row in rows:
        key = digest_key(row["id"], local.date())
        # Checked first so that the hourly runs after today's message cost one lookup, not the warnings query.
        if await OutboxMessage.exists().where(OutboxMessage.idempotency_key == key).run():
            continue
        staff = await accounts.active_staff(row["id"])
        if staff is not None and await _queue_digest(staff, row["email"], key, now, zone):
            queued += 1
    return queued


async def _queue_digest(staff: CurrentStaff, address: str, key: str, now: datetime, zone: str) -> bool:
    total = await count_early_warnings(staff, now)
    if not total:
        return False
    warnings = await early_warnings(staff, now, limit=LIMIT)
    titles = await _titles(staff, sorted({item["program_id"] for item in warnings}))
    # Display names and program titles only: never contact details or notes, whoever reads the mailbox.
    people = [
        {"name": item["display_name"], "program": titles[item["program_id"]], "missed": item["streak"]}
        for item in warnings
    ]
    return await queue(
        key=key,
        template="warning_digest",
        language=staff.locale or settings.default_locale,
        address=address,
        staff_id=staff.id,
        now=now,
        timezone=zone,
        context={
            "name": staff.display_name,
            "total": total,
            "people": people,
            "more": total - len(people),
            # The dashboard's address (server/pages/dashboard.py); a periodic job has no request to reverse it from.
            "dashboard_url": f"{settings.base_url}/dashboard",
        },
    )


async def _titles(staff: CurrentStaff, program_ids: list[int]) -> dict[int, str]:
    """Each program's title as the privacy policy words it for this staff member in a message. early_warnings
    lists a facilitator's team programs only; an organizer's or admin's role decides by itself."""
    viewer = privacy.staff_viewer(staff, on_team=not staff.is_organizer)
    rows = (
        await Program.select(Program.id, Program.title, Program.public_title, Program.discreet)
        .where(Program.id.is_in(program_ids))
        .run()
    )
    return {row["id"]: privacy.title(row, viewer, privacy.MESSAGE) for row in rows}
