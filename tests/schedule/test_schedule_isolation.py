"""Issue 13, point 1: one entry never stops the schedule, and every document lays out any
answer the chat accepts (long cells, many line breaks, one unbroken word)."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.documents.alignment import AlignmentDoc, ThemeView
from bot.documents.draft import QA, DraftDoc
from bot.documents.pdf import render_alignment_pdf, render_pdf
from bot.messages import Part
from tests.helpers import FULL_ROUTE, MANAGER_ROUTE, Chat
from tests.schedule.test_manager_cycle import ROSTER, at, pdf_text, run_until, slack_files
from tests.schedule.test_schedule import entries, run_days
from tests.schedule_world import World, world

LIMIT = 2000  # the chat's max_message_length
SECRET = "ANTWOORD-VAN-ANNA"


class Strange(Exception):
    """An exception type nothing in popbot knows about."""


async def test_a_failing_entry_is_retried_and_failed_while_the_others_go(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async with world(tmp_path) as w:
        s = w.scheduler()
        s.sync()
        compose = s.composer.compose

        def failing_compose(entry: Any, person: Any, *args: Any, **kw: Any) -> Any:
            if person.id == "anna":  # composing Anna's messages fails, with her answer in the text
                raise Strange(f"cannot lay out {SECRET}")
            return compose(entry, person, *args, **kw)

        s.composer.compose = failing_compose  # type: ignore[method-assign]
        slack = w.channels["slack"]
        send = slack.send

        async def failing_send(address: str, parts: list[Part], key: str, subject: str) -> None:
            if address == "U0BEN":  # sending to Ben fails with an exception of no known kind
                raise ZeroDivisionError("the platform's library broke")
            await send(address, parts, key, subject)

        slack.send = failing_send  # type: ignore[method-assign]
        with caplog.at_level(logging.INFO):
            await run_days(w, datetime(2027, 1, 21, tzinfo=UTC))
        got = entries(w)
        # everybody else's messages went, on time, in the same passes
        assert got["tom:invitation"].status == "sent" and got["tom:delivery"].status == "sent"
        assert len(w.mailbox.messages) == 1  # Tom's draft to Piet
        # Anna's and Ben's: tried, retried with back-off, then FAILED with the reason
        for who, reason in (("anna", "Strange while preparing"), ("ben", "ZeroDivisionError")):
            failed = got[f"{who}:invitation"]
            assert failed.status == "failed" and reason in (failed.error or ""), failed
            assert failed.attempts == s.config.retry.attempts
        # the answer a library's message quoted is not in the log nor in the status
        assert SECRET not in caplog.text
        assert all(SECRET not in (e.error or "") for e in got.values())
        assert "Strange in" in caplog.text and "test_schedule_isolation.py" in caplog.text


def _pad(answer: str, size: int) -> str:
    """The answer at the chat's limit: its words first (so checks still see them), then more
    words, line breaks and one long unbroken word, up to exactly `size` characters."""
    filler = (" meer uitleg" * 8 + "\n") * 400
    long_word = "x" * 300
    text = f"{answer} {long_word}{filler}"
    return text[: size - len("EINDE")] + "EINDE"


_FIXED = re.compile(r"^([\d, ]+|kort|middellang|hoog|gemiddeld|laag|ja|nee|\d\d-\d\d-\d{4})$")


async def _say_at_the_limit(chat: Chat, answers: list[str]) -> None:
    for answer in answers:
        if _FIXED.match(answer):
            await chat.say(answer)
            continue
        await chat.say(_pad(answer, LIMIT))
        if "te lang" in chat.text:  # this question has a lower limit of its own: at that limit
            limit = int(re.search(r"maximum is (\d+)", chat.text).group(1))  # type: ignore[union-attr]
            await chat.say(_pad(answer, limit))


async def test_every_document_lays_out_answers_at_the_chats_limit(tmp_path: Path) -> None:
    async with world(tmp_path, ROSTER, managers=True) as w:
        w.scheduler().sync()
        await at(w, datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
        ref = w.engine.team.own("anna").ref  # type: ignore[union-attr]
        await w.engine.prepare("mila", ref)
        await _say_at_the_limit(Chat(w.engine, "mila"), MANAGER_ROUTE)
        anna = Chat(w.engine, "anna")
        await anna.start()
        await _say_at_the_limit(anna, FULL_ROUTE)
        assert (await anna.record()).state == "__done__"
        await run_until(w, datetime(2027, 1, 19, 9, tzinfo=UTC))  # the review, then the draft
        await w.engine.act("anna", f"agree:{ref}:1")  # the one goal
        await w.engine.act("mila", f"agree:{ref}:1")
        await at(w, datetime(2027, 1, 19, 11, 0, tzinfo=UTC))

        sent = {k.rsplit("|", 1)[1]: e for k, e in ((e.key, e) for e in _all(w))}
        for kind in ("review", "delivery", "final"):
            assert sent[kind].status == "sent", (kind, sent[kind].status, sent[kind].error)
        assert not [k for k, e in sent.items() if e.status == "failed"]
        files = slack_files(w, "DU0MILA")
        # the draft, the alignment summary, the signed POP (and its version for the employee)
        assert len(files) >= 3 and any("afstemming" in n for n in files), list(files)
        for name, pdf in files.items():
            text = pdf_text(pdf)
            assert text.count("EINDE") >= 3, name  # long answers in full, to their last word


def _all(w: World) -> list[Any]:
    from bot.schedule.outbox import Outbox
    from storage.outbox_files import OutboxFiles

    return Outbox(OutboxFiles(w.data)).everything()


def _draft(cell: str) -> DraftDoc:
    return DraftDoc(
        title="POP",
        header=[("Medewerker", cell)],
        complete=True,
        status="compleet",
        missing_label="",
        missing=[],
        sections=[("Terugblik", [QA("Vraag", cell)])],
        goals_title="Doelen",
        goal_columns=["Doel", "Activiteit", "Resultaat", "Planning", "Ondersteuning"],
        goal_rows=[[cell] * 5, ["kort"] * 5],
        smart_title="SMART",
        smart_hints=[cell],
        support_title="Steun",
        support=[QA("Vraag", cell)],
        signatures_title="Handtekeningen",
        signature_lines=["Medewerker"],
        signed={"Medewerker": cell},
    )


CELLS = {
    "words": ("lang antwoord " * 200)[:LIMIT],
    "line breaks": "x\n" * (LIMIT // 2),
    "one word": "y" * LIMIT,
}


@pytest.mark.parametrize("cell", CELLS.values(), ids=CELLS.keys())
def test_the_pdfs_take_any_cell_the_chat_accepts(cell: str) -> None:
    draft = pdf_text(render_pdf(_draft(cell)))
    assert draft.count("kort") >= 5  # the short goal is there too
    view = ThemeView(title="Thema", employee=[QA("Vraag", cell)], manager=[QA("Vraag", "kort")], findings=[])
    alignment = AlignmentDoc(
        title="Afstemming",
        header=[("Medewerker", "Anna")],
        employee_label="Anna",
        manager_label="Mila",
        not_prepared="",
        themes=[view],
        goals_title="Doelen",
        goals=[cell],
        matrix_title="",
        kind="",
        agenda_title="Agenda",
        agenda=[cell],
        dos_title="",
        dos=[],
        donts_title="",
        donts=[],
    )
    assert "kort" in pdf_text(render_alignment_pdf(alignment))
