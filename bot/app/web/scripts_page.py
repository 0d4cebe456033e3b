"""HR edits the dialog scripts in the browser: the YAML with the validator's `line:column`
messages (checked as they type, by a few lines of script shipped here, and on a button
without it), the flow diagram beside it, *save* (the running bot picks it up: the registry
reloads), every saved version kept, with a diff and *restore*."""

from __future__ import annotations

import base64
import difflib
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.app.settings import LANGUAGES
from bot.app.web.pages import Console, read_form
from bot.dialog.loaded import LoadedScript
from bot.dialog.problems import ScriptError
from bot.dialog.script import bundled_script_path, parse_script
from bot.ports import ScriptEdits

FAMILIES = ("pop", "manager", "followup", "evaluation", "organisation")
MAX_SCRIPT = 512 * 1024  # bytes of YAML
PREVIEW_TURNS = 80  # answers a preview replays


def diagram(loaded: LoadedScript) -> str:
    """The flow as an SVG image (a data: address: no markup of the script's goes in the page)."""
    from bot.dialog.diagram import draw

    with tempfile.TemporaryDirectory(prefix="popbot-flow-") as tmp:
        out = Path(tmp) / "flow.svg"
        try:
            draw(loaded, out)
        except Exception:  # no Graphviz here: the page goes on without the picture
            return ""
        return "data:image/svg+xml;base64," + base64.b64encode(out.read_bytes()).decode("ascii")


