"""popbot's dialog engine: platform-free, driven by HR's YAML scripts.

The names below are loaded when first used (PEP 562), not when any `bot.…` module is: the
engine and the scripts' parser take ~0.8 s to import, which every command-line call paid,
even `popbot schedule status`, which needs neither.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.dialog.loaded import LoadedScript
    from bot.dialog.problems import ScriptError, ScriptProblem
    from bot.dialog.script import bundled_script_path, load_script
    from bot.domain import EmployeeRecord
    from bot.engine.engine import Engine
    from bot.errors import PopbotError, StorageError
    from bot.messages import Document, Incoming, Option, Outgoing, Question, Text
    from bot.ports import Store

_WHERE = {
    "LoadedScript": "bot.dialog.loaded",
    "ScriptError": "bot.dialog.problems",
    "ScriptProblem": "bot.dialog.problems",
    "bundled_script_path": "bot.dialog.script",
    "load_script": "bot.dialog.script",
    "EmployeeRecord": "bot.domain",
    "Engine": "bot.engine.engine",
    "PopbotError": "bot.errors",
    "StorageError": "bot.errors",
    "Document": "bot.messages",
    "Incoming": "bot.messages",
    "Option": "bot.messages",
    "Outgoing": "bot.messages",
    "Question": "bot.messages",
    "Text": "bot.messages",
    "Store": "bot.ports",
}
__all__ = [
    "Document",
    "EmployeeRecord",
    "Engine",
    "Incoming",
    "LoadedScript",
    "Option",
    "Outgoing",
    "PopbotError",
    "Question",
    "ScriptError",
    "ScriptProblem",
    "StorageError",
    "Store",
    "Text",
    "bundled_script_path",
    "load_script",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
