"""The console adapter: the whole dialog in a terminal, or from a pipe.

Options are shown as numbers (answer by number or by text). Works with piped
standard input and stops cleanly at end of input, so a run can be scripted.
It prints only what the engine gives it; every sentence is the script's.
"""

from __future__ import annotations

import asyncio
import base64
import shutil
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from adapters import markup
from bot.engine.engine import Engine
from bot.messages import Button, Document, Incoming, Outgoing, Part, Question, Text
from bot.ports import InboxStore


def _wrap(text: str, width: int) -> str:
    # Wrap each line on its own so the script's line breaks and lists survive.
    return "\n".join(
        textwrap.fill(line, width, replace_whitespace=False, break_on_hyphens=False) if line else ""
        for line in text.splitlines()
    )


def render(out: list[Outgoing], width: int, save: Callable[[str, bytes], Path | None] | None = None) -> str:
    """The engine's messages as terminal text; a file (an export) kept by `save`, and named."""
    parts: list[str] = []
    for item in out:
        if isinstance(item, Text):
            parts.append(_wrap(item.text, width))
        elif isinstance(item, Question):
            lines = [_wrap(item.text, width)]
            if item.current:
                lines.append(_wrap(item.current, width))
            for n, option in enumerate(item.options, start=1):
                # a scale's options are their own numbers ("1 heel weinig"): no "1. 1 heel weinig"
                number = "  " if item.kind == "scale" else f"  {n}. "
                lines.append(
                    textwrap.fill(option.label, width, initial_indent=number, subsequent_indent="     ")
                )
            if item.hint:
                lines.append(_wrap(item.hint, width))
            parts.append("\n".join(lines))
        elif isinstance(item, Document) and isinstance(item.content, str):
            rule = "─" * min(width, 60)
            parts.append(
                f"{item.caption}\n{rule}\n{_wrap(markup.plain(item.content).rstrip(), width)}\n{rule}"
            )
        elif isinstance(item, Text | Button):
            parts.append(_wrap(item.text, width))
        elif isinstance(item, Document):  # a file (an export): saved, and named here
            saved = (
                save(item.filename, item.content)
                if save is not None and isinstance(item.content, bytes)
                else None
            )
            parts.append(f"{item.caption}\n📄 {saved or item.filename}")
    return "\n\n".join(parts)


async def run_console(
    engine: Engine,
    employee_id: str,
    *,
    language: str | None = None,
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
    inbox: ConsoleInbox | None = None,
    save: Callable[[str, bytes], Path | None] | None = None,
) -> None:
    """The dialog in a terminal until the input ends; what the schedule left in the console
    inbox shown first, and a file the dialog gives kept by `save` (the inbox port)."""
    interactive = stdin.isatty() and stdout.isatty()
    reconfigure = getattr(stdin, "reconfigure", None)
    if reconfigure is not None:  # invalid UTF-8 typed or piped: the engine refuses it politely
        reconfigure(errors="surrogateescape")
    width = max(40, min(100, shutil.get_terminal_size((80, 24)).columns - 1))

    def show(out: list[Outgoing]) -> None:
        if out:
            stdout.write(render(out, width, save) + "\n\n")
            stdout.flush()

    if inbox is not None:  # what the schedule sent while the console was closed
        for text in inbox.take(employee_id):
            stdout.write(_wrap(text, width) + "\n\n")
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


# ---------------------------------------------------------------- the schedule's inbox


class ConsoleInbox:
    """The console's channel for the schedule: messages wait until `popbot chat` is opened.

    Sending is idempotent by key, so after a crash nothing arrives twice. A PDF is kept
    with the person's inbox (the files store's folder, or the database) and the message names
    it; shown in the terminal, it is named by where it can be opened on this machine.
    """

    name = "console"
    whole = False

    def __init__(self, store: InboxStore) -> None:
        self.store = store
        self._copies: Path | None = None  # files of a database, for this terminal: see `where`

    def where(self, person_id: str, name: str, *, export: bool = False) -> Path | None:
        """Where the person at this terminal opens a kept file: the file itself in the data
        folder; with the files in the database, a copy in a folder only this user reads,
        removed when the chat ends (`close`). None: there is no such file."""
        path = self.store.local_path(person_id, name, export=export)
        if path is not None:
            return path
        content = self.store.read_file(person_id, name, export=export)
        if content is None:
            return None
        if self._copies is None:
            self._copies = Path(tempfile.mkdtemp(prefix="popbot-files-"))  # mode 0700
        target = self._copies / name
        target.write_bytes(content)
        target.chmod(0o600)
        return target

    def close(self) -> None:
        """The copies `where` made, gone (erasure must not find one left in /tmp)."""
        if self._copies is not None:
            shutil.rmtree(self._copies, ignore_errors=True)
            self._copies = None

    async def send(self, address: str, parts: list[Part], key: str, subject: str) -> None:
        await asyncio.to_thread(self._send, address, parts, key)

    def _send(self, address: str, parts: list[Part], key: str) -> None:
        items = self.store.load_inbox(address)
        if any(i["key"] == key for i in items):
            return
        texts, files = [], []
        for part in parts:
            if part.kind == "document":
                self.store.save_file(address, part.filename, base64.b64decode(part.data))
                texts.append(f"{part.text}\n{_FILE}{part.filename}".strip())  # named where shown
                files.append(part.filename)  # so erasing the person it is about removes it too
            elif part.kind == "button":
                texts.append(f"{part.text}\n[{part.label}]")
            else:
                texts.append(part.text)
        self.store.save_inbox(address, [*items, {"key": key, "text": "\n".join(texts), "files": files}])

    async def was_sent(self, address: str, key: str) -> bool | None:
        items = await asyncio.to_thread(self.store.load_inbox, address)
        return any(i["key"] == key for i in items)

    def take(self, person_id: str) -> list[str]:
        """The waiting messages, oldest first; shown once (the keys stay, so no repeat). A
        file's line names where it opens on this machine."""
        items = self.store.load_inbox(person_id)
        fresh = [i for i in items if not i.get("shown")]
        if fresh:
            self.store.save_inbox(person_id, [{**i, "shown": True} for i in items])
        return [self._placed(person_id, i) for i in fresh]

    def _placed(self, person_id: str, item: dict[str, object]) -> str:
        names = item.get("files") or []
        lines = []
        for line in str(item["text"]).splitlines():
            name = line.removeprefix(_FILE)
            if line.startswith(_FILE) and isinstance(names, list) and name in names:
                line = f"{_FILE}{self.where(person_id, name) or name}"
            lines.append(line)
        return "\n".join(lines)


_FILE = "📄 "  # the line that names a file (an older popbot wrote its path there)
