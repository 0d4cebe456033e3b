"""Loading HR's YAML scripts: parse, validate, and point at the line.

ruamel.yaml is used (not PyYAML) because it refuses duplicate keys and keeps
the line and column of every node, so each problem can be reported as
`file:line:column: message` — the form HR's editor understands. Problems
carry a code; their wording (Dutch and English) is in dialogs/validator.yaml.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.dialog.flow import Flow
from bot.dialog.problems import ScriptError, ScriptProblem
from bot.dialog.schema import ChoiceQuestion, Condition, GroupQuestion, Question, ScaleQuestion, Script, Step
from bot.domain import DONE, START

Loc = tuple[int | str, ...]


@dataclass(frozen=True)
class LoadedScript:
    """A validated script, where it came from, and its flow."""

    script: Script
    path: str
    version: str  # content hash: the same text is the same version
    text: str = field(repr=False)
    steps_by_question: dict[str, Step] = field(repr=False)
    questions: dict[str, Question] = field(repr=False)
    tree: Any = field(repr=False)  # the YAML nodes, for line numbers
    warnings: list[ScriptProblem] = field(default_factory=list)
    flow: Flow = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "flow", Flow(self))

    @property
    def order(self) -> list[str]:
        return list(self.questions)

    def position(self, loc: Loc) -> tuple[int, int]:
        return _position(self.tree, loc)


def bundled_script_path(name: str = "pop", language: str = "nl") -> Path:
    """The script shipped inside the `dialogs` package (works when installed)."""
    return Path(str(resources.files("dialogs").joinpath(f"{name}.{language}.yaml")))


def load_script(path: str | Path) -> LoadedScript:
    """Read, parse and check one script; raise ScriptError with every error.

    Warnings (the script is usable) are kept in `LoadedScript.warnings`.
    """
    path = Path(path)
    name = str(path)
    try:
        with path.open("rb") as f:
            raw = f.read(MAX_SCRIPT_BYTES + 1)  # never more: a huge file is refused unread
    except OSError as exc:
        raise ScriptError([ScriptProblem(name, 0, 0, "unreadable", {"reason": exc.strerror})]) from None
    if len(raw) > MAX_SCRIPT_BYTES:
        raise ScriptError([ScriptProblem(name, 0, 0, "script_too_large", {"max": MAX_SCRIPT_BYTES // 1024})])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScriptError([ScriptProblem(name, 0, 0, "not_utf8")]) from None
    return parse_script(text, name)


# What a script takes from the one it extends, unless it gives its own.
_INHERITED = (
    "language_name",
    "limits",
    "commands",
    "words",
    "faq",
    "command_descriptions",
    "privacy",
    "team",
)


def parse_script(text: str, name: str = "<script>") -> LoadedScript:
    """A script from its text, or ScriptError — whatever the text holds: any failure while
    reading it is a refused script with a message, never an exception of another kind (the
    watcher and the validator rely on that)."""
    try:
        return _parse_script(text, name)
    except ScriptError:
        raise
    except RecursionError:
        raise ScriptError([ScriptProblem(name, 0, 0, "script_too_deep", {"max": MAX_DEPTH})]) from None
    except Exception as exc:  # a case no check foresaw: refused, said, and the previous one stays
        problem = ScriptProblem(name, 0, 0, "script_not_understood", {"error": type(exc).__name__})
        raise ScriptError([problem]) from None


def _parse_script(text: str, name: str) -> LoadedScript:
    tree = _parse_yaml(text, name)
    base_text, base_ids = _extend(tree, name)
    # the version changes when the base changes, so hot reload picks that up too
    text_for_version = text + "\n" + base_text if base_text else text
    try:
        script = Script.model_validate(tree)
    except ValidationError as exc:
        raise ScriptError(_pydantic_problems(exc, tree, name)) from None
    problems = list(_meaning_problems(script, tree, name))
    problems += _alignment_problems(script, tree, name, base_ids)
    if problems:
        raise ScriptError(problems)
    steps_by_question: dict[str, Step] = {}
    questions: dict[str, Question] = {}
    for step in script.steps:
        for q in step.questions:
            steps_by_question[q.id] = step
            questions[q.id] = q
    version = hashlib.sha256(text_for_version.encode("utf-8")).hexdigest()[:12]
    loaded = LoadedScript(script, name, version, text, steps_by_question, questions, tree)
    problems = list(_flow_problems(loaded))
    if problems:
        raise ScriptError(problems)
    loaded.warnings.extend(_warnings(loaded))
    return loaded


def _extend(tree: CommentedMap, name: str) -> tuple[str, set[str]]:
    """Fill in what `extends:` names from the base script of the same language.

    Returns the base's text and its question ids (an alignment names them).
    """
    base_id = tree.get("extends")
    if not isinstance(base_id, str):
        return "", set()
    line, col = (tree.lc.key("extends")[0] + 1, tree.lc.key("extends")[1] + 1)
    path = Path(name).parent / f"{base_id}.{tree.get('language')}.yaml"
    try:
        base_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise ScriptError(
            [ScriptProblem(name, line, col, "extends_missing", {"id": base_id, "file": str(path)})]
        ) from None
    try:
        base = _parse_yaml(base_text, str(path))
    except ScriptError:
        raise ScriptError([ScriptProblem(name, line, col, "extends_broken", {"file": str(path)})]) from None
    for key in _INHERITED:
        if key not in tree and key in base:
            tree[key] = base[key]
    messages = tree.get("messages")
    if isinstance(base.get("messages"), CommentedMap):
        merged = base["messages"]  # keeps line numbers for problems in inherited messages
        if isinstance(messages, CommentedMap):
            merged.update(messages)
        tree["messages"] = merged
    ids = {
        str(q.get("id"))
        for step in base.get("steps") or []
        if isinstance(step, CommentedMap)
        for q in step.get("questions") or []
        if isinstance(q, CommentedMap)
    }
    return base_text, ids


def _alignment_problems(script: Script, tree: Any, name: str, employee_ids: set[str]) -> list[ScriptProblem]:
    """A manager's script needs an alignment whose ids exist on both sides."""
    problems: list[ScriptProblem] = []
    a = script.alignment
    if script.role != "manager":
        return problems
    if a is None:
        line, col = _position(tree, ("role",))
        return [ScriptProblem(name, line, col, "missing", {"key": "alignment", "where": "alignment"})]
    mine = {q.id: q for _step, q in script.questions()}

    def check(loc: Loc, qid: str, whose: str) -> None:
        known = mine if whose == "manager" else employee_ids
        if qid not in known:
            line, col = _position(tree, loc)
            problems.append(ScriptProblem(name, line, col, f"alignment_unknown_{whose}", {"id": qid}))

    for ti, theme in enumerate(a.themes):
        for key, ids in (("employee", theme.employee), ("manager", theme.manager)):
            for i, qid in enumerate(ids):
                check(("alignment", "themes", ti, key, i), qid, key)
        for ci, c in enumerate(theme.compare):
            check(("alignment", "themes", ti, "compare", ci, "employee"), c.employee, "employee")
            check(("alignment", "themes", ti, "compare", ci, "manager"), c.manager, "manager")
    for key in ("ability", "willingness"):
        qid = getattr(a.matrix, key)
        check(("alignment", "matrix", key), qid, "manager")
        if qid in mine and not isinstance(mine[qid], ScaleQuestion):
            line, col = _position(tree, ("alignment", "matrix", key))
            problems.append(ScriptProblem(name, line, col, "alignment_not_scale", {"id": qid}))
    return problems


