"""The store protocol: what the engine needs from storage, nothing more.

`bot/` owns this protocol; `storage/` implements it. Implementations must make
`save` durable before returning (the engine acknowledges an answer only after
it) and must keep the cost of one `load`/`save` independent of how many
employees are stored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from bot.domain import EmployeeRecord


class Store(Protocol):
    def load(self, employee_id: str) -> EmployeeRecord | None:
        """The employee's record, or None if there is none yet."""

    def save(self, record: EmployeeRecord) -> None:
        """Write the record durably: after return it survives a crash."""

    def delete(self, employee_id: str) -> bool:
        """Remove everything stored for the employee; True if there was something."""

    def employee_ids(self) -> Iterator[str]:
        """Every employee with a record."""

    def hold(self, employee_id: str) -> AbstractContextManager[None]:
        """Exclusive use of one employee's record for a whole turn (load, apply, save) among
        every process that shares this store; blocking."""
