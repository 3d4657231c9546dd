"""Seeds the access-log test's database with one real link of every secret kind and prints them as JSON (a script)."""

import asyncio
import json
import sys
from urllib.parse import urlparse


async def main() -> None:
    from server.people.consent import record_consent
    from server.people.links import reissue_personal_links, reissue_staff_feed
    from server.people.participants import create_participant
    from server.people.staff import active_staff
    from server.people.tokens import feed_token, new_token
    from server.surveys import services as surveys
    from server.surveys.tables import Survey

    staff = await active_staff(1)
    participant = await create_participant(None, {"display_name": "Peserta Log"})
    await record_consent(participant, "participation", actor=None)
    page = await reissue_personal_links(None, participant)
    feed = feed_token(page)
    staff_feed = await reissue_staff_feed(None, staff.id)
    survey = Survey(title="Survei Log", purpose="session_feedback", token=new_token(), published=True, anonymous=False)
    await survey.save().run()
    invite = urlparse(await surveys.invite_link(survey.id, participant, page)).path
    json.dump(
        {
            "paths": [
                f"/my/{page}",
                f"/my/{page}/data.json",
                f"/feeds/{feed}.ics",
                f"/feeds/{staff_feed}.ics",
                f"/s/{survey.token}",
                invite,
            ],
            "secrets": [page, feed, staff_feed, survey.token, invite.rsplit("/", 1)[-1]],
        },
        sys.stdout,
    )


asyncio.run(main())
