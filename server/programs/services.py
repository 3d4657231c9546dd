"""Rules for programs: creating and editing, who may manage them, phases, goals, team, partners and milestones."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from server import clock, privacy
from server.audit import record_audit
from server.db import contains_text, transaction
from server.errors import DomainError, Forbidden, Moved, NotFound
from server.i18n import N_
from server.people.tables import Staff
from server.programs.tables import (
    Goal,
    GoalUpdate,
    Milestone,
    Partner,
    PhaseChange,
    Program,
    ProgramPartner,
    ProgramSlugAlias,
    TeamMember,
)
from server.web.access import CurrentStaff

KINDS = ("support_group", "skill_workshop", "community_project")
VISIBILITIES = ("public", "unlisted", "private")
ENROLMENT_MODES = ("open", "approval", "closed")
PHASES = ("assessment", "planning", "implementation", "evaluation", "closed")
TEAM_ROLES = ("lead", "co_facilitator", "organizer")
MILESTONE_STATUSES = ("planned", "in_progress", "done", "blocked")
# Slugs that would shadow a fixed page under /manage/programs/ or /programs/.
RESERVED_SLUGS = ("new", "calendar.ics")

# Program fields a form may set; anything else (phase, archived) changes through its own rule.
EDITABLE_FIELDS = (
    "slug", "kind", "title", "public_title", "discreet", "summary", "description", "visibility", "timezone",
    "default_location", "default_online_link", "capacity", "enrolment_mode", "starts_on", "ends_on",
    "requires_licence", "completion_threshold", "area", "place_members_only",
)



# --- who may do what -----------------------------------------------------------------------------

async def managed_program_ids(staff: CurrentStaff) -> list[int] | None:
    """The programs a staff member works on; None means every program (organizers and admins)."""
    if staff.is_organizer:
        return None
    rows = await TeamMember.select(TeamMember.program).where(TeamMember.staff == staff.id).run()
    return [row["program"] for row in rows]


async def can_manage(staff: CurrentStaff, program_id: int) -> bool:
    if staff.is_organizer:
        return True
    return await TeamMember.exists().where((TeamMember.program == program_id) & (TeamMember.staff == staff.id)).run()


async def program_for_staff(staff: CurrentStaff, slug: str) -> dict[str, Any]:
    """A program a staff member may manage; an unknown slug is NotFound, someone else's program Forbidden.
    An old address of a program the staff member manages raises Moved, which staff pages answer with a
    redirect to the current address (public pages never look old addresses up)."""
    program = await Program.select().where(Program.slug == slug).first().run()
    if program is None:
        alias = await ProgramSlugAlias.select(
            ProgramSlugAlias.program.as_alias("id"), ProgramSlugAlias.program.slug.as_alias("slug")
        ).where(ProgramSlugAlias.slug == slug).first().run()
        if alias is None:
            raise NotFound("program")
        if not await can_manage(staff, alias["id"]):
            raise Forbidden()
        raise Moved(slug, alias["slug"])
    if not await can_manage(staff, program["id"]):
        raise Forbidden()
    return program


def ensure_open(program: dict[str, Any]) -> None:
    """A closed or archived program is a record: read-only."""
    if program["phase"] == "closed" or program["archived"]:
        raise DomainError("program_closed", N_("This program is closed and can no longer be changed."))


# --- web addresses -------------------------------------------------------------------------------

# Words too common to out anyone: an address may share them with a discreet program's real title
# ("kelompok-kamis-malam" for "Kelompok Dukungan Penyintas Kekerasan"). Kept small on purpose: every word
# added here is one the check lets through. Words shorter than MIN_SIGNIFICANT letters never count.
ADDRESS_STOP_WORDS = frozenset({
    # Indonesian
    "dan", "atau", "untuk", "dengan", "yang", "dari", "bagi", "para", "pada", "kami", "kita", "kelompok", "kelas",
    "program", "sesi", "pertemuan",
    # English
    "the", "and", "for", "with", "from", "group", "class", "programme", "session", "meeting",
})
MIN_SIGNIFICANT = 3
# A significant word at least this long is also refused inside a run-together address ("penyintaskamis").
MIN_EMBEDDED = 5
_WORD_RE = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> str:
    """Lowercase ASCII without diacritics, so "Perempuan" and "pérempuan" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def significant_words(text: str) -> set[str]:
    return {word for word in _WORD_RE.findall(_fold(text)) if len(word) >= MIN_SIGNIFICANT and word not in ADDRESS_STOP_WORDS}


