"""Issue 15: the draft says which route the employee took — the manager must know whether
the short conversation was chosen."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import FULL_ROUTE, SHORT_ROUTE, Chat, make_engine


async def test_the_draft_names_the_route(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    for user, route, label in (("anna", SHORT_ROUTE, "Kort"), ("ben", FULL_ROUTE[:3], "Volledig")):
        chat = Chat(engine, user)
        await chat.start()
        for answer in route:
            await chat.say(answer)
        await chat.say("concept")
        draft = str(chat.document.content)
        header = draft.split("\n\n", 2)[1]  # the lines under the title
        assert f"**Voorbereiding:** {label}" in header, header
