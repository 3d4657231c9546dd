"""What the survey pages share: the CSS classes of conditional questions and the app's small-group limit."""

from __future__ import annotations

from typing import Any

from litestar import Request

# Static CSS holds one rule per conditional question slot (charts.css); beyond this many, questions stay visible
# with their hint.
CONDITION_SLOTS = 40


def conditions(questions: list[dict[str, Any]]) -> dict[str, dict[Any, str]]:
    """CSS classes that show a conditional question once its trigger option is checked, without JavaScript:
    the trigger's input gets show-k and the question when-k (rules in static/charts.css)."""
    when: dict[Any, str] = {}
    reveal: dict[Any, str] = {}
    slot = 0
    for question in questions:
        condition = question.get("condition")
        if not condition or slot >= CONDITION_SLOTS:
            continue
        slot += 1
        when[question["id"]] = f"when-{slot}"
        key = f"{condition['question']}:{condition['value']}"
        reveal[key] = (reveal.get(key, "") + f" show-{slot}").strip()
    return {"when": when, "reveal": reveal}


def min_group(request: Request) -> int:
    """The small-group limit of this app's settings: results, exports and the consent page all use this one."""
    return request.app.state.settings.min_group_size