def address_leak(slug: str, real_title: str) -> str | None:
    """The first word of a discreet program's real title that its address would reveal, or None."""
    slug_words = set(_WORD_RE.findall(_fold(slug)))
    joined = "".join(_WORD_RE.findall(_fold(slug)))
    for word in sorted(significant_words(real_title)):
        if word in slug_words or (len(word) >= MIN_EMBEDDED and word in joined):
            return word
    return None


def slugify(text: str) -> str:
    """A web address made from a title: ASCII words joined by hyphens, at most 80 characters."""
    words = _WORD_RE.findall(_fold(text))
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 70:
            break
        slug = candidate
    return slug or "program"


async def _address_taken(slug: str, program_id: int | None = None) -> bool:
    """Used by another program, now or before (an old address keeps redirecting its staff)."""
    if slug in RESERVED_SLUGS:
        return True
    current = Program.exists().where(Program.slug == slug)
    old = ProgramSlugAlias.exists().where(ProgramSlugAlias.slug == slug)
    if program_id is not None:
        current = current.where(Program.id != program_id)
        old = old.where(ProgramSlugAlias.program != program_id)
    return await current.run() or await old.run()


async def _choose_address(values: dict[str, Any], program_id: int | None = None) -> None:
    """Fill in a missing address from the title the public sees — the neutral one for a discreet program — and
    refuse an address that would reveal a discreet program's real title."""
    if not values.get("slug"):
        base = slugify(values.get("public_title") if values.get("discreet") else values.get("title") or "")
        slug, number = base, 2
        while await _address_taken(slug, program_id):
            slug, number = f"{base}-{number}", number + 1
        values["slug"] = slug
    if values.get("discreet"):
        word = address_leak(values["slug"], values.get("title") or "")
        if word:
            raise DomainError(
                "slug_reveals_title",
                N_("This web address contains “%(word)s” from the real title, and everyone sees the address. Make it from the neutral public title."),
                field="slug", word=word,
            )
    if await _address_taken(values["slug"], program_id):
        raise DomainError("slug_taken", N_("Another program already uses this web address."), field="slug")


# --- programs --------------------------------------------------------------------------------------

def _check_program_values(values: dict[str, Any]) -> None:
    if values.get("discreet") and not (values.get("public_title") or "").strip():
        raise DomainError("public_title_required", N_("A discreet program needs a neutral public title."), field="public_title")
    if values.get("discreet") and (values.get("public_title") or "").strip().lower() == (values.get("title") or "").strip().lower():
        raise DomainError("public_title_same", N_("The public title must differ from the real title."), field="public_title")
    starts, ends = values.get("starts_on"), values.get("ends_on")
    if starts and ends and ends < starts:
        raise DomainError("ends_before_starts", N_("The end date is before the start date."), field="ends_on")


async def create_program(actor: CurrentStaff, values: dict[str, Any]) -> int:
    values = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    # A support group keeps its room to its members unless whoever creates it says otherwise.
    values.setdefault("place_members_only", values.get("kind") == "support_group")
    _check_program_values(values)
    await _choose_address(values)
    async with transaction():
        program = Program(**values, phase="assessment")
        await program.save().run()
        # Whoever creates a program is on its team, so a facilitator can manage what they start.
        role = "organizer" if actor.is_organizer else "lead"
        await TeamMember.insert(TeamMember(program=program.id, staff=actor.id, role=role)).run()
        await record_audit(actor, "create", "program", program.id, privacy.title(values, privacy.ADMIN, privacy.LOG))
    return program.id


async def program_slug(program_id: int) -> str:
    row = await Program.select(Program.slug).where(Program.id == program_id).first().run()
    if row is None:
        raise NotFound("program")
    return row["slug"]


