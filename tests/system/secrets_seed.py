"""Seeds the access-log test's database with one real link of every secret kind and prints them as JSON (a script)."""
import asyncio
import json
import sys
from urllib.parse import urlparse


async def main() -> None:
    from server.people import services as people
    from server.people.tokens import feed_token
    from server.surveys import services as surveys
    from server.surveys.tables import Survey

    staff = await people.active_staff(1)
    participant = await people.create_participant(None, {"display_name": "Peserta Log"})
    await people.record_consent(participant, "participation", actor=None)
    page = await people.reissue_personal_links(None, participant)
    feed = feed_token(page)
    staff_feed = await people.reissue_staff_feed(None, staff.id)
    survey = Survey(title="Survei Log", purpose="session_feedback", token=people.new_token(), published=True, anonymous=False)
    await survey.save().run()
    invite = urlparse(await surveys.invite_link(survey.id, participant, page)).path
    json.dump(
        {
            "paths": [f"/my/{page}", f"/my/{page}/data.json", f"/feeds/{feed}.ics", f"/feeds/{staff_feed}.ics", f"/s/{survey.token}", invite],
            "secrets": [page, feed, staff_feed, survey.token, invite.rsplit("/", 1)[-1]],
        },
        sys.stdout,
    )


asyncio.run(main())
