"""An answer kept from when its question was another kind (HR changed the script: the
conversation's date was a text question) never stops the dialog: read as no date."""

from __future__ import annotations

from pathlib import Path

from bot.domain import Answer, EmployeeRecord
from bot.messages import Incoming
from tests.helpers import NL, NOW, make_engine


async def test_a_date_question_holding_text_does_not_stop_a_turn(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "data")
    answers = {
        "route": Answer(value="volledig", version=NL.version, at=NOW),
        "gespreksdatum": Answer(value="ergens in januari", version=NL.version, at=NOW),  # not a date
    }
    engine.store.save(EmployeeRecord(employee_id="anna", state="goed_in", answers=answers, history=["route"]))
    out = await engine.handle("anna", Incoming.say("Plannen en klanten helpen"))
    record = engine.store.load("anna")
    assert record is not None and record.answers["goed_in"].value == "Plannen en klanten helpen"
    assert record.state != "goed_in" and out  # on to the next question, answered