async def update_program(actor: CurrentStaff, program: dict[str, Any], values: dict[str, Any]) -> str:
    """Saves the program's fields and answers its (perhaps new) web address."""
    ensure_open(program)
    values = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    _check_program_values(values)
    await _choose_address(values, program["id"])
    updates = {getattr(Program, key): value for key, value in values.items()}
    updates[Program.updated_at] = clock.now()
    async with transaction():
        await Program.update(updates).where(Program.id == program["id"]).run()
        if values["slug"] != program["slug"]:
            # Staff bookmarks keep working; going back to an old address makes it current again.
            await ProgramSlugAlias.delete().where(ProgramSlugAlias.slug == values["slug"]).run()
            await ProgramSlugAlias.insert(ProgramSlugAlias(program=program["id"], slug=program["slug"])).run()
    return values["slug"]


async def archive_program(actor: CurrentStaff, program: dict[str, Any], archived: bool = True) -> None:
    if not actor.is_organizer:
        raise Forbidden()
    await Program.update({Program.archived: archived, Program.updated_at: clock.now()}).where(Program.id == program["id"]).run()
    await record_audit(actor, "archive" if archived else "unarchive", "program", program["id"], privacy.title(program, privacy.ADMIN, privacy.LOG))


@dataclass(frozen=True)
class ProgramFilter:
    kind: str = ""
    phase: str = ""
    search: str = ""
    archived: bool = False


async def list_programs_for_staff(staff: CurrentStaff, filters: ProgramFilter) -> list[dict[str, Any]]:
    """Programs on the staff list, with session counts, in two queries whatever the number of programs."""
    query = Program.select(
        Program.id, Program.slug, Program.kind, Program.title, Program.public_title, Program.discreet,
        Program.visibility, Program.phase, Program.archived, Program.capacity, Program.starts_on,
    ).where(Program.archived == filters.archived)
    ids = await managed_program_ids(staff)
    if ids is not None:
        if not ids:
            return []
        query = query.where(Program.id.is_in(ids))
    if filters.kind in KINDS:
        query = query.where(Program.kind == filters.kind)
    if filters.phase in PHASES:
        query = query.where(Program.phase == filters.phase)
    if filters.search:
        text = filters.search.replace("%", "").replace("_", " ")
        query = query.where(
            contains_text(Program.title, text) | contains_text(Program.slug, text) | contains_text(Program.public_title, text)
        )
    programs = await query.order_by(Program.title).run()
    if programs:
        from server.schedule.services import upcoming_counts

        counts = await upcoming_counts([p["id"] for p in programs])
        for program in programs:
            program["upcoming_sessions"] = counts.get(program["id"], 0)
    return programs


# --- phases ----------------------------------------------------------------------------------------

async def phase_requirements(program: dict[str, Any]) -> list[str]:
    """What the current phase still asks for before moving on (untranslated msgids)."""
    missing: list[str] = []
    phase = program["phase"]
    if phase == "assessment" and not (program["assessment_notes"] or "").strip():
        missing.append(N_("Write down what the needs assessment found."))
    if phase == "planning":
        if not await Goal.exists().where(Goal.program == program["id"]).run():
            missing.append(N_("Set at least one measurable goal."))
        from server.schedule.tables import ProgramSession

        if not await ProgramSession.exists().where(ProgramSession.program == program["id"]).run():
            missing.append(N_("Plan a schedule of sessions."))
        if not await TeamMember.exists().where((TeamMember.program == program["id"]) & (TeamMember.role.is_in(["lead", "co_facilitator"]))).run():
            missing.append(N_("Assign at least one facilitator."))
    if phase == "implementation":
        from server.schedule.tables import ProgramSession

        if not await ProgramSession.exists().where((ProgramSession.program == program["id"]) & (ProgramSession.status == "held")).run():
            missing.append(N_("Hold and record at least one session."))
    if phase == "evaluation" and not await Goal.exists().where((Goal.program == program["id"]) & Goal.current_value.is_not_null()).run():
        missing.append(N_("Record the goals' current values."))
    return missing


