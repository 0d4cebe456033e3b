"""Which popbot this is: `popbot --version`, `/metrics`' build info."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as installed


def version() -> str:
    """This popbot's release (the installed package's)."""
    try:
        return installed("popbot")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
