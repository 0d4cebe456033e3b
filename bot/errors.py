"""One root error for popbot, with specific children.

Errors a *user* can cause (a bad answer) are not exceptions: the engine turns
them into a message from the script. These exceptions are for operators: a
broken script, an unreadable data file.
"""

from __future__ import annotations


class PopbotError(Exception):
    """Root of every error popbot raises on purpose."""


class StorageError(PopbotError):
    """A data file that cannot be read or written; names the file."""


class DamagedData(StorageError):
    """A data file that exists but cannot be understood (truncated, garbled): never overwritten.

    The message names the file and both ways out (its backup, or a fresh start).
    """
