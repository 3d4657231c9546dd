"""Secret links really die (reissue, revoke, deactivation, password change) and only their hashes are stored."""

import importlib
import re
from datetime import UTC, datetime, timedelta

from conftest import post_form, sign_in
from factories import make_program, make_staff
from piccolo.apps.user.tables import BaseUser

from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment
from server.people.consent import record_consent
from server.people.links import reissue_personal_links, reissue_staff_feed, revoke_personal_links, token_owner
from server.people.participants import create_participant
from server.people.tables import AccessToken
from server.people.tokens import feed_token, new_token, token_hash
from server.programs.tables import TeamMember
from server.surveys import services as surveys
from server.surveys.tables import Question, Survey, SurveyInvite

LINK = re.compile(r"/my/([\w-]{43})")
FEED = re.compile(r"/feeds/([\w-]{43})\.ics")
MIGRATION = importlib.import_module("migrations.gotong_2026_11_30t00_20_00_000000")


async def _plain_404(client) -> str:
    return (await client.get("/feeds/" + "z" * 43 + ".ics")).text


async def _assert_dead(client, url: str, plain: str) -> None:
    response = await client.get(url)
    assert response.status_code == 404
    assert response.text == plain and "BEGIN:VCALENDAR" not in response.text


async def _person_on_program(organizer, **values):
    program = await make_program(slug="kelas", enrolment_mode="open")
    pid = await create_participant(organizer, {"display_name": "Ratna", "preferred_locale": "en", **values})
    await record_consent(pid, "participation", actor=organizer)
    row = await enrolment.enrol(organizer, program.id, pid)
    return program, pid, row


async def test_reissuing_the_personal_link_ends_its_calendar_feed(organizer_client, organizer):
    _program, pid, _row = await _person_on_program(organizer)
    made = await post_form(organizer_client, f"/participants/{pid}/link")
    old_page = LINK.search(made.text).group(1)
    old_feed = FEED.search((await organizer_client.get(f"/my/{old_page}")).text).group(1)
    assert (await organizer_client.get(f"/feeds/{old_feed}.ics")).status_code == 200
    again = await post_form(organizer_client, f"/participants/{pid}/link")
    new_page = LINK.search(again.text).group(1)
    plain = await _plain_404(organizer_client)
    await _assert_dead(organizer_client, f"/feeds/{old_feed}.ics", plain)
    # The new page shows the new feed, which works.
    new_feed = FEED.search((await organizer_client.get(f"/my/{new_page}")).text).group(1)
    assert new_feed != old_feed and (await organizer_client.get(f"/feeds/{new_feed}.ics")).status_code == 200


async def test_revoking_the_personal_link_ends_its_calendar_feed(client, organizer):
    program, pid, row = await _person_on_program(organizer)
    await TeamMember.insert(TeamMember(program=program.id, staff=organizer.id, role="lead")).run()
    page = await reissue_personal_links(organizer, pid)
    feed = feed_token(page)
    assert (await client.get(f"/feeds/{feed}.ics")).status_code == 200
    await sign_in(client, organizer.username)
    stopped = await post_form(
        client, f"/manage/programs/{program.slug}/participants/{row['id']}/link", {"action": "revoke"}
    )
    assert stopped.status_code == 303
    plain = await _plain_404(client)
    await _assert_dead(client, f"/feeds/{feed}.ics", plain)
    assert (await client.get(f"/my/{page}")).status_code == 404


async def _staff_with_feed(client, username: str):
    staff = await make_staff(username=username)
    program = await make_program(
        slug=f"milik-{username}", title="Kelompok Rahasia", public_title="Kelompok Rabu", discreet=True
    )
    await TeamMember.insert(TeamMember(program=program.id, staff=staff.id, role="lead")).run()
    await sign_in(client, username)
    page = await post_form(client, "/account/calendar/reissue")
    token = FEED.search(page.text).group(1)
    assert (await client.get(f"/feeds/{token}.ics")).status_code == 200
    return staff, token


async def test_deactivating_a_staff_member_ends_their_calendar_feed(client, admin):
    staff, token = await _staff_with_feed(client, "dewi")
    client.cookies.clear()
    await sign_in(client, admin.username)
    response = await post_form(client, f"/admin/staff/{staff.id}", {"display_name": "Dewi", "role": "facilitator"})
    assert response.status_code == 303
    await _assert_dead(client, f"/feeds/{token}.ics", await _plain_404(client))
    # Reactivating the account does not bring the old link back.
    await post_form(client, f"/admin/staff/{staff.id}", {"display_name": "Dewi", "role": "facilitator", "active": "on"})
    await _assert_dead(client, f"/feeds/{token}.ics", await _plain_404(client))


async def test_changing_the_password_ends_the_staff_calendar_feed(client, db):
    _staff, token = await _staff_with_feed(client, "eka")
    changed = await post_form(
        client,
        "/account/password",
        {
            "current_password": "correct-horse",
            "new_password": "battery-staple-9",
            "repeat_password": "battery-staple-9",
        },
    )
    assert changed.status_code == 303
    await _assert_dead(client, f"/feeds/{token}.ics", await _plain_404(client))
    page = await client.get("/account/calendar")
    assert "/feeds/" not in page.text and "Make my calendar link" in page.text


