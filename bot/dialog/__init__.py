"""The dialog as HR writes it: the script format, loading and checking scripts, the flow on
`transitions`, answers and their limits, goals and their deadlines, versions and hot reload."""

from bot.dialog.answers import accept, clean
from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptError, ScriptProblem
from bot.dialog.registry import ScriptRegistry
from bot.dialog.reload import watch_scripts
from bot.dialog.schema import Script
from bot.dialog.script import bundled_script_path, load_script, parse_script

__all__ = [
    "LoadedScript",
    "Script",
    "ScriptError",
    "ScriptProblem",
    "ScriptRegistry",
    "accept",
    "bundled_script_path",
    "clean",
    "load_script",
    "parse_script",
    "watch_scripts",
]
