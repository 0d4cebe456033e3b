"""A whole round, played: every message, card, page and document popbot makes, kept as text.

One roster — Anna (full route, console), Tom (short route, Telegram), Ben (English, Slack),
their manager Mila (Slack), Mila's manager Sara (e-mail only) and HR — from the invitation
through the T−7 documents, the agreement, the signed POP and a check-in. Every chat turn
goes out through the platform's own sending code to its fake server on 127.0.0.1, so what
is kept is the payload as sent.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from adapters.console import render as console_render
from adapters.slack.sender import deliver as slack_deliver
from adapters.slack.sender import tag
from adapters.teams.cards import activities as teams_activities
from adapters.telegram.sender import deliver as telegram_deliver
from bot.app.platforms import accounts
from bot.messages import Document, Incoming, Outgoing
from bot.people.access import Access
from bot.schedule.outbox import Outbox
from storage import TinyDBStore
from storage.outbox_files import OutboxFiles
from tests.helpers import FULL_ROUTE, FULL_ROUTE_EN, MANAGER_ROUTE, SHORT_ROUTE
from tests.schedule.test_manager_cycle import pdf_text, run_until
from tests.schedule_world import TOM_CHAT, World

ROSTER = """id,name,email,language,manager,platform,handle,conversation,timezone,department
e4711,Sara Smit,sara@example.org,nl,,,,,Europe/Amsterdam,Directie
e4712,Mila Bakker,mila@example.org,nl,e4711,slack,U0MILA,,Europe/Amsterdam,Klantenservice
e4713,Anna de Vries,anna@example.org,nl,e4712,console,,2027-01-18 10:00,Europe/Amsterdam,Klantenservice
e4714,Ben Jansen,ben@example.org,en,e4712,slack,U0BEN,2027-01-19 14:30,Europe/London,Klantenservice
e4715,Tom Visser,tom@example.org,nl,e4712,telegram,,2027-01-20 11:00,Europe/Amsterdam,Klantenservice
"""
# The roster holds every conversation's date: nobody is asked for it (issue 27), so the
# routes leave the date answer out.
ANNA_ROUTE = [
    "15 maart 2027 tot 1 mei 2027" if a == "15 maart tot 1 mei 2027" else a
    for a in FULL_ROUTE
    if a != "14-12-2026"
]
BEN_ROUTE = [
    "15 March 2027 to 1 May 2027" if a == "15 maart tot 1 mei 2027" else a
    for a in FULL_ROUTE_EN
    if a != "14-12-2026"
]
TOM_ROUTE = [SHORT_ROUTE[0], SHORT_ROUTE[1], *SHORT_ROUTE[3:]]
IDS = ("e4711", "e4712", "e4713", "e4714", "e4715")
SLACK_PEOPLE = {"DU0MILA": "e4712", "DU0BEN": "e4714"}
LANGUAGE = {"e4711": "nl", "e4712": "nl", "e4713": "nl", "e4714": "en", "e4715": "nl"}


@dataclass(frozen=True)
class Seen:
    """One thing a person got: where, in which language, and its text."""

    who: str
    channel: str  # console, telegram, slack, teams, email, web, pdf
    language: str
    text: str
    markup: str = "plain"  # how the channel reads the text: plain, html, mrkdwn, card, markdown
    final: bool = False  # a final document: never called a concept
    name: str = ""  # a file's name, a page's path


@dataclass
class Round:
    seen: list[Seen] = field(default_factory=list)

    def add(self, *items: Seen) -> None:
        self.seen.extend(items)

    def dump(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for n, s in enumerate(self.seen):
            (folder / f"{n:03d}-{s.who}-{s.channel}.txt").write_text(
                f"{s.channel} {s.language} {s.markup} final={s.final} {s.name}\n\n{s.text}", encoding="utf-8"
            )


def slack_texts(node: Any) -> list[str]:
    """The words of Block Kit blocks, as a reader sees them (not action ids or values)."""
    if isinstance(node, list):
        return [t for n in node for t in slack_texts(n)]
    if not isinstance(node, dict):
        return []
    out: list[str] = []
    text = node.get("text")
    if isinstance(text, dict):
        out.append(str(text.get("text", "")))
    elif isinstance(text, str) and node.get("type") in ("mrkdwn", "plain_text"):
        out.append(text)
    for key in ("elements", "fields", "options", "placeholder", "accessory"):
        if key in node:
            out += slack_texts(node[key])
    return out


def card_texts(node: Any) -> list[str]:
    """The words of an Adaptive Card a reader sees: its text runs, choices and buttons."""
    if isinstance(node, list):
        return [t for n in node for t in card_texts(n)]
    if not isinstance(node, dict):
        return []
    out = [
        str(node[k])
        for k in ("text", "title")
        if isinstance(node.get(k), str) and node.get("type") != "AdaptiveCard"
    ]
    for key in ("body", "inlines", "actions", "choices", "columns", "items"):
        if key in node:
            out += card_texts(node[key])
    return out


def page_text(html: str) -> str:
    """A console page as its reader sees it: the text of <main>, tags gone."""
    main = html.split("<main", 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", main, flags=re.S)
    text = re.sub(r"<[^>]+>", "\n", main.split(">", 1)[-1])
    return "\n".join(line.strip() for line in htmllib.unescape(text).splitlines() if line.strip())


class Players:
    """Each person's chat, sent out the way their platform sends it."""

    def __init__(self, w: World, r: Round) -> None:
        self.w, self.r = w, r
        self.client = AsyncWebClient(token="xoxb-test", base_url=w.slack.url)

    async def show(self, who: str, out: list[Outgoing]) -> None:
        w = self.w
        lang = LANGUAGE[who]
        # every turn as Teams would get it too: the adapter's own cards and activities
        for a in teams_activities(out, lang):
            if isinstance(a, Document):
                continue
            if a.text:
                self.r.add(Seen(who, "teams", lang, a.text))
            for att in a.attachments or []:
                self.r.add(Seen(who, "teams", lang, "\n".join(card_texts(att.content)), markup="card"))
        if who == "e4713":  # the console
            self.r.add(Seen(who, "console", lang, console_render(out, 100)))
            for d in out:
                if isinstance(d, Document) and isinstance(d.content, bytes) and d.mime == "application/pdf":
                    self.r.add(Seen(who, "pdf", lang, pdf_text(d.content), markup="pdf", name=d.filename))
        elif who == "e4715":
            await telegram_deliver(w.channels["telegram"].bot, TOM_CHAT, out)  # type: ignore[attr-defined]
        else:
            user = {"e4712": "U0MILA", "e4714": "U0BEN"}[who]
            await slack_deliver(self.client, f"D{user}", out)

    async def play(self, who: str, answers: list[str], start: list[Outgoing] | None = None) -> None:
        engine, lang = self.w.engine, LANGUAGE[who]
        await self.show(who, start if start is not None else await engine.start(who, lang))
        for a in answers:
            await self.show(who, await engine.handle(who, Incoming.say(a), lang))

    def collect(self) -> None:
        """What the fake servers, the mailbox and the console inboxes hold, as text."""
        w, r = self.w, self.r
        for call in w.telegram.of("sendMessage"):
            r.add(Seen("e4715", "telegram", "nl", call.params.get("text", ""), markup="html"))
            markup = call.params.get("reply_markup")
            if markup:
                rows = json.loads(markup) if isinstance(markup, str) else markup
                labels = [b["text"] for row in rows["inline_keyboard"] for b in row]
                r.add(Seen("e4715", "telegram", "nl", "\n".join(labels)))
        for call in w.telegram.of("sendDocument"):
            r.add(Seen("e4715", "telegram", "nl", call.params.get("caption") or "", markup="html"))
        kinds = ("agree_request", "final", "final_manager")  # the POP to sign, the signed POP
        final_entries = [e for e in Outbox(OutboxFiles(w.data)).everything() if e.kind in kinds]
        # a sent entry forgets its parts (they hold answers): the part numbers a message can have
        finals = {tag(f"{e.key}#{i}") for e in final_entries for i in range(8)}
        final_keys = {e.key for e in final_entries}
        for call in w.slack.of("chat.postMessage"):
            who = SLACK_PEOPLE.get(str(call.params.get("channel")), "?")
            blocks = call.params.get("blocks")
            text = "\n".join(slack_texts(blocks)) if blocks else str(call.params.get("text") or "")
            r.add(Seen(who, "slack", LANGUAGE.get(who, "nl"), text, markup="mrkdwn"))
        for channel, messages in w.slack.history.items():
            who = SLACK_PEOPLE.get(channel, "?")
            for m in messages:
                for f in m.get("files") or []:
                    up = w.slack.uploads[f["id"]]
                    name = str(up["name"])
                    if name.endswith(".pdf"):
                        final = any(t in name for t in finals)
                        r.add(
                            Seen(
                                who,
                                "pdf",
                                LANGUAGE[who],
                                pdf_text(up["content"]),
                                markup="pdf",
                                name=name,
                                final=final,
                            )
                        )
        for msg in w.mailbox.messages:
            to = str(msg["To"])
            who = {"sara@example.org": "e4711", "mila@example.org": "e4712"}.get(
                to.split("<")[-1].strip(">"), to
            )
            for part in msg.walk():
                if part.get_content_type() == "text/plain":
                    r.add(Seen(who, "email", "nl", str(msg["Subject"]) + "\n" + part.get_content()))
                elif part.get_content_type() == "application/pdf":
                    r.add(
                        Seen(
                            who,
                            "pdf",
                            "nl",
                            pdf_text(part.get_content()),
                            markup="pdf",
                            name=part.get_filename() or "",
                        )
                    )
        store = TinyDBStore(w.data)
        for item in store.load_inbox("e4713"):
            r.add(Seen("e4713", "console", "nl", str(item["text"])))
            final = str(item["key"]).split("#")[0] in final_keys
            for f in item.get("files") or []:
                content = store.read_file("e4713", f)
                if f.endswith(".pdf") and content is not None:
                    text = pdf_text(content)
                    r.add(Seen("e4713", "pdf", "nl", text, markup="pdf", name=f, final=final))


