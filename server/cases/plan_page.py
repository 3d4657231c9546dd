"""What the case page shows of the plan: the plan itself and its forms (blank, or refused ones with their errors)."""

from __future__ import annotations

from typing import Any

from server.cases import plans
from server.cases.plan_forms import OTHER, AgreementForm, GoalForm, StepForm
from server.i18n import gettext as _
from server.web.forms import Form
from server.web.labels import LABELS


def step_form_key(goal_id: int) -> str:
    return f"step_form_{goal_id}"


def edit_form_key(goal_id: int) -> str:
    return f"edit_form_{goal_id}"


async def plan_context(case_id: int, forms: dict[str, Form]) -> dict[str, Any]:
    """The case page's plan section; `forms` holds a refused form under its name (goal_form, agreement_form, or a
    goal's step_form_<id> / edit_form_<id>) so that its errors show next to its fields."""
    plan = await plans.plan(case_id)
    for goal in plan["goals"]:
        goal["step_form"] = forms.get(step_form_key(goal["id"])) or StepForm(initial={"who": "person"})
        goal["edit_form"] = forms.get(edit_form_key(goal["id"])) or GoalForm(
            initial={"text": goal["text"], "target_date": goal["target_date"] or ""}
        )
    return {
        "plan": plan,
        "goal_form": forms.get("goal_form") or GoalForm(initial={}),
        "agreement_form": forms.get("agreement_form") or AgreementForm(initial={"how": "in_person"}),
        "plan_errors": forms.get("plan_form"),
        "who_choices": [*LABELS.choices("plan_who"), (OTHER, _("Someone else"))],
        "how_choices": LABELS.choices("plan_agreed_how"),
    }
