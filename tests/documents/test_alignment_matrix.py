"""Issue 27: the kind of conversation from the manager's two scores; the thresholds live in
the manager's script, and a middle score (3 of 5) is not called low."""

from __future__ import annotations

from bot.documents.alignment import _kind
from bot.domain import Answer, EmployeeRecord
from tests.helpers import MANAGER_EN, MANAGER_NL


def prep(ability: int, willingness: int) -> EmployeeRecord:
    answers = {"vermogen": Answer(value=ability), "bereidheid": Answer(value=willingness)}
    return EmployeeRecord(employee_id="prep|m|e|x", script_id="manager", answers=answers)


def test_the_quadrants_and_the_middle() -> None:
    a = MANAGER_NL.script.alignment
    assert a is not None and a.matrix.high_from == 4 and a.matrix.low_until == 2
    assert _kind(a, prep(1, 2)).startswith("Voortgangsgesprek")
    assert _kind(a, prep(5, 1)).startswith("Motivatiegesprek")
    assert _kind(a, prep(2, 4)).startswith("Bijstuurgesprek")
    assert _kind(a, prep(4, 5)).startswith("Ontwikkelgesprek")
    for middle in ((3, 3), (3, 5), (1, 3)):
        kind = _kind(a, prep(*middle))
        assert kind.startswith("Verkennend gesprek") and "laag" not in kind, middle
    en = MANAGER_EN.script.alignment
    assert en is not None and _kind(en, prep(3, 3)).startswith("Exploring conversation")
