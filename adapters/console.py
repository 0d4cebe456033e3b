"""The console adapter: the whole dialog in a terminal, or from a pipe.

Options are shown as numbers (answer by number or by text). Works with piped
standard input and stops cleanly at end of input, so a run can be scripted.
It prints only what the engine gives it; every sentence is the script's.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import textwrap
from typing import TextIO

from bot.engine import Engine
from bot.messages import Document, Incoming, Outgoing, Question, Text


def _wrap(text: str, width: int) -> str:
    # Wrap each line on its own so the script's line breaks and lists survive.
    return "\n".join(
        textwrap.fill(line, width, replace_whitespace=False, break_on_hyphens=False) if line else ""
        for line in text.splitlines()
    )


def render(out: list[Outgoing], width: int) -> str:
    parts: list[str] = []
    for item in out:
        if isinstance(item, Text):
            parts.append(_wrap(item.text, width))
        elif isinstance(item, Question):
            lines = [_wrap(item.text, width)]
            if item.current:
                lines.append(_wrap(item.current, width))
            for n, option in enumerate(item.options, start=1):
                lines.append(
                    textwrap.fill(option.label, width, initial_indent=f"  {n}. ", subsequent_indent="     ")
                )
            if item.hint:
                lines.append(_wrap(item.hint, width))
            parts.append("\n".join(lines))
        elif isinstance(item, Document):
            rule = "─" * min(width, 60)
            parts.append(f"{item.caption}\n{rule}\n{item.content.rstrip()}\n{rule}")
    return "\n\n".join(parts)


async def run_console(
    engine: Engine,
    employee_id: str,
    *,
    language: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    interactive = stdin.isatty() and stdout.isatty()
    width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 1))

    def show(out: list[Outgoing]) -> None:
        if out:
            stdout.write(render(out, width) + "\n\n")
            stdout.flush()

    show(await engine.start(employee_id, language))
    turn = 0
    while True:
        if interactive:
            stdout.write("> ")
            stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if line == "":  # end of input: everything answered so far is saved
            break
        turn += 1
        show(await engine.handle(employee_id, Incoming.say(line.rstrip("\r\n"))))
