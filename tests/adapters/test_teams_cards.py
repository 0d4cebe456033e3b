"""Engine messages as Teams activities: literal text, the card per kind of question."""

from __future__ import annotations

import json

from adapters.teams import cards
from bot.messages import Document, Option, Question, Text

NASTY = "**vet** [klik](https://evil.example) <at>iedereen</at> & _schuin_"


def test_text_is_plain_and_card_text_is_never_markdown() -> None:
    (plain,) = cards.text_activities(NASTY)
    assert plain.text == NASTY and plain.text_format == "plain"
    q = Question("q", NASTY, "text", current=NASTY)
    card = cards.question_card(q, "nl")
    runs = [i for block in card["body"] for i in block.get("inlines", [])]
    assert all(r["type"] == "TextRun" for r in runs)  # Adaptive Cards read no Markdown in a TextRun
    assert [r["text"] for r in runs][:2] == [NASTY, NASTY]
    assert '"type": "TextBlock"' not in json.dumps(card)


def test_each_kind_of_question_gets_its_control() -> None:
    short = tuple(Option(str(n), str(n)) for n in range(1, 6))
    long = tuple(Option(f"o{n}", f"Een heel lange keuze nummer {n} met uitleg") for n in range(12))
    scale = cards.question_card(Question("s", "Hoeveel?", "scale", short), "nl")
    assert [a["data"]["o"] for a in scale["actions"]] == ["1", "2", "3", "4", "5"]
    listed = cards.question_card(Question("c", "Welke?", "choice", long), "en")
    choice_set = listed["body"][-1]
    assert choice_set["type"] == "Input.ChoiceSet" and choice_set["style"] == "compact"
    assert listed["actions"][0]["title"] == "Choose"
    multi = cards.question_card(Question("m", "Welke?", "multi", long[:4], done_label="Klaar"), "nl")
    assert multi["body"][-1]["isMultiSelect"] is True and multi["actions"][0]["title"] == "Klaar"
    date = cards.question_card(Question("d", "Wanneer?", "date", hint="bijv. 18-1-2027", optional=True), "nl")
    assert date["body"][-1]["type"] == "Input.Date" and date["actions"][0]["data"]["popbot"] == "date"
    # a date picker needs no "write the date as …"; a question one may skip gets its button
    assert "bijv. 18-1-2027" not in json.dumps(date)
    assert [a["title"] for a in date["actions"]] == ["Deze datum", "Overslaan"]


def test_a_long_draft_is_split_over_cards_and_long_text_over_messages() -> None:
    markdown = "# Concept\n" + "\n".join(f"- **Doel {n}**: {'x' * 400}" for n in range(60))
    sent = cards.activities([Document("pop.md", markdown, caption="Je concept"), Text("y" * 20000)], "nl")
    card_sizes = [len(json.dumps(a.attachments[0].content)) for a in sent if a.attachments]
    assert len(card_sizes) >= 3 and max(card_sizes) < 28_000  # Teams' limit per activity
    texts = [a.text for a in sent if a.text]
    assert len(texts) == 3 and "".join(texts) == "y" * 20000
    first = sent[0].attachments[0].content["body"]
    assert first[0]["inlines"][0] == {"type": "TextRun", "text": "Je concept", "weight": "Bolder"}
    assert first[1]["inlines"][0]["text"] == "Concept" and first[1]["inlines"][0]["weight"] == "Bolder"
