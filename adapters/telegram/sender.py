"""The one way popbot sends to Telegram — for the chat's answers and the schedule's messages
alike: the engine's neutral `Outgoing` kinds through the same renderer (render.py)."""

from __future__ import annotations

from telegram import Bot, InputFile
from telegram.constants import ParseMode

from adapters import markup
from adapters.telegram import render
from adapters.text import split_text
from bot.messages import Button, Document, Outgoing, Question, Text


async def deliver(bot: Bot, chat_id: int, out: list[Outgoing]) -> None:
    for item in out:
        if isinstance(item, Text):
            for chunk in render.plain(item.text):
                await bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML)
        elif isinstance(item, Question):
            for part in render.question(item):
                await bot.send_message(
                    chat_id, part.text, parse_mode=ParseMode.HTML, reply_markup=part.keyboard
                )
        elif isinstance(item, Document):
            content = item.content
            if isinstance(content, str):  # the Markdown draft: readable in the chat too, as HTML
                for chunk in split_text(markup.telegram_html(content), render.MAX_TEXT):
                    await bot.send_message(chat_id, chunk, parse_mode=ParseMode.HTML)
                content = content.encode("utf-8")
            await bot.send_document(
                chat_id,
                InputFile(content, filename=item.filename),
                # Telegram takes 1,024 characters of caption; room left for the escaping
                caption=render.esc(item.caption[: render.MAX_CAPTION - 64]) or None,
                parse_mode=ParseMode.HTML,
            )
        elif isinstance(item, Button):
            await bot.send_message(
                chat_id,
                render.esc(item.text),
                parse_mode=ParseMode.HTML,
                reply_markup=render.action_keyboard(item.label, item.action),
            )
        else:  # a new Outgoing kind must be taught to every adapter
            raise TypeError(f"Telegram cannot be sent a {type(item).__name__}")