# ------------------------------------------------------------------ parsing


def _parse_yaml(text: str, name: str) -> Any:
    _not_too_deep(text, name)
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = exc.problem or "invalid YAML"
        if "duplicate key" in what:
            key = what.split('"')[1] if '"' in what else "?"
            raise ScriptError([ScriptProblem(name, line, col, "duplicate_key", {"key": key})]) from None
        raise ScriptError([ScriptProblem(name, line, col, "yaml_syntax", {"problem": what})]) from None
    except YAMLError as exc:
        raise ScriptError([ScriptProblem(name, 0, 0, "yaml_syntax", {"problem": str(exc)})]) from None
    if not isinstance(data, CommentedMap):
        raise ScriptError([ScriptProblem(name, 1, 1, "not_a_mapping")])
    _bounded(data, name)
    return data


# A script is HR's text, but a hostile or broken one must be refused in seconds and megabytes:
# the file's size bounds the parsing, these bound what YAML aliases can make of it.
MAX_SCRIPT_BYTES = 1024 * 1024  # the bundled scripts are ~30 KB
MAX_DEPTH = 40  # the format nests ~8 deep
MAX_NODES = 100_000  # values after aliases are expanded (the bundled pop script: ~3,000)


def _not_too_deep(text: str, name: str) -> None:
    """Refuse deep nesting before the YAML parser recurses into it (thousands of `[` take it
    seconds to give up): brackets outside quotes, and indentation, give the depth cheaply."""
    depth = deepest = 0
    quote = ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
        elif ch == "\n":
            quote = ""  # a quote does not run on over lines here; the parser judges the rest
    indent = max((len(line) - len(line.lstrip(" ")) for line in text.splitlines()), default=0)
    if deepest > MAX_DEPTH or indent > 4 * MAX_DEPTH:
        raise ScriptError([ScriptProblem(name, 0, 0, "script_too_deep", {"max": MAX_DEPTH})])


