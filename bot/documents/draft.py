"""The draft POP, laid out like the POP form of seed 001 §4.11.

`build_draft` gathers what may leave the employee into a `DraftDoc`; the
Markdown here and the PDF in `bot/pdf.py` are two views of that one document,
so the chat, the manager's message and the PDF can never disagree.

Private answers never appear: neither the questions the script marks private
nor the answers the employee marked private themselves (`privé N`).
Every heading and label comes from the script's `draft:` section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.dialog import followup, smart
from bot.dialog.kinds import show
from bot.dialog.loaded import LoadedScript
from bot.dialog.questions import DateQuestion, GroupQuestion
from bot.dialog.render import asked_text, day, fmt
from bot.domain import EmployeeRecord, feasibility_remarks

# Characters that start Markdown structure at the beginning of a line.
_LINE_START = re.compile(r"^(\s*)([#>+\-*=|]|\d+[.)])", re.MULTILINE)


@dataclass(frozen=True)
class QA:
    """One question and its answer as the draft shows them."""

    question: str
    answer: str


@dataclass(frozen=True)
class DraftDoc:
    """Everything the draft shows, already in the reader's language."""

    title: str
    header: list[tuple[str, str]]  # (label, value): employee, manager, conversation, date
    complete: bool
    status: str
    missing_label: str
    missing: list[str]
    sections: list[tuple[str, list[QA]]]
    goals_title: str
    goal_columns: list[str]
    goal_rows: list[list[str]]
    smart_title: str
    smart_hints: list[str]
    support_title: str
    support: list[QA]
    signatures_title: str
    signature_lines: list[str]
    signed: dict[str, str] = field(default_factory=dict)  # signature line -> "name, agreed on …"
    empty: str = field(default="–")
    goal_label: str = field(default="{n}")  # a goal's name in a list: "Doel {n}"
    letterhead: tuple[str, str] = ("", "")  # (organisation, "vertrouwelijk") at the top of each page


def shared(record: EmployeeRecord, loaded: LoadedScript, qid: str) -> bool:
    """May this answer leave the employee? Not if the script or the employee says private."""
    q = loaded.questions.get(qid)
    a = record.answers.get(qid)
    return q is not None and a is not None and not q.private and not a.private


def missing_questions(loaded: LoadedScript, record: EmployeeRecord, name: str | None = None) -> list[str]:
    """The required questions still open, as they were asked (`{name}`: whom they are about)."""
    values = record.values()
    asked = [qid for qid in loaded.order if loaded.flow.applies(qid, values)]
    return [
        asked_text(loaded.questions[qid], name)
        for qid in asked
        if loaded.questions[qid].required and qid not in record.answers
    ]


def build_draft(
    loaded: LoadedScript,
    record: EmployeeRecord,
    now: datetime,
    *,
    employee: str | None = None,
    manager: tuple[str, str] | None = None,  # (label, name)
    conversation: str | None = None,
    final: tuple[str, dict[str, str]] | None = None,  # (title, signature line -> who agreed when)
    conversation_day: date | None = None,  # relative deadlines count from it ("binnen 3 maanden")
    department: str = "",
    organisation: str = "",
    rhythm: str | None = None,  # how often progress is discussed (the agreed, or the schedule's)
) -> DraftDoc:
    """The draft POP as a document: sections, questions, answers, goals (only what is shared)."""
    script = loaded.script
    d = script.draft
    values = record.values()
    # a person by their name from the roster, never by an id; no name known: no line
    header = [(d.employee_label, employee)] if employee else []
    if department and d.department_label:
        header.append((d.department_label, department))
    if manager is not None:
        header.append(manager)
    if conversation is None:
        conversation = next(
            (
                show(q, values[q.id], script)
                for q in loaded.questions.values()
                if isinstance(q, DateQuestion) and q.id in values and shared(record, loaded, q.id)
            ),
            None,
        )
    if conversation:
        header.append((d.conversation_label, conversation))
    for qid, label in d.header_questions.items():  # e.g. which route: the manager must know
        if qid in values and shared(record, loaded, qid):
            header.append((label, show(loaded.questions[qid], values[qid], script)))
    if rhythm and d.rhythm_label:
        header.append((d.rhythm_label, rhythm))
    header.append(((final and d.final_date_label) or d.date_label, day(now.date(), script.words)))
    missing = missing_questions(loaded, record, employee)
    status = d.status_incomplete if missing else d.status_complete
    if final:  # a final POP is no concept: no status while complete, and its own words if not
        status = (d.final_incomplete or status) if missing else ""

    sections = []
    for section in d.sections:
        body = _section(loaded, record, section.id, employee, final is not None)
        if body:
            sections.append((section.title, body))

    goals = loaded.questions.get(d.goals_question or "")
    after = conversation_day or followup.conversation_day(loaded, record) or now.date()
    rows, hints = _goals(loaded, goals, record, after) if isinstance(goals, GroupQuestion) else ([], [])

    support = []
    for qid in d.support_questions:
        a = record.answers.get(qid)
        if a is not None and not a.skipped and shared(record, loaded, qid):
            q = loaded.questions[qid]
            support.append(QA(asked_text(q, employee), show(q, a.value, script)))
    return DraftDoc(
        title=final[0] if final else d.title,
        header=header,
        complete=not missing,
        status=status,
        missing_label=d.missing_label,
        missing=missing,
        sections=sections,
        goals_title=d.goals_title,
        goal_columns=[
            *d.goal_columns.values(),
            *([d.evaluation_column] if d.evaluation_column else []),
            *([d.feasibility_column] if d.feasibility_column else []),
        ],
        goal_rows=rows,
        smart_title=d.smart_hint_title,
        smart_hints=hints,
        support_title=d.support_title,
        support=support,
        signatures_title=d.signatures_title,
        signature_lines=list(d.signature_lines),
        signed=final[1] if final else {},
        empty=d.empty_answer,
        goal_label=goals.item_label if isinstance(goals, GroupQuestion) else "{n}",
        letterhead=(organisation, d.confidential),
    )


