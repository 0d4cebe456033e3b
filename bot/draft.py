"""The draft POP as Markdown, laid out like the POP form of seed 001 §4.11.

Private answers never appear: this text is what may leave the employee.
Every heading and label comes from the script's `draft:` section.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot import smart
from bot.domain import EmployeeRecord
from bot.render import fmt, show
from bot.schema import DateQuestion, GroupQuestion, TextQuestion
from bot.script import LoadedScript

# Characters that start Markdown structure at the beginning of a line.
_LINE_START = re.compile(r"^(\s*)([#>+\-*=|]|\d+[.)])", re.MULTILINE)


def escape_block(text: str) -> str:
    """Show the employee's text literally: their '#' is not a heading."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def escape_cell(text: str) -> str:
    """Table cells: one line, and a '|' that does not split the cell."""
    return escape_block(" ".join(text.split())).replace("|", "\\|")


def render_draft(loaded: LoadedScript, record: EmployeeRecord, now: datetime) -> str:
    script = loaded.script
    d = script.draft
    values = record.values()
    asked = [qid for qid in loaded.order if loaded.flow.applies(qid, values)]
    missing = [
        loaded.questions[qid] for qid in asked if loaded.questions[qid].required and qid not in record.answers
    ]

    lines: list[str] = [f"# {d.title}", ""]
    lines.append(f"**{d.employee_label}:** {escape_cell(record.employee_id)}  ")
    conversation = next(
        (
            show(q, values[q.id], script)
            for q in loaded.questions.values()
            if isinstance(q, DateQuestion) and q.id in values and not q.private
        ),
        None,
    )
    if conversation:
        lines.append(f"**{d.conversation_label}:** {conversation}  ")
    lines.append(f"**{d.date_label}:** {now.strftime('%d-%m-%Y')}")
    lines.append("")
    if missing:
        lines.append(f"_{d.status_incomplete}_")
        lines.append("")
        lines.append(f"{d.missing_label}")
        lines.extend(f"- {escape_cell(q.text)}" for q in missing)
    else:
        lines.append(f"_{d.status_complete}_")
    lines.append("")

    for section in d.sections:
        body = _section(loaded, record, section.id)
        if body:
            lines.extend([f"## {section.title}", "", *body])

    goals = loaded.questions[d.goals_question]
    assert isinstance(goals, GroupQuestion)  # checked when the script was loaded
    lines.extend(_goals(loaded, goals, record))

    support = []
    for qid in d.support_questions:
        q = loaded.questions[qid]
        a = record.answers.get(qid)
        if a is not None and not a.skipped and not q.private:
            support.extend([f"**{escape_cell(q.text)}**", "", escape_block(show(q, a.value, script)), ""])
    if support:
        lines.extend([f"## {d.support_title}", "", *support])

    lines.extend([f"## {d.signatures_title}", ""])
    for label in d.signature_lines:
        lines.extend([f"{label}: ______________________________", ""])
    return "\n".join(lines).rstrip() + "\n"


def _section(loaded: LoadedScript, record: EmployeeRecord, section: str) -> list[str]:
    out: list[str] = []
    for qid, q in loaded.questions.items():
        if q.draft != section or q.private or isinstance(q, GroupQuestion):
            continue
        a = record.answers.get(qid)
        if a is None:
            continue
        text = loaded.script.draft.skipped_answer if a.skipped else show(q, a.value, loaded.script)
        out.extend([f"**{escape_cell(q.text)}**", "", escape_block(text), ""])
    return out


def _goals(loaded: LoadedScript, g: GroupQuestion, record: EmployeeRecord) -> list[str]:
    d = loaded.script.draft
    a = record.answers.get(g.id)
    items: list[dict[str, Any]] = list(a.value) if a is not None and a.value else []
    if g.private:
        return []
    fields = {f.id: f for f in g.fields}
    columns = list(d.goal_columns.items())
    out = [f"## {d.goals_title}", ""]
    out.append("| # | " + " | ".join(title for _id, title in columns) + " |")
    out.append("|---|" + "|".join("---" for _ in columns) + "|")
    hints: list[str] = []
    for n, item in enumerate(items, start=1):
        cells = []
        for fid, _title in columns:
            value = item.get(fid)
            cells.append(escape_cell(show(fields[fid], value, loaded.script)) if value else d.empty_answer)
            f = fields[fid]
            if isinstance(f, TextQuestion) and value:
                for check in f.smart:
                    if not smart.passes(check.check, str(value), loaded.script.words):
                        hints.append(
                            f"- {fmt(g.item_label, n=n)}: {d.smart_hints.get(check.check, check.check)}"
                        )
        out.append(f"| {n} | " + " | ".join(cells) + " |")
    if not items:
        out.append("| – | " + " | ".join(d.empty_answer for _ in columns) + " |")
    out.append("")
    if hints:
        out.extend([f"**{d.smart_hint_title}**", "", *hints, ""])
    return out
