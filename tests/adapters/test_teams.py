"""The Teams adapter end to end: the real Microsoft 365 Agents SDK behind popbot's HTTP server
on 127.0.0.1, activities signed by a fake Bot Connector on 127.0.0.1 that also takes and
records everything popbot posts."""

from __future__ import annotations

from pathlib import Path

from tests.adapters.teams_world import ANNA, Teams, content, dumps, teams_world
from tests.helpers import FULL_ROUTE


async def started(teams: Teams) -> None:
    await teams.install()
    welcome = teams.last_card()
    assert "Welkom bij popbot" in "\n".join(teams.read())
    await teams.press("Beginnen", card_activity=welcome)
    assert any("Hoe wil je je voorbereiden?" in t for t in teams.read())


async def test_from_the_welcome_card_to_the_draft_with_card_presses(tmp_path: Path) -> None:
    async with teams_world(tmp_path) as teams:
        await started(teams)
        await teams.answer("1")  # the route, as a button
        update = teams.connector.of("update")[-1].body
        assert "→ Volledig" in dumps([update]) and "actions" not in content(update)
        for answer in FULL_ROUTE[1:]:
            if answer == "14-12-2026":
                answer = "18-01-2027"  # the clock is in January 2027 here
            await teams.answer(answer)
        record = teams.record()
        assert record.state == "__done__", teams.read()[-3:]
        assert record.answers["ontwikkeltools"].value == ["jobrotation", "coaching", "opleiding"]
        assert record.answers["gespreksdatum"].value == "2027-01-18"
        everything = "\n".join(teams.read())
        assert "Ontwikkeldoelen" in everything and "Klantgericht werken" in everything
        assert "GEHEIM" not in everything