async def play_round(w: World, r: Round) -> None:
    p = Players(w, r)
    Access(TinyDBStore(w.data), lambda: w.now, accounts=accounts()).bind("telegram", str(TOM_CHAT), "e4715")
    w.scheduler().sync()
    await run_until(w, datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
    invitation = next(
        c
        for c in w.slack.of("chat.postMessage")
        if c.params.get("channel") == "DU0MILA" and "prep:" in json.dumps(c.params.get("blocks"))
    )
    value = json.dumps(invitation.params["blocks"])
    action = value.split('"value": "', 1)[1].split('"', 1)[0]
    await p.play("e4712", MANAGER_ROUTE, await w.engine.prepare("e4712", action.removeprefix("prep:")))
    await p.play("e4713", ANNA_ROUTE)
    await p.play("e4714", BEN_ROUTE)
    await p.play("e4715", TOM_ROUTE)
    await run_until(w, datetime(2027, 1, 21, 12, 0, tzinfo=UTC))
    ref = w.engine.team.own("e4713").ref  # type: ignore[union-attr]
    await p.show("e4713", await w.engine.act("e4713", f"agree:{ref}:1"))
    await run_until(w, datetime(2027, 1, 21, 14, 0, tzinfo=UTC))
    await p.show("e4712", await w.engine.act("e4712", f"agree:{ref}:1"))
    await run_until(w, datetime(2027, 1, 22, 12, 0, tzinfo=UTC))
    await run_until(w, datetime(2027, 4, 22, 12, 0, tzinfo=UTC))
    # Anna asks for everything popbot holds about her (the readable export)
    export = await w.engine.handle("e4713", Incoming.say("mijngegevens"), "nl")
    for d in export:
        if isinstance(d, Document) and d.filename.endswith(".md") and isinstance(d.content, bytes):
            r.add(
                Seen("e4713", "export", "nl", d.content.decode("utf-8"), markup="markdown", name=d.filename)
            )
    p.collect()
    await console_pages(w, r)


async def console_pages(w: World, r: Round) -> None:
    """HR's and Mila's pages of the browser console, in both languages, and the CSV."""
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.app.settings import Settings
    from bot.app.web.accounts import Accounts
    from bot.app.web.app import console_app
    from bot.app.wiring import Parts
    from tests.web.test_console import PASSWORD, sign_in

    accounts = Accounts(TinyDBStore(w.data))
    accounts.add("hr@example.org", "hr", PASSWORD)
    accounts.add("mila@example.org", "manager", PASSWORD)
    settings = Settings(popbot_data_dir=w.data, popbot_web_secret="s", popbot_web_min_group=1)  # type: ignore[call-arg]
    app = web.Application()
    app.add_subapp("/console", console_app(Parts(settings, clock=w.clock)))
    pages = {
        "hr@example.org": ["round", "schedule", "schedule?person=e4713", "roster", "privacy", "scripts"],
        "mila@example.org": ["reports"],
    }
    for lang in ("nl", "en"):
        for who, paths in pages.items():
            async with TestClient(TestServer(app), headers={"Accept-Language": lang}) as client:
                assert await sign_in(client, who) == 303
                for path in paths:
                    answer = await client.get(f"/console/{path}")
                    assert answer.status == 200, path
                    html = await answer.text()
                    title = re.search(r"<title>(.*?)</title>", html, re.S)
                    text = page_text(html)
                    r.add(Seen(who, "web", lang, f"{title.group(1) if title else ''}\n{text}", name=path))
                if who.startswith("hr"):
                    csv = (await (await client.get("/console/schedule.csv")).read()).decode("utf-8-sig")
                    r.add(Seen(who, "csv", lang, csv.replace(";", "\n"), name="schedule.csv"))
