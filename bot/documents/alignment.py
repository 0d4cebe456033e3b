"""The alignment summary: the employee's and the manager's views side by side.

Built for the manager a week before the conversation (seed 004: the points
are exchanged then, so there are no surprises). Structured answers (scales,
choices) are compared and the result said plainly; free text is shown side
by side, never interpreted. The employee's goals get a SMART check, the
manager's two matrix scores suggest the kind of conversation (seed 004), and
seed 001 §2.4 gives the agenda. All wording is in the manager's script.

The employee's private answers never appear; the manager's own private
answers appear only here, in the manager's own summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.dialog import followup, smart
from bot.dialog.kinds import show
from bot.dialog.loaded import LoadedScript
from bot.dialog.questions import ChoiceQuestion, GroupQuestion, ScaleQuestion
from bot.dialog.render import asked_text, day, fmt
from bot.dialog.schema import Alignment
from bot.documents.draft import QA, missing_questions, shared
from bot.domain import DONE, EmployeeRecord


@dataclass(frozen=True)
class ThemeView:
    """One theme of the alignment summary as shown: the employee's and the manager's answers."""

    title: str
    employee: list[QA]
    manager: list[QA]
    findings: list[str]  # agree / differ, said plainly
    heart: bool = False  # the pleziervraag, at the top


@dataclass(frozen=True)
class AlignmentDoc:
    """The alignment summary, ready to write as Markdown or PDF."""

    title: str
    header: list[tuple[str, str]]
    employee_label: str
    manager_label: str
    not_prepared: str  # empty when the manager finished
    themes: list[ThemeView]
    goals_title: str
    goals: list[str]
    matrix_title: str
    kind: str  # the suggested kind of conversation, or "" without the two scores
    agenda_title: str
    agenda: list[str]
    dos_title: str
    dos: list[str]
    donts_title: str
    donts: list[str]
    letterhead: tuple[str, str] = ("", "")  # (organisation, "vertrouwelijk")
    warnings: list[str] = field(default_factory=list)  # said first: no development budget


def build_alignment(
    pop: LoadedScript,
    manager_script: LoadedScript,
    employee: EmployeeRecord | None,
    prep: EmployeeRecord | None,
    *,
    employee_name: str,
    header: list[tuple[str, str]],
    conversation_day: date,
    organisation: list[QA] | None = None,  # the manager's organisation's side, once per team
    letterhead: str = "",  # the organisation's name, at the top of each page
) -> AlignmentDoc:
    """`pop` and `manager_script` in the manager's language."""
    a = manager_script.script.alignment
    assert a is not None  # a manager script without an alignment section is refused at load
    employee = employee or EmployeeRecord(employee_id="?")
    prep = prep or EmployeeRecord(employee_id="?", script_id="manager")
    names = {"name": employee_name}
    themes = [heart] if (heart := _heart(a, pop, employee, manager_script, prep, employee_name)) else []
    for theme in a.themes:
        mine = [qa for qid in theme.manager if (qa := _qa(manager_script, prep, qid, True, employee_name))]
        theirs = [qa for qid in theme.employee if (qa := _qa(pop, employee, qid, False, employee_name))]
        findings = []
        for c in theme.compare:
            line = _compare(a, pop, employee, manager_script, prep, c.employee, c.manager, names, c.label)
            if line:
                findings.append(line)
        themes.append(ThemeView(theme.title, theirs, mine, findings))
    if organisation and a.organisation_title:  # the manager's side only: nothing to compare
        themes.append(ThemeView(a.organisation_title, [], list(organisation), []))
    if mine := _private(manager_script, prep, employee_name):  # theirs only, never shared
        themes.append(ThemeView(fmt(a.private_title, **names), [], mine, []))
    not_prepared = ""
    if prep.state != DONE:
        missing = missing_questions(manager_script, prep, employee_name)
        not_prepared = fmt(a.not_prepared, missing="; ".join(missing) or "–")
    return AlignmentDoc(
        title=a.title,
        header=header,
        employee_label=fmt(a.employee_label, **names),
        manager_label=a.manager_label,
        not_prepared=not_prepared,
        themes=themes,
        goals_title=a.goals_title,
        goals=_goals(a, pop, employee, employee_name, conversation_day),
        matrix_title=a.matrix.title,
        kind=_kind(a, prep),
        agenda_title=a.agenda_title,
        agenda=list(a.agenda),
        dos_title=a.dos_title,
        dos=list(a.dos),
        donts_title=a.donts_title,
        donts=list(a.donts),
        letterhead=(letterhead, manager_script.script.draft.confidential),
        warnings=_budget(a, prep, employee_name),
    )