async def change_phase(actor: CurrentStaff, program: dict[str, Any], to_phase: str, reason: str = "") -> None:
    """Forward one step when the phase's requirements are met; backwards only by organizers, with a reason."""
    if to_phase not in PHASES:
        raise DomainError("bad_phase", N_("Choose one of the options."), field="to_phase")
    if program["archived"]:
        raise DomainError("program_closed", N_("This program is closed and can no longer be changed."))
    current = PHASES.index(program["phase"])
    target = PHASES.index(to_phase)
    if target == current:
        return
    if target > current:
        if target != current + 1:
            raise DomainError("skip_phase", N_("Move one phase at a time."), field="to_phase")
        missing = await phase_requirements(program)
        if missing:
            raise DomainError("phase_incomplete", N_("This phase is not finished yet."), field="to_phase")
    else:
        if not actor.is_organizer:
            raise DomainError("back_needs_organizer", N_("Only organizers can move a program back."), field="to_phase")
        if not reason.strip():
            raise DomainError("reason_required", N_("Give a reason for moving back."), field="reason")
    async with transaction():
        await Program.update({Program.phase: to_phase, Program.updated_at: clock.now()}).where(Program.id == program["id"]).run()
        await PhaseChange.insert(
            PhaseChange(program=program["id"], from_phase=program["phase"], to_phase=to_phase, reason=reason.strip(), changed_by=actor.id)
        ).run()


async def phase_history(program_id: int) -> list[dict[str, Any]]:
    return (
        await PhaseChange.select(
            PhaseChange.from_phase, PhaseChange.to_phase, PhaseChange.reason, PhaseChange.changed_at,
            PhaseChange.changed_by.display_name.as_alias("by"),
        )
        .where(PhaseChange.program == program_id)
        .order_by(PhaseChange.changed_at, ascending=False)
        .run()
    )


async def save_assessment_notes(program: dict[str, Any], notes: str) -> None:
    ensure_open(program)
    await Program.update({Program.assessment_notes: notes, Program.updated_at: clock.now()}).where(Program.id == program["id"]).run()


# --- goals -----------------------------------------------------------------------------------------

async def list_goals(program_id: int) -> list[dict[str, Any]]:
    goals = await Goal.select().where(Goal.program == program_id).order_by(Goal.position).order_by(Goal.id).run()
    for goal in goals:
        goal["progress"] = goal_progress(goal)
    return goals


def goal_progress(goal: dict[str, Any]) -> float | None:
    """Share of the way from baseline to target (0–1); works for goals that aim down as well as up."""
    current, baseline, target = goal.get("current_value"), goal["baseline"], goal["target"]
    if current is None or target == baseline:
        return None
    share = (current - baseline) / (target - baseline)
    return max(0.0, min(1.0, share))


async def add_goal(program: dict[str, Any], values: dict[str, Any]) -> int:
    ensure_open(program)
    if values["target"] == values["baseline"]:
        raise DomainError("target_equals_baseline", N_("The target must differ from the baseline."), field="target")
    position = await Goal.count().where(Goal.program == program["id"]).run()
    goal = Goal(program=program["id"], position=position, **values)
    await goal.save().run()
    return goal.id


async def get_goal(program: dict[str, Any], goal_id: int) -> dict[str, Any]:
    goal = await Goal.select().where((Goal.id == goal_id) & (Goal.program == program["id"])).first().run()
    if goal is None:
        raise NotFound("goal")
    goal["progress"] = goal_progress(goal)
    return goal


async def record_goal_value(actor: CurrentStaff, program: dict[str, Any], goal_id: int, value: float, note: str = "") -> dict[str, Any]:
    """A new current value, kept in the goal's history."""
    ensure_open(program)
    await get_goal(program, goal_id)
    async with transaction():
        await Goal.update({Goal.current_value: value}).where(Goal.id == goal_id).run()
        await GoalUpdate.insert(GoalUpdate(goal=goal_id, value=value, note=note, recorded_by=actor.id)).run()
    return await get_goal(program, goal_id)


