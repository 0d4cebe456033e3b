"""`popbot dialogs validate | schema | graph`: working on HR's scripts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.app.settings import Settings
from bot.dialog.checks import translation_problems
from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptError, ScriptProblem, say
from bot.dialog.schema import Script
from bot.dialog.script import bundled_script_path, load_script


def cmd_validate(args: argparse.Namespace, _settings: Settings) -> int:
    problems: list[ScriptProblem] = []
    loaded: list[LoadedScript] = []
    for path in args.files:
        try:
            loaded.append(load_script(path))
        except ScriptError as exc:
            problems.extend(exc.problems)
    problems.extend(translation_problems(loaded))
    warnings = [w for ls in loaded for w in ls.warnings]
    for p in problems + warnings:
        print(p.render(args.lang), file=sys.stderr)
    failing = {p.file for p in problems}
    for ls in loaded:
        if ls.path not in failing:
            print(say("_ok", args.lang, file=ls.path))
    return 1 if problems else 0


def schema_json() -> str:
    """The JSON Schema of the script format, generated from the pydantic models."""
    schema = Script.model_json_schema(by_alias=True)
    schema.pop("$schema", None)  # yaml-language-server understands draft 7 best without it
    schema["title"] = "popbot dialog script"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def cmd_schema(args: argparse.Namespace, _settings: Settings) -> int:
    out = Path(args.output) if args.output else bundled_script_path().parent / "schema.json"
    out.write_text(schema_json(), encoding="utf-8")
    print(f"wrote {out}")
    return 0


def cmd_graph(args: argparse.Namespace, _settings: Settings) -> int:
    from bot.dialog.diagram import draw

    try:
        draw(load_script(args.file), Path(args.output))
    except ValueError as exc:
        print(f"popbot: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # graphviz missing: say what to install, not a trace
        if type(exc).__name__ != "ExecutableNotFound":
            raise
        print(
            "popbot: SVG and PNG need Graphviz ('apt-get install graphviz'); .mmd works without it",
            file=sys.stderr,
        )
        return 1
    print(f"wrote {args.output}")
    return 0