async def test_a_feed_of_an_inactive_account_is_a_plain_404_at_request_time(client, db):
    staff, token = await _staff_with_feed(client, "fajar")
    # Deactivated behind the service's back (another tool, a restored backup): the feed row is still live.
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == staff.user_id).run()
    assert await AccessToken.exists().where((AccessToken.staff == staff.id) & AccessToken.revoked_at.is_null()).run()
    await _assert_dead(client, f"/feeds/{token}.ics", await _plain_404(client))


async def _every_stored_value(*tables) -> str:
    values = []
    for table in tables:
        for row in await table.select().run():
            values.extend(str(value) for value in row.values())
    return "\n".join(values)


async def test_the_database_never_holds_a_plain_token(organizer_client, organizer):
    program, pid, _row = await _person_on_program(organizer)
    made = await post_form(organizer_client, f"/participants/{pid}/link")
    page = LINK.search(made.text).group(1)
    survey = Survey(title="Survei Awal", purpose="pre", program=program.id, published=True, token=new_token())
    await survey.save().run()
    await Question.insert(Question(survey=survey.id, kind="short_text", text="Harapan?")).run()
    personal = (await organizer_client.get(f"/my/{page}")).text
    feed = FEED.search(personal).group(1)
    invite = re.search(rf"/s/{survey.token}/i/([\w-]{{43}})", personal).group(1)
    staff_page = await post_form(organizer_client, "/account/calendar/reissue")
    staff_feed = FEED.search(staff_page.text).group(1)
    stored = await _every_stored_value(AccessToken, SurveyInvite)
    for secret in (page, feed, invite, staff_feed):
        assert secret not in stored
        assert token_hash(secret) in stored
    # And each of them works.
    assert (await organizer_client.get(f"/feeds/{feed}.ics")).status_code == 200
    assert (await organizer_client.get(f"/feeds/{staff_feed}.ics")).status_code == 200
    assert (await organizer_client.get(f"/s/{survey.token}/i/{invite}")).status_code == 200


async def test_reissuing_the_personal_link_ends_its_survey_invitations(client, organizer):
    program, pid, _row = await _person_on_program(organizer)
    survey = Survey(title="Survei Awal", purpose="pre", program=program.id, published=True, token=new_token())
    await survey.save().run()
    old_page = await reissue_personal_links(organizer, pid)
    old = await surveys.invite_link(survey.id, pid, old_page)
    path = "/" + old.split("://", 1)[1].split("/", 1)[1]
    assert (await client.get(path)).status_code == 200
    new_page = await reissue_personal_links(organizer, pid)
    assert (await client.get(path)).status_code == 404
    new = await surveys.invite_link(survey.id, pid, new_page)
    assert new != old and (await client.get("/" + new.split("://", 1)[1].split("/", 1)[1])).status_code == 200
    assert (await client.get(path)).status_code == 404
    await revoke_personal_links(organizer, pid)
    assert (await client.get("/" + new.split("://", 1)[1].split("/", 1)[1])).status_code == 404


async def test_migration_hashes_plain_tokens_and_keeps_old_links_working(client, organizer):
    program, pid, _row = await _person_on_program(organizer)
    staff = await make_staff(username="gita")
    survey = Survey(title="Survei Awal", purpose="pre", program=program.id, published=True, token=new_token())
    await survey.save().run()
    # Rows as the previous release wrote them: plain random tokens, the feed not derived from the page.
    page, feed, staff_feed, invite = (new_token() for _ in range(4))
    created = datetime.now(UTC) - timedelta(days=30)
    await AccessToken.insert(
        AccessToken(token=page, kind="participant_page", participant=pid, created_at=created),
        AccessToken(token=feed, kind="participant_feed", participant=pid, created_at=created),
        AccessToken(token=staff_feed, kind="staff_feed", staff=staff.id, created_at=created),
    ).run()
    await SurveyInvite.insert(SurveyInvite(survey=survey.id, participant=pid, token=invite)).run()
    already = await reissue_staff_feed(None, (await make_staff(username="hadi")).id)  # hashed already

    assert await MIGRATION.hash_stored_tokens() == 4
    assert await MIGRATION.hash_stored_tokens() == 0  # safe to run again
    stored = await _every_stored_value(AccessToken, SurveyInvite)
    for secret in (page, feed, staff_feed, invite):
        assert secret not in stored
    assert (await token_owner(page, "participant_page"))["participant"] == pid
    for token in (feed, feed_token(page), staff_feed, already):
        assert (await client.get(f"/feeds/{token}.ics")).status_code == 200
    assert (await client.get(f"/s/{survey.token}/i/{invite}")).status_code == 200
    # The personal page now shows the derived feed link; revoking the set ends both feeds.
    assert f"/feeds/{feed_token(page)}.ics" in (await client.get(f"/my/{page}")).text
    await revoke_personal_links(None, pid)
    for token in (feed, feed_token(page)):
        assert (await client.get(f"/feeds/{token}.ics")).status_code == 404
    assert await Enrolment.count().where(Enrolment.participant == pid).run() == 1
