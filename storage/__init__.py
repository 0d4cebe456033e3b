"""Implementations of the store protocol defined in `bot.store`."""

from storage.tinydb_store import TinyDBStore

__all__ = ["TinyDBStore"]
