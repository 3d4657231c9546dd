"""The data checks' kept counts always equal a from-scratch recomputation, and the organizers' counts read from
them equal the counts over the raw rows, whatever sequence of new people, changed details, consents given and
withdrawn, joins, leaves, goals, archiving and erasures came before: a hypothesis state machine driving the real
services."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from dbsetup import reset_database
from factories import make_program, make_staff
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from server import clock
from server.enrolment import services as enrolment
from server.enrolment.tables import Enrolment
from server.errors import DomainError
from server.pages.personal_data import erase_participant
from server.people import consent, participants
from server.programs.choices import PHASES
from server.programs.services import editing, goals, phases
from server.programs.tables import Goal, Program
from server.reports import checks, checks_kept
from server.reports.sql import raw

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
PROGRAMS = 2
# Few values, so that people often share one (possible duplicates) and often stop sharing it.
NAMES = ("Sari", "sari ", "Budi", "Joko")
PHONES = ("", "0812 3456 7890", "+62 812-3456-7890", "0813 1111 2222")
EMAILS = ("", "a@contoh.id", "A@contoh.id", "b@contoh.id")
PURPOSES = ("participation", "contact")
programs_ = st.integers(0, PROGRAMS - 1)
details = st.fixed_dictionaries(
    {"display_name": st.sampled_from(NAMES), "phone": st.sampled_from(PHONES), "email": st.sampled_from(EMAILS)}
)


class KeptChecks(RuleBasedStateMachine):
    """Two open programs in implementation, people coming and going, goals set and measured, programs moving
    between phases and in and out of the archive."""

    def __init__(self) -> None:
        super().__init__()
        self.loop = asyncio.new_event_loop()

    def run(self, coroutine_function, *args, **kwargs):
        async def at_now():
            with clock.frozen(NOW):
                try:
                    return await coroutine_function(*args, **kwargs)
                except DomainError:
                    return None

        return self.loop.run_until_complete(at_now())

    def teardown(self) -> None:
        self.loop.close()

    @initialize()
    def organisation(self) -> None:
        async def build():
            await reset_database()
            self.staff = await make_staff("admin")
            self.programs = []
            for number in range(PROGRAMS):
                program = await make_program(slug=f"p{number}", phase="implementation", enrolment_mode="open")
                self.programs.append(program.id)
            self.people: list[int] = []
            # An empty organisation, as after `migrate`: the totals' row exists.
            await checks_kept.rebuild_all()

        self.run(build)

    async def _program(self, index: int) -> dict:
        return await Program.select().where(Program.id == self.programs[index]).first().run()

    def _person(self, data) -> int | None:
        if not self.people:
            return None
        return self.people[data.draw(st.integers(0, len(self.people) - 1))]

    # --- writes -----------------------------------------------------------------------------------

    @rule(values=details, contact=st.booleans(), participation=st.booleans())
    def new_person(self, values: dict, contact: bool, participation: bool) -> None:
        given = [purpose for purpose, wanted in (("contact", contact), ("participation", participation)) if wanted]
        person = self.run(participants.create_participant, self.staff, values, given)
        if person is not None:
            self.people.append(person)

    @rule(data=st.data(), values=details)
    def change_details(self, data, values: dict) -> None:
        person = self._person(data)
        if person is not None:
            self.run(participants.update_participant, self.staff, person, values)

    @rule(data=st.data(), purpose=st.sampled_from(PURPOSES), gives=st.booleans())
    def consent_changes(self, data, purpose: str, gives: bool) -> None:
        person = self._person(data)
        if person is None:
            return
        if gives:
            self.run(consent.record_consent, person, purpose, actor=self.staff)
        else:
            self.run(consent.withdraw_consent, person, purpose, actor=self.staff)

    @rule(data=st.data(), program=programs_)
    def join(self, data, program: int) -> None:
        person = self._person(data)
        if person is not None:
            self.run(enrolment.enrol, self.staff, self.programs[program], person, now=NOW)

    @rule(data=st.data(), program=programs_)
    def leave(self, data, program: int) -> None:
        person = self._person(data)

        async def leave():
            row = (
                await Enrolment.select(Enrolment.id)
                .where((Enrolment.program == self.programs[program]) & (Enrolment.participant == person))
                .first()
                .run()
            )
            if row:
                await enrolment.withdraw(self.staff, self.programs[program], row["id"], "moved away", now=NOW)

        if person is not None:
            self.run(leave)

    @rule(program=programs_, valued=st.booleans())
    def goal(self, program: int, valued: bool) -> None:
        async def add():
            found = await self._program(program)
            goal_id = await goals.add_goal(
                found, {"statement": "Goal", "indicator": "", "unit": "", "baseline": 0.0, "target": 5.0}
            )
            if valued:
                await goals.record_goal_value(self.staff, found, goal_id, 2.0)

        self.run(add)

    @rule(program=programs_)
    def goal_deleted(self, program: int) -> None:
        async def delete():
            row = await Goal.select(Goal.id).where(Goal.program == self.programs[program]).first().run()
            if row:
                await goals.delete_goal(await self._program(program), row["id"])

        self.run(delete)

    @rule(program=programs_, archived=st.booleans())
    def archive(self, program: int, archived: bool) -> None:
        async def archive():
            await editing.archive_program(self.staff, await self._program(program), archived)

        self.run(archive)

    @rule(program=programs_, phase=st.sampled_from(PHASES))
    def phase_changes(self, program: int, phase: str) -> None:
        # Back by an administrator with a reason, forward when the phase's requirements are met (else refused).
        async def move():
            await phases.change_phase(self.staff, await self._program(program), phase, reason="Diulang")

        self.run(move)

    @rule(data=st.data())
    def erase(self, data) -> None:
        person = self._person(data)
        if person is not None:
            self.run(erase_participant, self.staff, person, now=NOW)

    # --- the invariant ----------------------------------------------------------------------------

    @invariant()
    def kept_counts_equal_a_recomputation_and_the_raw_counts(self) -> None:
        if not hasattr(self, "staff"):
            return

        async def compare():
            assert await checks_kept.kept() == await checks_kept.from_scratch()
            scope = checks._Scope(self.staff, None)
            live = (
                await raw("SELECT " + ",\n".join(checks._live_counts(scope)), now=NOW, today=NOW.date(), **scope.params)
            )[0]
            counts = await checks.check_counts(self.staff, NOW, None)
            compared = (*checks.KINDS, "programs_without_goals")
            assert {kind: counts[kind] for kind in compared} == {kind: int(live[kind] or 0) for kind in compared}

        self.run(compare)


KeptChecks.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.usefixtures("_template_database")
def test_kept_data_check_counts_equal_a_recomputation():
    KeptChecks.TestCase().runTest()


@pytest.mark.usefixtures("_template_database")
def test_a_person_leaving_a_shared_key_ends_the_duplicate_group_and_a_withdrawn_consent_counts():
    """The paths that matter most: two people share a phone, one changes it; consent to take part is withdrawn from
    a member and given again; consent to be contacted is withdrawn (the details go with it)."""
    machine = KeptChecks()
    try:
        machine.organisation()
        machine.new_person({"display_name": "Sari", "phone": "0812 3456 7890", "email": ""}, True, False)
        machine.new_person({"display_name": "Budi", "phone": "+62 812-3456-7890", "email": ""}, True, True)
        machine.kept_counts_equal_a_recomputation_and_the_raw_counts()
        counts = machine.run(checks.check_counts, machine.staff, NOW, None)
        assert counts["duplicates"] == 1
        machine.run(
            participants.update_participant,
            machine.staff,
            machine.people[0],
            {"display_name": "Sari", "phone": "0813 1111 2222"},
        )
        machine.kept_counts_equal_a_recomputation_and_the_raw_counts()
        assert machine.run(checks.check_counts, machine.staff, NOW, None)["duplicates"] == 0
        machine.run(enrolment.enrol, machine.staff, machine.programs[0], machine.people[1], now=NOW)
        machine.run(consent.withdraw_consent, machine.people[1], "participation", actor=machine.staff)
        machine.kept_counts_equal_a_recomputation_and_the_raw_counts()
        assert machine.run(checks.check_counts, machine.staff, NOW, None)["no_consent"] == 1
        machine.run(consent.record_consent, machine.people[1], "participation", actor=machine.staff)
        machine.kept_counts_equal_a_recomputation_and_the_raw_counts()
        assert machine.run(checks.check_counts, machine.staff, NOW, None)["no_consent"] == 0
        machine.run(consent.withdraw_consent, machine.people[1], "contact", actor=machine.staff)
        machine.kept_counts_equal_a_recomputation_and_the_raw_counts()
    finally:
        machine.teardown()


@pytest.mark.usefixtures("_template_database")
def test_migrate_builds_the_kept_counts_of_a_database_from_before_them():
    async def scenario():
        await reset_database()
        await make_program(slug="lama", phase="implementation")
        await participants.create_participant(None, {"display_name": "Lama", "phone": "0812 3456 7890"}, ["contact"])
        await raw('DELETE FROM "check_total"')
        await raw('DELETE FROM "person_check"')
        assert await checks_kept.missing()
        assert await checks_kept.rebuild_all() == 1
        assert not await checks_kept.missing()
        assert await checks_kept.kept() == await checks_kept.from_scratch()

    asyncio.run(scenario())
