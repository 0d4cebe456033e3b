"""The engine: one person's turn, under their session, through the dialog and its features."""

from bot.engine.engine import Engine

__all__ = ["Engine"]
