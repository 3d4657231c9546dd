"""Cross-tabs: each question's answers split by the answer to one question that partitions respondents (for
example the neighbourhood), with the small-group rule applied per column and per question."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from piccolo.query.functions.aggregate import Count

from server.i18n import gettext as _
from server.surveys.kinds import kind_of
from server.surveys.small_groups import suppressed_groups, too_small
from server.surveys.tables import Answer

# Key of the cross-tab column of people who skipped the compared question.
NO_ANSWER = None


def _key(number: float | None) -> float | None:
    return None if number is None else float(number)


async def crosstab(
    questions: list[dict[str, Any]], by: dict[str, Any], responses: Any, total: int, minimum: int
) -> dict[str, Any]:
    """Each question's answers split by the answer to `by`. People who skipped that question are a column of their
    own, so that the whole minus the columns is nothing."""
    sizes: dict[str | None, int] = {
        row["value_text"]: row["n"]
        for row in await Answer.select(Answer.value_text, Count(distinct=[Answer.response], alias="n"))
        .where((Answer.question == by["id"]) & Answer.response.is_in(responses))
        .group_by(Answer.value_text)
        .run()
    }
    choices: list[tuple[str | None, str]] = list(by["choices"])
    sizes = {value: sizes.get(value, 0) for value, _label in choices} | {NO_ANSWER: max(total - sum(sizes.values()), 0)}
    if sizes[NO_ANSWER]:
        choices.append((NO_ANSWER, _("No answer")))
    hidden = suppressed_groups(sizes, minimum)
    groups: list[dict[str, Any]] = []
    for value, label in choices:
        size = sizes[value]
        shown = value not in hidden
        groups.append(
            {
                "value": value,
                "label": label,
                "size": size if shown else None,
                "shown": shown,
                "small": too_small(size, minimum),
            }
        )
    subquery = responses.querystrings[0]
    # Piccolo has no self-join: the group of each answer is the by-question's answer in the same response (none
    # when it was skipped).
    rows = await Answer.raw(
        "SELECT a.question AS question, a.value_text AS value_text, a.value_number AS value_number, "
        "g.value_text AS grp, COUNT(*) AS n "
        "FROM answer a LEFT JOIN answer g ON g.response = a.response AND g.question = {} "
        "WHERE a.response IN ({}) GROUP BY a.question, a.value_text, a.value_number, g.value_text",
        by["id"],
        subquery,
    ).run()
    answered_rows = await Answer.raw(
        "SELECT a.question AS question, g.value_text AS grp, COUNT(DISTINCT a.response) AS n "
        "FROM answer a LEFT JOIN answer g ON g.response = a.response AND g.question = {} "
        "WHERE a.response IN ({}) GROUP BY a.question, g.value_text",
        by["id"],
        subquery,
    ).run()
    answered: dict[int, dict[str | None, int]] = defaultdict(dict)
    for row in answered_rows:
        answered[row["question"]][row["grp"]] = row["n"]
    counts: dict[int, dict[str | None, dict[tuple[str, float | None], int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        counts[row["question"]][row["grp"]][(row["value_text"], _key(row["value_number"]))] = row["n"]
    columns: list[str | None] = [group["value"] for group in groups]
    tables = []
    for question in questions:
        if question["id"] == by["id"]:
            continue
        qid = question["id"]
        # Within one question the groups are the people of each column who answered it: hide the small ones and,
        # against subtraction from the question's overall result, enough others.
        hidden_here = suppressed_groups(
            {column: answered[qid].get(column, 0) for column in columns}, minimum, already=hidden
        )
        found = kind_of(question["kind"]).crosstab(question, columns, hidden_here, counts[qid], answered[qid])
        if found is None:
            continue
        style, table_rows = found
        tables.append({"question": question, "style": style, "rows": table_rows})
    return {"by": by, "groups": groups, "tables": tables}
