"""Engine messages as Teams activities: plain text, and Adaptive Cards for questions.

Every sentence is shown literally: messages go as plain text (`textFormat: plain`), and a card
holds its text in `TextRun`s, which Adaptive Cards never read as Markdown, so an answer with
`**`, `[link](…)` or `<at>` shows as typed and pings nobody. A card action's data is
`{"popbot": kind, "q": <question ref>, …}`; the engine checks it against the question on
screen, so a stale or forged action changes nothing.
"""

from __future__ import annotations

from typing import Any

from microsoft_agents.activity import Activity, ActivityTypes, Attachment

from adapters import markup
from adapters.teams.text import words
from adapters.text import split_text
from bot.messages import Button, Document, Outgoing, Question, Text

CARD = "application/vnd.microsoft.card.adaptive"
VERSION = "1.5"  # what Teams renders on desktop, web and mobile
MAX_TEXT = 7000  # characters of one message: well under Teams' ~28 KB per activity
MAX_CARD_TEXT = 10000  # characters of text on one card (the draft is split over cards)
BUTTONS_MAX = 6  # more options, or long labels: a choice set with one submit button
SHORT_LABEL = 30

Card = dict[str, Any]


def run(text: str, *, bold: bool = False, subtle: bool = False, italic: bool = False) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "TextRun", "text": text}
    if bold:
        element["weight"] = "Bolder"
    if italic:
        element["italic"] = True
    if subtle:
        element["isSubtle"] = True
    return element


def paragraph(*runs: dict[str, Any]) -> dict[str, Any]:
    return {"type": "RichTextBlock", "inlines": list(runs)}


def card(
    body: list[dict[str, Any]], actions: list[dict[str, Any]] | None = None, lang: str | None = None
) -> Card:
    content: Card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": VERSION,
        "fallbackText": words(lang)["card_fallback"],
        "body": body,
    }
    if actions:
        content["actions"] = actions
    return content


def submit(title: str, data: dict[str, str]) -> dict[str, Any]:
    return {"type": "Action.Submit", "title": title, "data": data}


def as_activity(content: Card, summary: str = "") -> Activity:
    activity = Activity(
        type=ActivityTypes.message, attachments=[Attachment(content_type=CARD, content=content)]
    )
    if summary:  # what a notification shows
        activity.summary = summary[:200]
    return activity


def text_activities(text: str) -> list[Activity]:
    return [
        Activity(type=ActivityTypes.message, text=c, text_format="plain") for c in split_text(text, MAX_TEXT)
    ]


def question_card(q: Question, lang: str | None) -> Card:
    body = [paragraph(run(q.text, bold=True))]
    # with buttons or a date picker the hint about typing is noise ("schrijf de datum als …")
    hint = q.hint if not q.options and q.kind != "date" else ""
    for note, subtle in ((q.current, False), (hint, True)):
        if note:
            body.append(paragraph(run(note, subtle=subtle)))
    actions: list[dict[str, Any]] = []
    w = words(lang)
    if q.kind == "multi":
        body.append(
            {
                "type": "Input.ChoiceSet",
                "id": "ticked",
                "isMultiSelect": True,
                "style": "expanded",
                "choices": [{"title": o.label, "value": o.id} for o in q.options],
            }
        )
        actions.append(submit(q.done_label or w["choose"], {"popbot": "multi", "q": q.ref}))
    elif q.kind == "date" and not q.options:
        body.append({"type": "Input.Date", "id": "date"})
        actions.append(submit(w["date_button"], {"popbot": "date", "q": q.ref}))
    elif q.options and len(q.options) <= BUTTONS_MAX and all(len(o.label) <= SHORT_LABEL for o in q.options):
        actions = [submit(o.label, {"popbot": "choice", "q": q.ref, "o": o.id}) for o in q.options]
    elif q.options:
        body.append(
            {
                "type": "Input.ChoiceSet",
                "id": "choice",
                "style": "expanded" if len(q.options) <= 10 else "compact",
                "choices": [{"title": o.label, "value": o.id} for o in q.options],
            }
        )
        actions.append(submit(w["choose"], {"popbot": "pick", "q": q.ref}))
    if q.optional and actions:  # "sla over als je het niet weet" needs a button, not a typed word
        actions.append(submit(w["skip"], {"popbot": "skip", "q": q.ref}))
    return card(body, actions, lang)


