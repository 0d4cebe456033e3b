"""popbot's dialog engine: platform-free, driven by HR's YAML scripts."""

from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptError, ScriptProblem
from bot.dialog.script import bundled_script_path, load_script
from bot.domain import EmployeeRecord
from bot.engine.engine import Engine
from bot.errors import PopbotError, StorageError
from bot.messages import Document, Incoming, Option, Outgoing, Question, Text
from bot.ports import Store

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