def _section(
    loaded: LoadedScript, record: EmployeeRecord, section: str, name: str | None, final: bool
) -> list[QA]:
    out: list[QA] = []
    for qid, q in loaded.questions.items():
        if q.draft != section or isinstance(q, GroupQuestion) or not shared(record, loaded, qid):
            continue
        if final and not q.final:
            continue
        a = record.answers[qid]
        text = loaded.script.draft.skipped_answer if a.skipped else show(q, a.value, loaded.script)
        out.append(QA(asked_text(q, name), text))
    return out


def _goals(
    loaded: LoadedScript, g: GroupQuestion, record: EmployeeRecord, after: date
) -> tuple[list[list[str]], list[str]]:
    d = loaded.script.draft
    if not shared(record, loaded, g.id):
        return [], []
    a = record.answers[g.id]
    items: list[dict[str, Any]] = list(a.value) if a.value else []
    fields = {f.id: f for f in g.fields}
    rows: list[list[str]] = []
    hints: list[str] = []
    for n, item in enumerate(items, start=1):
        cells = []
        for fid in d.goal_columns:
            value = item.get(fid)
            cells.append(show(fields[fid], value, loaded.script) if value else d.empty_answer)
        if d.evaluation_column:  # seed 002: each goal's evaluation moment
            due = followup.deadline(loaded, item, after)
            cells.append(day(due, loaded.script.words) if due else d.evaluation_open)
        if d.feasibility_column:  # the manager's view of it, once the goals were known
            cells.append(_feasibility(loaded, record, n) or d.empty_answer)
        checks = smart.goal_checks(g, d.realistic, item, loaded.script.words, after)
        hints += [
            f"{fmt(g.item_label, n=n)}: {d.smart_hints.get(check, check)}"
            for check, holds in checks.items()
            if not holds
        ]
        rows.append(cells)
    return rows, hints


def _feasibility(loaded: LoadedScript, record: EmployeeRecord, goal: int) -> str:
    """The manager's latest word on a goal's feasibility in this round, with their remark."""
    texts = loaded.script.remarks
    rounds = [str(r.get("conversation")) for r in record.remarks if r.get("kind") == "feasible"]
    if texts is None or not rounds:
        return ""
    remark = feasibility_remarks(record, record.cycle or rounds[-1]).get(goal)
    if remark is None:
        return ""
    said = texts.feasible_choices.get(str(remark.get("choice")), "")
    return f"{said} — {remark['text']}" if remark.get("text") else said


# ---------------------------------------------------------------- Markdown


def escape_block(text: str) -> str:
    """Show the employee's text literally: their '#' is not a heading."""
    text = text.replace("\\", "\\\\").replace("`", "\\`").replace("*", "\\*").replace("_", "\\_")
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def escape_cell(text: str) -> str:
    """Table cells: one line, and a '|' that does not split the cell."""
    return escape_block(" ".join(text.split())).replace("|", "\\|")


def to_markdown(doc: DraftDoc) -> str:
    """The draft as Markdown."""
    lines: list[str] = [f"# {doc.title}", ""]
    for n, (label, value) in enumerate(doc.header, start=1):
        end = "" if n == len(doc.header) else "  "
        lines.append(f"**{label}:** {escape_cell(value)}{end}")
    lines.extend(["", f"_{doc.status}_", ""] if doc.status else [""])
    if doc.missing:
        lines.append(doc.missing_label)
        lines.extend(f"- {escape_cell(q)}" for q in doc.missing)
        lines.append("")
    for title, body in doc.sections:
        lines.extend([f"## {title}", ""])
        for qa in body:
            lines.extend([f"**{escape_cell(qa.question)}**", "", escape_block(qa.answer), ""])
    if doc.goal_columns:
        lines.extend(_goals_table(doc))
    if doc.smart_hints:
        lines.extend([f"**{doc.smart_title}**", "", *(f"- {h}" for h in doc.smart_hints), ""])
    if doc.support:
        lines.extend([f"## {doc.support_title}", ""])
        for qa in doc.support:
            lines.extend([f"**{escape_cell(qa.question)}**", "", escape_block(qa.answer), ""])
    lines.extend([f"## {doc.signatures_title}", ""])
    for label in doc.signature_lines:
        lines.extend([f"{label}: {doc.signed.get(label) or '______________________________'}", ""])
    return "\n".join(lines).rstrip() + "\n"


def _goals_table(doc: DraftDoc) -> list[str]:
    lines = [f"## {doc.goals_title}", ""]
    if not doc.goal_rows:  # no goals yet: a dash, not a table of dashes
        return [*lines, doc.empty, ""]
    # the first column names the goal ("Doel 1"): a chat shows each row as its own block
    lines.append("|   | " + " | ".join(doc.goal_columns) + " |")
    lines.append("|---|" + "|".join("---" for _ in doc.goal_columns) + "|")
    for n, row in enumerate(doc.goal_rows, start=1):
        cells = [c if c == doc.empty else escape_cell(c) for c in row]
        lines.append(f"| {escape_cell(fmt(doc.goal_label, n=n))} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def render_draft(
    loaded: LoadedScript, record: EmployeeRecord, now: datetime, employee: str | None = None
) -> str:
    """The draft as the employee sees it in the chat (Markdown)."""
    return to_markdown(build_draft(loaded, record, now, employee=employee))
