"""Reading a script's YAML with bounds, and pointing at its lines.

ruamel.yaml is used (not PyYAML) because it refuses duplicate keys and keeps
the line and column of every node, so each problem can be reported as
`file:line:column: message` — the form HR's editor understands. A hostile or
broken text is refused within bounds (size, depth, aliases).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from functools import cache
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from bot.dialog.problems import ScriptError, ScriptProblem
from bot.dialog.schema import Script

Loc = tuple[int | str, ...]


def parse_yaml(text: str, name: str) -> Any:
    """YAML text to data, with where each value is written (for `file:line:col`)."""
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


def position(tree: Any, loc: Loc) -> tuple[int, int]:
    """The line and column of the deepest YAML node that `loc` (pydantic's) reaches."""
    return _walk(tree, without_tags(loc), strict=False)


def tree_position(tree: Any, loc: Loc) -> tuple[int, int]:
    """Like `position`, for a path through the YAML itself (no pydantic tags to drop); a
    KeyError when the path is not in this file's text (taken from the base script)."""
    return _walk(tree, loc, strict=True)


def _walk(tree: Any, loc: Loc, strict: bool) -> tuple[int, int]:
    node = tree
    pos = (1, 1)
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line, col = node.lc.key(key)
            pos = (line + 1, col + 1)
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line, col = node.lc.item(key)
            pos = (line + 1, col + 1)
            node = node[key]
        elif strict:
            raise KeyError(key)
    return pos


def without_tags(loc: Loc) -> Loc:
    """`loc` without pydantic's union tags ('text', 'scale', …), which follow a list index.

    Needed because 'text' is both a tag and a key of every question.
    """
    return tuple(p for i, p in enumerate(loc) if not (_is_tag(p) and i > 0 and isinstance(loc[i - 1], int)))


@cache
def known_keys() -> frozenset[str]:
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


def pydantic_problems(exc: ValidationError, tree: Any, name: str) -> list[ScriptProblem]:
    """The schema's complaints about a script as problems with their place in the file."""
    problems = []
    seen: set[tuple[int, str]] = set()
    for err in exc.errors():
        loc: Loc = tuple(err["loc"])
        kind = err["type"]
        where = ".".join(str(p) for p in without_tags(loc))
        if kind == "union_tag_invalid":
            loc = (*loc, "kind")  # point at the wrong kind, not at the question
        line, col = position(tree, loc)
        params: dict[str, Any] = {k: v for k, v in (err.get("ctx") or {}).items()}
        params["fallback"] = err["msg"].removeprefix("Value error, ")
        params["where"] = where
        if not isinstance(err.get("input"), dict | list):
            params["input"] = err.get("input")
        if kind in ("extra_forbidden", "missing"):
            params["key"] = loc[-1]
            close = difflib.get_close_matches(str(loc[-1]), known_keys(), n=1, cutoff=0.75)
            if kind == "extra_forbidden" and close:
                params["suggest"] = close[0]
        if (line, kind) not in seen:
            seen.add((line, kind))
            problems.append(ScriptProblem(name, line, col, kind, params))
    return problems