def _heart(
    a: Alignment,
    pop: LoadedScript,
    employee: EmployeeRecord,
    mscript: LoadedScript,
    prep: EmployeeRecord,
    name: str,
) -> ThemeView | None:
    """The pleziervraag at the top, on every route, with the route chosen and the manager's
    view of the short conversation beside it (seed 000)."""
    rule = pop.script.draft.route
    if rule is None or not a.heart_title:
        return None
    theirs = [qa for qa in [_qa(pop, employee, rule.heart, False, name)] if qa]
    mine = (
        [qa for qa in [_qa(mscript, prep, a.short_route.question, True, name)] if qa] if a.short_route else []
    )
    findings = []
    route = _value(pop, employee, rule.question, own=False)
    if a.short_route is not None and route in (rule.short, rule.full):
        findings.append(
            fmt(a.short_route.chose_short if route == rule.short else a.short_route.chose_full, name=name)
        )
    return ThemeView(fmt(a.heart_title, name=name), theirs, mine, findings, heart=True)


def _private(mscript: LoadedScript, prep: EmployeeRecord, name: str) -> list[QA]:
    """The manager's own 🔒 answers (marked by the script or by them): in their summary only."""
    out = []
    for q in mscript.questions.values():
        answer = prep.answers.get(q.id)
        if answer is None or answer.skipped or not (q.private or answer.private):
            continue
        out.append(QA(asked_text(q, name), show(q, answer.value, mscript.script)))
    return out


def _budget(a: Alignment, prep: EmployeeRecord, name: str) -> list[str]:
    """Seed 004's don't, said first: no development budget — answered so, or left empty by a
    manager who finished the preparation."""
    b = a.budget
    if b is None:
        return []
    answer = prep.answers.get(b.question)
    text = "" if answer is None or answer.skipped else str(answer.value).strip().casefold()
    if answer is None and prep.state != DONE:
        return []  # not asked yet: nothing to say about it
    none = {w.casefold() for w in b.none}
    return [fmt(b.warning, name=name)] if not text or text in none or text.rstrip(".!") in none else []


def _qa(loaded: LoadedScript, record: EmployeeRecord, qid: str, own: bool, name: str) -> QA | None:
    q = loaded.questions.get(qid)
    answer = record.answers.get(qid)
    if q is None or answer is None or answer.skipped:
        return None
    if not own and not shared(record, loaded, qid):
        return None  # the employee's private answers never leave them
    return QA(asked_text(q, name), show(q, answer.value, loaded.script))


def _value(loaded: LoadedScript, record: EmployeeRecord, qid: str, own: bool) -> Any:
    answer = record.answers.get(qid)
    if answer is None or answer.skipped or (not own and not shared(record, loaded, qid)):
        return None
    return answer.value


def _compare(
    a: Alignment,
    pop: LoadedScript,
    employee: EmployeeRecord,
    mscript: LoadedScript,
    prep: EmployeeRecord,
    eid: str,
    mid: str,
    names: dict[str, str],
    label: str | None,
) -> str:
    eq, mq = pop.questions.get(eid), mscript.questions.get(mid)
    ev, mv = _value(pop, employee, eid, own=False), _value(mscript, prep, mid, own=True)
    if eq is None or mq is None or ev is None or mv is None:
        return ""  # one of them did not answer: nothing to compare
    what = label or eq.text
    if isinstance(eq, ScaleQuestion) and isinstance(mq, ScaleQuestion):
        e, m = str(ev), str(mv)  # two points on one scale: the numbers say it (the words are long)
        close = abs(int(ev) - int(mv)) <= a.scale_margin
        return fmt(a.agree if close else a.differ, what=what, employee=e, manager=m, **names)
    if isinstance(eq, ChoiceQuestion) and isinstance(mq, ChoiceQuestion) and isinstance(ev, list):
        labels = {o.id: o.label for o in mq.options}  # the manager's words for both
        both = [str(labels.get(i, i)) for i in ev if i in mv]
        only_e = [str(labels.get(i, i)) for i in ev if i not in mv]
        only_m = [str(labels.get(i, i)) for i in mv if i not in ev]
        lines = []
        for template, items in ((a.both, both), (a.only_employee, only_e), (a.only_manager, only_m)):
            if items:
                lines.append(fmt(template, items=", ".join(items), **names))
        return f"{what}\n" + "\n".join(lines)
    e, m = show(eq, ev, pop.script), show(mq, mv, mscript.script)
    same = str(ev).casefold() == str(mv).casefold()
    return fmt(a.agree if same else a.differ, what=what, employee=e, manager=m, **names)


