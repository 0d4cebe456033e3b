"""A person's record, written by one writer at a time: the session under every writer.

A chat turn (load → apply → durable save → reply), the retention purge, an erasure and
the schedule all write people's records. Each takes the session of the record's *owner*
— the person whose chat turn writes it — for the whole of its load → change → save, so
none of them overwrites what another just saved. Across processes and threads that is
the store's lock (`Store.hold`: a lock file per person); within one event loop an
asyncio lock first, so one coroutine at a time waits for it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager

from bot import ids
from bot.ports import Store


def owner_of(record_id: str) -> str:
    """Whose chat turn writes a record: its person; for a manager's preparation of a report
    (`prep|manager|report|…`) the manager; for a check-in or evaluation the employee."""
    return ids.parse(record_id).owner


class Sessions:
    """One turn per owner at a time: an asyncio lock per owner in this process, and the
    store's own hold across processes (`Store.hold`)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, owner: str) -> AsyncIterator[None]:
        """For the event loop: the owner's records to this coroutine until the block ends."""
        async with self._locks.setdefault(owner, asyncio.Lock()):
            free = self.store.hold(owner, wait=False)
            if free.__enter__():  # nobody else has it (the usual case): taken without a thread
                try:
                    yield
                finally:
                    free.__exit__(None, None, None)
                return
            free.__exit__(None, None, None)
            held = self.store.hold(owner)  # another process or thread has it: wait in a thread
            taking = asyncio.ensure_future(asyncio.to_thread(held.__enter__))
            try:
                await asyncio.shield(taking)
            except asyncio.CancelledError:
                # the thread takes the lock anyway: give it back when it has it
                taking.add_done_callback(lambda t: t.exception() or held.__exit__(None, None, None))
                raise
            try:
                yield
            finally:
                held.__exit__(None, None, None)

    @contextmanager
    def writing(self, owner: str) -> Iterator[None]:
        """For a thread or a command (retention, erasure): waits for a turn in progress."""
        with self.store.hold(owner):
            yield
