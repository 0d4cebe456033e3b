"""popbot's dialog engine: platform-free, driven by HR's YAML scripts."""

from bot.domain import EmployeeRecord
from bot.engine import Engine
from bot.errors import PopbotError, ScriptError, ScriptProblem, StorageError
from bot.messages import Document, Incoming, Option, Outgoing, Question, Text
from bot.script import LoadedScript, bundled_script_path, load_script
from bot.store import Store

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
