"""Loading HR's YAML scripts: parse, validate, and point at the line.

ruamel.yaml is used (not PyYAML) because it refuses duplicate keys and keeps
the line and column of every node, so each problem can be reported as
`file:line:column: message` — the form HR's editor understands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.errors import ScriptError, ScriptProblem
from bot.schema import Condition, GroupQuestion, Question, Script, Step

Position = tuple[int, int]  # 1-based line and column


@dataclass(frozen=True)
class LoadedScript:
    """A validated script together with where it came from."""

    script: Script
    path: str
    version: str  # content hash: the same text is the same version
    steps_by_question: dict[str, Step] = field(repr=False)
    questions: dict[str, Question] = field(repr=False)

    @property
    def order(self) -> list[str]:
        return list(self.questions)


def bundled_script_path(name: str = "pop", language: str = "nl") -> Path:
    """The script shipped inside the `dialogs` package (works when installed)."""
    return Path(str(resources.files("dialogs").joinpath(f"{name}.{language}.yaml")))


def load_script(path: str | Path) -> LoadedScript:
    """Read, parse and check one script; raise ScriptError with every problem."""
    path = Path(path)
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ScriptError([ScriptProblem(name, 0, 0, f"cannot read the file: {exc.strerror}")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScriptError([ScriptProblem(name, 0, 0, f"the file is not UTF-8 text ({exc.reason})")]) from None
    return parse_script(text, name)


def parse_script(text: str, name: str = "<script>") -> LoadedScript:
    data = _parse_yaml(text, name)
    try:
        script = Script.model_validate(data)
    except ValidationError as exc:
        raise ScriptError(_pydantic_problems(exc, data, name)) from None
    problems = list(_meaning_problems(script, data, name))
    if problems:
        raise ScriptError(problems)
    steps_by_question: dict[str, Step] = {}
    questions: dict[str, Question] = {}
    for step in script.steps:
        for q in step.questions:
            steps_by_question[q.id] = step
            questions[q.id] = q
    version = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return LoadedScript(script, name, version, steps_by_question, questions)


# ------------------------------------------------------------------ parsing


def _parse_yaml(text: str, name: str) -> Any:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "invalid YAML"
        if "duplicate key" in what:
            what = what.split(" with value")[0]
        raise ScriptError([ScriptProblem(name, line, col, what)]) from None
    except YAMLError as exc:
        raise ScriptError([ScriptProblem(name, 0, 0, f"invalid YAML: {exc}")]) from None
    if not isinstance(data, CommentedMap):
        raise ScriptError(
            [ScriptProblem(name, 1, 1, "the script must be a mapping with keys such as id, steps")]
        )
    return data


def _position(data: Any, loc: tuple[int | str, ...]) -> Position:
    """The line of the deepest YAML node that `loc` reaches."""
    node = data
    pos: Position = (1, 1)
    for key in loc:
        if isinstance(node, CommentedMap) and _is_tag(key) and node.get("kind") == key:
            continue  # pydantic's union tag ('text', 'scale', …), not the YAML key 'text'
        if isinstance(node, CommentedMap) and key in node:
            line, col = node.lc.key(key)
            pos = (line + 1, col + 1)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, col = node.lc.item(key)
            pos = (line + 1, col + 1)
            node = node[key]
        # Keys pydantic adds (union tags such as 'text') have no node: skip them.
    return pos


def _pydantic_problems(exc: ValidationError, data: Any, name: str) -> list[ScriptProblem]:
    problems = []
    seen: set[tuple[int, str]] = set()
    for err in exc.errors():
        loc = tuple(err["loc"])
        if err["type"] == "union_tag_invalid":
            loc = (*loc, "kind")  # point at the wrong kind, not at the question
        line, col = _position(data, loc)
        where = ".".join(str(p) for p in loc if not _is_tag(p) and p != "kind")
        kind = err["type"]
        if kind == "extra_forbidden":
            msg = f"unknown key '{loc[-1]}'"
        elif kind == "missing":
            msg = f"missing required key '{loc[-1]}'"
        elif kind == "union_tag_invalid":
            ctx = err.get("ctx", {})
            msg = f"unknown kind {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
        else:
            msg = err["msg"].removeprefix("Value error, ")
        text = f"{msg} (at {where})" if where else msg
        if (line, text) not in seen:
            seen.add((line, text))
            problems.append(ScriptProblem(name, line, col, text))
    return problems


_TAGS = {"text", "choice", "multi", "yesno", "date", "scale", "group"}


def _is_tag(part: int | str) -> bool:
    return isinstance(part, str) and part in _TAGS


# ------------------------------------------------------------------ meaning


def _walk_questions(script: Script) -> Iterator[tuple[tuple[int | str, ...], Question]]:
    for si, step in enumerate(script.steps):
        for qi, q in enumerate(step.questions):
            yield ("steps", si, "questions", qi), q


def _meaning_problems(script: Script, data: Any, name: str) -> Iterator[ScriptProblem]:
    """Checks that need the whole script: unique ids and ids that must exist."""

    def at(loc: tuple[int | str, ...], msg: str) -> ScriptProblem:
        line, col = _position(data, loc)
        return ScriptProblem(name, line, col, msg)

    step_ids: set[str] = set()
    for si, step in enumerate(script.steps):
        if step.id in step_ids:
            yield at(("steps", si, "id"), f"step id '{step.id}' is used twice")
        step_ids.add(step.id)

    ids: dict[str, Question] = {}
    order: list[str] = []
    for loc, q in _walk_questions(script):
        if q.id in ids:
            yield at((*loc, "id"), f"question id '{q.id}' is used twice")
        ids[q.id] = q
        order.append(q.id)
        if isinstance(q, GroupQuestion):
            seen_fields: set[str] = set()
            for fi, f in enumerate(q.fields):
                if f.id in seen_fields:
                    yield at((*loc, "fields", fi, "id"), f"field id '{f.id}' is used twice")
                seen_fields.add(f.id)

    sections = {s.id for s in script.draft.sections}
    for loc, q in _walk_questions(script):
        if q.draft and q.draft not in sections:
            yield at((*loc, "draft"), f"draft section '{q.draft}' is not in draft.sections")
        if q.when:
            yield from _condition_problems(q.when, (*loc, "when"), ids, order, q.id, at)
        for gi, rule in enumerate(q.goto):
            if rule.to not in ids:
                yield at((*loc, "goto", gi, "to"), f"goto names '{rule.to}', which is not a question")
            if rule.when:
                yield from _condition_problems(rule.when, (*loc, "goto", gi, "when"), ids, order, q.id, at)
    for si, step in enumerate(script.steps):
        if step.when:
            first = step.questions[0].id
            yield from _condition_problems(step.when, ("steps", si, "when"), ids, order, first, at)

    d = script.draft
    goals = ids.get(d.goals_question)
    if not isinstance(goals, GroupQuestion):
        yield at(("draft", "goals_question"), f"'{d.goals_question}' is not a group question")
    else:
        field_ids = {f.id for f in goals.fields}
        for column in d.goal_columns:
            if column not in field_ids:
                yield at(("draft", "goal_columns", column), f"'{column}' is not a field of '{goals.id}'")
    for i, qid in enumerate(d.support_questions):
        if qid not in ids:
            yield at(("draft", "support_questions", i), f"'{qid}' is not a question")


def _condition_problems(
    cond: Condition,
    loc: tuple[int | str, ...],
    ids: dict[str, Question],
    order: list[str],
    asker: str,
    at: Any,
) -> Iterator[ScriptProblem]:
    for ref in cond.referenced_ids():
        if ref not in ids:
            yield at(loc, f"the condition names '{ref}', which is not a question")
        elif order.index(ref) >= order.index(asker):
            yield at(loc, f"the condition on '{ref}' looks at a question that comes later")