class ScriptsPage:
    def __init__(self, console: Console) -> None:
        self.console = console
        self.parts = console.parts

    def routes(self, app: web.Application) -> None:
        app.router.add_get("/scripts", self.index, name="scripts")
        app.router.add_get(r"/scripts/{name:[a-z]+}/{lang:[a-z]{2}}", self.edit, name="script")
        app.router.add_post(r"/scripts/{name:[a-z]+}/{lang:[a-z]{2}}/check", self.check)
        app.router.add_post(r"/scripts/{name:[a-z]+}/{lang:[a-z]{2}}/save", self.save)
        app.router.add_post(r"/scripts/{name:[a-z]+}/{lang:[a-z]{2}}/restore", self.restore)
        app.router.add_post(r"/scripts/{name:[a-z]+}/{lang:[a-z]{2}}/preview", self.preview)

    # ------------------------------------------------------------ where things are

    def _which(self, request: web.Request) -> tuple[str, str]:
        name, lang = request.match_info["name"], request.match_info["lang"]
        if name not in FAMILIES or lang not in LANGUAGES:
            raise web.HTTPNotFound(text=self.console.t(request)["not_found"])
        return name, lang

    def _current(self, name: str, lang: str) -> str:
        edited = self.edits.edited_script(name, lang)
        return edited if edited is not None else bundled_script_path(name, lang).read_text(encoding="utf-8")

    @property
    def edits(self) -> ScriptEdits:
        """Where the edits are kept: a folder, or the database every replica reads."""
        return self.parts.stores.edits

    def _versions(self, name: str, lang: str) -> list[str]:
        return self.edits.script_edit_history(name, lang)

    # ------------------------------------------------------------ pages

    async def index(self, request: web.Request) -> web.StreamResponse:
        self.console.need(request, "hr")
        rows = [
            {"name": name, "lang": lang, "edited": self.edits.edited_script(name, lang) is not None,
             "versions": len(self._versions(name, lang))}
            for name in FAMILIES for lang in LANGUAGES
        ]  # fmt: skip
        folder = str(self.parts.scripts_dir) if self.parts.edits_in_files else ""
        return self.console.page(request, "scripts.html", rows=rows, folder=folder)

    async def edit(self, request: web.Request, **values: Any) -> web.StreamResponse:
        self.console.need(request, "hr")
        name, lang = self._which(request)
        text = values.pop("text", None)
        if text is None:
            text = self._current(name, lang)
        problems = values.pop("problems", None)
        loaded = None
        if problems is None:
            loaded, problems = self._check(text, name, lang, self.console.lang(request))
        versions = self._versions(name, lang)
        chosen = request.query.get("version", "")
        diff = ""
        if chosen in versions:
            old = self.edits.script_edit_text(name, lang, chosen) or ""
            diff = "\n".join(
                difflib.unified_diff(old.splitlines(), text.splitlines(), f"{chosen}", "now", lineterm="")
            )
        return self.console.page(
            request, "script.html", name=name, script_lang=lang, text=text, problems=problems,
            picture=diagram(loaded) if loaded else "", versions=versions, chosen=chosen, diff=diff, **values,
        )  # fmt: skip

    def _check(self, text: str, name: str, lang: str, ui: str) -> tuple[LoadedScript | None, list[str]]:
        try:
            loaded = parse_script(text, f"{name}.{lang}.yaml")
        except ScriptError as exc:
            return None, [p.render(ui) for p in exc.problems]
        problems = [p.render(ui) for p in loaded.warnings]
        if loaded.script.language != lang:
            problems.append(self.console.t_for(ui)["script_wrong_language"].format(lang=lang))
            return None, problems
        return loaded, problems

    async def _text(self, request: web.Request) -> str:
        form = await read_form(request)
        text = str(form.get("text", ""))
        if len(text.encode("utf-8")) > MAX_SCRIPT:
            raise web.HTTPRequestEntityTooLarge(MAX_SCRIPT, len(text))
        return text.replace("\r\n", "\n")

    async def check(self, request: web.Request) -> web.StreamResponse:
        """The validator's messages: plain lines for the page's script, or the whole page."""
        self.console.need(request, "hr")
        name, lang = self._which(request)
        text = await self._text(request)
        loaded, problems = self._check(text, name, lang, self.console.lang(request))
        if request.query.get("fragment"):
            ok = self.console.t(request)["script_ok"] if loaded is not None and not problems else ""
            return web.Response(text="\n".join(problems) or ok, content_type="text/plain")
        return await self.edit(request, text=text, problems=problems)

    async def save(self, request: web.Request, text: str | None = None) -> web.StreamResponse:
        session = self.console.need(request, "hr")
        name, lang = self._which(request)
        if text is None:
            text = await self._text(request)
        loaded, problems = self._check(text, name, lang, self.console.lang(request))
        if loaded is None:  # refused: nothing written, the live version stays
            return await self.edit(request, text=text, problems=problems, refused=True)
        self.edits.save_script_edit(name, lang, text)
        live = self._reload(name, lang)
        self.console.audit("script_saved", email=session.email, name=name, lang=lang, version=loaded.version)
        saved = self.console.t(request)["script_saved"].format(version=loaded.version)
        return await self.edit(request, text=text, saved=saved, live=live)

    async def restore(self, request: web.Request) -> web.StreamResponse:
        self.console.need(request, "hr")
        name, lang = self._which(request)
        version = str((await read_form(request)).get("version", ""))
        if version not in self._versions(name, lang):
            raise web.HTTPNotFound(text=self.console.t(request)["not_found"])
        text = self.edits.script_edit_text(name, lang, version) or ""
        return await self.save(request, text=text)

    async def preview(self, request: web.Request) -> web.StreamResponse:
        """The employee's dialog as the text stands, in a throw-away store: every answer said
        so far is replayed (the form carries them), then the new one — nothing is kept."""
        self.console.need(request, "hr")
        name, lang = self._which(request)
        form = await read_form(request)
        text = str(form.get("text", "")).replace("\r\n", "\n")
        said = [str(v)[:2000] for v in form.getall("said", [])][:PREVIEW_TURNS]
        say = str(form.get("say", ""))[:2000]
        if say.strip():
            said.append(say)
        loaded, problems = self._check(text, name, lang, self.console.lang(request))
        transcript: list[tuple[str, str]] = []
        if name == "pop" and loaded is not None:
            transcript = await _walk(loaded, said)
        return await self.edit(request, text=text, problems=problems, transcript=transcript, said=said)

    # ------------------------------------------------------------ writing and reloading

    def _reload(self, name: str, lang: str) -> bool:
        """This process's registry of the script reads it now (a bot in this process, `serve`,
        uses it from the next turn); True if one was loaded here."""
        engine = self.parts.__dict__.get("engine")
        if engine is None:
            return False  # `popbot web` alone: the bot's own watcher reads the file
        if not self.parts.edits_in_files:  # in the database: read again from there (other
            for registry in engine.registries:  # replicas poll it)
                registry.reload()
            return True
        target = self.parts.scripts_dir / f"{name}.{lang}.yaml"
        bundled = bundled_script_path(name, lang)
        for registry in engine.registries:
            registry.paths = [target if p == bundled else p for p in registry.paths]
            if target in registry.paths:
                registry.reload()
        return True


async def _walk(loaded: LoadedScript, said: list[str]) -> list[tuple[str, str]]:
    """(who, text) of a conversation with `loaded` in which someone says `said`."""
    from adapters.console import render
    from bot.dialog.registry import ScriptRegistry
    from bot.engine.engine import Engine
    from bot.messages import Incoming
    from storage import TinyDBStore

    moment = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="popbot-preview-") as tmp:
        registry = ScriptRegistry.of(loaded, default_language=loaded.script.language)
        engine = Engine(registry, TinyDBStore(tmp), clock=lambda: moment)
        transcript = [("bot", render(await engine.start("preview"), 72))]
        for line in said:
            transcript.append(("you", line))
            transcript.append(("bot", render(await engine.handle("preview", Incoming.say(line)), 72)))
    return transcript