async def goal_history(goal_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not goal_ids:
        return {}
    rows = (
        await GoalUpdate.select(
            GoalUpdate.goal, GoalUpdate.value, GoalUpdate.note, GoalUpdate.recorded_at,
            GoalUpdate.recorded_by.display_name.as_alias("by"),
        )
        .where(GoalUpdate.goal.is_in(goal_ids))
        .order_by(GoalUpdate.recorded_at, ascending=False)
        .run()
    )
    history: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        history.setdefault(row["goal"], []).append(row)
    return history


async def delete_goal(program: dict[str, Any], goal_id: int) -> None:
    ensure_open(program)
    await get_goal(program, goal_id)
    await Goal.delete().where(Goal.id == goal_id).run()


# --- team ------------------------------------------------------------------------------------------

async def list_team(program_id: int) -> list[dict[str, Any]]:
    return (
        await TeamMember.select(
            TeamMember.id, TeamMember.role, TeamMember.staff.id.as_alias("staff_id"),
            TeamMember.staff.display_name.as_alias("name"), TeamMember.staff.role.as_alias("staff_role"),
            TeamMember.staff.licence_number.as_alias("licence_number"),
            TeamMember.staff.licence_expires_on.as_alias("licence_expires_on"),
        )
        .where(TeamMember.program == program_id)
        .order_by(TeamMember.role)
        .run()
    )


async def add_team_member(actor: CurrentStaff, program: dict[str, Any], staff_id: int, role: str) -> None:
    ensure_open(program)
    if not actor.is_organizer:
        raise DomainError("team_needs_organizer", N_("Only organizers can change the team."), field="staff_id")
    if role not in TEAM_ROLES:
        raise DomainError("bad_role", N_("Choose one of the options."), field="role")
    if not await Staff.exists().where(Staff.id == staff_id).run():
        raise DomainError("unknown_staff", N_("Choose one of the options."), field="staff_id")
    if await TeamMember.exists().where((TeamMember.program == program["id"]) & (TeamMember.staff == staff_id)).run():
        raise DomainError("already_on_team", N_("This person is already on the team."), field="staff_id")
    await TeamMember.insert(TeamMember(program=program["id"], staff=staff_id, role=role)).run()
    await record_audit(actor, "update", "program_team", program["id"], f"add staff {staff_id} as {role}")


async def remove_team_member(actor: CurrentStaff, program: dict[str, Any], member_id: int) -> None:
    ensure_open(program)
    if not actor.is_organizer:
        raise Forbidden()
    await TeamMember.delete().where((TeamMember.id == member_id) & (TeamMember.program == program["id"])).run()
    await record_audit(actor, "update", "program_team", program["id"], f"remove member {member_id}")


def licence_problem(member: dict[str, Any], today: date) -> str | None:
    """'missing' or 'expired' for a facilitator whose licence a program requires; None when fine."""
    if not member.get("licence_number"):
        return "missing"
    expires = member.get("licence_expires_on")
    if expires is not None and expires < today:
        return "expired"
    return None


async def licence_warnings(staff: CurrentStaff, today: date) -> list[dict[str, Any]]:
    """Facilitators on programs that require a licence, whose licence is missing or expired."""
    query = TeamMember.select(
        TeamMember.program.slug.as_alias("slug"), TeamMember.program.title.as_alias("title"),
        TeamMember.staff.display_name.as_alias("name"), TeamMember.staff.licence_number.as_alias("licence_number"),
        TeamMember.staff.licence_expires_on.as_alias("licence_expires_on"),
    ).where(
        (TeamMember.program.requires_licence == True)  # noqa: E712
        & (TeamMember.program.archived == False)  # noqa: E712
        & TeamMember.role.is_in(["lead", "co_facilitator"])
    )
    ids = await managed_program_ids(staff)
    if ids is not None:
        query = query.where(TeamMember.program.is_in(ids or [-1]))
    warnings = []
    for row in await query.run():
        problem = licence_problem(row, today)
        if problem:
            row["problem"] = problem
            warnings.append(row)
    return warnings


async def staff_choices() -> list[tuple[int, str]]:
    rows = await Staff.select(Staff.id, Staff.display_name).where(Staff.user.active == True).order_by(Staff.display_name).run()  # noqa: E712
    return [(row["id"], row["display_name"]) for row in rows]


# --- partners --------------------------------------------------------------------------------------

async def list_partners(program_id: int) -> list[dict[str, Any]]:
    return (
        await ProgramPartner.select(
            ProgramPartner.id, ProgramPartner.role, ProgramPartner.partner.id.as_alias("partner_id"),
            ProgramPartner.partner.name.as_alias("name"), ProgramPartner.partner.contact_name.as_alias("contact_name"),
            ProgramPartner.partner.phone.as_alias("phone"), ProgramPartner.partner.email.as_alias("email"),
            ProgramPartner.partner.website.as_alias("website"),
        )
        .where(ProgramPartner.program == program_id)
        .order_by(ProgramPartner.partner.name)
        .run()
    )


async def add_partner(program: dict[str, Any], values: dict[str, Any], role: str) -> None:
    """Links a partner organisation, reusing an existing one of the same name."""
    ensure_open(program)
    existing = await Partner.select(Partner.id).where(Partner.name == values["name"]).first().run()
    async with transaction():
        if existing:
            partner_id = existing["id"]
            if await ProgramPartner.exists().where((ProgramPartner.program == program["id"]) & (ProgramPartner.partner == partner_id)).run():
                raise DomainError("partner_linked", N_("This partner is already linked to the program."), field="name")
        else:
            partner = Partner(**values)
            await partner.save().run()
            partner_id = partner.id
        await ProgramPartner.insert(ProgramPartner(program=program["id"], partner=partner_id, role=role)).run()


async def remove_partner(program: dict[str, Any], link_id: int) -> None:
    ensure_open(program)
    await ProgramPartner.delete().where((ProgramPartner.id == link_id) & (ProgramPartner.program == program["id"])).run()


# --- milestones ------------------------------------------------------------------------------------

async def list_milestones(program_id: int) -> list[dict[str, Any]]:
    return await Milestone.select().where(Milestone.program == program_id).order_by(Milestone.due_on).order_by(Milestone.id).run()


async def add_milestone(program: dict[str, Any], values: dict[str, Any]) -> int:
    ensure_open(program)
    milestone = Milestone(program=program["id"], **values)
    await milestone.save().run()
    return milestone.id


async def get_milestone(program: dict[str, Any], milestone_id: int) -> dict[str, Any]:
    row = await Milestone.select().where((Milestone.id == milestone_id) & (Milestone.program == program["id"])).first().run()
    if row is None:
        raise NotFound("milestone")
    return row


async def set_milestone_status(program: dict[str, Any], milestone_id: int, status: str) -> dict[str, Any]:
    ensure_open(program)
    if status not in MILESTONE_STATUSES:
        raise DomainError("bad_status", N_("Choose one of the options."), field="status")
    await get_milestone(program, milestone_id)
    await Milestone.update({Milestone.status: status}).where(Milestone.id == milestone_id).run()
    return await get_milestone(program, milestone_id)


async def delete_milestone(program: dict[str, Any], milestone_id: int) -> None:
    ensure_open(program)
    await get_milestone(program, milestone_id)
    await Milestone.delete().where(Milestone.id == milestone_id).run()


# --- public catalogue ------------------------------------------------------------------------------

async def public_catalogue(kind: str = "", mode: str = "", upcoming_only: bool = False) -> list[dict[str, Any]]:
    """Public programs with their displayed (never the real discreet) title and next session, in two queries."""
    from server.schedule.services import next_public_session_by_program

    query = Program.select(
        Program.id, Program.slug, Program.kind, Program.title, Program.public_title, Program.discreet, Program.summary,
        Program.default_location, Program.default_online_link, Program.enrolment_mode, Program.phase,
        Program.place_members_only, Program.area,
    ).where((Program.visibility == "public") & (Program.archived == False))  # noqa: E712
    if kind in KINDS:
        query = query.where(Program.kind == kind)
    if mode == "online":
        query = query.where(Program.default_online_link != "")
    elif mode == "in_person":
        query = query.where(Program.default_location != "")
    programs = [privacy.program_view(row, privacy.ANYONE, privacy.PAGE) for row in await query.order_by(Program.id).run()]
    next_sessions = await next_public_session_by_program([p["id"] for p in programs])
    for program in programs:
        program["next_session"] = next_sessions.get(program["id"])
    if upcoming_only:
        programs = [p for p in programs if p["next_session"]]
    return sorted(programs, key=lambda p: p["title"].lower())


async def public_program(slug: str) -> dict[str, Any]:
    """A public or unlisted program as the public may see it; private and unknown slugs are the same 404."""
    row = await Program.select().where((Program.slug == slug) & (Program.archived == False)).first().run()  # noqa: E712
    if row is None or row["visibility"] not in ("public", "unlisted"):
        raise NotFound("program")
    return privacy.program_view(row, privacy.ANYONE, privacy.PAGE)
