"""HR's pages that change things: the roster (check a CSV, preview the change, import it),
privacy requests (erase, with confirmation), and the audit log. Each action writes an audit
line — who did what, never what anyone wrote."""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
import secrets
import tempfile
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.app import platforms
from bot.app.settings import LANGUAGES
from bot.app.web.pages import Console, read_form
from bot.dialog.render import fmt
from bot.people.roster import DEFAULT_TIMEZONE, Person, RosterError, parse_roster
from bot.people.said import Said
from bot.schedule.timeline import Texts

UPLOAD = "roster-upload-"  # the checked file waits on the server under this prefix and a token
_UPLOAD_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
SHOWN = 50  # names listed per kind of change in the preview (the counts are whole)
AUDIT_LINES = 500


def _parse(raw: bytes, name: str, language: str) -> tuple[list[Person] | None, list[str], list[str]]:
    """(people or None, problems, notes) of an uploaded roster, in the reader's language; each
    message names the uploaded file's name and the line, as `popbot roster import` names its file."""
    safe = Path(name).name or "roster.csv"
    with tempfile.TemporaryDirectory(prefix="popbot-roster-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(raw)
        path.chmod(0o600)
        notes: list[Said] = []
        try:
            people = parse_roster(path, LANGUAGES, accounts=platforms.accounts(), warnings=notes)
        except RosterError as exc:
            return None, [replace(p, path=safe).render(language) for p in exc.problems], []
    return people, [], [replace(n, path=safe).render(language) for n in notes]


_CONSOLE_LINE = re.compile(r"^(\S+) console ([a-z_]+) (\{.*\})$")


def _audit_line(line: str, t: dict[str, str], words: Texts) -> str:
    """A console line of the audit log in the reader's words ("… is ingelogd (hr)"); any
    other line (an erasure, a migration, one from an older popbot) as it was written."""
    found = _CONSOLE_LINE.match(line)
    template = t.get(f"audit_{found.group(2)}") if found else None
    if found is None or template is None:
        return line
    try:
        values = json.loads(found.group(3))
        when = datetime.fromisoformat(found.group(1))
    except ValueError:
        return line
    if "kind" in values:
        values["kind"] = words.kinds.get(values["kind"], values["kind"])
    # written in UTC; read in the organisation's time (the roster's default zone)
    return f"{words.moment(when.astimezone(ZoneInfo(DEFAULT_TIMEZONE)))} — {fmt(template, **values)}"


class HrPages:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.parts = console.parts

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/roster", self.roster, name="roster")
        app.router.add_post("/roster/check", self.check)
        app.router.add_post("/roster/import", self.do_import)
        app.router.add_get("/privacy", self.privacy, name="privacy")
        app.router.add_post("/privacy/erase", self.erase)
        app.router.add_get("/audit", self.audit, name="audit")

    # ------------------------------------------------------------ the roster

    async def roster(self, request: web.Request, **values: Any) -> web.StreamResponse:
        self.console.need(request, "hr")
        people = self.parts.roster.everyone()
        active = sum(p.active for p in people)
        return self.console.page(
            request, "roster.html", active=active, inactive=len(people) - active, **values
        )

    async def check(self, request: web.Request) -> web.StreamResponse:
        session = self.console.need(request, "hr")
        form = await read_form(request)
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            return await self.roster(request, problems=[self.console.t(request)["roster_no_file"]])
        limit = self.console.max_upload
        raw = upload.file.read(limit + 1)
        if len(raw) > limit:
            t = self.console.t(request)
            return await self.roster(request, problems=[t["roster_too_big"].format(mb=limit // 2**20)])
        # reading and comparing 10,000 people takes seconds: in a thread, the chats go on
        people, problems, notes = await asyncio.to_thread(
            _parse, raw, upload.filename, self.console.lang(request)
        )
        if people is None:
            return await self.roster(request, problems=problems, name=Path(upload.filename).name)
        result, after = await asyncio.to_thread(self.parts.roster.compare, people)
        names = {p.id: p.name for p in after}
        preview = {
            kind: {"count": len(ids), "names": [names.get(i, i) for i in ids[:SHOWN]]}
            for kind, ids in (
                ("added", result.added),
                ("updated", result.updated),
                ("leaving", result.deactivated),
            )
        }
        # The checked file waits on the server (in the store every replica shares), and the
        # form carries only its token: what is imported is exactly what was checked.
        token = secrets.token_urlsafe(32)
        await asyncio.to_thread(
            self.parts.store.save_session,
            UPLOAD + token,
            {"email": session.email, "seen": time.time(), "name": Path(upload.filename).name,
             "content": base64.b64encode(raw).decode("ascii")},
        )  # fmt: skip
        return await self.roster(
            request, preview=preview, notes=notes, name=Path(upload.filename).name, upload=token,
            total=len(people),
        )  # fmt: skip

    async def do_import(self, request: web.Request) -> web.StreamResponse:
        session = self.console.need(request, "hr")
        form = await read_form(request)
        token = str(form.get("upload", ""))
        kept = (
            await asyncio.to_thread(self.parts.store.load_session, UPLOAD + token)
            if _UPLOAD_TOKEN.fullmatch(token)
            else None
        )
        raw, name = b"", "roster.csv"
        if kept is not None and kept.get("email") == session.email:  # only who checked it imports it
            try:
                raw, name = base64.b64decode(str(kept["content"]), validate=True), str(kept["name"])
            except (binascii.Error, ValueError, KeyError):
                raw = b""
        people, problems, _notes = (
            await asyncio.to_thread(_parse, raw, name, self.console.lang(request)) if raw else (None, [], [])
        )
        if not raw or people is None:  # gone (swept with idle sessions, imported already) or forged
            return await self.roster(
                request, problems=problems or [self.console.t(request)["roster_check_again"]]
            )
        result, planned = await asyncio.to_thread(self._import, people)
        await asyncio.to_thread(self.parts.store.delete_session, UPLOAD + token)
        self.console.audit(
            "roster_imported", email=session.email, people=len(people), added=len(result.added),
            updated=len(result.updated), leaving=len(result.deactivated),
        )  # fmt: skip
        done = self.console.t(request)["roster_done"].format(
            people=len(people), added=len(result.added), updated=len(result.updated),
            leaving=len(result.deactivated), planned=planned,
        )  # fmt: skip
        return await self.roster(request, done=done)

    def _import(self, people: list[Person]) -> tuple[Any, int]:
        """The import itself (seconds for 10,000 people: run in a thread)."""
        planner = self.parts.planner()
        if not self.parts.store.has_progress() and not any(True for _ in self.parts.store.people()):
            self.parts.store.start_progress()  # a new data folder: counted from the start
        result, planned, _resumed = planner.import_roster(people)
        return result, planned

    # ------------------------------------------------------------ privacy requests

    async def privacy(self, request: web.Request, **values: Any) -> web.StreamResponse:
        self.console.need(request, "hr")
        months = self.parts.schedule_config.retention_months
        return self.console.page(request, "privacy.html", months=months, **values)

    async def erase(self, request: web.Request) -> web.StreamResponse:
        session = self.console.need(request, "hr")
        form = await read_form(request)
        t = self.console.t(request)
        person, confirm = str(form.get("person", "")).strip(), str(form.get("confirm", "")).strip()
        if not person or person != confirm:
            return await self.privacy(request, problem=t["privacy_not_confirmed"])
        if self.parts.roster.get(person) is None and self.parts.store.load(person) is None:
            return await self.privacy(request, problem=t["privacy_unknown"].format(person=person))
        gone = await asyncio.to_thread(
            self.parts.personal.erase, person, note=f"asked in the console by {session.email}"
        )
        self.console.audit("erased", email=session.email)
        summary = ", ".join(f"{n} {what}" for what, n in gone.items())
        return await self.privacy(request, done=t["privacy_erased"].format(summary=summary))

    # ------------------------------------------------------------ the audit log

    async def audit(self, request: web.Request) -> web.StreamResponse:
        self.console.need(request, "hr")
        lines = self.parts.store.audit_lines()[-AUDIT_LINES:]
        t = self.console.t(request)
        words = self.parts.schedule_config.texts(self.console.lang(request))
        shown = [_audit_line(line, t, words) for line in reversed(lines)]
        return self.console.page(request, "audit.html", lines=shown, shown=AUDIT_LINES)
