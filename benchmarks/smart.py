"""SMART judged as an HR advisor judges it: precision and recall per letter.

    python -m benchmarks.smart           # the figures
    python -m benchmarks.smart --wrong   # and every goal the checks still misjudge

On the labelled goals of `tests/dialog/smart_goals.yaml` (Dutch and English, as employees
write them), which the checks were tuned on; `smart_goals_second.yaml`, whose first run
changed two rules; and `smart_goals_unseen.yaml`, written after every change and run once.
The baseline, in the same run: the same checks with only the word lists (no inner states,
no comparatives, no start of a planning told from its end).
"""

from __future__ import annotations

import argparse

from bot.dialog.schema import Words
from tests.dialog.smart_set import SECOND, UNSEEN, bundled_words, load, score


def _lists_only(words: dict[str, Words]) -> dict[str, Words]:
    blank: dict[str, list[str]] = {
        "inner": [],
        "comparative": [],
        "comparative_endings": [],
        "start_words": [],
        "start_before": [],
    }
    return {
        lang: w.model_copy(update={"smart": w.smart.model_copy(update=blank)}) for lang, w in words.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wrong", action="store_true", help="list the goals still misjudged")
    args = parser.parse_args()
    words = bundled_words()
    sets = (
        ("tuned on", load()),
        ("second (changed two rules)", load(SECOND)),
        ("never tuned on", load(UNSEEN)),
    )
    for title, (after, goals) in sets:
        now, before = score(goals, words, after), score(goals, _lists_only(words), after)
        dutch = sum(g.lang == "nl" for g in goals)
        print(f"\n{title}: {len(goals)} goals ({dutch} Dutch), conversation {after}")
        heads = [
            "letter",
            "fails (label)",
            "precision",
            "recall",
            "baseline precision",
            "baseline recall",
            "ends read right",
        ]
        print("| " + " | ".join(heads) + " |")
        print("|---|---|---|---|---|---|---|")
        for letter, s in now.items():
            b = before[letter]
            fails = sum(not g.holds[letter] for g in goals)
            ends = ""
            if letter == "T":
                timed = sum(g.holds["T"] for g in goals)
                ends = f"{timed - s.wrong_end - s.flagged_wrong} of {timed}"
            print(
                f"| {letter} | {fails} | {s.precision:.1%} | {s.recall:.1%} "
                f"| {b.precision:.1%} | {b.recall:.1%} | {ends} |"
            )
        if args.wrong:
            for s in now.values():
                for line in s.wrong:
                    print(line)


if __name__ == "__main__":
    main()
