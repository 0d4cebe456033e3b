"""What every chat adapter holds: the engine, who may talk, and the roster. The script
watcher and the schedule are the runtime's (`bot.app.runtime`), started once for every
platform in the process."""

from __future__ import annotations

from bot.engine.engine import Engine
from bot.people.access import Access
from bot.people.roster import Roster


class ChatAdapter:
    """The parts a platform's adapter translates between: its platform and the engine."""

    def __init__(self, engine: Engine, access: Access, roster: Roster) -> None:
        self.engine = engine
        self.access = access
        self.roster = roster