def _goals(a: Alignment, pop: LoadedScript, employee: EmployeeRecord, name: str, after: date) -> list[str]:
    """Per goal, letter by letter: what holds, what does not, and A as the agreement to come."""
    g = pop.questions.get(pop.script.draft.goals_question or "")
    if not isinstance(g, GroupQuestion) or not shared(employee, pop, g.id):
        return [a.no_goals]
    items: list[dict[str, Any]] = list(employee.answers[g.id].value or [])
    if not items:
        return [a.no_goals]
    letters, words, rule = a.smart, pop.script.words, pop.script.draft.realistic
    realistic = next((f for f in g.fields if rule is not None and f.id == rule.field), None)
    out = []
    for n, item in enumerate(items, start=1):
        title = str(item.get(g.fields[0].id) or fmt(g.item_label, n=n))
        checks = smart.goal_checks(g, rule, item, words, after)
        due = followup.deadline(pop, item, after)
        params = {
            "name": name,
            "date": day(due, words) if due else "",
            "answer": show(realistic, item.get(realistic.id), pop.script) if realistic else "",
        }
        parts = []
        for check, letter in (
            ("specific", letters.specific),
            ("observable", letters.observable),
            ("acceptable", None),
            ("realistic", letters.realistic),
            ("has_date", letters.has_date),
        ):
            if letter is None:
                parts.append(fmt(letters.acceptable, **params))
            elif check in checks:
                parts.append(fmt(letter.holds if checks[check] else letter.fails, **params))
            else:
                parts.append(fmt(letters.not_answered, letter=letter.name))
        out.append(fmt(letters.goal, goal=title, letters=letters.separator.join(parts)))
    return out


def _kind(a: Alignment, prep: EmployeeRecord) -> str:
    m = a.matrix
    ability, willingness = (prep.answers.get(m.ability), prep.answers.get(m.willingness))
    if ability is None or willingness is None or ability.skipped or willingness.skipped:
        return ""
    scores = int(ability.value), int(willingness.value)
    low_until = m.high_from - 1 if m.low_until is None else m.low_until
    if any(low_until < s < m.high_from for s in scores):  # a 3 of 5 is not low
        return m.middle
    level = "high" if scores[0] >= m.high_from else "low"
    drive = "high" if scores[1] >= m.high_from else "low"
    return m.kinds.get(f"{level}_{drive}", "")  # type: ignore[call-overload, no-any-return]


def to_text(doc: AlignmentDoc) -> str:
    """The chat message: what agrees and differs, the goals' SMART check, the kind, the don'ts."""
    lines = [doc.title, *(["", *doc.warnings] if doc.warnings else [])]
    if doc.not_prepared:
        lines += ["", doc.not_prepared]
    for theme in doc.themes:
        if theme.heart:  # the pleziervraag: the employee's own words, whatever the route
            lines += ["", theme.title, *(qa.answer for qa in theme.employee), *theme.findings]
            lines += [f"{qa.question} {qa.answer}" for qa in theme.manager]
        elif theme.findings:
            lines += ["", theme.title, *theme.findings]
        elif theme.manager and not theme.employee:  # the organisation's side: the manager's own
            lines += ["", theme.title, *(f"{qa.question} {qa.answer}" for qa in theme.manager)]
    lines += ["", doc.goals_title, *(f"• {g}" for g in doc.goals)]
    if doc.kind:
        lines += ["", f"{doc.matrix_title}: {doc.kind}"]
    for title, items in ((doc.dos_title, doc.dos), (doc.donts_title, doc.donts)):
        if items:
            lines += ["", title, *(f"• {d}" for d in items)]
    return "\n".join(lines)
