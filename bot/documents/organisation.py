"""The organisation's side as the employee reads it (seed 003: the organisation's needs come
first; seed 001 §2.3.4: the employer's considerations). The manager fills it in once for the
team and chooses to share it; the employee sees it when it arrives, at the goals' step, with
the draft and the review a week before — always these words, whoever shows it."""

from __future__ import annotations

from datetime import datetime

from bot.dialog.loaded import LoadedScript
from bot.dialog.render import fmt
from bot.documents.draft import build_draft
from bot.domain import EmployeeRecord

SHARE_QUESTION = "delen"  # the organisation script's yes/no: may the team read it?


def shared_text(
    loaded: LoadedScript, org: EmployeeRecord | None, template: str, manager: str, now: datetime
) -> str | None:
    """`loaded`: the organisation script in the reader's language; `template`: the team texts'
    `organisation_shared` ("{manager}", "{points}"). None while it is not shared."""
    if org is None or org.values().get(SHARE_QUESTION) is not True or not template:
        return None
    share = loaded.questions.get(SHARE_QUESTION)
    lines = [
        f"{qa.question}\n{qa.answer}"
        for _title, body in build_draft(loaded, org, now).sections
        for qa in body
        if share is None or qa.question != share.text
    ]
    return fmt(template, manager=manager, points="\n\n".join(lines)) if lines else None
