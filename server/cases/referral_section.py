"""What the Referrals section of a case page shows: the case's referrals, the choices and the forms."""

from __future__ import annotations

from typing import Any

from server.cases import referrals
from server.cases.referral_forms import ReferralForm
from server.web.access import CurrentStaff
from server.web.forms import Form
from server.web.labels import LABELS


async def referral_section(
    staff: CurrentStaff, case_id: int, forms: dict[str, Form], program_search: str = ""
) -> dict[str, Any]:
    """The section's context (four queries whatever the number of referrals). `forms` may hold a refused
    `referral_form`, or a refused `status_form` for the referral `status_form.referral_id`. `program_search`: the
    words the program list is narrowed to (the form lists at most referrals.PROGRAMS_LISTED programs)."""
    status_form = forms.get("status_form")
    programs, more_programs = await referrals.program_choices(staff, program_search)
    return {
        "referrals": await referrals.case_referrals(staff, case_id),
        "referral_partners": [(str(row["id"]), row["name"]) for row in await referrals.partner_choices()],
        "referral_programs": [(str(row["id"]), row["title"]) for row in programs],
        "more_programs": more_programs,
        "program_search": program_search,
        "programs_listed": referrals.PROGRAMS_LISTED,
        "referral_statuses": LABELS.choices("referral_status"),
        "referral_form": forms.get("referral_form") or ReferralForm(initial={}),
        "status_form": status_form,
        "status_referral": getattr(status_form, "referral_id", None),
    }
