"""What a script means, checked: ids that must exist, conditions that can hold, questions
nobody reaches, loops nobody leaves, and translations that share every id."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from string import Formatter
from typing import Any

from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptProblem
from bot.dialog.questions import ChoiceQuestion, Condition, GroupQuestion, Question
from bot.dialog.schema import Script
from bot.dialog.source import Loc, position, tree_position
from bot.domain import DONE, START

# What the code fills into a script's texts, per section: a `{…}` not listed is refused, so a
# typo (`{naam}`) or a variable a text never receives is found by the validator, not shown
# to an employee. Keep in step with the calls of `fmt` that fill each section's texts.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "messages": frozenset(
        [
            "answer",
            "answered",
            "command",
            "commands",
            "count",
            "faq",
            "help",
            "hint",
            "label",
            "length",
            "marker",
            "max",
            "min",
            "name",
            "number",
            "question",
            "title",
            "today",
            "total",
            "word",
        ]
    ),
    "steps": frozenset({"item", "n", "name"}),  # a manager's questions name the employee
    "words": frozenset({"day", "month", "year", "value", "min", "max", "low", "high"}),
    "privacy": frozenset({"answers", "draft", "name", "question", "word"}),
    "rights": frozenset({"yes"}),
    "remarks": frozenset({"choice", "count", "goal", "name", "number", "own", "stop"}),
    "team": frozenset({"count", "date", "manager", "name", "number", "points", "status"}),
    "agreement": frozenset({"choice", "date", "goal", "name", "number", "open", "time", "version"}),
    "follow_up": frozenset({"count", "goal", "goals", "manager", "name", "number", "stop", "text"}),
    "alignment": frozenset(
        {
            "answer",
            "date",
            "employee",
            "goal",
            "items",
            "letter",
            "letters",
            "manager",
            "missing",
            "name",
            "what",
        }
    ),
    "draft": frozenset({"n"}),
}
TEMPLATES_IN_STEPS = ("text", "item_label")  # the steps' only texts with something filled in


def placeholder_problems(tree: Any, name: str) -> Iterator[ScriptProblem]:
    """Every `{…}` in a text, checked against what that section's texts receive."""

    def walk(node: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield from walk(value, (*loc, key))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                yield from walk(value, (*loc, i))
        elif isinstance(node, str) and ("{" in node or "}" in node):
            yield loc, node

    if not isinstance(tree, dict):
        return
    for section, value in tree.items():
        known = PLACEHOLDERS.get(str(section))
        if known is None:
            continue  # ids, titles: nothing is filled in
        for loc, text in walk(value, (section,)):
            if section == "steps" and loc[-1] not in TEMPLATES_IN_STEPS:
                continue  # a title, an option's label: shown as written, braces and all
            try:
                line, col = tree_position(tree, loc)
            except KeyError:  # taken from the base script (`extends`)
                continue  # checked where it is written
            try:
                fields = [f for _lit, f, _spec, _conv in Formatter().parse(text) if f is not None]
            except ValueError:
                yield ScriptProblem(name, line, col, "broken_placeholder", {})
                continue
            for field in fields:
                if field not in known:
                    shown = ", ".join("{" + k + "}" for k in sorted(known))
                    yield ScriptProblem(
                        name,
                        line,
                        col,
                        "unknown_placeholder",
                        {"placeholder": "{" + field + "}", "known": shown},
                    )


def walk_questions(script: Script) -> Iterator[tuple[Loc, Question]]:
    """Every question of the script, a group's fields included, with where it sits."""
    for si, step in enumerate(script.steps):
        for qi, q in enumerate(step.questions):
            yield ("steps", si, "questions", qi), q


def meaning_problems(script: Script, tree: Any, name: str) -> Iterator[ScriptProblem]:
    """Checks that need the whole script: unique ids and ids that must exist."""

    def at(loc: Loc, code: str, **params: Any) -> ScriptProblem:
        line, col = position(tree, loc)
        return ScriptProblem(name, line, col, code, params)

    step_ids: set[str] = set()
    for si, step in enumerate(script.steps):
        if step.id in step_ids:
            yield at(("steps", si, "id"), "step_id_twice", id=step.id)
        step_ids.add(step.id)

    faq_ids: set[str] = set()
    for fi, entry in enumerate(script.faq):
        if entry.id in faq_ids:
            yield at(("faq", fi, "id"), "faq_id_twice", id=entry.id)
        faq_ids.add(entry.id)

    ids: dict[str, Question] = {}
    order: list[str] = []
    for loc, q in walk_questions(script):
        if q.id in ids:
            yield at((*loc, "id"), "question_id_twice", id=q.id)
        ids[q.id] = q
        order.append(q.id)
        if isinstance(q, GroupQuestion):
            seen_fields: set[str] = set()
            for fi, f in enumerate(q.fields):
                if f.id in seen_fields:
                    yield at((*loc, "fields", fi, "id"), "field_id_twice", id=f.id)
                seen_fields.add(f.id)

    def conditions(cond: Condition, loc: Loc, asker: str) -> Iterator[ScriptProblem]:
        for ref, value in _tests(cond):
            target = ids.get(ref)
            if target is None:
                yield at(loc, "condition_unknown_id", id=ref)
            elif order.index(ref) >= order.index(asker):
                yield at(loc, "condition_later", id=ref)
            elif (
                isinstance(target, ChoiceQuestion)
                and value is not None
                and str(value) not in {o.id for o in target.options}
            ):
                yield at(loc, "condition_never", id=ref, value=value)

    sections = {s.id for s in script.draft.sections}
    for loc, q in walk_questions(script):
        if q.draft and q.draft not in sections:
            yield at((*loc, "draft"), "unknown_section", id=q.draft)
        if q.when:
            yield from conditions(q.when, (*loc, "when"), q.id)
        for gi, rule in enumerate(q.goto):
            if rule.to not in ids:
                yield at((*loc, "goto", gi, "to"), "goto_unknown_id", id=rule.to)
            elif order.index(rule.to) <= order.index(q.id):
                # a jump back: with another question jumping forward again under some answers,
                # the two would send each other round for ever
                yield at((*loc, "goto", gi, "to"), "goto_back", id=q.id, to=rule.to)
            if rule.when:
                yield from conditions(rule.when, (*loc, "goto", gi, "when"), q.id)
    for si, step in enumerate(script.steps):
        if step.when:
            yield from conditions(step.when, ("steps", si, "when"), step.questions[0].id)

    d = script.draft
    goals = ids.get(d.goals_question) if d.goals_question else None
    if d.goals_question and not isinstance(goals, GroupQuestion):
        yield at(("draft", "goals_question"), "not_a_group", id=d.goals_question)
    elif isinstance(goals, GroupQuestion):
        field_ids = {f.id for f in goals.fields}
        for column in d.goal_columns:
            if column not in field_ids:
                yield at(("draft", "goal_columns", column), "not_a_field", id=column, group=goals.id)
        if d.realistic is not None:
            field = next((f for f in goals.fields if f.id == d.realistic.field), None)
            if not isinstance(field, ChoiceQuestion):
                yield at(("draft", "realistic", "field"), "not_a_field", id=d.realistic.field, group=goals.id)
            else:
                options = {o.id for o in field.options}
                for i, option in enumerate(d.realistic.holds):
                    if option not in options:
                        yield at(
                            ("draft", "realistic", "holds", i), "not_an_option_of", id=field.id, option=option
                        )
    for qid in d.header_questions:
        if qid not in ids:
            yield at(("draft", "header_questions", qid), "not_a_question", id=qid)
    for i, qid in enumerate(d.support_questions):
        if qid not in ids:
            yield at(("draft", "support_questions", i), "not_a_question", id=qid)


def _tests(cond: Condition) -> Iterator[tuple[str, Any]]:
    """(question id, option the test needs or None) for every test in a condition."""
    if cond.answer is not None:
        needed = [cond.equals, cond.not_equals, cond.includes, *(cond.one_of or [])]
        values = [v for v in needed if v is not None and not isinstance(v, bool)]
        if values:
            for v in values:
                yield cond.answer, v
        else:
            yield cond.answer, None
    for sub in (cond.all or []) + (cond.any or []) + ([cond.not_] if cond.not_ else []):
        yield from _tests(sub)


def _question_loc(loaded: LoadedScript, qid: str) -> Loc:
    for loc, q in walk_questions(loaded.script):
        if q.id == qid:
            return (*loc, "id")
    return ()


def flow_problems(loaded: LoadedScript) -> Iterator[ScriptProblem]:
    """Questions nobody reaches, and loops nobody leaves, read off the flow."""
    flow = loaded.flow
    forward: dict[str, list[str]] = {s: flow.targets(s) for s in [START, *loaded.order]}
    reached = _reach(START, forward)
    backward: dict[str, list[str]] = {}
    for source, dests in forward.items():
        for d in dests:
            backward.setdefault(d, []).append(source)
    finishing = _reach(DONE, backward)

    def at(qid: str, code: str) -> ScriptProblem:
        line, col = loaded.position(_question_loc(loaded, qid))
        return ScriptProblem(loaded.path, line, col, code, {"id": qid})

    for qid in loaded.order:
        if qid not in reached:
            yield at(qid, "unreachable")
    stuck = [qid for qid in loaded.order if qid in reached and qid not in finishing]
    # Report where the loop is (a stuck question that comes back to itself),
    # not at every question that leads into it.
    looping = [q for q in stuck if any(q in _reach(t, forward) for t in forward.get(q, []))]
    if stuck:
        yield at((looping or stuck)[0], "no_way_out")


def _reach(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen = {start}
    todo = deque([start])
    while todo:
        for nxt in edges.get(todo.popleft(), []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def warnings_of(loaded: LoadedScript) -> Iterator[ScriptProblem]:
    """What in a script is allowed but probably not meant (said, not refused)."""
    if loaded.script.role != "employee":
        return  # the seven steps are the employee's preparation
    covered = {s.method_step for s in loaded.script.steps if s.method_step}
    missing = [str(n) for n in range(1, 8) if n not in covered]
    if missing:
        line, col = loaded.position(("steps",))
        yield ScriptProblem(
            loaded.path, line, col, "steps_missing", {"steps": ", ".join(missing)}, severity="warning"
        )


# ------------------------------------------------------------------ translations


def _ids(loaded: LoadedScript) -> dict[str, tuple[str, Loc]]:
    """Every id a translation must share, keyed as 'kind:id', with where it lives."""
    s = loaded.script
    out: dict[str, tuple[str, Loc]] = {}
    for si, step in enumerate(s.steps):
        out[f"step:{step.id}"] = ("step", ("steps", si, "id"))
    for loc, q in walk_questions(s):
        out[f"question:{q.id}"] = ("question", (*loc, "id"))
        if isinstance(q, ChoiceQuestion):
            for oi, o in enumerate(q.options):
                out[f"option:{q.id}.{o.id}"] = ("option", (*loc, "options", oi))
        if isinstance(q, GroupQuestion):
            for fi, f in enumerate(q.fields):
                out[f"field:{q.id}.{f.id}"] = ("field", (*loc, "fields", fi, "id"))
    for fi, e in enumerate(s.faq):
        out[f"faq:{e.id}"] = ("faq", ("faq", fi, "id"))
    for di, sec in enumerate(s.draft.sections):
        out[f"section:{sec.id}"] = ("section", ("draft", "sections", di, "id"))
    return out


def translation_problems(scripts: list[LoadedScript]) -> list[ScriptProblem]:
    """Scripts with the same id in different languages must share every id."""
    problems: list[ScriptProblem] = []
    by_id: dict[str, list[LoadedScript]] = {}
    for ls in scripts:
        by_id.setdefault(ls.script.id, []).append(ls)
    for group in by_id.values():
        for ls in group:
            mine = _ids(ls)
            for other in group:
                if other is ls:
                    continue
                if other.script.language == ls.script.language:
                    problems.append(
                        ScriptProblem(
                            ls.path,
                            1,
                            1,
                            "translation_language_twice",
                            {"other": other.path, "language": ls.script.language, "script": ls.script.id},
                        )
                    )
                    continue
                for key, (what, _loc) in _ids(other).items():
                    if key not in mine:
                        line, col = ls.position(
                            ("steps",)
                            if what not in ("faq", "section")
                            else ("faq",)
                            if what == "faq"
                            else ("draft", "sections")
                        )
                        problems.append(
                            ScriptProblem(
                                ls.path,
                                line,
                                col,
                                "translation_missing",
                                {"what": what, "id": key.split(":", 1)[1], "other": other.path},
                            )
                        )
    return problems