def _bounded(tree: Any, name: str) -> None:
    """Refuse a tree that is too deep or that aliases blow up ("billion laughs"): what every
    later step walks is the tree with its aliases expanded. (An alias to the block it stands
    in reads as empty: ruamel cuts the loop, so the tree has none.)"""
    sizes: dict[int, int] = {}  # id(node) -> expanded size, for nodes met again through an alias

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict | list):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if depth > MAX_DEPTH:
            raise ScriptError([ScriptProblem(name, 0, 0, "script_too_deep", {"max": MAX_DEPTH})])
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_NODES:
                raise ScriptError([ScriptProblem(name, 0, 0, "script_too_big", {"max": MAX_NODES})])
        sizes[key] = total
        return total

    size(tree, 0)


_TAGS = {"text", "choice", "multi", "yesno", "date", "scale", "group"}


def _is_tag(part: int | str) -> bool:
    return isinstance(part, str) and part in _TAGS


def _position(tree: Any, loc: Loc) -> tuple[int, int]:
    """The line and column of the deepest YAML node that `loc` reaches."""
    node = tree
    pos = (1, 1)
    for key in _without_tags(loc):
        if isinstance(node, CommentedMap) and key in node:
            line, col = node.lc.key(key)
            pos = (line + 1, col + 1)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, col = node.lc.item(key)
            pos = (line + 1, col + 1)
            node = node[key]
    return pos


def _without_tags(loc: Loc) -> Loc:
    """`loc` without pydantic's union tags ('text', 'scale', …), which follow a list index.

    Needed because 'text' is both a tag and a key of every question.
    """
    return tuple(p for i, p in enumerate(loc) if not (_is_tag(p) and i > 0 and isinstance(loc[i - 1], int)))


@cache
def _known_keys() -> frozenset[str]:
    """Every key the format knows, for "did you mean …?"."""
    keys: set[str] = set()
    todo: list[type[BaseModel]] = [Script]
    seen: set[type[BaseModel]] = set()
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            keys.add(info.alias or name)
            todo.extend(_models_in(info.annotation))
    return frozenset(keys)


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) + getattr(annotation, "__metadata__", ()):
        yield from _models_in(arg)


def _pydantic_problems(exc: ValidationError, tree: Any, name: str) -> list[ScriptProblem]:
    problems = []
    seen: set[tuple[int, str]] = set()
    for err in exc.errors():
        loc: Loc = tuple(err["loc"])
        kind = err["type"]
        where = ".".join(str(p) for p in _without_tags(loc))
        if kind == "union_tag_invalid":
            loc = (*loc, "kind")  # point at the wrong kind, not at the question
        line, col = _position(tree, loc)
        params: dict[str, Any] = {k: v for k, v in (err.get("ctx") or {}).items()}
        params["fallback"] = err["msg"].removeprefix("Value error, ")
        params["where"] = where
        if not isinstance(err.get("input"), dict | list):
            params["input"] = err.get("input")
        if kind in ("extra_forbidden", "missing"):
            params["key"] = loc[-1]
            close = difflib.get_close_matches(str(loc[-1]), _known_keys(), n=1, cutoff=0.75)
            if kind == "extra_forbidden" and close:
                params["suggest"] = close[0]
        if (line, kind) not in seen:
            seen.add((line, kind))
            problems.append(ScriptProblem(name, line, col, kind, params))
    return problems


# ------------------------------------------------------------------ meaning


def _walk_questions(script: Script) -> Iterator[tuple[Loc, Question]]:
    for si, step in enumerate(script.steps):
        for qi, q in enumerate(step.questions):
            yield ("steps", si, "questions", qi), q


def _meaning_problems(script: Script, tree: Any, name: str) -> Iterator[ScriptProblem]:
    """Checks that need the whole script: unique ids and ids that must exist."""

    def at(loc: Loc, code: str, **params: Any) -> ScriptProblem:
        line, col = _position(tree, loc)
        return ScriptProblem(name, line, col, code, params)

    step_ids: set[str] = set()
    for si, step in enumerate(script.steps):
        if step.id in step_ids:
            yield at(("steps", si, "id"), "step_id_twice", id=step.id)
        step_ids.add(step.id)

    ids: dict[str, Question] = {}
    order: list[str] = []
    for loc, q in _walk_questions(script):
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
    for loc, q in _walk_questions(script):
        if q.draft and q.draft not in sections:
            yield at((*loc, "draft"), "unknown_section", id=q.draft)
        if q.when:
            yield from conditions(q.when, (*loc, "when"), q.id)
        for gi, rule in enumerate(q.goto):
            if rule.to not in ids:
                yield at((*loc, "goto", gi, "to"), "goto_unknown_id", id=rule.to)
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
    for loc, q in _walk_questions(loaded.script):
        if q.id == qid:
            return (*loc, "id")
    return ()


def _flow_problems(loaded: LoadedScript) -> Iterator[ScriptProblem]:
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


def _warnings(loaded: LoadedScript) -> Iterator[ScriptProblem]:
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
    for loc, q in _walk_questions(s):
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
