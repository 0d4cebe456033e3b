"""The labelled goals of `smart_goals.yaml`, and how the SMART checks score on them.

Per letter the checks flag a goal (ask a follow-up) or let it pass. *Precision*: of the goals
flagged, how many an HR advisor would flag too. *Recall*: of the goals an HR advisor would
flag, how many the checks flag. For T the end date read is compared with the label's too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ruamel.yaml import YAML

from bot.dialog import smart
from bot.dialog.schema import Words
from bot.dialog.script import bundled_script_path, load_script

SET = Path(__file__).with_name("smart_goals.yaml")
SECOND = Path(__file__).with_name("smart_goals_second.yaml")  # its first run changed two rules
UNSEEN = Path(__file__).with_name("smart_goals_unseen.yaml")  # written after every change, run once
LETTERS = {"S": "doel", "M": "resultaat", "T": "planning"}


@dataclass(frozen=True)
class Goal:
    lang: str
    fields: dict[str, str]  # doel, resultaat, planning
    holds: dict[str, bool]  # per letter: does it hold?
    end: date | None  # T: the label's end date


@dataclass
class Score:
    flagged_right: int = 0
    flagged_wrong: int = 0
    missed: int = 0
    wrong_end: int = 0  # T: time-bound by both, but another end date read
    wrong: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.flagged_right + self.flagged_wrong
        return self.flagged_right / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        fails = self.flagged_right + self.missed
        return self.flagged_right / fails if fails else 1.0


def load(path: Path = SET) -> tuple[date, list[Goal]]:
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    goals = []
    for g in data["goals"]:
        t = g["T"]
        goals.append(
            Goal(
                lang=g["lang"],
                fields={f: str(g[f]) for f in LETTERS.values()},
                holds={"S": g["S"] == "yes", "M": g["M"] == "yes", "T": isinstance(t, date)},
                end=t if isinstance(t, date) else None,
            )
        )
    return data["conversation"], goals


def bundled_words() -> dict[str, Words]:
    return {lang: load_script(bundled_script_path("pop", lang)).script.words for lang in ("nl", "en")}


def score(goals: list[Goal], words: dict[str, Words], after: date) -> dict[str, Score]:
    """Per letter, the checks' verdicts against the labels."""
    out = {letter: Score() for letter in LETTERS}
    for g in goals:
        w = words[g.lang]
        end = smart.deadline(g.fields["planning"], w, after)
        passed = {
            "S": smart.is_specific(g.fields["doel"], w),
            "M": smart.is_observable(g.fields["resultaat"], w),
            "T": end is not None,
        }
        for letter, s in out.items():
            flagged, fails = not passed[letter], not g.holds[letter]
            text = f"{g.lang} {letter} {g.fields[LETTERS[letter]]!r}"
            if flagged and fails:
                s.flagged_right += 1
            elif flagged:
                s.flagged_wrong += 1
                s.wrong.append(f"{text}: flagged, holds")
            elif fails:
                s.missed += 1
                s.wrong.append(
                    f"{text}: passed, fails (read {end})" if letter == "T" else f"{text}: passed, fails"
                )
            elif letter == "T" and end != g.end:  # both say it holds, but not the same end
                s.wrong_end += 1
                s.wrong.append(f"{text}: read {end}, the label says {g.end}")
    return out