def closed_card(question: str, chosen: str, lang: str | None) -> Card:
    """The question as answered: what was chosen, and no actions left to press."""
    return card([paragraph(run(question, bold=True)), paragraph(run(f"→ {chosen}"))], lang=lang)


def button_card(text: str, label: str, action: str, lang: str | None) -> Card:
    """A message with one action ("start", "prep:<ref>", "agree:…"): the engine checks it."""
    return card([paragraph(run(text))], [submit(label, {"popbot": "act", "a": action})], lang)


def file_card(caption: str, filename: str, doc: str, lang: str | None) -> Card:
    w = words(lang)
    body = [paragraph(run(caption))] if caption else []
    body.append(paragraph(run(f"📄 {filename}", bold=True)))
    return card(body, [submit(w["open_file"], {"popbot": "file", "d": doc})], lang)


def link_card(filename: str, url: str, minutes: int, lang: str | None) -> Card:
    w = words(lang)
    text = w["file_ready"].format(filename=filename, minutes=minutes)
    return card(
        [paragraph(run(text))], [{"type": "Action.OpenUrl", "title": w["download"], "url": url}], lang
    )


def welcome_card(lang: str | None) -> Card:
    w = words(lang)
    return card(
        [paragraph(run(w["welcome_title"], bold=True)), paragraph(run(w["welcome"]))],
        [submit(w["begin"], {"popbot": "act", "a": "start"})],
        lang,
    )


def _block_runs(b: markup.Block) -> list[list[dict[str, Any]]]:
    """One block of the draft as paragraphs of runs: a table row is a paragraph per cell."""
    if b.kind == "row":
        return [[run(f"{k}: ", bold=True), run(v)] if k else [run(v, bold=True)] for k, v in b.cells if v]
    runs = [run(s.text, bold=s.bold or b.kind == "heading", italic=s.italic) for s in b.spans if s.text]
    if b.kind == "item":
        runs.insert(0, run("• "))
    return [runs or [run(" ")]]


def draft_cards(markdown: str, caption: str, lang: str | None) -> list[Card]:
    """The Markdown draft as cards of rich text: bold and italic as text runs, never as
    Markdown signs (a TextRun shows them literally)."""
    cards, body, size = [], [paragraph(run(caption, bold=True))] if caption else [], 0
    for b in markup.blocks(markdown):
        for runs in _block_runs(b):
            length = sum(len(r["text"]) for r in runs)
            if size + length > MAX_CARD_TEXT and body:
                cards.append(card(body, lang=lang))
                body, size = [], 0
            for r in runs:
                r["text"] = r["text"][:MAX_CARD_TEXT]  # one answer longer than a card: cut
            body.append(paragraph(*runs))
            size += length
    if body:
        cards.append(card(body, lang=lang))
    return cards


def activities(out: list[Outgoing], lang: str | None) -> list[Activity | Document]:
    """The activities to send, in order; a file stays a Document (the sender keeps it and
    sends its card)."""
    sent: list[Activity | Document] = []
    for item in out:
        if isinstance(item, Text):
            sent += text_activities(item.text)
        elif isinstance(item, Question):
            sent.append(as_activity(question_card(item, lang), item.text))
        elif isinstance(item, Button):
            sent.append(as_activity(button_card(item.text, item.label, item.action, lang), item.text))
        elif isinstance(item, Document) and isinstance(item.content, str):
            sent += [as_activity(c, item.caption) for c in draft_cards(item.content, item.caption, lang)]
        elif isinstance(item, Document):
            sent.append(item)
        else:  # a new Outgoing kind must be taught to every adapter
            raise TypeError(f"the Teams adapter cannot send {type(item).__name__}")
    return sent
