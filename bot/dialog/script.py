"""Loading HR's YAML scripts: parse, validate, and point at the line.

ruamel.yaml is used (not PyYAML) because it refuses duplicate keys and keeps
the line and column of every node, so each problem can be reported as
`file:line:column: message` — the form HR's editor understands. Problems
carry a code; their wording (Dutch and English) is in dialogs/validator.yaml.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap

from bot.dialog.checks import flow_problems, meaning_problems, placeholder_problems, warnings_of
from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptError, ScriptProblem
from bot.dialog.questions import Question, ScaleQuestion, Step
from bot.dialog.schema import Script
from bot.dialog.source import MAX_DEPTH, MAX_SCRIPT_BYTES, Loc, parse_yaml, position, pydantic_problems


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
    tree = parse_yaml(text, name)
    base_text, base_ids = _extend(tree, name)
    # the version changes when the base changes, so hot reload picks that up too
    text_for_version = text + "\n" + base_text if base_text else text
    try:
        script = Script.model_validate(tree)
    except ValidationError as exc:
        raise ScriptError(pydantic_problems(exc, tree, name)) from None
    problems = list(meaning_problems(script, tree, name)) + list(placeholder_problems(tree, name))
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
    problems = list(flow_problems(loaded))
    if problems:
        raise ScriptError(problems)
    loaded.warnings.extend(warnings_of(loaded))
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
        base = parse_yaml(base_text, str(path))
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
        line, col = position(tree, ("role",))
        return [ScriptProblem(name, line, col, "missing", {"key": "alignment", "where": "alignment"})]
    mine = {q.id: q for _step, q in script.questions()}

    def check(loc: Loc, qid: str, whose: str) -> None:
        known = mine if whose == "manager" else employee_ids
        if qid not in known:
            line, col = position(tree, loc)
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
            line, col = position(tree, ("alignment", "matrix", key))
            problems.append(ScriptProblem(name, line, col, "alignment_not_scale", {"id": qid}))
    if a.share_question is not None:  # its options name the answers the employee may read
        check(("alignment", "share_question"), a.share_question, "manager")
        share = mine.get(a.share_question)
        for i, option in enumerate(getattr(share, "options", [])):
            q = mine.get(option.id)
            if q is None or q.private or not q.for_employee:
                line, col = position(tree, ("alignment", "share_question"))
                problems.append(
                    ScriptProblem(name, line, col, "not_shareable", {"id": option.id, "n": i + 1})
                )
    return problems
