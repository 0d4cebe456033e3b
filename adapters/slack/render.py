"""Engine messages as Slack Block Kit.

Text from the employee is escaped for mrkdwn (`&`, `<`, `>`), so `<!channel>`,
`<@U123>` or `<https://evil|click>` show literally and ping nobody. Action
values are `<question ref>|<option>`; the engine checks them against the
question on screen.
"""

from __future__ import annotations

from typing import Any

from adapters import markup
from adapters.text import split_text
from bot.messages import Button, Document, Outgoing, Question, Text

SECTION_LIMIT = 3000  # characters of text in one section block
BLOCK_LIMIT = 50  # blocks in one message
LABEL_LIMIT = 75  # characters of a button or option label
BUTTONS_MAX = 5  # more options than this: a select menu
DONE = "="

Block = dict[str, Any]


def esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def sections(text: str) -> list[Block]:
    # escape first, then split: the escaped text is what counts against the limit
    return [section(chunk) for chunk in split_text(esc(text), SECTION_LIMIT)]


def _label(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[: LABEL_LIMIT - 1] + "…"


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": _label(text), "emoji": True}


def question_blocks(q: Question) -> list[Block]:
    blocks = [section(f"*{esc(q.text)}*")]
    notes = [esc(x) for x in (q.current, "" if q.options else q.hint) if x]
    if notes:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": n} for n in notes]})
    if not q.options:
        return blocks
    value = {o.id: f"{q.ref}|{o.id}" for o in q.options}
    options = [{"text": _plain(o.label), "value": value[o.id]} for o in q.options]
    if q.kind == "multi":
        elements: list[Block] = [
            {
                "type": "multi_static_select",
                "action_id": "pop_multi",
                "options": options,
                "placeholder": _plain(q.hint or "…"),
            },
            {
                "type": "button",
                "action_id": "pop_done",
                "text": _plain(q.done_label),
                "value": f"{q.ref}|{DONE}",
                "style": "primary",
            },
        ]
    elif len(q.options) <= BUTTONS_MAX:
        elements = [
            {"type": "button", "action_id": f"pop_choice_{i}", "text": _plain(o.label), "value": value[o.id]}
            for i, o in enumerate(q.options)
        ]
    else:
        elements = [
            {
                "type": "static_select",
                "action_id": "pop_select",
                "options": options,
                "placeholder": _plain(q.hint or "…"),
            }
        ]
    blocks.append({"type": "actions", "block_id": f"q_{q.ref}", "elements": elements})
    return blocks


def draft_blocks(markdown: str) -> list[Block]:
    """Our Markdown draft in mrkdwn (headings and labels bold, a table row per block)."""
    return [section(chunk) for chunk in split_text(markup.slack_mrkdwn(markdown), SECTION_LIMIT)]


def action_button(label: str, action: str) -> Block:
    """A button that starts something: "start" (the invitation), "prep:<ref>" (a manager's).

    The action id is `pop_` and the action's name; the value carries the rest.
    """
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": f"pop_{action.partition(':')[0]}",
                "style": "primary",
                "text": _plain(_label(label)),
                "value": action,
            }
        ],
    }


def messages(out: list[Outgoing]) -> list[tuple[str, list[Block]]]:
    """(fallback text, blocks) per Slack message to post."""
    posts: list[tuple[str, list[Block]]] = []
    for item in out:
        if isinstance(item, Text):
            posts.append((esc(item.text)[:SECTION_LIMIT], sections(item.text)))
        elif isinstance(item, Question):
            posts.append((esc(item.text), question_blocks(item)))
        elif isinstance(item, Button):
            posts.append(
                (
                    esc(item.text)[:SECTION_LIMIT],
                    [*sections(item.text), action_button(item.label, item.action)],
                )
            )
        elif isinstance(item, Document) and isinstance(item.content, str):
            blocks = draft_blocks(item.content)
            for start in range(0, len(blocks), BLOCK_LIMIT):
                posts.append((esc(item.caption), blocks[start : start + BLOCK_LIMIT]))
        else:  # a new Outgoing kind must be taught to every adapter
            raise TypeError(f"the Slack adapter cannot send {type(item).__name__}")
    return posts
