"""Who hears about a session (its members at its start), and what of the session and its program they may read."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from server import privacy
from server.attendance.rules import T_ENROLMENT, T_SESSION, member_at_start_sql, raw

# A session's members read its messages as members of the program (their own personal page's view).
MEMBER = privacy.participant_viewer(enrolled=True)


async def session_members(session_ids: list[int]) -> dict[int, list[int]]:
    """The participants who are members at each session's start (attendance's rule: enrolled by the dates then, or
    already marked), in one query whatever the number of sessions."""
    if not session_ids:
        return {}
    rows = await raw(
        f"""SELECT s.id AS session_id, e.participant AS participant_id
        FROM "{T_SESSION}" s JOIN "{T_ENROLMENT}" e ON e.program = s.program AND {member_at_start_sql("e")}
        WHERE s.id IN (:ids) ORDER BY s.id, e.participant""",
        ids=sorted(set(session_ids)),
    )
    members: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        members[row["session_id"]].append(row["participant_id"])
    return dict(members)


def session_context(program: dict[str, Any], session: dict[str, Any]) -> dict[str, Any]:
    """What a message about a session may say, as the privacy policy allows it to a member by message: the program's
    title (a discreet program's neutral one), the time in the program's timezone, the place and online room only
    where the program shows them to members. No topic or notes: staff write those for staff."""
    shown = privacy.session_view(session, program, MEMBER, privacy.MESSAGE)
    return {
        "program_title": privacy.title(program, MEMBER, privacy.MESSAGE),
        "starts_at": session["starts_at"],
        "ends_at": session["ends_at"],
        "timezone": program["timezone"],
        "location": shown.get("location") or "",
        "online_link": shown.get("online_link") or "",
        # Why it was cancelled, where members may read it in a message: staff write it for members, but it is free
        # text that may name the subject, so a discreet program's messages leave it out (the policy's cell).
        "cancel_reason": shown.get("cancel_reason") or "",
    }
