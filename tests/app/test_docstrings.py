"""Every public class and function of the core says what it is for (a method may take its
base's words: `inspect.getdoc` reads them as a reader's tools do)."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent
CORE = ("dialog", "documents", "engine", "people", "schedule")
MODULES = ("clock", "domain", "errors", "ids", "messages", "platform", "ports", "session")


def _modules() -> list[str]:
    names = [f"bot.{m}" for m in MODULES]
    for package in CORE:
        for path in sorted((ROOT / "bot" / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def _undocumented(module_name: str) -> list[str]:
    module = importlib.import_module(module_name)
    missing = []
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if not (inspect.isclass(obj) or inspect.isfunction(obj)):
            continue
        doc = obj.__doc__ or ""
        if not doc.strip() or (inspect.isclass(obj) and doc.startswith(f"{name}(")):  # a dataclass's own
            missing.append(f"{module_name}.{name}")
        if not inspect.isclass(obj):
            continue
        for attr, value in vars(obj).items():
            if attr.startswith("_"):
                continue
            if isinstance(value, property):
                docs = [
                    b.__dict__[attr].__doc__
                    for b in obj.__mro__
                    if isinstance(b.__dict__.get(attr), property)
                ]
                if not any(d and d.strip() for d in docs):
                    missing.append(f"{module_name}.{name}.{attr}")
            elif inspect.isfunction(value) and not (inspect.getdoc(getattr(obj, attr)) or "").strip():
                missing.append(f"{module_name}.{name}.{attr}")
    return missing


def test_every_public_class_and_function_of_the_core_has_a_docstring() -> None:
    missing = [m for name in _modules() for m in _undocumented(name)]
    assert missing == []
