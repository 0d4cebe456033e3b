"""HR's progress counts kept in step with the records: one rule for what a stage is.

The progress log (a port: `ProgressStore`) is what every view counts from — the console's
round, a manager's page, `popbot roster show` — because reading every record for a page of
10,000 people is too slow. The engine and the scheduler write it as people go; `recount` puts
it in step with the records wherever it could have fallen behind: answers given before the
person was in the roster, a data folder from before the log, a migrated copy.
"""

from __future__ import annotations

from bot.domain import milestones
from bot.errors import StorageError
from bot.people.roster import Person
from bot.ports import ProgressStore, Store
from bot.schedule.outbox import Outbox

STAGES = ("reports", "invited", "started", "finished", "delivered", "agreed")


def stages_in_records(store: Store, outbox: Outbox | None, p: Person, damaged: list[str]) -> list[str]:
    """The stages a person's record and plan show reached in their round: the rule the
    progress log is kept by (the engine and the scheduler mark the same as they go). Without
    `outbox`, the record alone (a plan just made has sent nothing)."""
    try:
        record = store.load(p.id)
        entries = outbox.for_person(p.id, damaged) if outbox is not None else []
        sent = {e.kind for e in entries if e.status == "sent"}
    except StorageError as exc:
        damaged.append(f"{p.id}: {exc}")
        return []
    reached = (
        {stage for round_, stage in milestones(record, p.conversation) if round_ == p.conversation}
        if record
        else set()
    )
    reached |= {"invited"} if "invitation" in sent else set()
    reached |= {"delivered"} if "delivery" in sent else set()
    return [s for s in STAGES[1:] if s in reached]


def recount(store: Store, progress: ProgressStore, outbox: Outbox | None, people: list[Person]) -> list[str]:
    """The progress log put in step with the records and plans of these people: whatever they
    show reached and the log lacks is written (the log only grows within a round). Called for
    a data folder without a log, for the people an import adds or moves to a new round (their
    answers may predate the roster), and for a migrated target. Returns what was damaged."""
    damaged: list[str] = []
    active = [p for p in people if p.active]
    logged = progress.progress_of([(p.id, p.conversation) for p in active])
    for p in active:
        missing = [s for s in stages_in_records(store, outbox, p, damaged) if s not in logged[p.id]]
        if missing:
            progress.mark_progress(p.id, p.conversation, missing)
    progress.start_progress()
    return damaged
